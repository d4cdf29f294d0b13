"""The files of an acceptance or final round: the results list (each pilot's score and outcome), the final
evaluation's list of the pilots that passed (.xlsx or .csv), and every pilot's result letter (.docx and .pdf each,
with the merged PDF, in one zip). Made from what is stored, so they can be made again at any time."""
from __future__ import annotations

from datetime import date

from scoring.common.access import Principal
from scoring.common.models import PROGRAM_TITLE
from scoring.documents.official import ListColumn
from scoring.pilots.outcomes import OutcomeError, final_list, listed, outcome_letters, pilot_round, proposed_outcomes
from scoring.publicity.files import ListFormat, letter_names, list_bytes, render_letter_files, zip_files
from scoring.storage import Storage

RESULT_COLUMNS = [ListColumn.ORDER, ListColumn.NAME, ListColumn.CITY, ListColumn.CREDIT_CODE, ListColumn.SCORE,
                  ListColumn.OUTCOME]
FINAL_COLUMNS = [ListColumn.ORDER, ListColumn.NAME, ListColumn.TYPE, ListColumn.CITY, ListColumn.SCORE]


def results_list(storage: Storage, principal: Principal, round_id: str, fmt: ListFormat = "xlsx") -> bytes:
    """Every decided pilot of the round in ranking order with its score and outcome."""
    review_round, _ = pilot_round(storage, round_id)
    decided = [p for p in proposed_outcomes(storage, principal, round_id) if p.decided is not None]
    if not decided:
        raise OutcomeError("尚未决定任何试点的结果。")
    units = [unit.model_copy(update={"outcome": proposal.decided.outcome})
             for unit, proposal in zip(listed(storage, principal, review_round, decided), decided, strict=True)]
    title = f"{review_round.year_and_kind}结果（{PROGRAM_TITLE}）"
    provenance = f"评审轮次 {review_round.label}，共 {len(units)} 个试点，结果经会议研究决定"
    return list_bytes(title, provenance, RESULT_COLUMNS, units, fmt)


def final_list_file(storage: Storage, principal: Principal, round_id: str, fmt: ListFormat = "xlsx") -> bytes:
    """The final evaluation's list: the pilots that passed, in ranking order."""
    review_round, _ = pilot_round(storage, round_id)
    units = final_list(storage, principal, round_id)
    title = f"{PROGRAM_TITLE}综合评估通过名单（{review_round.batch_id}批次）"
    return list_bytes(title, f"评审轮次 {review_round.label}，通过 {len(units)} 个", FINAL_COLUMNS, units, fmt)


def letters_zip(storage: Storage, principal: Principal, round_id: str, issued_on: date) -> bytes:
    """Every decided pilot's result letter as .docx and .pdf, and all of them merged in one PDF, zipped."""
    letters = outcome_letters(storage, principal, round_id, issued_on)
    documents, merged = render_letter_files(letters, letter_names(letters))
    return zip_files({**documents, f"结果通知（合并）-{round_id}.pdf": merged})
