"""AppTest fixtures: the real entry script on a fresh database per test, with the operator filled in."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "review.duckdb"
    monkeypatch.setenv("SCORING_DB", str(path))
    return path


@pytest.fixture
def app(db_path, monkeypatch) -> AppTest:
    """The app as staff see it, signed as operator 测试员; the sample batch loads on the first run."""
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "review_app.py"), default_timeout=60)
    at.session_state["operator"] = "测试员"
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}")
    at.run()
    assert not at.exception, at.exception
    return at
