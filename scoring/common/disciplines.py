"""The controlled list of fields of expertise (专业领域) that applications, experts and rubrics share.

Applications name their 1–2 leading disciplines or industries (优势学科/产业领域), experts their
1–3 fields of expertise; the assignment matches the two. The list follows the industries of
Liaoning's universities and institutes plus the fields of IP operation itself (law, valuation,
finance, technology transfer), which the pilot's reviews need as much as the technical ones.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from enum import StrEnum


class Discipline(StrEnum):
    NEW_MATERIALS = "新材料"
    HIGH_END_EQUIPMENT = "高端装备制造"
    ROBOTICS = "机器人与智能制造"
    PETROCHEMICALS = "石油化工"
    FINE_CHEMICALS = "精细化工"
    METALLURGY = "冶金"
    MINING = "矿业与资源"
    BIOPHARMA = "生物医药"
    CHINESE_MEDICINE = "中医药"
    MEDICAL_DEVICES = "医疗器械"
    MODERN_AGRICULTURE = "现代农业"
    FOOD = "食品"
    MARINE_AND_SHIPS = "海洋工程与船舶"
    AEROSPACE = "航空航天"
    AUTOMOTIVE = "汽车"
    TRANSPORT = "交通运输"
    NEW_ENERGY = "新能源"
    ELECTRICAL = "电气工程"
    ENVIRONMENT = "节能环保"
    ELECTRONICS = "电子信息"
    INTEGRATED_CIRCUITS = "集成电路"
    OPTOELECTRONICS = "光电"
    AI_AND_SOFTWARE = "人工智能与软件"
    INSTRUMENTS = "仪器仪表"
    CIVIL_ENGINEERING = "土木与建筑"
    LIGHT_INDUSTRY = "轻工纺织"
    IP_OPERATION = "知识产权管理与运营"
    TECHNOLOGY_TRANSFER = "技术转移"
    LAW = "法律"
    FINANCE_AND_VALUATION = "财务与资产评估"
    TECH_FINANCE = "科技金融"


# Other ways people write a field, compared after folding (see `_key`). Names of the national
# first-level disciplines (一级学科) are here where they map to one field without doubt;
# 化学工程与技术 (petro- or fine chemicals?) and 动力工程 (energy or equipment?) are left out on purpose.
ALIASES: dict[str, Discipline] = {
    "材料": Discipline.NEW_MATERIALS, "材料科学与工程": Discipline.NEW_MATERIALS, "先进材料": Discipline.NEW_MATERIALS,
    "菱镁新材料": Discipline.NEW_MATERIALS,
    "装备制造": Discipline.HIGH_END_EQUIPMENT, "高端装备": Discipline.HIGH_END_EQUIPMENT,
    "机械": Discipline.HIGH_END_EQUIPMENT, "机械工程": Discipline.HIGH_END_EQUIPMENT,
    "智能制造": Discipline.ROBOTICS, "机器人": Discipline.ROBOTICS, "控制科学与工程": Discipline.ROBOTICS,
    "工业机器人": Discipline.ROBOTICS, "自动化": Discipline.ROBOTICS,
    "石化": Discipline.PETROCHEMICALS, "石油": Discipline.PETROCHEMICALS, "石油与天然气工程": Discipline.PETROCHEMICALS,
    "化工": Discipline.FINE_CHEMICALS, "精细化学品": Discipline.FINE_CHEMICALS,
    "钢铁": Discipline.METALLURGY, "钢铁冶金": Discipline.METALLURGY, "冶金工程": Discipline.METALLURGY,
    "有色金属": Discipline.METALLURGY,
    "矿业": Discipline.MINING, "矿业工程": Discipline.MINING, "采矿": Discipline.MINING, "资源": Discipline.MINING,
    "医药": Discipline.BIOPHARMA, "药学": Discipline.BIOPHARMA,
    "生物": Discipline.BIOPHARMA, "生物技术": Discipline.BIOPHARMA, "生物工程": Discipline.BIOPHARMA,
    "中药": Discipline.CHINESE_MEDICINE, "中药学": Discipline.CHINESE_MEDICINE, "中医": Discipline.CHINESE_MEDICINE,
    "中医学": Discipline.CHINESE_MEDICINE,
    "医疗装备": Discipline.MEDICAL_DEVICES, "医疗设备": Discipline.MEDICAL_DEVICES,
    "生物医学工程": Discipline.MEDICAL_DEVICES,
    "农业": Discipline.MODERN_AGRICULTURE, "作物学": Discipline.MODERN_AGRICULTURE, "农学": Discipline.MODERN_AGRICULTURE,
    "种业": Discipline.MODERN_AGRICULTURE, "园艺学": Discipline.MODERN_AGRICULTURE,
    "食品科学与工程": Discipline.FOOD, "农产品加工": Discipline.FOOD, "食品加工": Discipline.FOOD,
    "船舶": Discipline.MARINE_AND_SHIPS, "海洋工程": Discipline.MARINE_AND_SHIPS, "船舶与海洋工程": Discipline.MARINE_AND_SHIPS,
    "海洋": Discipline.MARINE_AND_SHIPS, "船舶与海洋": Discipline.MARINE_AND_SHIPS,
    "航空": Discipline.AEROSPACE, "航天": Discipline.AEROSPACE, "航空宇航科学与技术": Discipline.AEROSPACE,
    "汽车零部件": Discipline.AUTOMOTIVE, "新能源汽车": Discipline.AUTOMOTIVE, "车辆工程": Discipline.AUTOMOTIVE,
    "交通": Discipline.TRANSPORT, "交通运输工程": Discipline.TRANSPORT, "物流": Discipline.TRANSPORT,
    "能源": Discipline.NEW_ENERGY, "清洁能源": Discipline.NEW_ENERGY, "光伏": Discipline.NEW_ENERGY,
    "氢能": Discipline.NEW_ENERGY, "储能": Discipline.NEW_ENERGY,
    "电气": Discipline.ELECTRICAL, "电力": Discipline.ELECTRICAL, "电力系统": Discipline.ELECTRICAL,
    "环保": Discipline.ENVIRONMENT, "环境": Discipline.ENVIRONMENT, "环境科学与工程": Discipline.ENVIRONMENT,
    "节能": Discipline.ENVIRONMENT, "生态": Discipline.ENVIRONMENT, "生态学": Discipline.ENVIRONMENT,
    "生态环境": Discipline.ENVIRONMENT,
    "信息": Discipline.ELECTRONICS, "电子": Discipline.ELECTRONICS, "电子科学与技术": Discipline.ELECTRONICS,
    "信息与通信工程": Discipline.ELECTRONICS, "通信": Discipline.ELECTRONICS, "新一代信息技术": Discipline.ELECTRONICS,
    "芯片": Discipline.INTEGRATED_CIRCUITS, "半导体": Discipline.INTEGRATED_CIRCUITS, "ic": Discipline.INTEGRATED_CIRCUITS,
    "集成电路科学与工程": Discipline.INTEGRATED_CIRCUITS,
    "光学工程": Discipline.OPTOELECTRONICS, "光电子": Discipline.OPTOELECTRONICS, "光电信息": Discipline.OPTOELECTRONICS,
    "激光": Discipline.OPTOELECTRONICS,
    "人工智能": Discipline.AI_AND_SOFTWARE, "软件": Discipline.AI_AND_SOFTWARE, "ai": Discipline.AI_AND_SOFTWARE,
    "计算机": Discipline.AI_AND_SOFTWARE, "计算机科学与技术": Discipline.AI_AND_SOFTWARE,
    "软件工程": Discipline.AI_AND_SOFTWARE, "大数据": Discipline.AI_AND_SOFTWARE, "数字经济": Discipline.AI_AND_SOFTWARE,
    "仪器": Discipline.INSTRUMENTS, "仪器科学与技术": Discipline.INSTRUMENTS, "检测仪器": Discipline.INSTRUMENTS,
    "土木": Discipline.CIVIL_ENGINEERING, "建筑": Discipline.CIVIL_ENGINEERING, "土木工程": Discipline.CIVIL_ENGINEERING,
    "建筑学": Discipline.CIVIL_ENGINEERING, "土木建筑": Discipline.CIVIL_ENGINEERING,
    "轻工": Discipline.LIGHT_INDUSTRY, "纺织": Discipline.LIGHT_INDUSTRY, "纺织科学与工程": Discipline.LIGHT_INDUSTRY,
    "轻工技术与工程": Discipline.LIGHT_INDUSTRY,
    "知识产权": Discipline.IP_OPERATION, "知识产权管理": Discipline.IP_OPERATION, "知识产权运营": Discipline.IP_OPERATION,
    "专利": Discipline.IP_OPERATION, "专利代理": Discipline.IP_OPERATION, "专利运营": Discipline.IP_OPERATION,
    "技术转移转化": Discipline.TECHNOLOGY_TRANSFER, "成果转化": Discipline.TECHNOLOGY_TRANSFER,
    "科技成果转化": Discipline.TECHNOLOGY_TRANSFER, "技术经纪": Discipline.TECHNOLOGY_TRANSFER,
    "法学": Discipline.LAW, "律师": Discipline.LAW, "知识产权法": Discipline.LAW,
    "财务": Discipline.FINANCE_AND_VALUATION, "会计": Discipline.FINANCE_AND_VALUATION,
    "资产评估": Discipline.FINANCE_AND_VALUATION, "审计": Discipline.FINANCE_AND_VALUATION,
    "财务管理": Discipline.FINANCE_AND_VALUATION, "知识产权评估": Discipline.FINANCE_AND_VALUATION,
    "金融": Discipline.TECH_FINANCE, "投资": Discipline.TECH_FINANCE, "知识产权金融": Discipline.TECH_FINANCE,
    "知识产权质押融资": Discipline.TECH_FINANCE,
}

# Names that could mean more than one field: the reader asks the user to choose rather than guess.
AMBIGUOUS: dict[str, tuple[Discipline, ...]] = {
    "化学工程与技术": (Discipline.PETROCHEMICALS, Discipline.FINE_CHEMICALS),
    "化学": (Discipline.PETROCHEMICALS, Discipline.FINE_CHEMICALS),
    "化学工程": (Discipline.PETROCHEMICALS, Discipline.FINE_CHEMICALS),
    "动力工程及工程热物理": (Discipline.NEW_ENERGY, Discipline.ENVIRONMENT, Discipline.HIGH_END_EQUIPMENT),
    "动力工程": (Discipline.NEW_ENERGY, Discipline.ENVIRONMENT, Discipline.HIGH_END_EQUIPMENT),
    "临床医学": (Discipline.BIOPHARMA, Discipline.MEDICAL_DEVICES),
    "医学": (Discipline.BIOPHARMA, Discipline.MEDICAL_DEVICES, Discipline.CHINESE_MEDICINE),
}

# Endings people add to a field's name ("新材料领域", "生物医药产业") that do not change which field it is.
_DECORATIONS = ("领域", "产业", "行业", "方向", "专业", "类")
_SEPARATORS = re.compile(r"[;；、,，/\n]+")


def _key(text: str) -> str:
    """A name as compared: half width, no spaces, lower case, without a trailing 领域/产业/…."""
    folded = "".join(unicodedata.normalize("NFKC", text).split()).casefold().strip("《》“”\"'")
    for decoration in _DECORATIONS:
        if folded.endswith(decoration) and len(folded) > len(decoration) + 1:
            return folded.removesuffix(decoration)
    return folded


_LOOKUP: dict[str, Discipline] = {
    **{_key(name): field for name, field in ALIASES.items()},
    **{_key(field.value): field for field in Discipline},
}


def parse_discipline(text: str) -> Discipline:
    """One field from its name or a common variant; raises ValueError in Chinese, with a suggestion when close."""
    key = _key(text)
    if key in _LOOKUP:
        return _LOOKUP[key]
    message = f"“{text.strip()}”不在专业领域目录中"
    choices = next((fields for name, fields in AMBIGUOUS.items() if _key(name) == key), None)
    if choices:
        raise ValueError(message + "，可能对应" + "、".join(f"“{f.value}”" for f in choices) + "，请选择其一")
    close = difflib.get_close_matches(key, list(_LOOKUP), n=1, cutoff=0.6)
    if close:
        message += f"，是否指“{_LOOKUP[close[0]].value}”？"
    else:
        message += "，请从填表说明所列的专业领域中选择"
    raise ValueError(message)


def parse_disciplines(text: str) -> list[Discipline]:
    """Several fields separated by ；、， or line breaks, in the order written, each once."""
    found: list[Discipline] = []
    for part in _SEPARATORS.split(text):
        if part.strip():
            field = parse_discipline(part)
            if field not in found:
                found.append(field)
    return found


def catalogue() -> list[tuple[str, str]]:
    """Every field with the variants accepted for it, as the templates print them."""
    variants: dict[Discipline, list[str]] = {field: [] for field in Discipline}
    for name, field in ALIASES.items():
        if name.isascii():
            name = name.upper()
        variants[field].append(name)
    return [(field.value, "、".join(variants[field])) for field in Discipline]
