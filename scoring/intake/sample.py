"""Deterministic synthetic applications: the 2023 sample batch (an edge case on every rule) and large batches for benchmarks."""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from stdnum.cn import uscc

from scoring.common.disciplines import Discipline
from scoring.common.models import (
    STANDARD_TITLES,
    Affiliation,
    AffiliationKind,
    AmountBasis,
    Application,
    Attachment,
    AttachmentKind,
    BasicInfo,
    Batch,
    Budget,
    BudgetRow,
    CheckId,
    City,
    ConflictDeclaration,
    CreditCommitment,
    Expert,
    Funding,
    IpManagement,
    ManagementStandard,
    Outcome,
    PilotContact,
    PilotLead,
    PriorityClaim,
    PriorityKind,
    Recommendation,
    RuleDocument,
    UnitType,
    YearAmount,
    YearConversion,
    YearPatents,
)

SAMPLE_YEAR = 2023
SAMPLE_SIZE = 48
SAMPLE_SEED = 2023
SAMPLE_DIRECTORY = Path(__file__).resolve().parents[2] / "data" / "sample"
SAMPLE_JSON = "applications.json"
EXPERTS_JSON = "experts.json"
PLAN_SUFFIX = "_三年建设方案.txt"
LETTER_SUFFIX = "_推荐函.txt"
PLAN_SECTIONS = ("一、基本情况", "二、建设思路和目标", "三、建设举措", "四、保障措施", "五、进度安排")

CENTS_PER_WAN = 100
T = TypeVar("T")


def wan(value: str | int) -> Decimal:
    """An amount in 万元 with two places, from its text (\"100.01\")."""
    return Decimal(value).quantize(Decimal("0.01"))


def cents(amount: Decimal) -> int:
    return int(amount * CENTS_PER_WAN)


def from_cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def format_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- places ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CityProfile:
    area_code: str
    postcode: str
    districts: tuple[tuple[str, str], ...]  # (region code of the registering authority, district as written in addresses)
    industries: tuple[str, str]

    @property
    def local_digits(self) -> int:
        # Shenyang and Dalian numbers have eight digits, the other cities seven.
        return 8 if self.area_code in ("024", "0411") else 7


CITIES: dict[City, CityProfile] = {
    City.SHENYANG: CityProfile("024", "110000", (("210102", "和平区"), ("210103", "沈河区"), ("210105", "皇姑区"),
                                                  ("210106", "铁西区"), ("210112", "浑南区"), ("210113", "沈北新区")),
                               ("装备制造", "机器人及智能制造")),
    City.DALIAN: CityProfile("0411", "116000", (("210202", "中山区"), ("210204", "沙河口区"), ("210211", "甘井子区"),
                                                 ("210212", "旅顺口区"), ("210213", "金州区")),
                             ("石化及精细化工", "船舶与海洋工程")),
    City.ANSHAN: CityProfile("0412", "114000", (("210302", "铁东区"), ("210303", "铁西区"), ("210311", "千山区")),
                             ("钢铁冶金", "菱镁新材料")),
    City.FUSHUN: CityProfile("0413", "113000", (("210402", "新抚区"), ("210403", "东洲区"), ("210411", "顺城区")),
                             ("石油化工", "高端装备")),
    City.BENXI: CityProfile("0414", "117000", (("210502", "平山区"), ("210504", "明山区")), ("生物医药", "特钢材料")),
    City.DANDONG: CityProfile("0415", "118000", (("210602", "元宝区"), ("210603", "振兴区")), ("仪器仪表", "农产品精深加工")),
    City.JINZHOU: CityProfile("0416", "121000", (("210702", "古塔区"), ("210703", "凌河区"), ("210711", "太和区")),
                              ("光伏新能源", "汽车零部件")),
    City.YINGKOU: CityProfile("0417", "115000", (("210802", "站前区"), ("210804", "鲅鱼圈区")), ("镁质材料", "港口物流装备")),
    City.FUXIN: CityProfile("0418", "123000", (("210902", "海州区"), ("210911", "细河区")), ("氟化工", "农产品加工")),
    City.LIAOYANG: CityProfile("0419", "111000", (("211002", "白塔区"), ("211003", "文圣区"), ("211004", "宏伟区")),
                               ("芳烃及精细化工", "工业铝材")),
    City.PANJIN: CityProfile("0427", "124000", (("211102", "双台子区"), ("211103", "兴隆台区")), ("石油化工", "湿地农业")),
    City.TIELING: CityProfile("0410", "112000", (("211202", "银州区"), ("211204", "清河区")), ("专用车及换热装备", "现代农业")),
    City.CHAOYANG: CityProfile("0421", "122000", (("211302", "双塔区"), ("211303", "龙城区")), ("新能源电器", "特色农产品")),
    City.HULUDAO: CityProfile("0429", "125000", (("211402", "连山区"), ("211404", "南票区")), ("船舶配套", "有色金属")),
    # The Shenfu zone sits between Shenyang and Fushun; its units are registered by Fushun's authority (2104xx).
    City.SHENFU: CityProfile("024", "113122", (("210411", ""),), ("数字经济", "新材料")),
}

STREETS = ("科技路", "创新路", "学府路", "文化路", "建设路", "工业街", "和平路", "振兴路", "光明街", "新华路", "育才路", "智慧大道")


def city_stem(city: City) -> str:
    return city.value.removesuffix("市")


# --- disciplines -----------------------------------------------------------------------------

DISCIPLINES: dict[str, tuple[str, str, str]] = {
    "机械工程": ("数控机床热误差补偿", "重型装备智能运维", "精密减速器"),
    "材料科学与工程": ("高强韧镁合金", "耐蚀防护涂层", "稀土永磁材料"),
    "化学工程与技术": ("加氢精制催化剂", "精细化学品连续流合成", "芳烃高效分离"),
    "控制科学与工程": ("工业机器人视觉引导", "智能产线调度", "工业控制系统安全"),
    "船舶与海洋工程": ("船舶减阻涂层", "海洋平台防腐", "船用低速柴油机"),
    "冶金工程": ("高炉智能炼铁", "冷轧板形控制", "钢渣资源化利用"),
    "药学": ("缓控释制剂", "抗肿瘤小分子药物", "药物晶型筛选"),
    "中药学": ("道地药材种苗繁育", "中药配方颗粒制备", "中药材质量追溯"),
    "作物学": ("耐盐碱水稻育种", "玉米密植高产栽培", "设施蔬菜病害绿色防控"),
    "电气工程": ("风电变流器", "储能电池管理系统", "配电网故障定位"),
    "计算机科学与技术": ("工业大数据平台", "边缘计算网关", "数字孪生建模"),
    "仪器科学与技术": ("超声无损检测探头", "工业过程在线分析仪", "高精度压力传感器"),
    "土木工程": ("装配式建筑节点", "寒区高性能混凝土", "既有建筑节能改造"),
    "矿业工程": ("煤矿瓦斯抽采", "煤基固废综合利用", "矿山生态修复"),
    "航空宇航科学与技术": ("航空发动机叶片修复", "复合材料构件成型", "飞行器结构健康监测"),
    "生态学": ("滨海湿地生态修复", "芦苇资源综合利用", "退化草地植被恢复"),
    "食品科学与工程": ("海洋食品精深加工", "农产品冷链保鲜", "功能性食品配料"),
    "纺织科学与工程": ("功能性纤维", "产业用非织造材料", "绿色印染"),
    "动力工程及工程热物理": ("工业余热高效回收", "燃煤锅炉低氮燃烧", "氢能储运"),
    "临床医学": ("微创手术器械", "康复辅具", "医学影像辅助诊断"),
    "交通运输工程": ("港口装卸自动化", "重载铁路轨道监测", "智能网联汽车测试"),
}


# The field of the controlled list each academic discipline above stands for. Chemical engineering
# depends on the unit: petrochemicals where its name says 石油 or 石化, fine chemicals otherwise.
FIELD_OF_DISCIPLINE: dict[str, Discipline] = {
    "机械工程": Discipline.HIGH_END_EQUIPMENT,
    "材料科学与工程": Discipline.NEW_MATERIALS,
    "化学工程与技术": Discipline.FINE_CHEMICALS,
    "控制科学与工程": Discipline.ROBOTICS,
    "船舶与海洋工程": Discipline.MARINE_AND_SHIPS,
    "冶金工程": Discipline.METALLURGY,
    "药学": Discipline.BIOPHARMA,
    "中药学": Discipline.CHINESE_MEDICINE,
    "作物学": Discipline.MODERN_AGRICULTURE,
    "电气工程": Discipline.ELECTRICAL,
    "计算机科学与技术": Discipline.AI_AND_SOFTWARE,
    "仪器科学与技术": Discipline.INSTRUMENTS,
    "土木工程": Discipline.CIVIL_ENGINEERING,
    "矿业工程": Discipline.MINING,
    "航空宇航科学与技术": Discipline.AEROSPACE,
    "生态学": Discipline.ENVIRONMENT,
    "食品科学与工程": Discipline.FOOD,
    "纺织科学与工程": Discipline.LIGHT_INDUSTRY,
    "动力工程及工程热物理": Discipline.NEW_ENERGY,
    "临床医学": Discipline.MEDICAL_DEVICES,
    "交通运输工程": Discipline.TRANSPORT,
}


def unit_fields(name: str, disciplines: tuple[str, ...]) -> list[Discipline]:
    """A unit's leading fields (优势学科/产业领域) from its academic disciplines, each once."""
    fields: list[Discipline] = []
    for discipline in disciplines:
        field_ = FIELD_OF_DISCIPLINE[discipline]
        if field_ is Discipline.FINE_CHEMICALS and ("石油" in name or "石化" in name):
            field_ = Discipline.PETROCHEMICALS
        if field_ not in fields:
            fields.append(field_)
    return fields


# --- what a unit is --------------------------------------------------------------------------


class Profile(StrEnum):
    """How strong a unit's figures are, before any edge case fixes some of them."""

    STRONG = "strong"  # well above every threshold
    MIDDLE = "middle"  # above every threshold by a clear margin
    OUTPUT_ONLY = "output_only"  # many patents, few conversions: fails condition 3 only
    SMALL = "small"  # a small college or institute: fails conditions 2 and 3


class Registration(StrEnum):
    """Which authority registered the unit, i.e. how its credit code starts."""

    LIAONING = "12"  # public institution registered in its Liaoning city: 12 + 21xxxx
    CENTRAL = "12100000"  # registered by a central authority
    PRIVATE = "52"  # private non-enterprise unit (private university): 52 + 21xxxx
    COMPANY = "91"  # institute converted to a company: 91 + 21xxxx
    OTHER_PROVINCE = "12110000"  # registered in Beijing though it sits in Liaoning


@dataclass(frozen=True)
class PatentTotals:
    """Grants over the window by kind, and valid patents held at the end of its last year."""

    invention: int
    utility_model: int
    design: int
    valid_held: int

    @property
    def granted(self) -> int:
        return self.invention + self.utility_model + self.design


@dataclass(frozen=True)
class ConversionTotals:
    """Conversions over the window; amounts in 万元, equity value counted in both contract and received."""

    transfers: int
    licences: int
    equities: int
    contract: Decimal
    received: Decimal
    enterprises: int
    open_licences: bool = False


@dataclass(frozen=True)
class UnitSpec:
    """One applicant of the sample: who it is, how strong, and which figures an edge case fixes."""

    key: str
    name: str
    unit_type: UnitType
    city: City
    slug: str  # the e-mail domain's first label
    disciplines: tuple[str, str]
    profile: Profile = Profile.MIDDLE
    registration: Registration = Registration.LIAONING
    unit_type_other: str = ""
    priorities: tuple[PriorityKind, ...] = ()
    patents: PatentTotals | None = None
    conversion: ConversionTotals | None = None
    requested: Decimal | None = None
    matching: Decimal | None = None
    requested_personnel_row: bool = False
    declared_total_error: Decimal = Decimal("0")
    days_after_deadline: int | None = None  # 0 = submitted on the deadline, 1 = a day late
    commitment_signed: bool = True
    city_letter: bool = True
    missing_first_window_year: bool = False


UNIVERSITY, INSTITUTE, OTHER = UnitType.UNIVERSITY, UnitType.INSTITUTE, UnitType.OTHER
P = PriorityKind


def conversion_totals(transfers: int, licences: int, equities: int, contract: str, received: str, enterprises: int) -> ConversionTotals:
    return ConversionTotals(transfers, licences, equities, wan(contract), wan(received), enterprises)


# Every unit is synthetic: names are made up in the style of Liaoning's universities and institutes.
SAMPLE_UNITS: tuple[UnitSpec, ...] = (
    UnitSpec("clear_pass_shenyang_university", "沈阳工程技术大学", UNIVERSITY, City.SHENYANG, "syetu", ("机械工程", "控制科学与工程"),
             Profile.STRONG, priorities=(P.STANDARD, P.NATIONAL_PILOT, P.NAVIGATION_BASE)),
    UnitSpec("grants_100", "沈阳理工学院", UNIVERSITY, City.SHENYANG, "sylgxy", ("机械工程", "材料科学与工程"),
             patents=PatentTotals(45, 50, 5, 180)),
    UnitSpec("clear_pass_dalian_university", "大连船舶海洋工程大学", UNIVERSITY, City.DALIAN, "dlsme", ("船舶与海洋工程", "动力工程及工程热物理"),
             Profile.STRONG, priorities=(P.STANDARD, P.NATIONAL_PILOT, P.HIGH_VALUE_CENTER, P.TRANSFER_INSTITUTION)),
    UnitSpec("conversions_30", "大连海事工程大学", UNIVERSITY, City.DALIAN, "dlmeu", ("交通运输工程", "船舶与海洋工程"),
             conversion=conversion_totals(22, 6, 2, "260.00", "231.50", 22), priorities=(P.STANDARD,)),
    UnitSpec("central_university", "东北工业技术大学", UNIVERSITY, City.SHENYANG, "neitu", ("冶金工程", "计算机科学与技术"),
             Profile.STRONG, Registration.CENTRAL, priorities=(P.STANDARD, P.NATIONAL_PILOT, P.TRANSFER_INSTITUTION)),
    UnitSpec("clear_pass_shenyang_institute", "沈阳材料科学研究院", INSTITUTE, City.SHENYANG, "symsi", ("材料科学与工程", "冶金工程"),
             Profile.STRONG, priorities=(P.STANDARD, P.HIGH_VALUE_CENTER)),
    UnitSpec("inventions_50", "鞍山冶金材料研究院", INSTITUTE, City.ANSHAN, "asmmi", ("冶金工程", "材料科学与工程"),
             patents=PatentTotals(50, 40, 0, 170)),
    UnitSpec("clear_fail_chaoyang_college", "朝阳农业职业技术学院", UNIVERSITY, City.CHAOYANG, "cyavc", ("作物学", "食品科学与工程"),
             Profile.SMALL),
    UnitSpec("amount_100_00", "抚顺石油化工学院", UNIVERSITY, City.FUSHUN, "fspci", ("化学工程与技术", "机械工程"),
             conversion=conversion_totals(26, 8, 2, "100.00", "100.00", 15)),
    UnitSpec("deadline_on", "沈抚数字技术研究院", INSTITUTE, City.SHENFU, "sfdti", ("计算机科学与技术", "控制科学与工程"),
             days_after_deadline=0),
    UnitSpec("clear_pass_dalian_institute", "大连能源化学研究院", INSTITUTE, City.DALIAN, "dleci", ("化学工程与技术", "动力工程及工程热物理"),
             Profile.STRONG, priorities=(P.STANDARD, P.NAVIGATION_BASE, P.HIGH_VALUE_CENTER)),
    UnitSpec("grants_101", "锦州理工学院", UNIVERSITY, City.JINZHOU, "jzlgxy", ("电气工程", "机械工程"),
             patents=PatentTotals(45, 51, 5, 180)),
    UnitSpec("central_institute_dalian", "国家精细化工研究所", INSTITUTE, City.DALIAN, "nfci", ("化学工程与技术", "材料科学与工程"),
             Profile.STRONG, Registration.CENTRAL, priorities=(P.STANDARD, P.HIGH_VALUE_CENTER)),
    UnitSpec("valid_199", "营口镁质材料研究院", INSTITUTE, City.YINGKOU, "ykmmi", ("材料科学与工程", "冶金工程"),
             patents=PatentTotals(30, 45, 5, 199)),
    UnitSpec("clear_fail_tieling_college", "铁岭装备职业技术学院", UNIVERSITY, City.TIELING, "tlevc", ("机械工程", "电气工程"),
             Profile.SMALL),
    UnitSpec("amount_basis", "大连轻工技术大学", UNIVERSITY, City.DALIAN, "dllitu", ("食品科学与工程", "纺织科学与工程"),
             conversion=conversion_totals(28, 8, 2, "128.40", "100.00", 16), priorities=(P.STANDARD,)),
    UnitSpec("private_university", "沈阳华信科技学院", UNIVERSITY, City.SHENYANG, "syhxkj", ("计算机科学与技术", "电气工程"),
             registration=Registration.PRIVATE),
    UnitSpec("clear_pass_anshan_university", "鞍山工程技术大学", UNIVERSITY, City.ANSHAN, "asetu", ("冶金工程", "矿业工程"),
             priorities=(P.STANDARD,)),
    UnitSpec("valid_200", "本溪医药科技学院", UNIVERSITY, City.BENXI, "bxyykj", ("药学", "中药学"),
             patents=PatentTotals(30, 45, 5, 200)),
    UnitSpec("enterprises_10", "阜新能源工程学院", UNIVERSITY, City.FUXIN, "fxnygc", ("矿业工程", "动力工程及工程热物理"),
             conversion=conversion_totals(30, 8, 2, "180.00", "162.30", 10)),
    UnitSpec("clear_fail_output_only", "大连医学科技学院", UNIVERSITY, City.DALIAN, "dlyxkj", ("临床医学", "药学"),
             Profile.OUTPUT_ONLY),
    UnitSpec("requested_100_00", "葫芦岛船舶与海洋工程学院", UNIVERSITY, City.HULUDAO, "hldcb", ("船舶与海洋工程", "机械工程"),
             requested=wan("100.00")),
    UnitSpec("clear_pass_shenyang_agriculture", "辽宁现代农业科学研究院", INSTITUTE, City.SHENYANG, "lnmas", ("作物学", "生态学"),
             Profile.STRONG, priorities=(P.STANDARD, P.TRANSFER_INSTITUTION)),
    UnitSpec("inventions_51", "辽阳精细化工研究院", INSTITUTE, City.LIAOYANG, "lyfci", ("化学工程与技术", "材料科学与工程"),
             patents=PatentTotals(51, 39, 0, 170)),
    UnitSpec("commitment_unsigned", "鞍山科技学院", UNIVERSITY, City.ANSHAN, "askjxy", ("材料科学与工程", "计算机科学与技术"),
             commitment_signed=False),
    UnitSpec("conversions_31", "丹东仪器仪表研究院", INSTITUTE, City.DANDONG, "ddyqyb", ("仪器科学与技术", "控制科学与工程"),
             conversion=conversion_totals(23, 6, 2, "185.60", "170.20", 18)),
    UnitSpec("clear_fail_dandong_college", "丹东应用技术学院", UNIVERSITY, City.DANDONG, "ddyyjs", ("仪器科学与技术", "食品科学与工程"),
             Profile.SMALL),
    UnitSpec("central_institute_shenyang", "国家北方智能装备研究所", INSTITUTE, City.SHENYANG, "nnie", ("控制科学与工程", "机械工程"),
             Profile.STRONG, Registration.CENTRAL, priorities=(P.STANDARD, P.NAVIGATION_BASE)),
    UnitSpec("amount_100_01", "盘锦石化工程研究院", INSTITUTE, City.PANJIN, "pjpcei", ("化学工程与技术", "生态学"),
             conversion=conversion_totals(27, 7, 2, "100.01", "100.01", 15)),
    UnitSpec("requested_100_01", "大连化工新材料研究院", INSTITUTE, City.DALIAN, "dlcnm", ("化学工程与技术", "材料科学与工程"),
             requested=wan("100.01"), priorities=(P.STANDARD,)),
    UnitSpec("clear_pass_fushun_institute", "抚顺石化装备研究院", INSTITUTE, City.FUSHUN, "fspei", ("机械工程", "化学工程与技术")),
    UnitSpec("personnel_cost_requested", "沈阳建筑科技学院", UNIVERSITY, City.SHENYANG, "syjzkj", ("土木工程", "计算机科学与技术"),
             requested=wan("90.00"), requested_personnel_row=True),
    UnitSpec("clear_fail_fuxin_college", "阜新农业高等专科学校", UNIVERSITY, City.FUXIN, "fxnyzk", ("作物学", "食品科学与工程"),
             Profile.SMALL),
    UnitSpec("enterprises_11", "辽北现代农业研究院", INSTITUTE, City.TIELING, "lbxdny", ("作物学", "食品科学与工程"),
             conversion=conversion_totals(31, 9, 1, "210.50", "188.00", 11)),
    UnitSpec("declared_total_mismatch", "辽西新能源技术研究院", INSTITUTE, City.CHAOYANG, "lxxny", ("电气工程", "动力工程及工程热物理"),
             requested=wan("80.00"), matching=wan("120.00"), declared_total_error=wan("10.00")),
    UnitSpec("clear_pass_jinzhou_institute", "锦州新能源材料研究院", INSTITUTE, City.JINZHOU, "jzxnycl", ("材料科学与工程", "电气工程"),
             priorities=(P.HIGH_VALUE_CENTER,)),
    UnitSpec("deadline_late", "大连智能制造工程学院", UNIVERSITY, City.DALIAN, "dlznzz", ("控制科学与工程", "机械工程"),
             days_after_deadline=1),
    UnitSpec("clear_fail_huludao_college", "葫芦岛滨海职业学院", UNIVERSITY, City.HULUDAO, "hldbh", ("船舶与海洋工程", "交通运输工程"),
             Profile.SMALL),
    UnitSpec("company_institute", "辽宁北方机械研究院有限公司", INSTITUTE, City.SHENYANG, "lnbfjx", ("机械工程", "控制科学与工程"),
             registration=Registration.COMPANY),
    UnitSpec("no_recommendation_letter", "营口滨海科技学院", UNIVERSITY, City.YINGKOU, "ykbhkj", ("材料科学与工程", "交通运输工程"),
             city_letter=False),
    UnitSpec("clear_pass_shenyang_pharma", "沈阳创新药物研究院", INSTITUTE, City.SHENYANG, "syidri", ("药学", "中药学"),
             Profile.STRONG, priorities=(P.STANDARD, P.TRANSFER_INSTITUTION)),
    UnitSpec("missing_window_year", "辽阳工业技术学院", UNIVERSITY, City.LIAOYANG, "lygyjs", ("化学工程与技术", "材料科学与工程"),
             missing_first_window_year=True),
    UnitSpec("clear_fail_panjin_institute", "盘锦湿地生态研究所", INSTITUTE, City.PANJIN, "pjsdst", ("生态学", "作物学"),
             Profile.SMALL),
    UnitSpec("other_type", "大连湾区产业技术创新研究院", OTHER, City.DALIAN, "dlwqcy", ("计算机科学与技术", "化学工程与技术"),
             unit_type_other="新型研发机构（事业单位法人）"),
    UnitSpec("clear_pass_shenyang_aviation", "沈阳航空动力工程学院", UNIVERSITY, City.SHENYANG, "syhkdl", ("航空宇航科学与技术", "动力工程及工程热物理"),
             priorities=(P.STANDARD, P.NAVIGATION_BASE)),
    UnitSpec("clear_fail_benxi_institute", "本溪中药材研究所", INSTITUTE, City.BENXI, "bxzyc", ("中药学", "作物学"),
             Profile.SMALL),
    UnitSpec("other_province", "华北冶金设计研究总院沈阳分院", INSTITUTE, City.SHENYANG, "hbyjsy", ("冶金工程", "土木工程"),
             registration=Registration.OTHER_PROVINCE),
    UnitSpec("clear_pass_shenfu_university", "沈抚应用技术大学", UNIVERSITY, City.SHENFU, "sfyyjs", ("计算机科学与技术", "材料科学与工程")),
)


# --- the edge cases --------------------------------------------------------------------------


@dataclass(frozen=True)
class EdgeCase:
    """A unit of the sample that sits on (or just across) one rule; the figures are what the generator must give it.

    Figure names (computed over the batch's window by tests/test_sample.py): granted, invention,
    valid_held (end of the last window year), converted, amount_contract, amount_received,
    enterprises, requested, budget_total, declared_total, requested_personnel_rows, submitted_on,
    commitment_signed, city_recommended, has_recommendation_letter, window_years_reported,
    credit_code_head (chars 1–2), credit_code_region (chars 3–8), unit_type, address_in_liaoning.
    `expected` holds only what the guideline's or domain.md's wording decides, under the batch's default settings.
    """

    key: str
    unit_name: str
    tests: str
    figures: dict[str, object]
    expected: dict[CheckId, Outcome] = field(default_factory=dict)


FAIL, PASS, DECIDE = Outcome.FAIL, Outcome.PASS, Outcome.DECIDE
OUTPUT, CONVERSION = CheckId.PATENT_OUTPUT, CheckId.CONVERSION

EDGE_CASES: tuple[EdgeCase, ...] = (
    EdgeCase("grants_100", "沈阳理工学院",
             "condition 2: exactly 100 grants is not 'more than 100'; inventions and valid patents fail too, so this edge decides",
             {"granted": 100, "invention": 45, "valid_held": 180}, {OUTPUT: FAIL}),
    EdgeCase("grants_101", "锦州理工学院", "condition 2: 101 grants is just over 100; the other two prongs fail",
             {"granted": 101, "invention": 45, "valid_held": 180}, {OUTPUT: PASS}),
    EdgeCase("inventions_50", "鞍山冶金材料研究院",
             "condition 2: exactly 50 invention grants is not 'more than 50'; grants 90 and valid 170 fail too",
             {"granted": 90, "invention": 50, "valid_held": 170}, {OUTPUT: FAIL}),
    EdgeCase("inventions_51", "辽阳精细化工研究院", "condition 2: 51 invention grants is just over 50; the other two prongs fail",
             {"granted": 90, "invention": 51, "valid_held": 170}, {OUTPUT: PASS}),
    EdgeCase("valid_199", "营口镁质材料研究院", "condition 2: 199 valid patents is under '200 or more'; grants 80, inventions 30",
             {"granted": 80, "invention": 30, "valid_held": 199}, {OUTPUT: FAIL}),
    EdgeCase("valid_200", "本溪医药科技学院", "condition 2: exactly 200 valid patents meets '200 or more' (inclusive)",
             {"granted": 80, "invention": 30, "valid_held": 200}, {OUTPUT: PASS}),
    EdgeCase("conversions_30", "大连海事工程大学", "condition 3: exactly 30 conversions is not 'more than 30'; amount and enterprises pass",
             {"converted": 30, "amount_contract": wan("260.00"), "enterprises": 22}, {CONVERSION: FAIL}),
    EdgeCase("conversions_31", "丹东仪器仪表研究院", "condition 3: 31 conversions is just over 30",
             {"converted": 31, "amount_contract": wan("185.60"), "enterprises": 18}, {CONVERSION: PASS}),
    EdgeCase("amount_100_00", "抚顺石油化工学院",
             "condition 3: exactly 100.00万元 is not 'more than 100万元' (contract = received, so either basis)",
             {"converted": 36, "amount_contract": wan("100.00"), "amount_received": wan("100.00"), "enterprises": 15},
             {CONVERSION: FAIL}),
    EdgeCase("amount_100_01", "盘锦石化工程研究院", "condition 3: 100.01万元 is just over 100万元 (contract = received)",
             {"converted": 36, "amount_contract": wan("100.01"), "amount_received": wan("100.01"), "enterprises": 15},
             {CONVERSION: PASS}),
    EdgeCase("amount_basis", "大连轻工技术大学",
             "condition 3 amount basis: contract 128.40 passes, received exactly 100.00 fails; the setting decides",
             {"converted": 38, "amount_contract": wan("128.40"), "amount_received": wan("100.00"), "enterprises": 16},
             {CONVERSION: PASS}),
    EdgeCase("enterprises_10", "阜新能源工程学院", "condition 3: exactly 10 enterprises is not 'more than 10'",
             {"converted": 40, "amount_contract": wan("180.00"), "enterprises": 10}, {CONVERSION: FAIL}),
    EdgeCase("enterprises_11", "辽北现代农业研究院", "condition 3: 11 enterprises is just over 10",
             {"converted": 41, "amount_contract": wan("210.50"), "enterprises": 11}, {CONVERSION: PASS}),
    EdgeCase("requested_100_00", "葫芦岛船舶与海洋工程学院", "budget: requested exactly 100.00万元 is within the cap",
             {"requested": wan("100.00")}, {CheckId.BUDGET: PASS}),
    EdgeCase("requested_100_01", "大连化工新材料研究院", "budget: requested 100.01万元 exceeds the 100万元 cap",
             {"requested": wan("100.01")}, {CheckId.BUDGET: FAIL}),
    EdgeCase("personnel_cost_requested", "沈阳建筑科技学院",
             "budget: a 人员经费 row on the requested side (not allowed); requested total 90.00 stays within the cap",
             {"requested": wan("90.00"), "requested_personnel_rows": 1}, {CheckId.BUDGET: DECIDE}),
    EdgeCase("declared_total_mismatch", "辽西新能源技术研究院", "budget: the declared total (210.00) does not add up to the rows (200.00)",
             {"requested": wan("80.00"), "budget_total": wan("200.00"), "declared_total": wan("210.00")}),
    EdgeCase("deadline_on", "沈抚数字技术研究院", "deadline: submitted on the deadline day, in time",
             {"submitted_on": date(2023, 5, 31)}, {CheckId.DEADLINE: PASS}),
    EdgeCase("deadline_late", "大连智能制造工程学院", "deadline: submitted one day after the deadline (its commitment was signed in time)",
             {"submitted_on": date(2023, 6, 1)}, {CheckId.DEADLINE: FAIL}),
    EdgeCase("commitment_unsigned", "鞍山科技学院", "credit commitment not signed (no date)",
             {"commitment_signed": False}, {CheckId.COMMITMENT: FAIL}),
    EdgeCase("no_recommendation_letter", "营口滨海科技学院", "no recommendation letter from the city bureau (flag off, no file)",
             {"city_recommended": False, "has_recommendation_letter": False},
             {CheckId.RECOMMENDATION: FAIL}),
    EdgeCase("missing_window_year", "辽阳工业技术学院",
             "the first window year (2020) is missing from patents and conversions; the two reported years pass clearly",
             {"window_years_reported": [2021, 2022]}),
    EdgeCase("central_university", "东北工业技术大学", "credit code registered centrally (100000), address in Liaoning",
             {"credit_code_head": "12", "credit_code_region": "100000", "address_in_liaoning": True},
             {CheckId.CREDIT_CODE: PASS}),
    EdgeCase("central_institute_dalian", "国家精细化工研究所", "centrally registered institute (100000) in Dalian",
             {"credit_code_head": "12", "credit_code_region": "100000", "address_in_liaoning": True},
             {CheckId.CREDIT_CODE: PASS}),
    EdgeCase("central_institute_shenyang", "国家北方智能装备研究所", "centrally registered institute (100000) in Shenyang",
             {"credit_code_head": "12", "credit_code_region": "100000", "address_in_liaoning": True},
             {CheckId.CREDIT_CODE: PASS}),
    EdgeCase("private_university", "沈阳华信科技学院", "private university: credit code starts 52 (民办非企业单位)",
             {"credit_code_head": "52", "unit_type": UnitType.UNIVERSITY}),
    EdgeCase("company_institute", "辽宁北方机械研究院有限公司",
             "institute converted to a company: code starts 91 while the form says 科研院所",
             {"credit_code_head": "91", "unit_type": UnitType.INSTITUTE}),
    EdgeCase("other_type", "大连湾区产业技术创新研究院", "unit type 其他 (a new-type R&D institution): needs a human decision",
             {"unit_type": UnitType.OTHER}, {CheckId.UNIT_TYPE: DECIDE}),
    EdgeCase("other_province", "华北冶金设计研究总院沈阳分院",
             "credit code registered in Beijing (110000) though the address is in Shenyang: needs a staff decision",
             {"credit_code_head": "12", "credit_code_region": "110000", "address_in_liaoning": True},
             {CheckId.CREDIT_CODE: DECIDE}),
)


# --- credit codes ----------------------------------------------------------------------------

ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code(body: str) -> str:
    """The 9-character organisation code (GB 11714): eight digits and their mod-11 check character."""
    total = sum(int(digit) * weight for digit, weight in zip(body, ORGANISATION_CODE_WEIGHTS))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(head: str, region: str, organisation_body: str) -> str:
    first17 = head + region + organisation_code(organisation_body)
    return first17 + uscc.calc_check_digit(first17)


def code_head_and_region(registration: Registration, district_region: str) -> tuple[str, str]:
    if registration in (Registration.CENTRAL, Registration.OTHER_PROVINCE):
        return registration.value[:2], registration.value[2:]
    return registration.value, district_region


def organisation_body_for(name: str) -> str:
    # Derived from the name, so a unit keeps its code whatever the seed or the count.
    return f"{int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10**8:08d}"


# --- randomness ------------------------------------------------------------------------------


class FastRandom(random.Random):
    """Seeded randomness with the draws the generator makes most, several times faster than `randint`, `choice`, `sample`."""

    def draw(self, low: int, high: int) -> int:
        """A whole number from `low` to `high` inclusive."""
        return low + int(self.random() * (high - low + 1))

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self.random() * len(items))]

    def several(self, items: Sequence[T], count: int) -> list[T]:
        """`count` different items in random order (`sample` without its costly type checks)."""
        pool = list(items)
        for i in range(count):
            j = i + int(self.random() * (len(pool) - i))
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:count]


# --- splitting totals ------------------------------------------------------------------------


def apportion(total: int, weights: list[int]) -> list[int]:
    """Split a whole number by whole weights (largest remainder); the parts add up to `total` exactly."""
    if total == 0 or not weights:
        return [0] * len(weights)
    weight_sum = sum(weights)
    floors = [total * w // weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: -remainders[i])
    for i in by_remainder[: total - sum(floors)]:
        floors[i] += 1
    return floors


def split_over_years(total: int, years: int, rng: FastRandom) -> list[int]:
    """A three-year total as yearly figures that rise a little, as most units' output does."""
    return apportion(total, [rng.draw(80, 120) * (10 + i) for i in range(years)])


def rising_valid_held(last: int, years: int, rng: FastRandom) -> list[int]:
    """Valid patents held at each year's end, ending at `last` and never above it."""
    values = [last]
    for _ in range(years - 1):
        values.append(values[-1] * rng.draw(82, 95) // 100)
    return values[::-1]


# --- figures by profile ----------------------------------------------------------------------


def patent_totals_for(profile: Profile, unit_type: UnitType, rng: FastRandom) -> PatentTotals:
    granted, valid = {
        Profile.STRONG: (rng.draw(300, 900), rng.draw(900, 3000)),
        Profile.MIDDLE: (rng.draw(130, 260), rng.draw(230, 600)),
        Profile.OUTPUT_ONLY: (rng.draw(150, 320), rng.draw(320, 700)),
        Profile.SMALL: (rng.draw(12, 70), rng.draw(40, 160)),
    }[profile]
    invention_share = rng.draw(60, 80) if unit_type is UnitType.INSTITUTE else rng.draw(38, 60)
    if profile is Profile.SMALL:
        invention_share = rng.draw(10, 30)
    invention = granted * invention_share // 100
    design = granted * rng.draw(0, 4) // 100
    return PatentTotals(invention, granted - invention - design, design, valid)


def conversion_totals_for(profile: Profile, rng: FastRandom) -> ConversionTotals:
    converted, contract_wan, enterprises = {
        Profile.STRONG: (rng.draw(60, 180), rng.draw(300, 2000), rng.draw(30, 120)),
        Profile.MIDDLE: (rng.draw(36, 70), rng.draw(130, 400), rng.draw(14, 40)),
        Profile.OUTPUT_ONLY: (rng.draw(6, 18), rng.draw(20, 80), rng.draw(3, 9)),
        Profile.SMALL: (rng.draw(0, 8), rng.draw(3, 30), rng.draw(0, 6)),
    }[profile]
    if converted == 0:
        return ConversionTotals(0, 0, 0, wan(0), wan(0), enterprises)
    contract = contract_wan * CENTS_PER_WAN + rng.draw(0, 99)
    # Received at least 80% of the contract keeps middle units above 100万元 under either basis.
    received = contract * rng.draw(80, 96) // 100
    equities = rng.draw(0, min(3, converted // 12))
    transfers = (converted - equities) * rng.draw(60, 80) // 100
    return ConversionTotals(transfers, converted - equities - transfers, equities, from_cents(contract), from_cents(received),
                            enterprises, open_licences=profile in (Profile.STRONG, Profile.MIDDLE) and rng.random() < 0.5)


# --- the form's tables -----------------------------------------------------------------------


def patent_rows(totals: PatentTotals, years: list[int], rng: FastRandom) -> list[YearPatents]:
    inventions = split_over_years(totals.invention, len(years), rng)
    utility_models = split_over_years(totals.utility_model, len(years), rng)
    designs = split_over_years(totals.design, len(years), rng)
    valid = rising_valid_held(totals.valid_held, len(years), rng)
    return [YearPatents(year=year, invention=inventions[i], utility_model=utility_models[i], design=designs[i],
                        valid_held=valid[i]) for i, year in enumerate(years)]


def conversion_rows(totals: ConversionTotals, years: list[int], rng: FastRandom) -> list[YearConversion]:
    n = len(years)
    transfers = split_over_years(totals.transfers, n, rng)
    licences = split_over_years(totals.licences, n, rng)
    equities = split_over_years(totals.equities, n, rng)
    contract, received = cents(totals.contract), cents(totals.received)
    equity_total = equity_value_total(totals, contract, received, rng)
    equity_values = apportion(equity_total, [count * rng.draw(80, 120) for count in equities])
    cash_counts = transfers + licences
    cash_contract = apportion(contract - equity_total, [count * rng.draw(60, 150) for count in cash_counts])
    # Received follows the contract cell by cell, so no cell receives more than its contract.
    cash_received = apportion(received - equity_total, cash_contract)
    rows = []
    for i, year in enumerate(years):
        row = YearConversion(
            year=year,
            transfer_count=transfers[i], transfer_contract=from_cents(cash_contract[i]),
            transfer_received=from_cents(cash_received[i]),
            licence_count=licences[i], licence_contract=from_cents(cash_contract[n + i]),
            licence_received=from_cents(cash_received[n + i]),
            equity_count=equities[i], equity_value=from_cents(equity_values[i]),
        )
        if totals.open_licences and i == n - 1:
            add_open_licences(row, rng)
        rows.append(row)
    return rows


def equity_value_total(totals: ConversionTotals, contract: int, received: int, rng: FastRandom) -> int:
    """The share of the amount that is equity; it counts under both bases, so it can never exceed the received total."""
    if totals.equities == 0:
        return 0
    if totals.transfers + totals.licences == 0:
        return contract
    return min(contract * rng.draw(10, 30) // 100, received)


def add_open_licences(row: YearConversion, rng: FastRandom) -> None:
    """Open licences (开放许可) began in the last window year; the implemented ones are among the year's licences."""
    row.open_licence_published = rng.draw(12, 80)
    row.open_licence_implemented = min(row.licence_count, rng.draw(1, 6))
    if row.open_licence_implemented:
        row.open_licence_amount = from_cents(cents(row.licence_contract) * rng.draw(10, 30) // 100)


REQUESTED_ITEMS = (
    ("专利导航分析", "围绕{field}领域开展产业专利导航，形成导航分析报告"),
    ("运营平台建设", "建设专利运营线上平台，实现成果展示、供需对接与交易登记"),
    ("高价值专利培育", "对重点科研项目开展专利布局与挖掘，培育高价值专利组合"),
    ("技术经纪人培训", "选派运营人员参加技术经纪人培训与资格认定"),
    ("专利转化对接活动", "举办成果推介会、供需对接会，组织走访企业"),
    ("专利价值评估", "委托第三方机构开展存量专利价值评估与分级"),
    ("开放许可推广", "梳理可开放许可专利清单，面向省内中小微企业推广"),
    ("知识产权分析评议", "对重大科研项目开展知识产权分析评议"),
)
PERSONNEL_ITEM = ("运营团队人员经费", "运营中心专职运营人员劳务补贴")
MATCHING_ITEMS = (
    ("运营中心场地及设备", "运营中心办公场地改造及设备购置"),
    ("运营团队人员经费", "运营中心专职人员薪酬"),
    ("成果转化奖励", "对转化成效突出的发明人团队给予奖励"),
    ("专利申请前评估", "委托服务机构开展专利申请前评估"),
    ("海外专利布局", "重点技术的PCT国际专利申请"),
)


def split_money(total: int, rows: int, rng: FastRandom) -> list[int]:
    """Cents split into rows of whole 万元, the odd cents going to the first row."""
    whole = apportion(total // CENTS_PER_WAN, [rng.draw(2, 5) for _ in range(rows)])
    amounts = [w * CENTS_PER_WAN for w in whole]
    amounts[0] += total % CENTS_PER_WAN
    return amounts


def budget_lines(items: list[tuple[str, str]], total: int, years: list[int], funding: Funding, field_name: str,
                 rng: FastRandom) -> list[tuple[int, str, str, int, Funding]]:
    amounts = split_money(total, len(items), rng)
    lines = [(years[i % len(years)], item, explanation.format(field=field_name), amounts[i], funding)
             for i, (item, explanation) in enumerate(items)]
    return sorted(lines, key=lambda line: line[0])


def budget_for(spec: UnitSpec, budget_years: list[int], rng: FastRandom) -> Budget:
    requested = cents(spec.requested) if spec.requested is not None else default_requested(spec.profile, rng)
    matching = cents(spec.matching) if spec.matching is not None else default_matching(spec.profile, rng)
    requested_items = rng.several(REQUESTED_ITEMS, rng.draw(3, 5))
    if spec.requested_personnel_row:
        requested_items[-1] = PERSONNEL_ITEM
    matching_items = rng.several(MATCHING_ITEMS, rng.draw(2, 4))
    field_name = spec.disciplines[0]
    lines = (budget_lines(requested_items, requested, budget_years, Funding.REQUESTED, field_name, rng)
             + budget_lines(matching_items, matching, budget_years, Funding.MATCHING, field_name, rng))
    rows = [BudgetRow(seq=seq, item=item, explanation=explanation, amount=from_cents(amount), year=year, funding=funding)
            for seq, (year, item, explanation, amount, funding) in enumerate(lines, start=1)]
    budget = Budget(rows=rows)
    budget.declared_total = budget.total + spec.declared_total_error
    return budget


def default_requested(profile: Profile, rng: FastRandom) -> int:
    choices = (80, 85, 90, 95) if profile in (Profile.STRONG, Profile.MIDDLE) else (50, 60, 70, 80)
    return rng.pick(choices) * CENTS_PER_WAN


def default_matching(profile: Profile, rng: FastRandom) -> int:
    low, high = {Profile.STRONG: (15, 40), Profile.MIDDLE: (6, 20)}.get(profile, (2, 6))
    return rng.draw(low, high) * 10 * CENTS_PER_WAN


# --- people and contacts ---------------------------------------------------------------------

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾田董潘袁于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶贺顾毛郝龚邵万钱严武戴孔汤"
GIVEN_NAMES = "志建文海晓明立国红丽静伟刚军涛鹏宇磊超勇杰峰辉敏颖洁婷华强波斌宏亮岩琳雪松健东春欣博晨阳凯睿哲昊铭悦"
MOBILE_PREFIXES = ("139", "138", "135", "136", "137", "150", "151", "152", "158", "159", "186", "187", "188", "189", "133", "180")


def person_name(rng: FastRandom) -> str:
    given = "".join(rng.pick(GIVEN_NAMES) for _ in range(rng.pick((1, 2, 2))))
    return rng.pick(SURNAMES) + given


def mobile(rng: FastRandom) -> str:
    return rng.pick(MOBILE_PREFIXES) + f"{rng.draw(0, 10**8 - 1):08d}"


def landline(city: CityProfile, exchange: str, rng: FastRandom) -> str:
    """A number on the unit's own exchange: the same first digits, four digits of extension."""
    return f"{city.area_code}-{exchange}{rng.draw(0, 9999):04d}"


def exchange_for(city: CityProfile, rng: FastRandom) -> str:
    """The first digits of a unit's numbers; local numbers start with 2 to 8."""
    digits = city.local_digits - 4
    return str(rng.draw(2 * 10 ** (digits - 1), 9 * 10 ** (digits - 1) - 1))


def kind_of(spec: UnitSpec) -> str:
    """university / institute / company: what titles and document numbers the unit uses."""
    if spec.registration is Registration.COMPANY:
        return "company"
    return "university" if spec.unit_type is UnitType.UNIVERSITY else "institute"


LEAD_TITLES = {
    "university": ("副校长", "科学技术研究院院长", "科技处处长"),
    "institute": ("副院长", "科技发展部部长", "成果转化办公室主任"),
    "company": ("副总经理", "技术中心主任"),
}
DEPARTMENTS = {
    "university": ("科学技术研究院", "科技处", "技术转移中心"),
    "institute": ("科技发展部", "成果转化办公室", "科研管理处"),
    "company": ("技术中心", "科技管理部"),
}
MAIL_SUFFIX = {"university": "edu.cn", "institute": "ac.cn", "company": "com.cn"}


def email_for(spec: UnitSpec, rng: FastRandom) -> str:
    return f"{rng.pick(('zscq', 'jszy', 'kjc', 'cgzh'))}@{spec.slug}.{MAIL_SUFFIX[kind_of(spec)]}"


# --- management ------------------------------------------------------------------------------

RULE_TITLES = ("知识产权管理办法", "科技成果转化管理办法", "职务科技成果披露管理办法", "专利申请前评估实施细则",
               "科技成果转化收益分配实施细则", "技术转移中心管理办法")
DOCUMENT_PREFIX = {"university": "校发", "institute": "院发", "company": "司发"}
STAFF_RANGES = {  # full-time IP staff, part-time IP staff, full-time conversion staff, patent attorneys
    Profile.STRONG: ((5, 12), (10, 40), (4, 10), (1, 6)),
    Profile.MIDDLE: ((3, 6), (6, 20), (2, 5), (0, 3)),
    Profile.OUTPUT_ONLY: ((2, 4), (3, 10), (1, 2), (0, 1)),
    Profile.SMALL: ((0, 2), (1, 6), (0, 1), (0, 0)),
}
RULE_COUNTS = {Profile.STRONG: (4, 6), Profile.MIDDLE: (3, 4), Profile.OUTPUT_ONLY: (2, 3), Profile.SMALL: (1, 2)}
SPENDING_RANGES = {Profile.STRONG: (50, 300), Profile.MIDDLE: (15, 60), Profile.OUTPUT_ONLY: (10, 40), Profile.SMALL: (2, 10)}


def document_prefix(spec: UnitSpec) -> str:
    prefix = DOCUMENT_PREFIX[kind_of(spec)]
    return "所发" if spec.name.endswith("所") else prefix


def rule_documents(spec: UnitSpec, rng: FastRandom) -> list[RuleDocument]:
    titles = rng.several(RULE_TITLES, rng.draw(*RULE_COUNTS[spec.profile]))
    documents = []
    for title in titles:
        issued = date(rng.draw(2018, 2022), rng.draw(1, 12), rng.draw(1, 28))
        # Numbers run through the year, so a later document of the same year has a higher number.
        number = f"{document_prefix(spec)}〔{issued.year}〕{issued.timetuple().tm_yday // 6 + rng.draw(1, 3)}号"
        documents.append(RuleDocument(name=f"《{spec.name}{title}》", doc_number=number, issued_on=issued))
    return sorted(documents, key=lambda d: d.issued_on)


def unit_standard(spec: UnitSpec) -> ManagementStandard:
    return ManagementStandard.UNIVERSITY if spec.unit_type is UnitType.UNIVERSITY else ManagementStandard.RESEARCH


def ip_management(spec: UnitSpec, window: list[int], rng: FastRandom) -> IpManagement:
    full, part, conversion_staff, attorneys = (rng.draw(*r) for r in STAFF_RANGES[spec.profile])
    low, high = SPENDING_RANGES[spec.profile]
    first_year = rng.draw(low * CENTS_PER_WAN, high * CENTS_PER_WAN)
    return IpManagement(
        standards=[unit_standard(spec)] if PriorityKind.STANDARD in spec.priorities else [],
        has_leading_group=spec.profile is not Profile.SMALL or rng.random() < 0.5,
        ip_staff_full_time=full, ip_staff_part_time=part,
        conversion_staff_full_time=conversion_staff, patent_attorneys=min(attorneys, full + part),
        rule_documents=rule_documents(spec, rng),
        spending=[YearAmount(year=year, amount=from_cents(first_year * rng.draw(95 + 10 * i, 115 + 10 * i) // 100))
                  for i, year in enumerate(window)],
    )


def priority_claims(spec: UnitSpec, rng: FastRandom) -> list[PriorityClaim]:
    return [PriorityClaim(kind=kind, evidence=priority_evidence(kind, spec, rng)) for kind in spec.priorities]


def priority_evidence(kind: PriorityKind, spec: UnitSpec, rng: FastRandom) -> str:
    year = rng.draw(2019, 2022)
    if kind is PriorityKind.STANDARD:
        standard = unit_standard(spec)
        return f"{year}年通过知识产权管理体系认证（{standard.value}），证书编号IPMS-{year}-{rng.draw(1000, 9999)}"
    return {
        PriorityKind.NATIONAL_PILOT: f"{year}年入选国家知识产权试点高校",
        PriorityKind.NAVIGATION_BASE: f"{year}年获批辽宁省专利导航服务基地",
        PriorityKind.HIGH_VALUE_CENTER: f"{year}年获批{spec.city.value}高价值专利培育中心",
        PriorityKind.TRANSFER_INSTITUTION: f"{year}年本单位技术转移中心获批辽宁省技术转移示范机构",
    }[kind]


# --- one application -------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a unit sits and how it is reached: fixed per unit, used by the form and the letters."""

    city: CityProfile
    address: str
    exchange: str
    department: str


def district_for(spec: UnitSpec) -> tuple[str, str]:
    """(region code, district name): fixed by the unit's key, so its code and its address agree whatever the seed."""
    return random.Random(f"{spec.key}/district").choice(CITIES[spec.city].districts)


def place_for(spec: UnitSpec, rng: FastRandom) -> Place:
    city = CITIES[spec.city]
    district = district_for(spec)[1]
    address = f"辽宁省{spec.city.value}{district}{rng.pick(STREETS)}{rng.draw(1, 399)}号"
    return Place(city, address, exchange_for(city, rng), rng.pick(DEPARTMENTS[kind_of(spec)]))


def basic_info(spec: UnitSpec, code: str, place: Place, rng: FastRandom) -> BasicInfo:
    kind = kind_of(spec)
    return BasicInfo(
        unit_name=spec.name, address=place.address, unit_type=spec.unit_type, unit_type_other=spec.unit_type_other,
        credit_code=code, legal_representative=person_name(rng),
        phone=landline(place.city, place.exchange, rng), fax=landline(place.city, place.exchange, rng),
        lead=PilotLead(name=person_name(rng), title=rng.pick(LEAD_TITLES[kind]),
                       landline=landline(place.city, place.exchange, rng), mobile=mobile(rng)),
        contact=PilotContact(name=person_name(rng), mobile=mobile(rng), landline=landline(place.city, place.exchange, rng),
                             fax=landline(place.city, place.exchange, rng),
                             postal_address=f"{place.address}{place.department}", postcode=place.city.postcode,
                             email=email_for(spec, rng)),
    )


def submitted_on(spec: UnitSpec, deadline: date, rng: FastRandom) -> date:
    """Most units submit in the last four weeks before the deadline, a few a fortnight earlier."""
    if spec.days_after_deadline is not None:
        return deadline + timedelta(days=spec.days_after_deadline)
    days_before = rng.draw(1, 26) if rng.random() < 0.9 else rng.draw(27, 40)
    return deadline - timedelta(days=days_before)


def recommendation(spec: UnitSpec, submitted: date, signed: date, deadline: date, rng: FastRandom) -> Recommendation:
    letter_date = max(submitted, min(submitted + timedelta(days=rng.draw(1, 4)), deadline))
    return Recommendation(city=spec.city, unit_confirmation_signed=True, unit_confirmation_date=signed,
                          city_recommended=spec.city_letter, city_recommendation_date=letter_date if spec.city_letter else None)


def application_for(spec: UnitSpec, code: str, batch: Batch, rng: FastRandom) -> Application:
    """The whole form of one unit, without free texts and attachments (those are added for the sample only)."""
    place = place_for(spec, rng)
    window = batch.window
    reported = window[1:] if spec.missing_first_window_year else window
    submitted = submitted_on(spec, batch.deadline, rng)
    # Units sign the commitment before they submit, and a late unit still signed it in time.
    signed = min(submitted - timedelta(days=rng.draw(0, 4)), batch.deadline)
    patents = spec.patents or patent_totals_for(spec.profile, spec.unit_type, rng)
    conversions = spec.conversion or conversion_totals_for(spec.profile, rng)
    return Application(
        batch_id=batch.batch_id,
        submitted_on=submitted,
        basic=basic_info(spec, code, place, rng),
        commitment=CreditCommitment(signed=spec.commitment_signed, signed_on=signed if spec.commitment_signed else None),
        ip_management=ip_management(spec, window, rng),
        patents=patent_rows(patents, reported, rng),
        conversions=conversion_rows(conversions, reported, rng),
        enterprises_connected=conversions.enterprises,
        budget=budget_for(spec, [batch.year + i for i in range(3)], rng),
        priority_claims=priority_claims(spec, rng),
        recommendation=recommendation(spec, submitted, signed, batch.deadline, rng),
        disciplines=unit_fields(spec.name, spec.disciplines),
    )


# --- texts of the sample ---------------------------------------------------------------------

PARTNER_WORDS = ("华通", "恒锐", "新锐", "北方", "泰和", "中联", "宏达", "瑞丰", "科联", "盛源", "东瑞", "凯信")
PARTNER_TRADES = ("精密机械", "新材料", "化工", "智能装备", "生物科技", "能源科技", "海洋装备", "仪器", "农业科技", "信息技术")
PROBLEMS = ("专利质量与产业需求契合度不高", "专业化运营人才不足", "成果转化收益分配激励不够",
            "专利信息利用和导航分析能力偏弱", "供需对接渠道不畅", "存量专利底数不清、分级管理薄弱")


@dataclass(frozen=True)
class Facts:
    """The figures a unit's texts quote, taken from its own form so the texts never contradict it."""

    granted: int
    invention: int
    valid_held: int
    converted: int
    contract: Decimal
    received: Decimal
    enterprises: int
    spending: Decimal
    requested: Decimal
    matching: Decimal
    last_year: int


def facts_of(app: Application) -> Facts:
    return Facts(
        granted=sum(r.granted for r in app.patents), invention=sum(r.invention for r in app.patents),
        valid_held=app.patents[-1].valid_held, converted=sum(r.converted for r in app.conversions),
        contract=sum((r.amount(AmountBasis.CONTRACT) for r in app.conversions), Decimal("0")),
        received=sum((r.amount(AmountBasis.RECEIVED) for r in app.conversions), Decimal("0")),
        enterprises=app.enterprises_connected or 0,
        spending=sum((s.amount for s in app.ip_management.spending), Decimal("0")),
        requested=app.budget.requested, matching=app.budget.matching, last_year=app.patents[-1].year,
    )


def partner_company(spec: UnitSpec, rng: FastRandom) -> str:
    return f"{city_stem(spec.city)}{rng.pick(PARTNER_WORDS)}{rng.pick(PARTNER_TRADES)}有限公司"


def owner_phrase(spec: UnitSpec) -> str:
    return {
        Registration.CENTRAL: "中央部门直属",
        Registration.PRIVATE: "经辽宁省人民政府批准设立的民办",
        Registration.COMPANY: "由科研院所转制的科技型",
        Registration.OTHER_PROVINCE: "总部设在北京的研究总院在沈设立的",
    }.get(spec.registration, "辽宁省属" if spec.city in (City.SHENYANG, City.DALIAN) else f"{spec.city.value}属")


def case_sentence(spec: UnitSpec, facts: Facts, rng: FastRandom) -> str:
    if facts.converted == 0 or facts.contract < 10:
        return "近三年尚未形成有影响的专利转化案例。"
    technology = rng.pick(DISCIPLINES[spec.disciplines[0]])
    amount = (facts.contract * rng.draw(15, 40) / 100).quantize(Decimal("0.01"))
    mode = rng.pick(("转让", "独占许可", "普通许可"))
    return (f"典型案例：{facts.last_year}年，{person_name(rng)}团队研发的“{technology}”相关专利组合以{mode}方式"
            f"转化至{partner_company(spec, rng)}，合同金额{amount}万元，已实现产业化应用。")


def overall_situation(spec: UnitSpec, facts: Facts, rng: FastRandom) -> str:
    first, second = spec.disciplines
    size = {Profile.STRONG: (2500, 4500), Profile.MIDDLE: (1000, 2200)}.get(spec.profile, (300, 900))
    staff = rng.draw(*size)
    if spec.unit_type is UnitType.UNIVERSITY:
        intro = (f"{spec.name}是{owner_phrase(spec)}全日制普通高等学校，现有教职工{staff}人，其中专任教师{staff * rng.draw(60, 75) // 100}人，"
                 f"设有{rng.draw(8, 24)}个二级学院，以{first}、{second}为优势学科，建有省级以上科研平台{rng.draw(3, 40)}个。")
    else:
        is_new_type = spec.unit_type is UnitType.OTHER
        noun = {Registration.COMPANY: "企业"}.get(spec.registration, "新型研发机构" if is_new_type else "科研机构")
        founded = rng.draw(2016, 2021) if is_new_type else rng.draw(1952, 2012)
        intro = (f"{spec.name}始建于{founded}年，是{owner_phrase(spec)}{noun}，现有在职职工{staff // 4}人，"
                 f"其中高级职称{staff // 12}人，主要从事{first}、{second}领域的应用基础研究和工程化开发，"
                 f"建有省级以上创新平台{rng.draw(2, 20)}个。")
    output = (f"近三年，共获得专利授权{facts.granted}件，其中发明专利{facts.invention}件；通过转让、许可、作价入股等方式"
              f"转化专利{facts.converted}件，合同金额{facts.contract}万元，与{facts.enterprises}家企业建立了对接合作关系。")
    return intro + output + case_sentence(spec, facts, rng)


def operation_institution(spec: UnitSpec, app: Application, rng: FastRandom) -> str:
    if spec.profile is Profile.SMALL:
        return "目前尚未设立独立的知识产权运营机构，专利申请、维护和转化工作由科研管理部门兼管。"
    department = app.basic.contact.postal_address.removeprefix(app.basic.address)
    return (f"{rng.draw(2015, 2021)}年成立技术转移中心，挂靠{department}，现有办公场地{rng.draw(8, 40) * 10}平方米，"
            f"负责专利申请前评估、专利分级管理、专利运营和成果转化对接；已与{rng.draw(2, 9)}家知识产权服务机构建立合作关系。")


def conversion_staff_situation(app: Application, rng: FastRandom) -> str:
    staff = app.ip_management.conversion_staff_full_time
    if staff == 0:
        return "目前没有从事专利转化工作的专职人员，由科研管理人员兼职承担。"
    doctors = rng.draw(0, staff)
    masters = rng.draw(0, staff - doctors)
    senior = rng.draw(0, staff)
    brokers = rng.draw(0, staff)
    return (f"现有从事专利转化工作的专职人员{staff}人，其中博士{doctors}人、硕士{masters}人；具有高级职称{senior}人；"
            f"{brokers}人取得技术经纪人资格，单位共有{app.ip_management.patent_attorneys}人具备专利代理师资格。")


def plan_text(spec: UnitSpec, app: Application, batch: Batch, rng: FastRandom) -> str:
    """The three-year plan, following the template's five sections and their sub-headings."""
    facts = facts_of(app)
    return "\n\n".join((
        f"{spec.name}知识产权运营中心三年建设方案（{batch.year}-{batch.year + 2}）",
        plan_basics(spec, app, facts, rng),
        plan_direction(spec, facts, rng),
        plan_measures(spec, rng),
        plan_safeguards(spec, app, facts, rng),
        plan_schedule(app),
    ))


def plan_basics(spec: UnitSpec, app: Application, facts: Facts, rng: FastRandom) -> str:
    management = app.ip_management
    documents = "、".join(d.name for d in management.rule_documents[:3])
    group = "已成立知识产权（成果转化）领导小组" if management.has_leading_group else "尚未成立专门的领导小组"
    problems = "、".join(rng.several(PROBLEMS, 2))
    return (
        "一、基本情况\n"
        f"（一）知识产权工作现状\n{spec.name}高度重视知识产权工作，{group}，已出台{documents}等制度文件。"
        f"现有知识产权管理专职人员{management.ip_staff_full_time}人、兼职人员{management.ip_staff_part_time}人，"
        f"近三年知识产权管理经费投入累计{facts.spending}万元。\n"
        f"（二）专利转化运用情况\n近三年共获得专利授权{facts.granted}件，其中发明专利{facts.invention}件，"
        f"截至{facts.last_year}年底有效专利拥有量{facts.valid_held}件；累计转化专利{facts.converted}件，"
        f"合同金额{facts.contract}万元，实际到账{facts.received}万元，对接服务企业{facts.enterprises}家。\n"
        f"（三）面临问题及对策\n对标国内先进高校院所，专利转化仍存在{problems}等问题。下一步将以运营中心建设为抓手，"
        "推行专利申请前评估和分级管理，引进和培养专业运营人才，完善收益分配激励，打通供需对接渠道。"
    )


def plan_direction(spec: UnitSpec, facts: Facts, rng: FastRandom) -> str:
    industries = "、".join(CITIES[spec.city].industries)
    first, second = spec.disciplines
    target_converted = max(30, facts.converted * rng.draw(130, 180) // 100)
    target_amount = max(Decimal("150"), (facts.contract * rng.draw(130, 180) / 100).quantize(Decimal("1")))
    return (
        "二、建设思路和目标\n"
        f"（一）总体思路\n围绕{spec.city.value}{industries}等重点产业链，依托{first}、{second}学科和科研优势，"
        "以促进专利价值实现为核心，构建“导航—培育—评估—转化”全链条运营体系，打造服务辽宁全面振兴的知识产权运营枢纽平台。\n"
        f"（二）建设目标\n到建设期末，建成机构健全、制度完善、人员专业的知识产权运营中心：专职运营人员达到{rng.draw(5, 12)}人以上；"
        f"培育高价值专利组合{rng.draw(3, 10)}个；三年累计转化专利{target_converted}件以上，转化金额{target_amount}万元以上；"
        f"对接企业{max(15, facts.enterprises + rng.draw(5, 30))}家以上。"
    )


def plan_measures(spec: UnitSpec, rng: FastRandom) -> str:
    technologies = "、".join(rng.several(DISCIPLINES[spec.disciplines[0]], 2))
    standard = STANDARD_TITLES[unit_standard(spec)]
    return (
        "三、建设举措\n"
        "（一）健全运营中心组织架构。在现有技术转移机构基础上设立知识产权运营中心，明确职能和业务范围，建立业务流程、考核办法和激励机制。\n"
        f"（二）提升知识产权管理能力。贯彻{standard}，落实职务科技成果披露和专利申请前评估制度，建立专利分级分类管理体系。\n"
        f"（三）提升专利质量和商业价值。围绕{technologies}等方向开展专利导航和布局，运营中心早期介入科研团队研发活动，培育高价值专利组合。\n"
        "（四）推进专利技术高效转化实施。建立需求企业运营台账，面向省内中小微企业发布开放许可专利，以对接会、推介会等形式促进供需对接，"
        "及时办理专利转让、许可备案。\n"
        "（五）创新专利转化运用机制。探索“揭榜挂帅”、订单式研发和作价入股等方式，完善发明人、单位和运营机构之间的收益分配机制。"
    )


def plan_safeguards(spec: UnitSpec, app: Application, facts: Facts, rng: FastRandom) -> str:
    return (
        "四、保障措施\n"
        f"（一）组织保障。成立由{app.basic.lead.title}任组长的运营中心建设工作组，定期研究解决建设中的重大问题。\n"
        f"（二）政策保障。修订《{spec.name}科技成果转化管理办法》，明确转化净收益的{rng.pick((70, 75, 80, 85, 90))}%用于奖励发明人团队。\n"
        f"（三）资金保障。三年计划投入建设经费{facts.requested + facts.matching}万元，其中申请省专利转化专项资金{facts.requested}万元，"
        f"单位配套{facts.matching}万元，专款专用。\n"
        f"（四）其他支持措施。争取{spec.city.value}知识产权局等部门的政策支持，与知识产权服务机构、金融机构建立合作。"
    )


def plan_schedule(app: Application) -> str:
    lines = ["五、进度安排"]
    for year, focus in zip(sorted({row.year for row in app.budget.rows}), SCHEDULE_FOCUS):
        items = "、".join(row.item for row in app.budget.rows if row.year == year)
        lines.append(f"{year}年：{focus}；实施{items}。")
    return "\n".join(lines)


SCHEDULE_FOCUS = (
    "完成运营中心组建和制度修订，摸清存量专利底数",
    "全面开展专利导航和高价值专利培育，扩大供需对接",
    "总结运营模式和典型案例，完成建设目标并接受综合评估",
)


def recommendation_letter(spec: UnitSpec, app: Application, batch: Batch, rng: FastRandom) -> str:
    city = CITIES[spec.city]
    day = app.recommendation.city_recommendation_date
    return (
        f"关于推荐{spec.name}申报高校院所知识产权运营中心建设试点的函\n\n"
        "辽宁省知识产权局：\n\n"
        f"根据《辽宁省培育高校院所知识产权运营中心建设试点单位工作指引》要求，我局对{spec.name}报送的申报书、"
        "信用承诺书及三年建设方案进行了初审。经审核，该单位申报材料齐全，填报内容属实，具备开展试点工作的基础，"
        f"同意推荐其申报{batch.year}年度高校院所知识产权运营中心建设试点。\n\n"
        f"联系人：{person_name(rng)}　电话：{city.area_code}-{exchange_for(city, rng)}{rng.draw(0, 9999):04d}\n\n"
        f"{spec.city.value}知识产权局\n{format_date(day)}"
    )


def attachment(kind: AttachmentKind, filename: str, text: str) -> tuple[Attachment, bytes]:
    # No trailing newline: the model strips whitespace, and the stored text must equal the file exactly.
    data = text.encode("utf-8")
    return Attachment(kind=kind, filename=filename, sha256=hashlib.sha256(data).hexdigest(), size=len(data), text=text), data


def add_texts_and_attachments(spec: UnitSpec, app: Application, batch: Batch, rng: FastRandom) -> dict[str, bytes]:
    """Fill the form's free texts and attach the plan and (when the city wrote one) the recommendation letter."""
    app.basic.overall_situation = overall_situation(spec, facts_of(app), rng)
    app.operation_institution = operation_institution(spec, app, rng)
    app.conversion_staff_situation = conversion_staff_situation(app, rng)
    documents = [attachment(AttachmentKind.PLAN, f"{app.credit_code}{PLAN_SUFFIX}", plan_text(spec, app, batch, rng))]
    if spec.city_letter:
        documents.append(attachment(AttachmentKind.RECOMMENDATION, f"{app.credit_code}{LETTER_SUFFIX}",
                                    recommendation_letter(spec, app, batch, rng)))
    app.attachments = [meta for meta, _ in documents]
    return {meta.filename: data for meta, data in documents}


# --- synthetic units beyond the roster -------------------------------------------------------

SYNTHETIC_FIELDS = ("材料", "机械", "化工", "能源", "信息", "海洋", "农业", "医药", "冶金", "电气", "环境", "建筑",
                    "仪器", "生物", "智能制造", "船舶", "石化", "交通")
UNIVERSITY_KINDS = ("工程学院", "科技学院", "技术大学", "理工学院", "职业技术学院")
INSTITUTE_KINDS = ("研究院", "研究所", "技术研究院")
SYNTHETIC_PROFILES = (Profile.STRONG,) * 3 + (Profile.MIDDLE,) * 7 + (Profile.OUTPUT_ONLY,) * 2 + (Profile.SMALL,) * 8
# Weighted by the number of universities and institutes a city has, roughly.
CITY_WEIGHTS = {City.SHENYANG: 12, City.DALIAN: 10, City.ANSHAN: 3, City.FUSHUN: 3, City.JINZHOU: 3}
WEIGHTED_CITIES = tuple(city for city in City for _ in range(CITY_WEIGHTS.get(city, 1)))
DISCIPLINE_NAMES = tuple(DISCIPLINES)


def synthetic_spec(index: int, rng: FastRandom, names_seen: dict[str, int]) -> UnitSpec:
    city = rng.pick(WEIGHTED_CITIES)
    unit_type = UnitType.UNIVERSITY if rng.random() < 0.6 else UnitType.INSTITUTE
    kinds = UNIVERSITY_KINDS if unit_type is UnitType.UNIVERSITY else INSTITUTE_KINDS
    base = f"{city_stem(city)}{rng.pick(SYNTHETIC_FIELDS)}{rng.pick(kinds)}"
    names_seen[base] = names_seen.get(base, 0) + 1
    name = base if names_seen[base] == 1 else f"{base}（{names_seen[base]}）"
    profile = rng.pick(SYNTHETIC_PROFILES)
    priorities = (PriorityKind.STANDARD,) if profile is Profile.STRONG else ()
    return UnitSpec(f"synthetic_{index:05d}", name, unit_type, city, f"unit{index:05d}",
                    tuple(rng.several(DISCIPLINE_NAMES, 2)), profile, priorities=priorities)


def synthetic_code(spec: UnitSpec, index: int, offset: int, used: set[str]) -> str:
    """A code unique in the batch: organisation codes walk a fixed stride, which never repeats below 10^8 units."""
    region = district_for(spec)[0]
    step = index
    while (code := credit_code("12", region, f"{(offset + step * 7919) % 10**8:08d}")) in used:
        step += 10**6
    used.add(code)
    return code


# --- public ----------------------------------------------------------------------------------


def sample_batch() -> Batch:
    """The 2023 batch as the guideline sets it, with default settings."""
    return Batch.for_year(SAMPLE_YEAR)


def roster_code(spec: UnitSpec) -> str:
    head, region = code_head_and_region(spec.registration, district_for(spec)[0])
    return credit_code(head, region, organisation_body_for(spec.name))


def sample_roster(count: int) -> list[UnitSpec]:
    """Every edge-case unit, then the other units of the roster in order, to `count` (at most the roster)."""
    edge_keys = {case.key for case in EDGE_CASES}
    if count < len(edge_keys):
        raise ValueError(f"示例批次至少需要{len(edge_keys)}份申报书（每个边界情形一份），收到{count}份。")
    others = [spec for spec in SAMPLE_UNITS if spec.key not in edge_keys][: count - len(edge_keys)]
    chosen = edge_keys | {spec.key for spec in others}
    return [spec for spec in SAMPLE_UNITS if spec.key in chosen]


def sample_applications(batch: Batch, count: int = SAMPLE_SIZE, seed: int = SAMPLE_SEED
                        ) -> list[tuple[Application, dict[str, bytes]]]:
    """The sample: every unit of EDGE_CASES and of the roster, then synthetic units beyond it, each with its files."""
    specs = sample_roster(min(count, len(SAMPLE_UNITS)))
    codes = [roster_code(spec) for spec in specs]
    extra_rng = FastRandom(f"{seed}/extra")
    names_seen: dict[str, int] = {}
    used = set(codes)
    for index in range(count - len(specs)):
        spec = synthetic_spec(index, extra_rng, names_seen)
        specs.append(spec)
        codes.append(synthetic_code(spec, index, seed, used))
    pairs = []
    for spec, code in zip(specs, codes):
        rng = FastRandom(f"{seed}/{spec.key}")
        app = application_for(spec, code, batch, rng)
        files = add_texts_and_attachments(spec, app, batch, rng)
        pairs.append((app, files))
    return pairs


def synthetic_applications(batch: Batch, count: int, seed: int = SAMPLE_SEED) -> list[Application]:
    """Many applications fast (benchmarks): complete figures, unique valid credit codes, no free texts, no files."""
    rng = FastRandom(seed)
    names_seen: dict[str, int] = {}
    used: set[str] = set()
    applications = []
    with garbage_collection_paused():
        for index in range(count):
            spec = synthetic_spec(index, rng, names_seen)
            applications.append(application_for(spec, synthetic_code(spec, index, seed, used), batch, rng))
    return applications


# --- the sample expert pool ------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A tie of one sample expert to an applicant of the sample: a post held there, or (kind None) a declared pair."""

    applicant: str  # the applicant's key in SAMPLE_UNITS
    kind: AffiliationKind | None = None
    start: date | None = None
    end: date | None = None
    by_code: bool = True  # whether the post names the applicant's credit code, or only its name
    reason: str = ""
    expert: int = 0  # which of the unit's experts (0 = the first)


@dataclass(frozen=True)
class PoolUnit:
    """A unit that did not apply, with the fields its experts know and how many of them are in the pool."""

    name: str
    city: City
    head: str  # 12 a public institution, 91 a company, 31 a law firm
    slug: str
    fields: tuple[Discipline, ...]
    experts: int = 1
    links: tuple[Link, ...] = ()
    unavailable: tuple[int, ...] = ()  # which of the unit's experts cannot take part this season


@dataclass(frozen=True)
class InsideUnit:
    """An applicant some of whose own staff sit in the pool: the own-unit rule must keep them off it."""

    applicant: str
    experts: int = 1
    written_as: str = ""  # the unit as the experts wrote it, when not exactly the applicant's name
    by_code: bool = True


D = Discipline
PART_TIME, FORMER, OTHER_TIE = AffiliationKind.PART_TIME, AffiliationKind.FORMER_EMPLOYER, AffiliationKind.OTHER

POOL_UNITS: tuple[PoolUnit, ...] = (
    PoolUnit("沈阳科技大学", City.SHENYANG, "12", "sykjdx", (D.HIGH_END_EQUIPMENT, D.ROBOTICS, D.NEW_MATERIALS, D.AI_AND_SOFTWARE), 3,
             (Link("grants_101", PART_TIME, date(2021, 9, 1)),)),
    PoolUnit("东北新材料研究院", City.SHENYANG, "12", "dbxcl", (D.NEW_MATERIALS, D.METALLURGY), 2,
             # Ended before any review of the sample's batch counts it: in the pool, never a conflict.
             (Link("central_institute_shenyang", PART_TIME, date(2015, 3, 1), date(2019, 12, 31)),)),
    PoolUnit("沈阳航空发动机研究所", City.SHENYANG, "12", "syhkfdj", (D.AEROSPACE, D.HIGH_END_EQUIPMENT), 2, unavailable=(1,)),
    PoolUnit("辽宁中医药研究院", City.SHENYANG, "12", "lnzyy", (D.CHINESE_MEDICINE, D.BIOPHARMA), 2),
    PoolUnit("辽宁知识产权运营服务有限公司", City.SHENYANG, "91", "lnipo", (D.IP_OPERATION, D.TECHNOLOGY_TRANSFER, D.TECH_FINANCE), 3,
             (Link("clear_pass_shenfu_university", PART_TIME, date(2022, 1, 1), by_code=False),)),
    PoolUnit("辽宁正信律师事务所", City.SHENYANG, "31", "zxlaw", (D.LAW, D.IP_OPERATION), 2,
             (Link("conversions_30", reason="配偶在该单位任职"),)),
    PoolUnit("沈阳中衡资产评估有限公司", City.SHENYANG, "91", "zhpg", (D.FINANCE_AND_VALUATION, D.TECH_FINANCE), 2,
             (Link("clear_pass_shenyang_university", reason="近两年为该单位提供过专利价值评估服务"),)),
    PoolUnit("沈阳汽车工程研究院", City.SHENYANG, "12", "syqc", (D.AUTOMOTIVE, D.ELECTRICAL), 2),
    PoolUnit("辽宁省知识产权保护中心", City.SHENYANG, "12", "lnippc", (D.IP_OPERATION, D.LAW), 2),
    PoolUnit("辽宁建筑科学研究院", City.SHENYANG, "12", "lnjky", (D.CIVIL_ENGINEERING, D.ENVIRONMENT), 2),
    PoolUnit("辽宁交通科学研究院", City.SHENYANG, "12", "lnjtky", (D.TRANSPORT, D.CIVIL_ENGINEERING)),
    PoolUnit("大连理工科技大学", City.DALIAN, "12", "dllgkj", (D.FINE_CHEMICALS, D.MARINE_AND_SHIPS, D.NEW_ENERGY, D.ELECTRONICS), 3,
             (Link("clear_pass_dalian_institute", FORMER, date(2005, 7, 1), date(2024, 12, 31), expert=1),)),
    PoolUnit("大连海洋装备研究院", City.DALIAN, "12", "dlhyzb", (D.MARINE_AND_SHIPS, D.HIGH_END_EQUIPMENT), 2,
             (Link("requested_100_00", OTHER_TIE, date(2023, 3, 1)),)),
    PoolUnit("大连生物技术研究所", City.DALIAN, "12", "dlswjs", (D.BIOPHARMA, D.MEDICAL_DEVICES, D.FOOD), 2,
             (Link("valid_200", reason="近两年与该单位有合作研发项目", expert=1),)),
    PoolUnit("大连汇智专利代理事务所有限公司", City.DALIAN, "91", "hzpatent", (D.IP_OPERATION, D.LAW), 2),
    PoolUnit("大连技术转移中心", City.DALIAN, "12", "dlttc", (D.TECHNOLOGY_TRANSFER, D.IP_OPERATION), 2),
    PoolUnit("大连集成电路设计研究院", City.DALIAN, "12", "dlicd", (D.INTEGRATED_CIRCUITS, D.ELECTRONICS, D.OPTOELECTRONICS), 2),
    PoolUnit("大连轻纺研究所", City.DALIAN, "12", "dlqf", (D.LIGHT_INDUSTRY, D.FOOD)),
    PoolUnit("鞍山钢铁技术研究院有限公司", City.ANSHAN, "91", "asgtjs", (D.METALLURGY, D.NEW_MATERIALS, D.MINING), 2),
    PoolUnit("抚顺石化技术研究院", City.FUSHUN, "12", "fsshjs", (D.PETROCHEMICALS, D.FINE_CHEMICALS, D.ENVIRONMENT), 2,
             (Link("amount_100_00", FORMER, date(2001, 9, 1), date(2023, 8, 31)),)),
    PoolUnit("锦州光电技术研究所", City.JINZHOU, "12", "jzgd", (D.OPTOELECTRONICS, D.NEW_ENERGY, D.ELECTRONICS), 2),
    PoolUnit("营口镁质材料检测中心", City.YINGKOU, "12", "ykmzjc", (D.NEW_MATERIALS, D.INSTRUMENTS)),
    PoolUnit("丹东检测仪器研究院", City.DANDONG, "12", "ddjcyq", (D.INSTRUMENTS, D.ROBOTICS)),
    PoolUnit("阜新矿业技术研究院", City.FUXIN, "12", "fxky", (D.MINING, D.ENVIRONMENT)),
    PoolUnit("盘锦油气工程技术研究院", City.PANJIN, "12", "pjyq", (D.PETROCHEMICALS, D.ENVIRONMENT)),
    PoolUnit("铁岭农业科学研究所", City.TIELING, "12", "tlnk", (D.MODERN_AGRICULTURE, D.FOOD)),
    PoolUnit("朝阳新能源电器研究所", City.CHAOYANG, "12", "cyxny", (D.NEW_ENERGY, D.ELECTRICAL)),
    PoolUnit("葫芦岛有色金属研究院", City.HULUDAO, "12", "hldys", (D.METALLURGY, D.NEW_MATERIALS)),
    PoolUnit("本溪中药产业研究院", City.BENXI, "12", "bxzycy", (D.CHINESE_MEDICINE, D.MODERN_AGRICULTURE)),
    PoolUnit("辽阳芳烃化工研究院", City.LIAOYANG, "12", "lyft", (D.FINE_CHEMICALS, D.PETROCHEMICALS)),
    PoolUnit("沈抚科技金融服务中心", City.SHENFU, "12", "sfkjjr", (D.TECH_FINANCE, D.TECHNOLOGY_TRANSFER)),
)

INSIDE_UNITS: tuple[InsideUnit, ...] = (
    InsideUnit("grants_100"),  # 沈阳理工学院: the same credit code
    InsideUnit("clear_pass_dalian_university", 2),
    InsideUnit("central_university", written_as="东北工业技术大学（浑南校区）", by_code=False),  # a campus of the applicant
    InsideUnit("clear_pass_shenyang_institute", by_code=False),  # the same name, no code
    InsideUnit("clear_pass_dalian_institute"),
    InsideUnit("central_institute_dalian"),
    InsideUnit("company_institute", written_as="辽宁北方机械研究院有限责任公司", by_code=False),
)

EXPERT_PREFIX = "ZJ-"
TECHNICAL_TITLES = {"大学": ("教授", "教授", "副教授"), "研究": ("研究员", "正高级工程师", "副研究员", "高级工程师")}
FIELD_TITLES = {D.LAW: ("律师", "一级律师"), D.FINANCE_AND_VALUATION: ("注册资产评估师", "高级会计师"),
                D.TECH_FINANCE: ("高级经济师",), D.IP_OPERATION: ("专利代理师", "高级经济师", "研究员"),
                D.TECHNOLOGY_TRANSFER: ("高级技术经纪人", "研究员")}


def pool_unit_code(unit: PoolUnit) -> str:
    return credit_code(unit.head, CITIES[unit.city].districts[0][0], organisation_body_for(unit.name))


def expert_title(unit_name: str, fields: list[Discipline], rng: FastRandom) -> str:
    if fields[0] in FIELD_TITLES:
        return rng.pick(FIELD_TITLES[fields[0]])
    return rng.pick(TECHNICAL_TITLES["大学" if "大学" in unit_name or "学院" in unit_name else "研究"])


def expert_fields(fields: Sequence[Discipline], rng: FastRandom) -> list[Discipline]:
    """One to three of the unit's fields; technical experts now and then also know IP operation."""
    chosen = rng.several(list(fields), rng.draw(1, min(3, len(fields))))
    if len(chosen) < 3 and D.IP_OPERATION not in chosen and rng.random() < 0.2:
        chosen.append(D.IP_OPERATION)
    return chosen


def mail_domain(unit_name: str, slug: str) -> str:
    if "公司" in unit_name or "事务所" in unit_name:
        return f"{slug}.com.cn"
    if "大学" in unit_name or "学院" in unit_name:
        return f"{slug}.edu.cn"
    return f"{slug}.org.cn" if unit_name.endswith("中心") else f"{slug}.ac.cn"


def distinct_name(rng: FastRandom, taken: set[str]) -> str:
    """A person's name not yet in the pool: two experts of one name would only confuse the sample's reader."""
    while (name := person_name(rng)) in taken:
        pass
    taken.add(name)
    return name


def pool_expert(number: int, unit_name: str, unit_code: str, city: City, slug: str, fields: Sequence[Discipline],
                rng: FastRandom, taken: set[str]) -> Expert:
    chosen = expert_fields(fields, rng)
    return Expert(expert_id=f"{EXPERT_PREFIX}{number:04d}", name=distinct_name(rng, taken), unit=unit_name,
                  unit_credit_code=unit_code, title=expert_title(unit_name, chosen, rng), disciplines=chosen, city=city,
                  phone=mobile(rng), email=f"zj{number:04d}@{mail_domain(unit_name, slug)}")


def affiliation_at(link: Link, applicants: dict[str, tuple[UnitSpec, str]]) -> Affiliation:
    spec, code = applicants[link.applicant]
    return Affiliation(unit_name=spec.name, credit_code=code if link.by_code else "", kind=link.kind,
                       start=link.start, end=link.end)


def sample_experts(seed: int = SAMPLE_SEED) -> list[Expert]:
    """The sample pool (about sixty experts from Liaoning's cities): some at the very units that applied,
    some with a post at an applicant, one unavailable; `sample_declarations` adds the declared pairs."""
    rng = FastRandom(f"{seed}/experts")
    applicants = {spec.key: (spec, roster_code(spec)) for spec in SAMPLE_UNITS}
    experts: list[Expert] = []
    taken: set[str] = set()
    for unit in POOL_UNITS:
        first = len(experts)
        for _ in range(unit.experts):
            experts.append(pool_expert(len(experts) + 1, unit.name, pool_unit_code(unit), unit.city, unit.slug,
                                       unit.fields, rng, taken))
        for link in unit.links:
            if link.kind is not None:
                experts[first + link.expert].affiliations.append(affiliation_at(link, applicants))
        for ordinal in unit.unavailable:
            experts[first + ordinal].available = False
            experts[first + ordinal].note = "本年度下半年出国访学，暂不参加评审"
    for inside in INSIDE_UNITS:
        spec, code = applicants[inside.applicant]
        for _ in range(inside.experts):
            experts.append(pool_expert(len(experts) + 1, inside.written_as or spec.name, code if inside.by_code else "",
                                       spec.city, spec.slug, unit_fields(spec.name, spec.disciplines), rng, taken))
    return experts


def sample_declarations() -> list[ConflictDeclaration]:
    """The pairs declared for the sample pool (e.g. a spouse working at an applicant)."""
    applicants = {spec.key: roster_code(spec) for spec in SAMPLE_UNITS}
    first_of: dict[str, int] = {}
    number = 0
    for unit in POOL_UNITS:
        first_of[unit.name] = number + 1
        number += unit.experts
    return [ConflictDeclaration(expert_id=f"{EXPERT_PREFIX}{first_of[unit.name] + link.expert:04d}",
                                credit_code=applicants[link.applicant], reason=link.reason)
            for unit in POOL_UNITS for link in unit.links if link.kind is None]


@contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """Tens of thousands of new objects, none of them garbage, make the collector rescan the growing heap
    again and again: pausing it halves the time of a large batch."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def write_sample_files(directory: Path) -> list[Path]:
    """Write the sample batch as one JSON import file plus its attachment files, and the sample expert pool as
    experts.json, into `directory` (data/sample/)."""
    directory.mkdir(parents=True, exist_ok=True)
    pairs = sample_applications(sample_batch())
    files = {name: data for _, attached in pairs for name, data in attached.items()}
    remove_stale_attachments(directory, keep=set(files))
    payload = {"applications": [app.model_dump(mode="json") for app, _ in pairs]}
    json_path = directory / SAMPLE_JSON
    json_path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    pool = {"experts": [e.model_dump(mode="json") for e in sample_experts()],
            "declarations": [d.model_dump(mode="json") for d in sample_declarations()]}
    experts_path = directory / EXPERTS_JSON
    experts_path.write_text(json.dumps(pool, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written = [json_path, experts_path]
    for name, data in sorted(files.items()):
        path = directory / name
        path.write_bytes(data)
        written.append(path)
    return written


def remove_stale_attachments(directory: Path, keep: set[str]) -> None:
    """Attachments of units no longer in the sample; only files this module names are touched."""
    for suffix in (PLAN_SUFFIX, LETTER_SUFFIX):
        for path in directory.glob(f"*{suffix}"):
            if path.name not in keep:
                path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring.intake.sample",
                                     description="重新生成示例批次的导入文件（JSON及附件）与示例专家库（experts.json）。")
    parser.add_argument("directory", nargs="?", type=Path, default=SAMPLE_DIRECTORY, help=f"输出目录（默认 {SAMPLE_DIRECTORY}）")
    args = parser.parse_args(argv)
    written = write_sample_files(args.directory)
    print(f"已写入{len(written)}个文件到 {args.directory}。")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
