"""Telling experts of their review tasks: a notice to each expert given new applications, written inside the
transaction that commits the assignment (scoring/rounds/assignment.py)."""
from __future__ import annotations

from collections.abc import Iterable

from scoring.notifications.notices import NoticeKind
from scoring.notifications.outbox import notify
from scoring.rounds.review_rounds import ReviewRound
from scoring.storage import Transaction
from scoring.storage import account_store
from scoring.storage import round_store


def round_name(review_round: ReviewRound) -> str:
    """How a notice names a round: its number and title (2023-01 遴选)."""
    return f"{review_round.round_id} {review_round.title or review_round.kind}"


def round_facts(review_round: ReviewRound) -> dict[str, str]:
    facts = {"round": round_name(review_round)}
    if review_round.closes_at:
        facts["closes_at"] = review_round.closes_at.isoformat(sep=" ", timespec="minutes")
    return facts


def tell_experts_assigned(tx: Transaction, review_round: ReviewRound, expert_ids: Iterable[str]) -> list[int]:
    """An ASSIGNED notice to each of these experts that has an account, with their whole load in the round as it
    now stands in `tx`; an expert without an account is told by staff (评审进度 lists their phone)."""
    load: dict[str, int] = {}
    for pair in round_store.current_pairs(tx, review_round.round_id):
        load[pair.expert_id] = load.get(pair.expert_id, 0) + 1
    written = []
    for expert_id in sorted(set(expert_ids)):
        login = account_store.login_of_expert(tx, expert_id)
        if login and load.get(expert_id):
            written.append(notify(tx, login, NoticeKind.ASSIGNED,
                                  {**round_facts(review_round), "count": str(load[expert_id])}))
    return written
