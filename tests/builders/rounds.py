"""Databases for the round and assignment tests: a copy of the sample batch with its pool, or a small batch built
from factories, and the people who act on them."""
from __future__ import annotations

import functools
from pathlib import Path

from scoring.intake import batches
from scoring.common.access import Grant, Principal, Role
from scoring.intake.checks import run_checks
from scoring.common.models import ActionKind, Application, Expert
from scoring.rounds.review_rounds import ReviewRound, create_round, round_settings
from scoring.review.score_sheets import declare_recusal
from scoring.storage import Storage
from scoring.storage import expert_store
from tests.builders.checks import RECOMMENDATION_LETTER
from tests.builders.databases import built, opened_copy
from tests.builders.applications import make_application, make_batch

ADMIN = Principal.command_line("cli:test")
STAFF = Principal(login="staff", display_name="工作人员", grants=(Grant(role=Role.STAFF),))
OBSERVER = Principal(login="watch", display_name="观察员", grants=(Grant(role=Role.OBSERVER),))


def applicant(serial: int, *disciplines: str, **overrides) -> Application:
    """An application that passes the formal check (recommendation letter attached), with these fields."""
    return make_application(serial=serial, attachments=[RECOMMENDATION_LETTER.model_dump()],
                            disciplines=list(disciplines), **overrides)


def expert_principal(expert_id: str) -> Principal:
    return Principal(login=expert_id.lower(), display_name=f"专家{expert_id}", grants=(Grant(role=Role.EXPERT),),
                     expert_id=expert_id)


@functools.cache
def sample_database() -> Path:
    """The sample batch and pool (loading it takes seconds)."""
    return built("sample", lambda storage: batches.load_sample(storage, ADMIN))


def sample_storage(tmp_path: Path) -> Storage:
    """A fresh copy of the sample database, opened."""
    return opened_copy(sample_database(), tmp_path)


def small_storage(tmp_path: Path, applications: list[Application], experts: list[Expert]) -> Storage:
    """A 2023 batch of these applications (checked) and a pool of these experts."""
    storage = Storage(tmp_path / "review.duckdb")
    batch = make_batch()
    storage.create_batch(batch, "admin")
    with storage.transaction("admin") as tx:
        storage.save_applications(tx, applications, source="测试")
        storage.save_check_results(tx, batch.batch_id, {a.credit_code: run_checks(a, batch) for a in applications})
        expert_store.save_experts(tx, experts)
        tx.audit(ActionKind.IMPORT, "batch/2023")
    return storage


def recuse(storage: Storage, round_id: str, expert_id: str, credit_code: str, reason: str = "专家申请回避") -> None:
    """The expert steps back from an application assigned in this round, as the scoring page does (the one recusal
    path: it bars the pair for the whole batch)."""
    declare_recusal(storage, expert_principal(expert_id), round_id, credit_code, reason)


def new_round(storage: Storage, principal: Principal = STAFF, **settings) -> ReviewRound:
    data = {"batch_id": "2023", "kind": "遴选", "rubric_id": "selection", **settings}
    return create_round(storage, principal, round_settings(data), "测试")
