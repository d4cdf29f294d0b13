"""A database whose round 2023-01 is scored, closed and has a frozen shortlist of six units, for the publicity tests:
built once per test process, copied per test."""
from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from pathlib import Path

from scoring.documents.official import Contact
from scoring.publicity.notices import NoticeSettings
from scoring.rounds.review_rounds import close_round
from scoring.review.score_sheets import submit_sheet
from scoring.results.shortlist import ShortlistMode, ShortlistRule, freeze_shortlist
from scoring.storage import Storage
from tests.builders.rounds import STAFF, expert_principal
from tests.builders.databases import built, opened_copy
from tests.builders.sheets import assigned_database, pairs, rubric, the_round

SHORTLISTED = 6
CONTACT = Contact(person="王明", phone="024-12345678", fax="024-87654321", email="zscq@ln.gov.cn",
                  address="沈阳市和平区某路1号", postcode="110001")
# Monday 5 June 2023: five working days end on Friday 9 June.
SETTINGS = NoticeSettings(start_date=date(2023, 6, 5), contact=CONTACT)


def _shortlist_six(storage: Storage) -> None:
    round_id = the_round(storage).round_id
    criteria = rubric(storage).criteria
    codes = sorted({p.credit_code for p in pairs(storage)})[:SHORTLISTED + 2]
    for cut, code in enumerate(codes):
        expert = next(p.expert_id for p in pairs(storage) if p.credit_code == code)
        scores = {c.id: c.max_points - (Decimal(cut) if c.id == "management" else 0) for c in criteria}
        submit_sheet(storage, expert_principal(expert), round_id, code,
                     {"scores": scores, "comments": {c.id: "评语" for c in criteria}, "opinion": "推荐",
                      "opinion_text": "同意"})
    close_round(storage, STAFF, round_id, "评审结束")
    freeze_shortlist(storage, STAFF, round_id, ShortlistRule(mode=ShortlistMode.TOP_N, top_n=SHORTLISTED),
                     "会议研究确定")


@functools.cache
def shortlisted_database() -> Path:
    """The sample batch with round 2023-01 closed and a shortlist (version 1) of six units."""
    return built("shortlisted", _shortlist_six, on=assigned_database())


def shortlisted_storage(tmp_path: Path) -> Storage:
    """A fresh copy of the shortlisted database, opened."""
    return opened_copy(shortlisted_database(), tmp_path)
