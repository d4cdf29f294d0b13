"""Roles and permissions: each role may do exactly what it carries, in the batches it was granted."""
from __future__ import annotations

import pytest

from scoring.common.access import AccessDenied, Grant, Permission, Principal, Role, may_see_application, require
from scoring.common.models import City


def person(*grants: Grant) -> Principal:
    return Principal(login="someone", display_name="某人", grants=grants)


def test_staff_may_import_but_not_manage_accounts():
    staff = person(Grant(role=Role.STAFF))

    assert staff.can(Permission.IMPORT_APPLICATIONS, "2023")
    assert not staff.can(Permission.MANAGE_ACCOUNTS)


def test_observer_reads_everything_and_changes_nothing():
    observer = person(Grant(role=Role.OBSERVER))

    assert observer.can(Permission.VIEW_APPLICATIONS, "2023")
    assert not any(observer.can(p, "2023") for p in (Permission.IMPORT_APPLICATIONS, Permission.OVERRIDE_CHECKS,
                                                     Permission.MANAGE_ROUNDS, Permission.SCORE))


def test_a_role_granted_for_one_batch_does_not_reach_another():
    staff_2023 = person(Grant(role=Role.STAFF, batch_id="2023"))

    assert staff_2023.can(Permission.OVERRIDE_CHECKS, "2023")
    assert not staff_2023.can(Permission.OVERRIDE_CHECKS, "2024")


def test_require_names_the_missing_permission_in_chinese():
    expert = person(Grant(role=Role.EXPERT))

    with pytest.raises(AccessDenied, match="导入申报书"):
        require(expert, Permission.IMPORT_APPLICATIONS, "2023")


def test_city_bureau_sees_only_its_own_city():
    dalian = person(Grant(role=Role.CITY, city=City.DALIAN))

    assert may_see_application(dalian, "2023", City.DALIAN)
    assert not may_see_application(dalian, "2023", City.SHENYANG)


def test_expert_sees_no_application_through_the_general_list():
    expert = person(Grant(role=Role.EXPERT))

    assert not may_see_application(expert, "2023", City.DALIAN)


def test_the_command_line_acts_as_an_administrator():
    cli = Principal.command_line("cli:root")

    assert cli.can(Permission.MANAGE_ACCOUNTS) and cli.actor == "cli:root"
