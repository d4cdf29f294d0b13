"""One writer, no surprise: a command run while another process (the app) holds the database says so in one
Chinese line and exits non-zero."""
from __future__ import annotations


import pytest

from scoring.cli.main import main
from scoring.storage import Storage
from scoring.storage.lock import holder
from scoring.storage.store import DatabaseInUse
from tests.builders.processes import held_by_another_process

@pytest.fixture
def db(tmp_path):
    path = tmp_path / "review.duckdb"
    Storage(path).close()
    return path


def test_duckdbs_lock_message_names_the_holder():
    message = ('IO Error: Could not set lock on file "/x/review.duckdb": Conflicting lock is held in '
               '/usr/bin/python3.11 (PID 5305). See also https://duckdb.org/docs/current/connect/concurrency')

    assert holder(message) == ("/usr/bin/python3.11", 5305)
    assert holder("IO Error: Cannot open file") is None


def test_a_writing_command_while_the_app_holds_the_database_says_so_in_one_line_and_exits_non_zero(db, capsys):
    with held_by_another_process(db) as pid:
        status = main(["user", "add", "wangli", "--display-name", "王丽", "--role", "staff", "--db", str(db)])

    err = capsys.readouterr().err.strip()
    assert status != 0
    assert len(err.splitlines()) == 1
    assert f"进程 {pid}" in err and "先停止应用" in err and "Conflicting" not in err


def test_opening_a_held_database_raises_database_in_use(db):
    with held_by_another_process(db), pytest.raises(DatabaseInUse, match="同一时间只能有一个程序"):
        Storage(db)
