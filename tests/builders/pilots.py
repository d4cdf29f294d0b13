"""A database whose 2023 batch has its pilots: the shortlist of six published, one objection upheld, the list of five
confirmed on 20 June 2023, letters numbered with 50万元 start-up funding. Built once per test process, copied per
test."""
from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from scoring.common import clock
from scoring.common.access import Grant, Principal, Role, UnitBinding
from scoring.common.accounts import create_user
from scoring.common.models import ActionKind, City
from scoring.pilots.registry import Pilot, pilots
from scoring.publicity.confirmation import LetterSettings, confirm_list, prepare_letters, save_letter_settings
from scoring.publicity.notices import publish_notice
from scoring.publicity.objections import (ObjectionDecision, ObjectionInput, ObjectorKind, decide_objection,
                                          register_objection)
from scoring.storage import Storage, applying_store
from tests.builders.databases import built, opened_copy
from tests.builders.publicity import SETTINGS, shortlisted_database
from tests.builders.rounds import ADMIN, STAFF

ROUND = "2023-01"
CONFIRMED_ON = date(2023, 6, 20)
FUNDING = Decimal("50.00")
PILOTS = 5  # six published, one taken off by an upheld objection


@contextmanager
def on_day(day: date, hour: int = 10) -> Iterator[None]:
    """The domain's clock stopped at `day`, `hour` o'clock, for the block (builders have no monkeypatch)."""
    real = clock.now
    clock.now = lambda: datetime.combine(day, time(hour))
    try:
        yield
    finally:
        clock.now = real


def _confirm_pilots(storage: Storage) -> None:
    notice = publish_notice(storage, STAFF, ROUND, SETTINGS, "会议研究同意公示")
    removed = notice.units[2].credit_code
    filed = register_objection(storage, STAFF, ROUND, ObjectionInput(
        received_on=date(2023, 6, 7), objector_kind=ObjectorKind.PERSON, objector_name="李四", phone="13800000000",
        sealed_or_signed=True, credit_code=removed, content="该单位申报的专利转化数据不实。"))
    decide_objection(storage, STAFF, filed.objection_id, ObjectionDecision.UPHELD, "核实转化金额不实")
    with on_day(CONFIRMED_ON):
        confirm_list(storage, STAFF, ROUND, "公示期满，异议已处理")
        settings = LetterSettings(first_sequence=21, funding_wan=FUNDING, issued_on=CONFIRMED_ON)
        save_letter_settings(storage, STAFF, ROUND, settings)
        prepare_letters(storage, STAFF, ROUND)


@functools.cache
def pilots_database() -> Path:
    return built("pilots", _confirm_pilots, on=shortlisted_database())


def pilots_storage(tmp_path: Path) -> Storage:
    return opened_copy(pilots_database(), tmp_path)


def the_pilots(storage: Storage) -> list[Pilot]:
    return pilots(storage, STAFF, "2023")


def unit_account(pilot: Pilot) -> Principal:
    """The pilot unit's own account (the applicant account that speaks for it)."""
    return Principal(login=pilot.credit_code.lower(), display_name=pilot.unit_name,
                     grants=(Grant(role=Role.APPLICANT, batch_id=pilot.batch_id),),
                     unit=UnitBinding(unit_name=pilot.unit_name, credit_code=pilot.credit_code,
                                      city=City(pilot.city)))


def city_account(city: str, login: str = "city") -> Principal:
    return Principal(login=login, display_name=f"{city}知识产权局",
                     grants=(Grant(role=Role.CITY, city=City(city)),))


def unit_login(storage: Storage, pilot: Pilot) -> str:
    """An applicant account in the database bound to the pilot's unit (as an invitation makes it); its login."""
    login = pilot.credit_code.lower()
    create_user(storage, ADMIN, login, pilot.unit_name, [Grant(role=Role.APPLICANT, batch_id=pilot.batch_id)])
    bind_to_pilot(storage, login, pilot)
    return login


def bind_to_pilot(storage: Storage, login: str, pilot: Pilot) -> None:
    """Bind an applicant account to the pilot's unit, as an invitation does."""
    with storage.transaction(ADMIN.actor) as tx:
        applying_store.bind_unit(tx, login, UnitBinding(unit_name=pilot.unit_name, credit_code=pilot.credit_code,
                                                        city=City(pilot.city)))
        tx.audit(ActionKind.APPLY_UNIT_BIND, f"user/{login}", "申报单位账号", {"credit_code": pilot.credit_code})


def city_login(storage: Storage, city: str, login: str) -> str:
    """A city bureau's account in the database; its login."""
    create_user(storage, ADMIN, login, f"{city}知识产权局", [Grant(role=Role.CITY, city=City(city))])
    return login
