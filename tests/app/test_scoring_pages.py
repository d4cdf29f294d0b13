"""The scoring pages wired to the domain: an expert's list and score form (autosave, bounds, submission, recusal),
the staff's progress page (counts, reminders, recusals, never a draft's scores) and the rubric page's checker."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.proto.Common_pb2 import StringTriggerValue
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from app_pages.widgets import common
from scoring.common import accounts
from scoring.experts.ratings import Rating, expert_ratings
from scoring.common.access import Grant, Role
from scoring.common.models import SheetStatus
from scoring.review.rubrics import rubrics_dir
from scoring.review.score_sheets import reopen_sheet, rubric_of, save_draft, submit_sheet
from scoring.storage import round_store, sheet_store
from tests.app.conftest import page_file, ADMIN, PASSWORD, create_person, new_app
from tests.builders.rounds import STAFF as STAFF_PRINCIPAL
from tests.builders.rounds import expert_principal
from tests.builders.sheets import assigned_database, full_marks
from tests.builders.databases import copy_to

ROOT = Path(__file__).resolve().parents[2]
STAFF = Grant(role=Role.STAFF)
EXPERT = Grant(role=Role.EXPERT)
ROUND = "2023-01"


@pytest.fixture
def store(tmp_path, monkeypatch):
    """The app's own storage of a fresh copy of the sample batch with round 2023-01 assigned (130 pairs)."""
    monkeypatch.chdir(ROOT)
    path = tmp_path / "review.duckdb"
    copy_to(assigned_database(), path)
    monkeypatch.setenv("SCORING_DB", str(path))
    monkeypatch.setenv("SCORING_EXPORTS", str(tmp_path / "exports"))
    return common.storage()


@pytest.fixture
def expert_id(store) -> str:
    """An expert of the round with at least two applications."""
    counts: dict[str, int] = {}
    for pair in round_store.current_pairs(store, ROUND):
        counts[pair.expert_id] = counts.get(pair.expert_id, 0) + 1
    return next(e for e, n in sorted(counts.items()) if n >= 2)


def codes_of(store, expert_id: str) -> list[str]:
    return [p.credit_code for p in round_store.pairs_of_expert(store, expert_id, ROUND)]


def sign_in(at: AppTest, store, login: str, *grants: Grant, expert_id: str | None = None) -> AppTest:
    create_person(store, login, "测试员" if expert_id is None else "评审专家", *grants, expert_id=expert_id)
    at.session_state[common.SESSION_KEY] = accounts.login(store, login, PASSWORD)
    at.session_state[common.BATCH_KEY] = "2023"
    return at


def open_page(store, page: str, *grants: Grant, login: str = "tester", expert_id: str | None = None,
              prepare=None) -> AppTest:
    """The page run on its own (as the navigation runs it) for a person signed in with these grants."""
    at = sign_in(AppTest.from_file(str(ROOT / page_file(page)), default_timeout=60), store, login,
                 *(grants or (STAFF,)), expert_id=expert_id)
    if prepare:
        prepare(at)
    at.run()
    assert not at.exception, at.exception
    return at


def score_page(store, expert_id: str, code: str) -> AppTest:
    return open_page(store, "score.py", EXPERT, login="expert", expert_id=expert_id,
                     prepare=lambda at: common.select_task(at.session_state, ROUND, code))


def field(at: AppTest, name: str) -> str:
    """The key of a field of the score form (keys carry the sheet and the generation of its widgets)."""
    widgets = [*at.number_input, *at.radio, *at.text_area, *at.checkbox, *at.get("bidi_component")]
    [found] = [k for k in (w.key for w in widgets) if k and k.endswith(f"_{name}")]
    return found


def type_text(at: AppTest, name: str, text: str) -> AppTest:
    """What the live text area sends after a pause in typing: its state {"value": text}, as the browser's
    setStateValue does (AppTest has no driver for custom components, so the widget state is sent as-is)."""
    element = next(e for e in at.get("bidi_component") if e.key == field(at, name))
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=element.proto.id, json_value=json.dumps({"value": text})))
    at._run(states)
    assert not at.exception, at.exception
    return at


def click_row(at: AppTest, column: str, row: int) -> AppTest:
    """A click on the button of a table row (st.column_config.ButtonColumn), as the browser sends it."""
    frame = next(d for d in at.dataframe if column in d.proto.button_click_widgets)
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=frame.proto.button_click_widgets[column], string_trigger_value=
                                      StringTriggerValue(data=json.dumps({"row": row, "label": "评分"}))))
    at._run(states)
    assert not at.exception, at.exception
    return at


def stored(store, expert_id: str, code: str):
    return sheet_store.load_sheet(store, ROUND, code, expert_id)


def texts(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
                    + [e.value for e in at.error] + [i.value for i in at.info] + [s.value for s in at.success])


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


# --- 我的评审 ------------------------------------------------------------------------------------


def test_an_expert_lands_on_my_reviews_and_sees_only_their_own_assignments(store, expert_id):
    at = sign_in(new_app(), store, "expert", EXPERT, expert_id=expert_id).run()

    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["我的评审"]
    [table] = [d.value for d in at.dataframe if "申报单位" in d.value.columns]
    own = {store.get_application("2023", c).basic.unit_name for c in codes_of(store, expert_id)}
    assert set(table["申报单位"]) == own and len(table) == len(own)
    assert {m.label: m.value for m in at.metric}["评审任务"] == str(len(own))


def test_a_rows_button_opens_that_application_on_the_score_page(store, expert_id):
    at = sign_in(new_app(), store, "expert", EXPERT, expert_id=expert_id).run()
    code = codes_of(store, expert_id)[1]

    click_row(at, "操作", 1)

    assert [t.value for t in at.title] == ["评分"]
    assert at.selectbox(key=common.SELECTED_TASK_KEY).value == f"{ROUND}|{code}"
    assert at.session_state[common.SELECTED_TASK_KEY] == f"{ROUND}|{code}"


# --- 评分 ------------------------------------------------------------------------------------------


def test_entering_a_score_saves_a_draft_at_once(store, expert_id):
    code = codes_of(store, expert_id)[0]
    at = score_page(store, expert_id, code)
    assert stored(store, expert_id, code) is None

    at.number_input(key=field(at, "points_management")).set_value(17.5).run()

    assert not at.exception, at.exception
    sheet = stored(store, expert_id, code)
    assert sheet.status is SheetStatus.DRAFT and sheet.scores["management"] == Decimal("17.5")
    assert "已自动保存" in texts(at) and f"（第 {sheet.revision} 版）" in texts(at)
    assert "当前合计：17.5 / 100 分" in texts(at)


def test_typed_comment_text_is_saved_without_leaving_the_field(store, expert_id):
    code = codes_of(store, expert_id)[0]
    at = score_page(store, expert_id, code)

    type_text(at, "comment_budget", "预算测算依据较充分")

    assert stored(store, expert_id, code).comments == {"budget": "预算测算依据较充分"}
    assert "已自动保存" in texts(at)


def test_score_inputs_carry_the_criterion_bounds_and_step(store, expert_id):
    code = codes_of(store, expert_id)[0]
    at = score_page(store, expert_id, code)

    management = at.number_input(key=field(at, "points_management"))
    assert (management.min, management.max, management.step) == (0, 20, 0.5)
    budget = at.number_input(key=field(at, "points_budget"))
    assert budget.max == 5

    management.set_value(17.3).run()

    assert "不是 0.5 分的整数倍" in texts(at)
    assert stored(store, expert_id, code) is None


def test_a_required_comment_left_empty_is_flagged_beside_the_criterion(store, expert_id):
    at = score_page(store, expert_id, codes_of(store, expert_id)[0])

    at.number_input(key=field(at, "points_creation")).set_value(5).run()

    assert any("须填写评语" in w.value and "低于 9 分须填写评语" in w.value for w in at.warning)


def test_submitting_an_incomplete_sheet_lists_the_problems(store, expert_id):
    code = codes_of(store, expert_id)[0]
    at = score_page(store, expert_id, code)
    at.number_input(key=field(at, "points_management")).set_value(18).run()

    button(at, "submit_sheet").click().run()

    assert not at.exception, at.exception
    [error] = [e.value for e in at.error if "不能提交" in e.value]
    assert "- “专利创造质量”未打分" in error and "- 未选择总体意见（推荐/不推荐）" in error
    assert stored(store, expert_id, code).status is SheetStatus.DRAFT


def test_a_complete_submission_locks_the_form(store, expert_id):
    code = codes_of(store, expert_id)[0]
    at = score_page(store, expert_id, code)
    for criterion, points in {"management": 18, "creation": 13, "conversion": 17, "mechanism": 12, "goals": 9,
                              "measures": 8.5, "safeguards": 4.5, "budget": 4}.items():
        at.number_input(key=field(at, f"points_{criterion}")).set_value(points).run()
    type_text(at, "comment_budget", "预算基本合理")
    at.radio(key=field(at, "opinion")).set_value("推荐").run()
    type_text(at, "opinion_text", "基础扎实，方案可行")

    button(at, "submit_sheet").click().run()

    assert not at.exception, at.exception
    sheet = stored(store, expert_id, code)
    assert sheet.status is SheetStatus.SUBMITTED and sheet.total == Decimal("86")
    assert not at.number_input and not [b for b in at.button if b.key == "submit_sheet"]
    assert "已提交" in texts(at) and "评分表已锁定" in texts(at)
    assert "86 / 100 分" in texts(at)


def test_a_save_from_another_tab_reloads_the_sheet_and_says_so(store, expert_id):
    code = codes_of(store, expert_id)[0]
    at = score_page(store, expert_id, code)
    save_draft(store, expert_principal(expert_id), ROUND, code, {"scores": {"creation": "12"}})  # the other tab

    at.number_input(key=field(at, "points_management")).set_value(16).run()

    assert not at.exception, at.exception
    assert any("已在其他窗口或设备上保存过" in w.value for w in at.warning)
    assert stored(store, expert_id, code).scores == {"creation": Decimal("12")}
    assert at.number_input(key=field(at, "points_creation")).value == 12
    assert at.number_input(key=field(at, "points_management")).value is None


def test_recusal_needs_a_reason_then_marks_the_sheet_and_staff_see_it(store, expert_id):
    code = codes_of(store, expert_id)[0]
    at = score_page(store, expert_id, code)
    at.checkbox(key=field(at, "recusal_confirm")).check().run()

    button(at, "declare_recusal").click().run()
    assert any("必须说明理由" in e.value for e in at.error)

    at.text_area(key=field(at, "recusal_reason")).input("曾在该单位兼职").run()
    button(at, "declare_recusal").click().run()

    assert not at.exception, at.exception
    assert stored(store, expert_id, code).status is SheetStatus.RECUSED
    assert "已回避" in texts(at) and "曾在该单位兼职" in texts(at)
    staff = open_page(store, "review_progress.py")
    assert {m.label: m.value for m in staff.metric}["已回避"] == "1"
    assert any("回避后补充分配预览" in w.value for w in staff.warning)
    [recusals] = [d.value for d in staff.dataframe if "回避理由" in d.value.columns]
    assert list(recusals["回避理由"]) == ["曾在该单位兼职"]


def test_a_reopened_sheet_is_editable_again_and_shows_the_staff_reason(store, expert_id):
    code = codes_of(store, expert_id)[0]
    submit_sheet(store, expert_principal(expert_id), ROUND, code, full_marks(rubric_of(store, ADMIN, ROUND)))
    reopen_sheet(store, STAFF_PRINCIPAL, ROUND, code, expert_id, "经费预算得分偏高，请复核")

    at = score_page(store, expert_id, code)

    assert any("经费预算得分偏高，请复核" in w.value for w in at.warning)
    assert at.number_input(key=field(at, "points_budget")).value == 5


# --- 评审进度 ------------------------------------------------------------------------------------


def test_progress_page_shows_counts_panels_experts_and_the_reminder_list(store, expert_id):
    code = codes_of(store, expert_id)[0]
    expert = expert_principal(expert_id)
    submit_sheet(store, expert, ROUND, code, full_marks(rubric_of(store, ADMIN, ROUND)))

    at = open_page(store, "review_progress.py")

    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["评分表"], metrics["已提交"], metrics["已回避"]) == ("130", "1", "0")
    experts = next(d.value for d in at.dataframe if "未开始" in d.value.columns and "单位" in d.value.columns
                   and "电话" not in d.value.columns)
    assert int(experts.loc[experts["专家编号"] == expert_id, "已提交"].iloc[0]) == 1
    reminders = next(d.value for d in at.dataframe if "电话" in d.value.columns)
    assert len(reminders) == 60 and {"邮箱", "未完成"} <= set(reminders.columns)
    [csv] = [d for d in at.get("download_button") if d.proto.label.startswith("下载催办名单")]


def test_staff_never_see_a_drafts_scores(store, expert_id):
    code = codes_of(store, expert_id)[0]
    save_draft(store, expert_principal(expert_id), ROUND, code,
               {"scores": {"management": "7"}, "comments": {"management": "草稿中尚未定稿的评语"}})

    at = open_page(store, "review_progress.py", prepare=lambda at: at.session_state.__setitem__("sheet_expert",
                                                                                                  expert_id))

    assert {m.label: m.value for m in at.metric}["草稿"] == "1"
    assert "尚无已提交的评分表" in texts(at)
    assert "草稿中尚未定稿的评语" not in texts(at)
    assert not [d for d in [*at.dataframe, *at.table] if "评语" in d.value.columns]


def test_staff_read_a_submitted_sheet_and_reopen_it_with_a_reason(store, expert_id):
    code = codes_of(store, expert_id)[0]
    marks = full_marks(rubric_of(store, ADMIN, ROUND), comments={"budget": "预算合理，配套充足"})
    submit_sheet(store, expert_principal(expert_id), ROUND, code, marks)
    at = open_page(store, "review_progress.py", prepare=lambda at: at.session_state.__setitem__("sheet_expert",
                                                                                                  expert_id))

    [sheet] = [t.value for t in at.table if "评语" in t.value.columns]
    assert "预算合理，配套充足" in set(sheet["评语"]) and "合计**：100 / 100 分" in texts(at)

    button(at, "reopen_sheet").click().run()
    assert any("必须填写理由" in e.value for e in at.error)
    at.text_input(key="reopen_reason").input("请补充评语").run()
    button(at, "reopen_sheet").click().run()

    assert not at.exception, at.exception
    reopened = stored(store, expert_id, code)
    assert reopened.status is SheetStatus.DRAFT and reopened.reopened_reason == "请补充评语"


def test_observers_read_progress_but_cannot_reopen(store, expert_id):
    code = codes_of(store, expert_id)[0]
    submit_sheet(store, expert_principal(expert_id), ROUND, code, full_marks(rubric_of(store, ADMIN, ROUND)))

    at = open_page(store, "review_progress.py", Grant(role=Role.OBSERVER), login="watcher",
                   prepare=lambda at: at.session_state.__setitem__("sheet_expert", expert_id))

    assert [t.value for t in at.table if "评语" in t.value.columns]
    assert not [b for b in at.button if b.key == "reopen_sheet"]


# --- 评分标准 ------------------------------------------------------------------------------------


def test_rubric_page_lists_the_files_and_shows_one_whole(store):
    at = open_page(store, "rubrics_page.py")

    files = next(d.value for d in at.dataframe if "SHA-256" in d.value.columns)
    assert set(files["文件"]) >= {"selection.yaml", "annual-acceptance.yaml"}
    assert set(files["状态"]) == {"有效"}
    criteria = next(d.value for d in at.dataframe if "评语要求" in d.value.columns)
    assert len(criteria) >= 1
    assert "冻结" in texts(at)
    assert "- 专家评分取已提交评分表总分的平均分，" in texts(at)


def test_rubric_page_checks_a_good_yaml_and_locates_a_bad_one(store):
    at = open_page(store, "rubrics_page.py")
    at.selectbox(key="rubric_editor_source").select("selection.yaml").run()
    good = at.text_area(key="rubric_editor").value
    assert good == (rubrics_dir() / "selection.yaml").read_text(encoding="utf-8")

    button(at, "validate_rubric").click().run()
    assert any(s.value == "有效" for s in at.success)

    bad = good.replace("max_points: 15\n    step: 0.5\n    comment_required: 0.6\n    figures: [granted",
                       "max_points: 15.3\n    step: 0.5\n    comment_required: 0.6\n    figures: [granted")
    line = bad.splitlines().index("    max_points: 15.3") + 1
    at.text_area(key="rubric_editor").input(bad).run()
    button(at, "validate_rubric").click().run()

    assert not at.exception, at.exception
    assert not any(s.value == "有效" for s in at.success)
    [problems] = [t.value for t in at.table if "问题" in t.value.columns]
    assert list(problems.columns) == ["文件", "行", "字段", "问题"]
    assert problems.iloc[0]["行"] == line and "criteria[1].max_points" in problems.iloc[0]["字段"]


def test_experts_cannot_open_the_staff_scoring_pages(store, expert_id):
    for page in ("review_progress.py", "rubrics_page.py"):
        at = open_page(store, page, EXPERT, login=f"e-{page[:4]}", expert_id=None)

        assert any("没有“查看评审分配”的权限" in e.value for e in at.error)
        assert not at.dataframe


# --- printable score sheets ---------------------------------------------------------------------


def test_an_expert_prints_their_own_score_sheet_as_pdf_and_docx(store, expert_id, tmp_path):
    at = open_page(store, "my_reviews.py", EXPERT, login="expert", expert_id=expert_id)

    button(at, f"export_{ROUND}_pdf").click().run()
    button(at, f"export_{ROUND}_docx").click().run()

    assert not at.exception, at.exception
    archived = sorted(p.suffix for p in (tmp_path / "exports" / "2023" / ROUND).iterdir())
    assert archived == [".docx", ".pdf"]
    labels = [d.proto.label for d in at.get("download_button")]
    assert any(label.endswith(".pdf") for label in labels) and any(label.endswith(".docx") for label in labels)


def test_staff_print_any_experts_score_sheet(store, expert_id, tmp_path):
    at = open_page(store, "review_progress.py", prepare=lambda at: at.session_state.__setitem__("sheet_expert",
                                                                                                  expert_id))

    button(at, f"staff_export_{expert_id}_pdf").click().run()

    assert not at.exception, at.exception
    [archived] = (tmp_path / "exports" / "2023" / ROUND).iterdir()
    assert archived.name.startswith(f"评分表-{expert_id}") and archived.suffix == ".pdf"


@pytest.mark.parametrize("page", ["my_reviews.py", "score.py"])
def test_staff_cannot_open_the_experts_scoring_pages(store, page):
    at = open_page(store, page)

    assert any("没有“评分”的权限" in e.value for e in at.error)
    assert not at.dataframe and not at.number_input


def test_staff_rate_an_experts_work_from_the_rounds_figures(store, expert_id):
    code = codes_of(store, expert_id)[0]
    submit_sheet(store, expert_principal(expert_id), ROUND, code, full_marks(rubric_of(store, ADMIN, ROUND)))
    at = open_page(store, "review_progress.py")
    work = next(d.value for d in at.dataframe if "按时提交" in d.value.columns)
    assert int(work.loc[work["专家编号"] == expert_id, "按时提交"].iloc[0]) == 1

    at.selectbox(key="rate_expert_id").set_value(expert_id)
    at.radio(key="rate_value").set_value(Rating.EXCELLENT)
    at.text_input(key="rate_note").input("按时认真")
    next(b for b in at.button if b.label == "记录履职评价").click().run()

    assert not at.exception, at.exception
    [rating] = expert_ratings(store, ADMIN, expert_id)
    assert (rating.rating, rating.note, rating.figures.on_time) == (Rating.EXCELLENT, "按时认真", 1)
