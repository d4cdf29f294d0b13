"""Storage: schema versions, the audited write path, versioned applications, overrides."""
from __future__ import annotations

import duckdb
import pytest

from scoring.common.models import ActionKind, CheckId, CheckResult, Outcome
from scoring.storage import Storage, StorageError
from scoring.storage.schema import SCHEMA_VERSION
from tests.builders.checks import lean_application, lean_batch


@pytest.fixture
def storage(tmp_path):
    with Storage(tmp_path / "review.duckdb") as store:
        store.create_batch(lean_batch(2023), "tester")
        yield store


def save(storage, apps, actor="tester"):
    with storage.transaction(actor) as tx:
        summary = storage.save_applications(tx, apps, source="test.json")
        tx.audit(ActionKind.IMPORT, "batch/2023")
    return summary


def test_new_database_records_the_current_schema_version(tmp_path):
    with Storage(tmp_path / "new.duckdb") as store:
        assert store.schema_version() == SCHEMA_VERSION


def test_reopening_a_database_does_not_migrate_it_again(tmp_path):
    path = tmp_path / "again.duckdb"
    Storage(path).close()

    with Storage(path) as store:
        versions = store.cursor().execute("SELECT count(*) FROM schema_version").fetchone()[0]

    assert versions == SCHEMA_VERSION


def test_database_from_a_newer_program_is_refused(tmp_path):
    path = tmp_path / "future.duckdb"
    Storage(path).close()
    with duckdb.connect(str(path)) as conn:
        conn.execute("INSERT INTO schema_version VALUES (?, now())", [SCHEMA_VERSION + 1])

    with pytest.raises(StorageError, match="高于本程序支持"):
        Storage(path)


def test_a_write_without_an_audit_entry_is_rolled_back(storage):
    with pytest.raises(StorageError, match="缺少审计记录"):
        with storage.transaction("tester") as tx:
            tx.execute("INSERT INTO batches VALUES ('2024', 2024, '{}', now())")

    assert storage.get_batch("2024") is None


def test_an_exception_inside_a_transaction_leaves_the_database_as_it_was(storage):
    before = storage.data_version()

    with pytest.raises(RuntimeError):
        with storage.transaction("tester") as tx:
            storage.save_applications(tx, [lean_application()], source="test.json")
            tx.audit(ActionKind.IMPORT, "batch/2023")
            raise RuntimeError("power cut")

    assert storage.count_applications("2023") == 0
    assert storage.data_version() == before


def test_a_write_needs_an_actor(storage):
    with pytest.raises(StorageError, match="操作人"):
        with storage.transaction("") as tx:
            tx.audit(ActionKind.IMPORT, "batch/2023")


def test_saving_the_same_unit_again_keeps_one_application_and_the_previous_version(storage):
    first = lean_application()
    changed = lean_application(basic={"address": "辽宁省大连市高新园区1号"})

    save(storage, [first])
    summary = save(storage, [changed])

    assert summary.updated == [first.credit_code]
    assert storage.count_applications("2023") == 1
    assert storage.application_version("2023", first.credit_code) == 2
    assert storage.get_application("2023", first.credit_code).basic.address == "辽宁省大连市高新园区1号"
    assert storage.old_application("2023", first.credit_code, 1) == first


def test_saving_an_identical_application_makes_no_new_version(storage):
    app = lean_application()
    save(storage, [app])

    summary = save(storage, [app])

    assert summary.unchanged == [app.credit_code]
    assert storage.application_version("2023", app.credit_code) == 1
    assert storage.application_history("2023", app.credit_code) == []


def test_every_created_and_updated_application_is_audited_with_its_actor(storage):
    app = lean_application()
    save(storage, [app], actor="张三")
    save(storage, [lean_application(basic={"phone": "0411-12345678"})], actor="李四")

    entries = storage.audit_log(entity=f"application/2023/{app.credit_code}")

    assert [(e.action, e.actor) for e in entries] == [("application.update", "李四"), ("application.create", "张三")]


def test_override_replaces_the_outcome_and_keeps_the_computed_result(storage):
    app = lean_application()
    save(storage, [app])
    with storage.transaction("tester") as tx:
        storage.save_check_results(tx, "2023", {app.credit_code: [
            CheckResult(check_id=CheckId.UNIT_TYPE, outcome=Outcome.DECIDE, reasons=["其他类型"])]})
        tx.audit(ActionKind.CHECK_RUN, "batch/2023")

    storage.set_override("2023", app.credit_code, CheckId.UNIT_TYPE, Outcome.PASS, "经核实为科研院所", "王五")
    item = storage.check_report("2023", app.credit_code).results[0]

    assert item.outcome is Outcome.PASS
    assert item.computed.outcome is Outcome.DECIDE
    assert item.override.decided_by == "王五"
    assert storage.audit_log(limit=1)[0].reason == "经核实为科研院所"


def test_override_without_a_reason_is_refused(storage):
    app = lean_application()
    save(storage, [app])

    with pytest.raises(StorageError, match="理由"):
        storage.set_override("2023", app.credit_code, CheckId.UNIT_TYPE, Outcome.PASS, " ", "王五")


def test_clearing_an_override_restores_the_computed_outcome_and_keeps_the_history(storage):
    app = lean_application()
    save(storage, [app])
    with storage.transaction("tester") as tx:
        storage.save_check_results(tx, "2023", {app.credit_code: [
            CheckResult(check_id=CheckId.DEADLINE, outcome=Outcome.FAIL, reasons=["逾期"])]})
        tx.audit(ActionKind.CHECK_RUN, "batch/2023")
    storage.set_override("2023", app.credit_code, CheckId.DEADLINE, Outcome.PASS, "系统故障顺延", "王五")

    storage.clear_override("2023", app.credit_code, CheckId.DEADLINE, "顺延未获批准", "赵六")

    assert storage.check_report("2023", app.credit_code).results[0].outcome is Outcome.FAIL
    history = storage.override_history("2023", app.credit_code)
    assert history[0]["cleared_by"] == "赵六" and history[0]["cleared_reason"] == "顺延未获批准"


def test_data_version_moves_with_every_change_of_state(storage):
    before = storage.data_version()

    save(storage, [lean_application()])

    assert storage.data_version() > before


def test_the_audit_log_is_never_updated_or_deleted_by_the_code():
    from scoring.storage import queries

    statements = [value.upper() for name, value in vars(queries).items() if name.isupper()]

    assert not [s for s in statements if "AUDIT_LOG" in s and ("UPDATE" in s or "DELETE" in s)]
