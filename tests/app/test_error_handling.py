"""Pages show a refusal (ReviewError) as a banner through common.shown_errors and nothing else: no handler of a page
catches so wide that a bug would be shown to users as if it were a refusal."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = sorted((ROOT / "app_pages").rglob("*.py")) + [ROOT / "review_app.py"]
# What a handler of a page must not name: these catch bugs along with refusals (a pydantic ValidationError is a
# ValueError too; the domain turns form input it cannot read into an InputError).
TOO_WIDE = {"Exception", "BaseException", "ValueError", "OSError", "ValidationError"}


def caught_names(handler: ast.ExceptHandler) -> list[str]:
    if handler.type is None:
        return ["except:"]
    named = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return [n.attr if isinstance(n, ast.Attribute) else getattr(n, "id", ast.unparse(n)) for n in named]


def too_wide_handlers(source: str, filename: str) -> list[str]:
    return [f"{filename}:{node.lineno}: {name}" for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.ExceptHandler)
            for name in caught_names(node) if name == "except:" or name in TOO_WIDE]


def test_the_walk_covers_the_entry_the_widgets_and_every_section():
    folders = {p.parent.name for p in PAGE_FILES}

    assert ROOT / "review_app.py" in PAGE_FILES and {"widgets", "intake", "review", "results", "publicity",
                                                       "expert", "system"} <= folders


def test_no_page_catches_more_than_refusals():
    found = [line for path in PAGE_FILES
             for line in too_wide_handlers(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]

    assert found == []


@pytest.mark.parametrize(("handler", "named"), [
    ("except:", "except:"), ("except Exception:", "Exception"), ("except BaseException as exc:", "BaseException"),
    ("except ValueError:", "ValueError"), ("except builtins.OSError:", "OSError"),
    ("except (RoundError, ValueError) as exc:", "ValueError"), ("except pydantic.ValidationError:", "ValidationError")])
def test_a_wide_handler_is_found_alone_or_in_a_tuple(handler, named):
    source = f"try:\n    pass\n{handler}\n    pass\n"

    assert too_wide_handlers(source, "page.py") == [f"page.py:3: {named}"]


def test_a_handler_of_one_refusal_is_allowed():
    source = "try:\n    pass\nexcept (StaleSheet, SheetIncomplete):\n    pass\nexcept UnicodeDecodeError:\n    pass\n"

    assert too_wide_handlers(source, "page.py") == []


def refusing_page():
    import streamlit as st

    from app_pages.widgets import common
    from scoring.rounds.review_rounds import RoundError

    with common.shown_errors():
        raise RoundError("评审轮次 2023-99 不存在。")
    st.write("之后照常显示")


def failing_page():
    from app_pages.widgets import common

    with common.shown_errors():
        raise KeyError("a bug")


def test_shown_errors_shows_a_refusal_and_the_page_goes_on():
    at = AppTest.from_function(refusing_page).run()

    assert [e.value for e in at.error] == ["评审轮次 2023-99 不存在。"] and at.markdown[0].value == "之后照常显示"
    assert not at.exception


def test_shown_errors_lets_a_bug_through_as_an_exception_not_a_banner():
    at = AppTest.from_function(failing_page).run()

    assert not at.error and [e.message for e in at.exception] == ["'a bug'"]
