"""The ranking stage's pages wired to the domain: the ranked list and closing the round, the quality flags, one
application explained, the meeting's decisions after a confirmation, and freezing the shortlist — and observers
read every one of them without a control that writes."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.widgets import common
from scoring.results import meeting, shortlist
from scoring.common.access import Grant, Role
from scoring.rounds.review_rounds import close_round, get_round

from tests.app.conftest import ADMIN, button, keys, page_as
from tests.builders.rounds import STAFF as STAFF_PRINCIPAL
from tests.builders.sheets import rubric, scored_database
from tests.builders.databases import copy_to

ROOT = Path(__file__).resolve().parents[2]
STAFF = Grant(role=Role.STAFF)
OBSERVER = Grant(role=Role.OBSERVER)
ROUND = "2023-01"
PAGES = ["ranking.py", "ranking_flags.py", "explain.py", "meeting.py", "shortlist_page.py"]
WRITE_CONTROLS = {"close_round", "bonus_check", "decide_preview", "bulk_preview", "confirm_decisions",
                  "freeze_shortlist"}


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = tmp_path / "review.duckdb"
    copy_to(scored_database(), path)
    monkeypatch.setenv("SCORING_DB", str(path))
    monkeypatch.setenv("SCORING_EXPORTS", str(tmp_path / "exports"))
    return common.storage()


# AppTest does not expose a dataframe's key: each table is found by a column only it has.
TABLE_COLUMNS = {"ranking_table": "结束后变动", "explain_sheets": "计入", "decision_changes": "原决定",
                 "current_decisions": "决定时排名", "proposal_table": "入选依据", "shortlist_versions": "SHA-256"}


def frame(at: AppTest, key: str):
    return next(d.value for d in at.dataframe if TABLE_COLUMNS[key] in d.value.columns)


def texts(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
                    + [e.value for e in at.error] + [i.value for i in at.info] + [s.value for s in at.success])


@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders_for_staff(store, page):
    at = page_as(store, page)

    assert at.title
    assert not at.error, [e.value for e in at.error]
    assert not at.exception


@pytest.mark.parametrize("page", PAGES)
def test_observers_read_each_page_without_a_control_that_writes(store, page):
    at = page_as(store, page, OBSERVER, login="watcher")

    assert at.title and not at.error
    assert not keys(at) & WRITE_CONTROLS
    assert not at.exception


def test_the_ranking_table_shows_ties_sheets_and_bonus_apart_and_the_charts(store):
    at = page_as(store, "ranking.py")

    table = frame(at, "ranking_table")
    assert {"排名", "已交/应交", "专家评分", "加分", "最终得分", "去高低", "结束后变动"} <= set(table.columns)
    assert table["标准化得分"].notna().any()  # a distributed round whose rubric normalises: shown beside, never instead
    assert list(table["排名"][:3]) == ["1", "2", "3"]
    assert "3/5" in set(table["已交/应交"]) or "4/5" in set(table["已交/应交"])
    assert len(at.get("vega_lite_chart")) == 4  # distribution, leniency, criteria profile, per city
    assert rubric(store).aggregation.expert_score_rule() in texts(at)
    assert not at.exception


def test_staff_close_the_round_from_the_page_with_a_reason(store):
    at = page_as(store, "ranking.py")

    button(at, "close_round").click().run()
    assert any("理由" in e.value for e in at.error)
    assert get_round(store, ADMIN, ROUND).closed_at is None
    at.text_input(key="close_reason").input("评审时间已到").run()
    button(at, "close_round").click().run()

    assert get_round(store, ADMIN, ROUND).closed_at is not None
    assert "close_round" not in keys(at) and "评审已结束" in texts(at)
    assert not at.exception


def test_the_flags_page_groups_the_flags_and_opens_a_named_sheet(store):
    at = page_as(store, "ranking_flags.py")

    assert {m.label: m.value for m in at.metric}["评分表不全"] != "0"
    assert at.selectbox(key="flag_sheet").options
    assert not at.exception


def test_the_explanation_lists_the_sheets_with_the_dropped_totals(store):
    at = page_as(store, "explain.py")

    sheets = frame(at, "explain_sheets")
    assert len(sheets) >= 3
    assert {"去掉（最高分）", "去掉（最低分）"} <= set(sheets["计入"]) or len(sheets) < 5
    assert "计算过程" in texts(at) and f"汇总规则：{rubric(store).aggregation.expert_score_rule()}。" in texts(at)
    assert not at.exception


def test_a_bulk_decision_is_recorded_only_after_the_confirmation_listing_the_changes(store):
    close_round(store, STAFF_PRINCIPAL, ROUND, "评审结束")
    at = page_as(store, "meeting.py")
    at.number_input(key="bulk_top_n").set_value(5).run()
    at.text_input(key="bulk_reason").input("会议研究按排名确定").run()

    button(at, "bulk_preview").click().run()

    changes = frame(at, "decision_changes")
    assert meeting.current_decisions(store, ADMIN, ROUND) == {}
    assert set(changes["新决定"]) == {"入选", "不入选"}
    assert (changes["新决定"] == "入选").sum() >= 5

    button(at, "confirm_decisions").click().run()

    recorded = meeting.current_decisions(store, ADMIN, ROUND)
    assert len(recorded) == len(changes)
    assert sum(d.decision is meeting.Decision.SELECTED for d in recorded.values()) == (changes["新决定"] == "入选").sum()
    assert {d.reason for d in recorded.values()} == {"会议研究按排名确定"}
    assert "confirm_decisions" not in keys(at)
    assert len(frame(at, "current_decisions")) == len(recorded)
    assert not at.exception


def test_one_decision_against_the_ranking_is_marked_in_the_confirmation(store):
    close_round(store, STAFF_PRINCIPAL, ROUND, "评审结束")
    meeting.record_decisions(store, STAFF_PRINCIPAL, ROUND,
                             meeting.top_selected(meeting.round_ranking(store, ADMIN, ROUND).rows, 3), "按排名")
    last = [r for r in meeting.round_ranking(store, ADMIN, ROUND).rows if r.rank is not None][-1]
    at = page_as(store, "meeting.py")
    at.selectbox(key="decide_application").set_value(last.credit_code).run()
    at.radio(key="decide_decision").set_value("入选").run()
    at.text_input(key="decide_reason").input("会议研究认为该单位转化成效突出").run()

    button(at, "decide_preview").click().run()

    [line] = frame(at, "decision_changes").to_dict("records")
    assert line["新决定"] == "入选" and line["原决定"] == "不入选" and line["与排名不一致"]
    button(at, "confirm_decisions").click().run()
    recorded = meeting.current_decisions(store, ADMIN, ROUND)[last.credit_code]
    assert recorded.against_ranking and recorded.reason == "会议研究认为该单位转化成效突出"
    assert not at.exception


def test_freezing_the_shortlist_from_the_page_creates_version_one(store):
    close_round(store, STAFF_PRINCIPAL, ROUND, "评审结束")
    at = page_as(store, "shortlist_page.py")
    at.number_input(key="rule_top_n").set_value(6).run()
    proposed = frame(at, "proposal_table")
    at.text_input(key="freeze_reason").input("会议研究确定").run()

    button(at, "freeze_shortlist").click().run()

    [version] = shortlist.shortlists(store, ADMIN, ROUND)
    assert version.version == 1 and version.reason == "会议研究确定"
    assert [e.credit_code for e in version.entries] == list(proposed["统一社会信用代码"])
    versions = frame(at, "shortlist_versions")
    assert list(versions["版本"]) == ["第 1 版"] and versions["SHA-256"][0] == version.sha256[:16] + "…"
    assert not at.exception


def test_freezing_is_offered_only_once_the_round_is_closed(store):
    at = page_as(store, "shortlist_page.py")

    assert "freeze_shortlist" not in keys(at) and "请先在“评审排名”页面结束评审" in texts(at)
    assert not at.exception


def test_the_ranking_and_the_panel_summary_are_offered_for_download(store):
    at = page_as(store, "ranking.py")

    button(at, "export_ranking").click().run()
    button(at, "export_summary_pdf").click().run()

    files = {d.proto.label: d for d in at.get("download_button")}
    assert any(label.endswith(".xlsx") for label in files) and any(label.endswith(".pdf") for label in files)
    assert not at.exception


def test_a_tie_no_rule_broke_reads_as_a_tie_and_leniency_is_the_mean_deviation():
    from app_pages.widgets import ranking_charts
    from scoring.results.ranking import RankingRow

    tied = RankingRow(credit_code="a", unit_name="甲", city="沈阳市", sheets=5, expected=5, mean=Decimal(90),
                      expert_score=Decimal(90), trimmed=True, normalised=None, bonus=Decimal(0), final=Decimal(90),
                      rank=3, tied_with=("b",))
    leniency = ranking_charts.expert_leniency({"a": {"e1": Decimal(90), "e2": Decimal(80)},
                                               "b": {"e1": Decimal(70), "e2": Decimal(70)},
                                               "c": {"e3": Decimal(60)}})

    assert ranking_charts.rank_text(tied) == "3（并列）"
    assert ranking_charts.rank_text(tied.model_copy(update={"rank": None})) == "—"
    assert leniency.to_dict("records") == [{"专家编号": "e1", "评分表": 2, "平均偏差": 2.5},
                                           {"专家编号": "e2", "评分表": 2, "平均偏差": -2.5}]


def test_a_frozen_version_is_exported_from_the_shortlist_page(store):
    close_round(store, STAFF_PRINCIPAL, ROUND, "评审结束")
    shortlist.freeze_shortlist(store, STAFF_PRINCIPAL, ROUND,
                               shortlist.ShortlistRule(mode=shortlist.ShortlistMode.TOP_N, top_n=3), "会议确定")
    at = page_as(store, "shortlist_page.py")

    button(at, "export_shortlist").click().run()

    assert not at.exception, at.exception
    [download] = [d for d in at.get("download_button") if d.proto.label.startswith("下载 拟入选名单")]
