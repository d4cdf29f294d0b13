from datetime import date

import pytest

from scoring.notifications.notices import REQUIRED_FACTS, NoticeError, NoticeKind, moment_text, render

TODAY = date(2026, 10, 12)
FACTS = {
    NoticeKind.INVITED: {"batch": "2026年度试点", "deadline": "2026-10-15"},
    NoticeKind.SUBMITTED: {"batch": "2026年度试点", "unit": "东北大学"},
    NoticeKind.RETURNED: {"batch": "2026年度试点", "reason": "缺少信用承诺书"},
    NoticeKind.RECOMMENDED: {"batch": "2026年度试点", "city": "沈阳市"},
    NoticeKind.DEADLINE_SOON: {"batch": "2026年度试点", "action": "单位申报", "deadline": "2026-10-15 17:00"},
    NoticeKind.ASSIGNED: {"round": "2026-01 遴选", "count": "4"},
    NoticeKind.REVIEW_CLOSING: {"round": "2026-01 遴选", "closes_at": "2026-10-13 17:00", "unfinished": "2"},
    NoticeKind.TEST: {},
}


def test_every_kind_has_facts_in_this_test():
    assert set(FACTS) == set(NoticeKind) == set(REQUIRED_FACTS)


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_kind_renders_a_chinese_subject_greeting_and_signature(kind):
    text = render(kind, FACTS[kind], TODAY, "张三")

    assert text.subject.startswith("【")
    assert text.body.startswith("张三：")
    assert "辽宁省知识产权局" in text.body


@pytest.mark.parametrize("kind,fact", [(k, f) for k, facts in REQUIRED_FACTS.items() for f in facts])
def test_a_missing_required_fact_is_a_notice_error_naming_it(kind, fact):
    facts = {k: v for k, v in FACTS[kind].items() if k != fact}

    with pytest.raises(NoticeError, match=fact):
        render(kind, facts, TODAY)


def test_a_blank_fact_counts_as_missing():
    with pytest.raises(NoticeError, match="reason"):
        render(NoticeKind.RETURNED, {"batch": "2026年度试点", "reason": "  "}, TODAY)


def test_returned_notice_says_the_reason():
    assert "缺少信用承诺书" in render(NoticeKind.RETURNED, FACTS[NoticeKind.RETURNED], TODAY).body


def test_review_closing_counts_calendar_days_to_the_close():
    tomorrow = render(NoticeKind.REVIEW_CLOSING, FACTS[NoticeKind.REVIEW_CLOSING], TODAY)
    today = render(NoticeKind.REVIEW_CLOSING, FACTS[NoticeKind.REVIEW_CLOSING], date(2026, 10, 13))
    later = render(NoticeKind.DEADLINE_SOON, FACTS[NoticeKind.DEADLINE_SOON], TODAY)

    assert "明天截止" in tomorrow.subject
    assert "今天截止" in today.subject
    assert "还有 3 天截止" in later.subject
    assert "2 份评分表未提交" in tomorrow.body


def test_an_unreadable_deadline_is_a_notice_error():
    with pytest.raises(NoticeError, match="无法识别"):
        render(NoticeKind.INVITED, {"batch": "x", "deadline": "十月十五日"}, TODAY)


def test_moment_text_names_the_weekday_and_keeps_the_time_only_when_given():
    assert moment_text("2026-10-15") == "2026年10月15日（星期四）"
    assert moment_text("2026-10-15 17:00") == "2026年10月15日（星期四）17:00"


def test_the_app_address_is_named_when_the_server_says_it(monkeypatch):
    monkeypatch.setenv("SCORING_APP_URL", "https://review.example.cn/")

    assert "系统地址：https://review.example.cn" in render(NoticeKind.TEST, {}, TODAY).body
