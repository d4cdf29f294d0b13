"""Priority bonuses: prefilled from the form's claims, counted only once verified, capped, each check on record."""
from decimal import Decimal

import pytest

from scoring.common.access import AccessDenied
from scoring.results.bonuses import BonusError, check_bonus, round_bonuses
from tests.builders.rounds import OBSERVER, STAFF, expert_principal
from tests.builders.sheets import assigned_storage, pairs, the_round


@pytest.fixture
def storage(tmp_path):
    opened = assigned_storage(tmp_path)
    yield opened
    opened.close()


def most_claims(storage):
    """The sample application claiming the most priorities."""
    return max(storage.list_applications("2023"), key=lambda a: (len(a.priority_claims), a.credit_code))


def test_claims_in_the_form_prefill_the_bonus_but_count_only_once_verified(storage):
    round_id = the_round(storage).round_id
    application = most_claims(storage)
    assert application.priority_claims

    bonus = round_bonuses(storage, OBSERVER, round_id)[application.credit_code]

    claimed = [line for line in bonus.lines if line.claimed]
    assert len(claimed) == len(application.priority_claims)
    assert all(line.state == "待核实" and line.evidence for line in claimed)
    assert bonus.points == 0


def test_verified_items_count_up_to_the_cap_and_a_failed_check_counts_nothing(storage):
    round_id = the_round(storage).round_id
    code = most_claims(storage).credit_code
    for bonus_id in ("standard", "national_pilot", "navigation_base", "high_value_center"):
        bonus = check_bonus(storage, STAFF, round_id, code, bonus_id, True, "证书核实无误")
    assert (bonus.uncapped, bonus.points) == (Decimal("10"), Decimal("10"))

    bonus = check_bonus(storage, STAFF, round_id, code, "transfer_institution", True, "设立文件核实无误")
    assert (bonus.uncapped, bonus.points) == (Decimal("12"), Decimal("10"))  # the cap holds

    bonus = check_bonus(storage, STAFF, round_id, code, "standard", False, "证书已过期")
    assert (bonus.uncapped, bonus.points) == (Decimal("9"), Decimal("9"))
    standard = next(line for line in bonus.lines if line.item.id == "standard")
    assert standard.state == "核实未通过" and standard.check.note == "证书已过期"


def test_every_check_is_audited_and_the_superseded_one_stays_on_record(storage):
    round_id = the_round(storage).round_id
    code = most_claims(storage).credit_code
    check_bonus(storage, STAFF, round_id, code, "standard", True, "证书核实无误")
    check_bonus(storage, STAFF, round_id, code, "standard", False, "证书已过期")

    entries = storage.audit_log(entity=f"bonus/{round_id}/{code}/standard")
    rows = storage.cursor().execute("SELECT verified, superseded_at IS NULL FROM bonus_checks ORDER BY checked_at, "
                                    "verified DESC").fetchall()

    assert [(e.action, e.reason, e.detail["verified"]) for e in entries] == [
        ("bonus.check", "证书已过期", False), ("bonus.check", "证书核实无误", True)]
    assert rows == [(True, False), (False, True)]


def test_a_check_needs_a_note_a_known_item_and_staff(storage):
    round_id = the_round(storage).round_id
    code = most_claims(storage).credit_code

    with pytest.raises(BonusError, match="必须写明核实情况"):
        check_bonus(storage, STAFF, round_id, code, "standard", True, "")
    with pytest.raises(BonusError, match="没有加分项 charm"):
        check_bonus(storage, STAFF, round_id, code, "charm", True, "核实")
    with pytest.raises(AccessDenied):
        check_bonus(storage, OBSERVER, round_id, code, "standard", True, "核实")
    with pytest.raises(AccessDenied):
        round_bonuses(storage, expert_principal(pairs(storage)[0].expert_id), round_id)
