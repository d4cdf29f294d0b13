"""Databases with a committed selection round on the sample batch, for the score sheet and ranking tests: assigned,
and scored (built once per test process, copied per test), and what tests read of the round."""
from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

from scoring.rounds.assignment import commit_assignment, preview_assignment
from scoring.rounds.review_rounds import ReviewRound, list_rounds, round_rubric
from scoring.review.rubrics import Rubric
from scoring.storage import Storage
from scoring.storage import round_store
from scoring.storage.round_store import StoredPair
from scoring.review.score_sheets import submit_sheet
from tests.builders.databases import built, opened_copy
from tests.builders.rounds import STAFF, expert_principal, new_round, sample_database


def _assign_a_round(storage: Storage) -> None:
    review_round = new_round(storage, title="2023年度遴选评审", min_load=1, max_load=4)
    commit_assignment(storage, STAFF, review_round.round_id, preview_assignment(storage, STAFF, review_round.round_id),
                      "测试分配")


@functools.cache
def assigned_database() -> Path:
    """The sample batch with round 2023-01 (selection rubric) assigned: 130 pairs, 60 experts."""
    return built("assigned", _assign_a_round, on=sample_database())


def assigned_storage(tmp_path: Path) -> Storage:
    """A fresh copy of the assigned database, opened."""
    return opened_copy(assigned_database(), tmp_path)


def _score_most_sheets(storage: Storage) -> None:
    criteria = rubric(storage).criteria
    for i, pair in enumerate(pairs(storage)):
        if i % 11 == 5:
            continue
        cuts = {"management": Decimal(i % 7), "conversion": Decimal(i % 3)}
        if i % 17 == 3:  # now and then an expert far below the others
            cuts |= {"management": Decimal(15), "creation": Decimal(14)}
        scores = {c.id: c.max_points - cuts.get(c.id, 0) for c in criteria}
        submit_sheet(storage, expert_principal(pair.expert_id), pair.round_id, pair.credit_code,
                     {"scores": scores, "comments": {c.id: "评语" for c in criteria}, "opinion": "推荐",
                      "opinion_text": "同意推荐"})


@functools.cache
def scored_database() -> Path:
    """Round 2023-01 with most sheets submitted at varied totals (every 11th pair left open: incomplete panels;
    every 17th far below the rest: disagreement)."""
    return built("scored", _score_most_sheets, on=assigned_database())


def the_round(storage: Storage) -> ReviewRound:
    return list_rounds(storage, STAFF, "2023")[0]


def rubric(storage: Storage) -> Rubric:
    return round_rubric(storage, the_round(storage))


def pairs(storage: Storage) -> list[StoredPair]:
    return round_store.current_pairs(storage, the_round(storage).round_id)


def full_marks(rubric: Rubric, **overrides) -> dict:
    """A complete sheet: every criterion at its maximum, the comments the rubric always requires, an opinion."""
    return {"scores": {c.id: c.max_points for c in rubric.criteria},
            "comments": {c.id: "评语" for c in rubric.criteria if c.needs_comment(c.max_points)},
            "opinion": "推荐", "opinion_text": "同意推荐", **overrides}


def points(value: str) -> Decimal:
    return Decimal(value)
