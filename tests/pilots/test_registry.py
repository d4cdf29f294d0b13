"""The pilot registry: created exactly from the confirmed list in the transaction that confirms it (an upheld
objection's unit absent), with period, letter number, funding and the plan's goals; who sees which pilot; status
changes by staff."""
from decimal import Decimal

import pytest

from scoring.common.access import AccessDenied
from scoring.common.models import PilotStatus
from scoring.pilots import registry
from scoring.pilots.goals import GoalError, GoalKey, PilotGoal
from scoring.pilots.registry import PilotError
from scoring.publicity.confirmation import current_confirmation
from tests.builders.pilots import FUNDING, ROUND, city_account, pilots_storage, the_pilots, unit_account
from tests.builders.rounds import OBSERVER, STAFF


@pytest.fixture
def storage(tmp_path):
    opened = pilots_storage(tmp_path)
    yield opened
    opened.close()


def test_the_pilots_are_the_confirmed_units_in_list_order_and_the_upheld_objections_unit_is_not_one(storage):
    confirmed = current_confirmation(storage, STAFF, ROUND)
    pilots = the_pilots(storage)

    assert [(p.credit_code, p.list_order) for p in pilots] == [(u.credit_code, u.order) for u in confirmed.units]
    [removed] = confirmed.removed
    assert removed.credit_code not in {p.credit_code for p in pilots}
    with pytest.raises(PilotError, match="没有统一社会信用代码为"):
        registry.get_pilot(storage, STAFF, "2023", removed.credit_code)


def test_each_pilot_has_the_three_year_period_its_letter_number_and_funding_and_is_audited(storage):
    pilots = the_pilots(storage)

    assert {(p.first_year, p.last_year, p.period, p.status) for p in pilots} == {
        (2023, 2025, "2023—2025年", PilotStatus.BUILDING)}
    assert [p.letter_number for p in pilots] == [f"辽知发〔2023〕{n}号" for n in range(21, 26)]
    assert {p.funding_wan for p in pilots} == {FUNDING}
    [created] = [e for e in storage.audit_log(entity=registry.pilot_entity("2023", pilots[0].credit_code))
                 if e.action == "pilot.create"]
    assert created.detail["period"] == "2023-2025" and created.reason == "公示期满，异议已处理"


def test_the_goals_are_read_from_each_pilots_plan(storage):
    goals = registry.pilot_goals(storage, STAFF, "2023", the_pilots(storage)[0].credit_code)

    assert goals and all(g.source == "建设方案" and g.quote for g in goals)


def test_a_unit_sees_only_its_own_pilot_and_a_bureau_only_its_citys(storage):
    first, second = the_pilots(storage)[:2]

    assert [p.credit_code for p in registry.pilots(storage, unit_account(first))] == [first.credit_code]
    with pytest.raises(AccessDenied):
        registry.get_pilot(storage, unit_account(first), "2023", second.credit_code)
    assert len(registry.pilots(storage, city_account("沈阳市"))) == 5
    assert registry.pilots(storage, city_account("大连市")) == []
    assert len(registry.pilots(storage, OBSERVER)) == 5


def test_staff_revoke_a_pilot_with_a_reason_and_a_revoked_pilot_stays_revoked(storage):
    pilot = the_pilots(storage)[0]
    with pytest.raises(PilotError, match="请写明理由"):
        registry.set_status(storage, STAFF, "2023", pilot.credit_code, 2024, PilotStatus.REVOKED, "")
    with pytest.raises(PilotError, match="2026 年不在"):
        registry.set_status(storage, STAFF, "2023", pilot.credit_code, 2026, PilotStatus.REVOKED, "主动退出")
    with pytest.raises(AccessDenied):
        registry.set_status(storage, unit_account(pilot), "2023", pilot.credit_code, 2024, PilotStatus.REVOKED,
                            "主动退出")

    revoked = registry.set_status(storage, STAFF, "2023", pilot.credit_code, 2024, PilotStatus.REVOKED, "主动退出")

    assert revoked.status is PilotStatus.REVOKED and revoked.status_year == 2024
    with pytest.raises(PilotError, match="已撤销"):
        registry.set_status(storage, STAFF, "2023", pilot.credit_code, 2024, PilotStatus.BUILDING, "恢复")


def test_staff_set_goals_within_the_period_each_once(storage):
    pilot = the_pilots(storage)[0]
    yearly = PilotGoal(key=GoalKey.CONVERTED, value=Decimal(60), year=2024)
    with pytest.raises(GoalError, match="不在建设期"):
        registry.set_goals(storage, STAFF, "2023", pilot.credit_code, [yearly.model_copy(update={"year": 2022})],
                           "按方案")
    with pytest.raises(GoalError, match="重复"):
        registry.set_goals(storage, STAFF, "2023", pilot.credit_code, [yearly, yearly], "按方案")

    registry.set_goals(storage, STAFF, "2023", pilot.credit_code, [yearly], "按建设方案核定")

    assert registry.pilot_goals(storage, OBSERVER, "2023", pilot.credit_code) == [yearly]
