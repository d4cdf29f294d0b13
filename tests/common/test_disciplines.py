"""The controlled list of fields of expertise: what it holds, and the variants its parser accepts or refuses."""
import pytest

from scoring.common.disciplines import ALIASES, AMBIGUOUS, Discipline, catalogue, parse_discipline, parse_disciplines


def test_list_covers_liaoning_industries_and_ip_operation():
    names = {d.value for d in Discipline}

    assert len(names) >= 30
    for name in ("新材料", "高端装备制造", "石油化工", "精细化工", "冶金", "生物医药", "中医药", "海洋工程与船舶", "航空航天",
                 "集成电路", "人工智能与软件", "知识产权管理与运营", "技术转移", "法律", "财务与资产评估", "科技金融"):
        assert name in names


def test_every_name_parses_to_itself():
    for discipline in Discipline:
        assert parse_discipline(discipline.value) is discipline


@pytest.mark.parametrize("written, expected", [
    ("新材料领域", Discipline.NEW_MATERIALS),
    ("生物医药产业", Discipline.BIOPHARMA),
    (" 冶 金 ", Discipline.METALLURGY),
    ("ＡＩ", Discipline.AI_AND_SOFTWARE),
    ("ic", Discipline.INTEGRATED_CIRCUITS),
    ("材料科学与工程", Discipline.NEW_MATERIALS),
    ("船舶与海洋工程", Discipline.MARINE_AND_SHIPS),
    ("知识产权运营", Discipline.IP_OPERATION),
    ("资产评估", Discipline.FINANCE_AND_VALUATION),
    ("“法学”", Discipline.LAW),
])
def test_common_variants_are_accepted(written, expected):
    assert parse_discipline(written) is expected


def test_a_near_miss_is_refused_with_a_suggestion():
    with pytest.raises(ValueError, match="是否指“新材料”"):
        parse_discipline("新材")


def test_an_unknown_field_is_refused_naming_what_was_written():
    with pytest.raises(ValueError, match="“量子计算”不在专业领域目录中"):
        parse_discipline("量子计算")


def test_an_ambiguous_discipline_asks_the_user_to_choose():
    with pytest.raises(ValueError, match="“石油化工”、“精细化工”，请选择其一"):
        parse_discipline("化学工程与技术")


def test_several_fields_keep_their_order_and_drop_repeats():
    assert parse_disciplines("冶金；新材料、钢铁") == [Discipline.METALLURGY, Discipline.NEW_MATERIALS]
    assert parse_disciplines("法律,财务\n科技金融") == [Discipline.LAW, Discipline.FINANCE_AND_VALUATION,
                                                     Discipline.TECH_FINANCE]


def test_aliases_and_ambiguous_names_do_not_overlap():
    assert not set(ALIASES) & set(AMBIGUOUS)
    assert not {d.value for d in Discipline} & set(ALIASES)


def test_catalogue_lists_every_field_once_with_its_variants():
    rows = catalogue()

    assert [name for name, _ in rows] == [d.value for d in Discipline]
    assert "材料科学与工程" in dict(rows)["新材料"]

