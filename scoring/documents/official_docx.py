"""The publicity notice (公示) and the confirmation letter (确认通知) as Word documents: the values of official.py in
the GB/T 9704 templates of templates/ (built by build_templates.py), rendered with docxtpl's semantics.

A round confirms hundreds of units at once, one letter each, so a template is prepared once — its parts read, its
XML cleaned and compiled by jinja — and each letter only renders and zips (`_Prepared`). The output is what
docxtpl's own `render(…, autoescape=True)` gives (tests/test_official_docx.py compares them)."""
from __future__ import annotations

import functools
import io
import re
import zipfile
from pathlib import Path

from docx.oxml.ns import nsmap
from jinja2 import Environment
from lxml import etree

from scoring.documents.official import LetterDocument, NoticeDocument, chinese_date
from scoring.documents.score_sheet_print import TEMPLATES_DIR, printable

NOTICE_TEMPLATE = TEMPLATES_DIR / "publicity_notice.docx"
LETTER_TEMPLATE = TEMPLATES_DIR / "confirmation_letter.docx"
DRAFT_MARK = "草稿（预览），未正式发布"
_TEMPLATED = re.compile(r"word/(document|header\d*|footer\d*)\.xml")


def _lines(texts: list[str]) -> list[str]:
    return [printable(text) for text in texts]


def notice_context(doc: NoticeDocument) -> dict:
    """What the notice's template reads: plain strings; `columns` names the list's columns and each of `rows` holds
    one unit's cells in that order."""
    return {"draft": doc.draft, "draft_mark": DRAFT_MARK, "title": printable(doc.title), "body": _lines(doc.body),
            "columns": [str(column) for column in doc.columns],
            "rows": [[printable(unit.cell(column)) for column in doc.columns] for unit in doc.units],
            "after_list": _lines(doc.after_list), "contact": _lines(doc.contact.lines()),
            "issuer": printable(doc.issuer), "issued_on": chinese_date(doc.issued_on)}


def copy_line(copy_to: list[str]) -> str:
    """“抄送：沈阳市市场监督管理局，大连市市场监督管理局。” (GB/T 9704 7.4.2), or "" when there is none."""
    names = [printable(name) for name in copy_to if printable(name)]
    return f"抄送：{'，'.join(names)}。" if names else ""


def letter_context(doc: LetterDocument) -> dict:
    """What the letter's template reads: plain strings, the sections as {heading, paragraphs: [{lead, text}]}."""
    return {"issuer": printable(doc.issuer), "number": printable(doc.number), "title": printable(doc.title),
            "addressee": printable(doc.addressee), "opening": _lines(doc.opening),
            "sections": [{"heading": printable(section.heading),
                          "paragraphs": [{"lead": printable(p.lead), "text": printable(p.text)}
                                         for p in section.paragraphs]}
                         for section in doc.sections],
            "closing": _lines(doc.closing), "issued_on": chinese_date(doc.issued_on),
            "copy_line": copy_line(doc.copy_to), "printer": printable(doc.printer),
            "printed_on": chinese_date(doc.printed_on)}


class _Prepared:
    """A Word template ready to render many times: the parts without tags already compressed into a zip, the
    document, headers and footers cleaned by docxtpl (`patch_xml`) and compiled by an autoescaping jinja."""

    def __init__(self, content: bytes):
        from docxtpl import DocxTemplate

        self._tpl = DocxTemplate(io.BytesIO(content))  # for its XML helpers only; never rendered
        environment = Environment(autoescape=True)
        self.templates: dict[str, object] = {}
        static = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(content)) as source, \
                zipfile.ZipFile(static, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if _TEMPLATED.fullmatch(info.filename):
                    xml = etree.tostring(etree.fromstring(data), encoding="unicode")
                    xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", self._tpl.patch_xml(xml))
                    self.templates[info.filename] = environment.from_string(xml)
                else:
                    target.writestr(info, data)
        self.static = static.getvalue()

    def _part(self, name: str, context: dict) -> bytes:
        xml = self.templates[name].render(context)
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        xml = self._tpl.resolve_listing(xml)
        if name == "word/document.xml":
            tree = self._tpl.fix_tables(xml)
            for number, element in enumerate(tree.xpath("//wp:docPr", namespaces=nsmap), 1001):
                element.set("id", str(number))
        else:
            tree = etree.fromstring(xml.encode())
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)

    def render(self, context: dict) -> bytes:
        out = io.BytesIO(self.static)
        out.seek(0, io.SEEK_END)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as target:
            for name in self.templates:
                target.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), self._part(name, context),
                                compress_type=zipfile.ZIP_DEFLATED)
        return out.getvalue()


@functools.lru_cache(maxsize=8)
def _prepared(path: Path, modified: int, size: int) -> _Prepared:
    return _Prepared(path.read_bytes())


def render_prepared(template: Path, context: dict) -> bytes:
    """`render_docx` of score_sheet_print, for templates rendered many times: prepared once per file version."""
    template = Path(template).resolve()
    stat = template.stat()
    return _prepared(template, stat.st_mtime_ns, stat.st_size).render(context)


def notice_docx(doc: NoticeDocument, template: Path | None = None) -> bytes:
    """The publicity notice as .docx (templates/publicity_notice.docx unless another is given)."""
    return render_prepared(template or NOTICE_TEMPLATE, notice_context(doc))


def letter_docx(doc: LetterDocument, template: Path | None = None) -> bytes:
    """One confirmation letter as .docx (templates/confirmation_letter.docx unless another is given)."""
    return render_prepared(template or LETTER_TEMPLATE, letter_context(doc))
