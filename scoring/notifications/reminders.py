"""Reminders before a review round closes: on each of MailSettings.reminder_days calendar days before the close,
one REVIEW_CLOSING notice to every expert of the round with sheets not yet submitted — once per round and day,
however often the timer runs."""
from __future__ import annotations

from collections import Counter
from datetime import datetime

from scoring.applying.invitations import send_unit_deadline_reminders
from scoring.common import clock
from scoring.common.models import ActionKind, SheetStatus
from scoring.notifications.assignments import round_facts
from scoring.notifications.mailer import mail_settings
from scoring.notifications.notices import NoticeKind
from scoring.notifications.outbox import DeliveryReport, deliver_pending, notify
from scoring.rounds.review_rounds import ReviewRound, round_entity
from scoring.storage import Storage
from scoring.storage import account_store, round_store, sheet_store
from scoring.storage import notification_store as store

REMINDER_ACTOR = "system:reminders"
FINISHED = (SheetStatus.SUBMITTED, SheetStatus.RECUSED)


def days_before_close(review_round: ReviewRound, now: datetime) -> int | None:
    """Calendar days from `now` to the round's close (0 on the closing day), None once closed or past the close."""
    if review_round.closes_at is None or review_round.closed_at is not None or now >= review_round.closes_at:
        return None
    return (review_round.closes_at.date() - now.date()).days


def unfinished_by_expert(storage: Storage, round_id: str) -> Counter[str]:
    """expert id → how many of the round's assigned sheets are neither submitted nor recused."""
    states = sheet_store.sheet_states(storage, round_id)
    return Counter(p.expert_id for p in round_store.current_pairs(storage, round_id)
                   if states.get((p.credit_code, p.expert_id), (SheetStatus.NOT_STARTED,))[0] not in FINISHED)


def reminder_key(round_id: str, days: int) -> str:
    return f"review-closing/{round_id}/{days}"


def send_due_reminders(storage: Storage, now: datetime) -> list[int]:
    """Write the reminders due at `now` (deliver them with deliver_pending); returns the notices written."""
    reminder_days = set(mail_settings(storage).reminder_days)
    written: list[int] = []
    for data in round_store.load_rounds_json(storage):
        review_round = ReviewRound.model_validate_json(data)
        days = days_before_close(review_round, now)
        if days is None or days not in reminder_days:
            continue
        key = reminder_key(review_round.round_id, days)
        due = {}
        for expert_id, count in sorted(unfinished_by_expert(storage, review_round.round_id).items()):
            login = account_store.login_of_expert(storage, expert_id)
            if login and not store.once_key_used(storage, login, key):
                due[login] = count
        if not due:
            continue
        with storage.transaction(REMINDER_ACTOR) as tx:
            for login, count in due.items():
                notice_id = notify(tx, login, NoticeKind.REVIEW_CLOSING,
                                   {**round_facts(review_round), "unfinished": str(count)}, once_key=key)
                if notice_id is not None:
                    written.append(notice_id)
            tx.audit(ActionKind.NOTICE_QUEUE, round_entity(review_round.batch_id, review_round.round_id),
                     f"评审截止前 {days} 天提醒", {"experts": sorted(due), "days": days})
    return written


def scheduled_run(storage: Storage, now: datetime | None = None) -> DeliveryReport:
    """What the server's timer does once a minute: write the reminders due, then deliver every pending notice."""
    now = now or clock.now()
    send_due_reminders(storage, now)
    send_unit_deadline_reminders(storage, now)
    return deliver_pending(storage)
