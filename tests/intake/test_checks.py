"""run_checks: one result per CheckId, in CheckId order, judged against the application's own batch."""
from datetime import date

import pytest

from scoring.intake.checks import RULES, run_checks
from scoring.common.models import CheckId, Outcome
from tests.builders.checks import lean_application, lean_batch


def test_every_check_id_has_a_rule():
    assert set(RULES) == set(CheckId)


def test_run_checks_returns_one_result_per_check_in_check_id_order():
    app = lean_application()

    results = run_checks(app, lean_batch(2023))

    assert [r.check_id for r in results] == list(CheckId)


def test_complete_eligible_application_passes_every_check():
    app = lean_application()

    results = run_checks(app, lean_batch(2023))

    assert {r.check_id: r.outcome for r in results} == {c: Outcome.PASS for c in CheckId}
    assert all(r.reasons for r in results)


def test_each_failing_part_shows_in_its_own_check_only():
    app = lean_application(submitted_on=date(2023, 6, 3), enterprises_connected=None)

    results = {r.check_id: r.outcome for r in run_checks(app, lean_batch(2023))}

    assert results.pop(CheckId.DEADLINE) is Outcome.FAIL
    assert results.pop(CheckId.CONVERSION) is Outcome.DECIDE
    assert set(results.values()) == {Outcome.PASS}


def test_checks_use_the_batch_window_and_deadline():
    app = lean_application(batch_id="2024", submitted_on=date(2024, 5, 30))

    results = {r.check_id: r for r in run_checks(app, lean_batch(2024))}

    assert results[CheckId.DEADLINE].outcome is Outcome.PASS
    assert results[CheckId.PATENT_OUTPUT].outcome is Outcome.DECIDE  # the builder fills 2020–2022 only
    assert "缺少2023年数据" in results[CheckId.PATENT_OUTPUT].reasons[0]


def test_checking_against_another_batch_is_refused():
    app = lean_application(batch_id="2023")

    with pytest.raises(ValueError, match="申报书属于批次“2023”"):
        run_checks(app, lean_batch(2024))
