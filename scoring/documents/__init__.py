"""Documents in and out; this module holds what every reader of an input file returns."""
from __future__ import annotations

from pydantic import BaseModel

from scoring.common.models import Application, Attachment, AttachmentKind, ImportIssue, IssueCounts, Severity


MAX_FILE_BYTES = 30 * 1024 * 1024  # one uploaded or imported file, whatever its kind


class AttachmentReference(BaseModel):
    """A file an application names (by file name), located where it was named."""

    credit_code: str
    kind: AttachmentKind
    filename: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    known: Attachment | None = None  # from a JSON file: the attachment as it was stored before


class ParsedFile(IssueCounts, BaseModel):
    """What one input file holds: its applications, the files they name, and every problem found."""

    filename: str
    applications: list[Application] = []
    issues: list[ImportIssue] = []
    references: list[AttachmentReference] = []
    origins: dict[str, tuple[str, int]] = {}  # credit code → (sheet, row) where the application starts


class IssueLog:
    """Collects the problems of one file, each with its location."""

    def __init__(self, filename: str):
        self.filename = filename
        self.issues: list[ImportIssue] = []

    def for_file(self, filename: str) -> IssueLog:
        """A log for another file that records into the same list."""
        other = IssueLog(filename)
        other.issues = self.issues
        return other

    def error(self, message: str, sheet: str = "", row: int | None = None, column: str = "") -> None:
        self._add(Severity.ERROR, message, sheet, row, column)

    def warning(self, message: str, sheet: str = "", row: int | None = None, column: str = "") -> None:
        self._add(Severity.WARNING, message, sheet, row, column)

    def _add(self, severity: Severity, message: str, sheet: str, row: int | None, column: str) -> None:
        self.issues.append(ImportIssue(severity=severity, file=self.filename, sheet=sheet, row=row,
                                       column=column, message=message))

    @property
    def has_errors(self) -> bool:
        return any(i.severity is Severity.ERROR for i in self.issues)
