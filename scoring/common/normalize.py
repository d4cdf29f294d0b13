"""Turn raw spreadsheet cells into clean values; every refusal is a ValueError with a short Chinese reason.

A parser takes what a cell holds (str, int, float, bool, date, datetime or None), returns the clean
value, or None when the cell is blank, and raises ValueError otherwise. Parsers that accept a value
but want the user to look at it append a Chinese sentence to the optional `warnings` list.
"""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from scoring.common.disciplines import Discipline, parse_disciplines
from scoring.common.errors import InputError
from scoring.common.models import AffiliationKind, City, Funding, ManagementStandard, UnitType, compact_code

CENT = Decimal("0.01")
WAN_LIMIT = Decimal("1000000000000")  # 14 digits with 2 decimals: what models.Wan can hold
LARGE_WAN = Decimal("10000")  # 1亿元: above this a 万元 figure was probably typed in 元
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 once Excel's 1900 leap-year bug is allowed for
EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
EARLIEST_YEAR, LATEST_YEAR = 1950, 2100

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_ODD_SPACES = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2009\u202f\u3000"), " ")
_CHECKBOX_MARKS = dict.fromkeys(map(ord, "□☐■☑☒√✓✔"), None)

M = TypeVar("M", bound=BaseModel)

_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_COUNT_UNITS = ("件", "项", "个", "家", "人", "名", "次", "篇")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_DATE_SEPARATED = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_LIST_SEPARATORS = re.compile(r"[;；、,，\n]+")

TRUE_WORDS = frozenset({
    "是", "√", "✓", "✔", "☑", "y", "yes", "true", "1", "有", "已签署", "已签", "签署", "已签字",
    "已盖章", "已出具", "出具", "已推荐", "推荐", "已成立", "成立", "已确认", "确认", "同意",
})
FALSE_WORDS = frozenset({
    "否", "×", "✗", "✘", "☐", "□", "n", "no", "false", "0", "无", "没有", "未签署", "未签", "未签字",
    "未盖章", "未出具", "未推荐", "不推荐", "未成立", "未确认", "不同意",
})

UNIT_TYPE_WORDS = {
    "高等学校": UnitType.UNIVERSITY, "高校": UnitType.UNIVERSITY, "大学": UnitType.UNIVERSITY,
    "高等院校": UnitType.UNIVERSITY, "普通高等学校": UnitType.UNIVERSITY,
    "科研院所": UnitType.INSTITUTE, "科研机构": UnitType.INSTITUTE, "科研组织": UnitType.INSTITUTE,
    "科研单位": UnitType.INSTITUTE, "研究院所": UnitType.INSTITUTE, "科研院": UnitType.INSTITUTE,
    "研究所": UnitType.INSTITUTE, "其他": UnitType.OTHER, "其它": UnitType.OTHER,
}
_CITY_SUFFIXES = ("知识产权局", "市场监督管理局", "市场监管局", "局")
_NO_STANDARD_WORDS = frozenset({"无", "否", "未贯彻", "暂无", "没有"})


# --- text ----------------------------------------------------------------------------------


def is_blank(value: object) -> bool:
    """None, an empty string, or a string of spaces (of any width) counts as an empty cell."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    if value.isprintable():  # the common case: no invisible marks to remove first
        return not value.strip()
    return not value.translate(_INVISIBLE).strip()


def fold_width(text: str) -> str:
    """Full-width digits, letters and punctuation (１２０，．＠) to their ASCII forms."""
    return unicodedata.normalize("NFKC", text)


def clean_text(value: object) -> str:
    """A one-line text: odd spaces and line breaks become single spaces, ends trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if not text.isprintable():  # invisible marks and odd spaces are all non-printable: skip the work when none are
        text = text.translate(_INVISIBLE).translate(_ODD_SPACES)
    return " ".join(text.split())


def clean_long_text(value: object) -> str:
    """A paragraph text: line breaks kept (unified to \\n), trailing spaces and zero-width marks dropped."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return clean_text(value)
    text = value.translate(_INVISIBLE).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _compact(value: object) -> str:
    """Folded to half width, with every space removed: the form numbers, dates and choices are compared in."""
    return "".join(fold_width(clean_text(value)).split())


# --- numbers -------------------------------------------------------------------------------


def _decimal_from_text(text: str) -> Decimal:
    if _PLAIN_NUMBER.match(text):
        return Decimal(text)
    if _GROUPED_NUMBER.match(text):
        return Decimal(text.replace(",", ""))
    raise ValueError(f"“{text}”不是数字")


def _decimal_from_cell(value: object, units: tuple[str, ...]) -> tuple[Decimal, str, str]:
    """The number in a cell, the unit written after it (if any), and the text as the user wrote it."""
    if isinstance(value, bool):
        raise ValueError("应填写数字，不能填是/否")
    if isinstance(value, (datetime, date)):
        raise ValueError(f"应填写数字，单元格中是日期 {clean_text(value)}（可能被 Excel 自动转成了日期）")
    if isinstance(value, int):
        return Decimal(value), "", str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("应填写数字")
        return Decimal(repr(value)), "", clean_text(value)  # repr: the shortest decimal, not the binary
    written = clean_text(value)
    text = _compact(value).lstrip("¥").removeprefix("RMB")
    unit = next((u for u in units if text.endswith(u)), "")
    number = text.removesuffix(unit) if unit else text
    try:
        return _decimal_from_text(number), unit, written
    except (ValueError, InvalidOperation):
        raise ValueError(f"“{written}”不是数字") from None


def parse_count(value: object) -> int | None:
    """A count of patents, people or enterprises: a whole number ≥ 0; "120件", "１２０", "1,200", "12.0" pass."""
    if is_blank(value):
        return None
    number, _, written = _decimal_from_cell(value, _COUNT_UNITS)
    if number < 0:
        raise ValueError(f"不能为负数（填写的是 {written}）")
    if number != number.to_integral_value():
        raise ValueError(f"应为整数（填写的是 {written}）")
    return int(number)


def parse_wan(value: object, warnings: list[str] | None = None) -> Decimal | None:
    """An amount in 万元 with two decimals; "35.5万元" passes, "355000元" becomes 35.50 with a warning."""
    if is_blank(value):
        return None
    number, unit, written = _decimal_from_cell(value, ("万元", "万", "元"))
    if number < 0:
        raise ValueError(f"金额不能为负数（填写的是 {written}）")
    notes = []
    if unit == "元":
        number = number / 10000
        notes.append(f"金额“{written}”按元填写，已换算为 {_format_wan(number)} 万元")
    rounded = number.quantize(CENT, rounding=ROUND_HALF_UP)
    if rounded != number and unit != "元":
        notes.append(f"金额最多保留两位小数，已将 {written} 四舍五入为 {rounded}")
    if rounded >= WAN_LIMIT:
        raise ValueError(f"金额 {written} 过大，超出系统可记录的范围")
    if rounded >= LARGE_WAN:
        notes.append(f"金额 {rounded} 万元超过1亿元，请确认单位是万元而不是元")
    if warnings is not None:
        warnings.extend(notes)
    return rounded


def _format_wan(number: Decimal) -> str:
    return str(number.quantize(CENT, rounding=ROUND_HALF_UP))


def parse_year(value: object) -> int | None:
    """A four-digit calendar year; "2022", "2022年", 2022.0 pass."""
    if is_blank(value):
        return None
    number, _, written = _decimal_from_cell(value, ("年度", "年"))
    if number != number.to_integral_value() or not EARLIEST_YEAR <= number <= LATEST_YEAR:
        raise ValueError(f"年度应为四位年份（填写的是 {written}）")
    return int(number)


# --- yes / no and dates --------------------------------------------------------------------


def parse_bool(value: object) -> bool | None:
    """Yes or no: 是/否, √/×, Y/N, true/false, 1/0, 已签署/未签署, 已出具/未出具 and the like."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = _compact(value).casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"“{clean_text(value)}”应填写“是”或“否”")


def parse_date(value: object, warnings: list[str] | None = None, today: date | None = None) -> date | None:
    """A date from a date cell, an Excel serial number or text such as 2023-05-20, 2023/5/20,
    2023.5.20, 2023年5月20日 or 20230520; a date after `today` is kept with a warning."""
    if is_blank(value):
        return None
    parsed = _date_from_cell(value)
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise ValueError(f"日期 {parsed.isoformat()} 不在合理范围内（{EARLIEST_YEAR}—{LATEST_YEAR}年）")
    if today is not None and parsed > today and warnings is not None:
        warnings.append(f"日期 {parsed.isoformat()} 晚于今天，请核对")
    return parsed


def _date_from_cell(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError("应填写日期，不能填是/否")
    if isinstance(value, (int, float)):
        return _date_from_number(value)
    text = _TIME_SUFFIX.sub("", fold_width(clean_text(value)))
    text = "".join(text.split())
    match = _DATE_SEPARATED.match(text) or _DATE_COMPACT.match(text)
    if not match:
        raise ValueError(f"“{clean_text(value)}”不是可识别的日期，请写成 2023-05-20 的形式")
    return _checked_date(*(int(part) for part in match.groups()), written=clean_text(value))


def _date_from_number(value: int | float) -> date:
    """An 8-digit number is read as yyyymmdd; anything else as an Excel serial day number."""
    if not math.isfinite(value):
        raise ValueError("应填写日期")
    whole = int(value)
    if 10_000_000 <= whole <= 99_999_999 and whole == value:
        return _checked_date(whole // 10000, whole // 100 % 100, whole % 100, written=str(whole))
    if not 1 <= value <= EXCEL_MAX_SERIAL:
        raise ValueError(f"数字 {clean_text(value)} 不是可识别的日期")
    return EXCEL_EPOCH + timedelta(days=whole)


def _checked_date(year: int, month: int, day: int, written: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{written}”不存在") from None


# --- codes and contact details -------------------------------------------------------------


def parse_credit_code(value: object) -> str | None:
    """A 统一社会信用代码 as text, half width, upper case, without spaces; its checksum is checked later."""
    if is_blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("统一社会信用代码被 Excel 存成了数字，末几位可能已丢失，请把该列设为文本后重新填写")
    return _compact(value).upper()


def parse_phone(value: object, warnings: list[str] | None = None) -> str:
    """A phone or fax number as text; a number cell that is not a mobile number may have lost its leading 0."""
    if is_blank(value):
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = clean_text(value)
        if warnings is not None and not (len(digits) == 11 and digits.startswith("1")):
            warnings.append(f"电话号码 {digits} 被存成了数字，开头的 0 可能已丢失，请核对")
        return digits
    return fold_width(clean_text(value))


def parse_email(value: object, warnings: list[str] | None = None) -> str:
    """An e-mail address; one that does not look like name@host.domain is kept with a warning."""
    text = _compact(value)
    if text and warnings is not None and not _EMAIL.match(text):
        warnings.append(f"电子邮箱“{text}”格式可疑，请核对")
    return text


def parse_file_names(value: object) -> list[str]:
    """Attachment file names, several separated by ； or line breaks; folders in front are dropped."""
    if is_blank(value):
        return []
    parts = re.split(r"[;；\n]+", str(value).translate(_INVISIBLE))
    names = [clean_text(part).replace("\\", "/").rsplit("/", 1)[-1] for part in parts]
    return [name for name in names if name]


# --- enumerations --------------------------------------------------------------------------


def parse_unit_type(value: object) -> tuple[UnitType, str] | None:
    """单位类型 and, for 其他, what the applicant wrote after it ("其他：企业研发中心")."""
    if is_blank(value):
        return None
    text = _compact(value).translate(_CHECKBOX_MARKS)
    if text in UNIT_TYPE_WORDS:
        return UNIT_TYPE_WORDS[text], ""
    if text.startswith(("其他", "其它")):
        return UnitType.OTHER, text[2:].strip(":：()（）-—")
    raise ValueError(f"单位类型“{clean_text(value)}”无法识别，应为高等学校、科研院所（科研机构）或其他")


def parse_city(value: object) -> City | None:
    """The recommending city: "大连", "大连市", "大连市知识产权局" all mean 大连市."""
    if is_blank(value):
        return None
    text = _compact(value).removeprefix("辽宁省")
    for suffix in _CITY_SUFFIXES:
        text = text.removesuffix(suffix)
    for city in City:
        if text in (city.value, city.value.removesuffix("市")):
            return city
    if text.startswith("沈抚"):
        return City.SHENFU
    raise ValueError(f"推荐市局“{clean_text(value)}”无法识别，应为辽宁省14个市或沈抚示范区之一")


def parse_funding(value: object) -> Funding | None:
    """拟定申请 (money asked of the province) or 拟定配套 (the unit's own matching money)."""
    if is_blank(value):
        return None
    text = _compact(value)
    requested = "申请" in text or text in ("省级", "专项", "省专项")
    matching = "配套" in text or "自筹" in text
    if requested != matching:
        return Funding.REQUESTED if requested else Funding.MATCHING
    raise ValueError(f"“{clean_text(value)}”应填写“拟定申请”或“拟定配套”")


def parse_standards(value: object) -> tuple[list[ManagementStandard], str] | None:
    """The national management standards named in a cell, and any other text left over."""
    if is_blank(value):
        return None
    found: set[ManagementStandard] = set()
    others = []
    for part in _LIST_SEPARATORS.split(clean_text(value)):
        key = _compact(part).strip("《》<>□☑√")
        if not key or key in _NO_STANDARD_WORDS:
            continue
        standard = _standard_named(key)
        if standard:
            found.add(standard)
        else:
            others.append(part.strip())
    return [s for s in ManagementStandard if s in found], "；".join(others)


def _standard_named(key: str) -> ManagementStandard | None:
    if "33251" in key or "高等学校知识产权管理规范" in key:
        return ManagementStandard.UNIVERSITY
    if "33250" in key or "科研组织知识产权管理规范" in key or "科研机构知识产权管理规范" in key:
        return ManagementStandard.RESEARCH
    return None


def parse_discipline_cell(value: object) -> list[Discipline]:
    """Fields of expertise from the controlled list (scoring/disciplines.py), several separated by ；、，."""
    if is_blank(value):
        return []
    return parse_disciplines(clean_text(value))


_AFFILIATION_WORDS = {
    "兼职": AffiliationKind.PART_TIME, "兼任": AffiliationKind.PART_TIME, "兼聘": AffiliationKind.PART_TIME,
    "客座": AffiliationKind.PART_TIME, "双聘": AffiliationKind.PART_TIME,
    "原工作单位": AffiliationKind.FORMER_EMPLOYER, "原单位": AffiliationKind.FORMER_EMPLOYER,
    "曾任职": AffiliationKind.FORMER_EMPLOYER, "曾工作单位": AffiliationKind.FORMER_EMPLOYER,
    "工作经历": AffiliationKind.FORMER_EMPLOYER, "任职": AffiliationKind.FORMER_EMPLOYER,
    "其他": AffiliationKind.OTHER, "其它": AffiliationKind.OTHER,
}


def parse_affiliation_kind(value: object) -> AffiliationKind | None:
    """兼职 (a part-time post), 原工作单位 (a former employer) or 其他."""
    if is_blank(value):
        return None
    text = _compact(value)
    if text in _AFFILIATION_WORDS:
        return _AFFILIATION_WORDS[text]
    raise ValueError(f"关系类型“{clean_text(value)}”无法识别，应为兼职、原工作单位或其他")


def parse_expert_id(value: object) -> str | None:
    """An expert's number as text; a number cell (1001) is read as its digits, which keeps it the same expert."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("专家编号不能填是/否")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"专家编号“{clean_text(value)}”不是编号")
        value = int(value)
    return compact_code(str(value))


# --- pydantic errors in words --------------------------------------------------------------


def explain_validation_error(error: dict) -> str:
    """One pydantic error (an item of ValidationError.errors()) as a short Chinese sentence."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    fixed = {
        "missing": "必须填写",
        "extra_forbidden": "不是本系统认识的字段",
        "int_parsing": "应为整数",
        "int_from_float": "应为整数",
        "int_type": "应为整数",
        "float_parsing": "应为数字",
        "decimal_parsing": "应为数字",
        "decimal_type": "应为数字",
        "decimal_max_digits": "数值位数过多",
        "decimal_max_places": "最多保留两位小数",
        "bool_parsing": "应为“是”或“否”",
        "bool_type": "应为“是”或“否”",
        "date_parsing": "不是可识别的日期，应写成 2023-05-20 的形式",
        "date_from_datetime_parsing": "不是可识别的日期，应写成 2023-05-20 的形式",
        "date_type": "应为日期",
        "datetime_parsing": "不是可识别的日期时间",
        "string_type": "应为文字",
        "list_type": "应为列表",
        "dict_type": "应为对象",
        "model_type": "应为对象",
        "model_attributes_type": "应为对象",
        "string_pattern_mismatch": "格式不符合要求",
    }
    if kind in fixed:
        return fixed[kind]
    if kind == "string_too_short":
        return f"至少需要 {context.get('min_length')} 个字符" if context.get("min_length", 1) > 1 else "必须填写"
    if kind == "string_too_long":
        return f"最多 {context.get('max_length')} 个字符"
    if kind == "too_long":
        return f"最多填写 {context.get('max_length')} 项"
    if kind == "too_short":
        return f"至少填写 {context.get('min_length')} 项"
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于 {context.get('ge', context.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于 {context.get('le', context.get('lt'))}"
    if kind == "enum":
        expected = str(context.get("expected", "")).replace("'", "").replace(" or ", "、").replace(", ", "、")
        return f"应为以下之一：{expected}"
    if kind == "value_error":
        return str(context.get("error") or error.get("msg", "")).removeprefix("Value error, ")
    return "取值不符合要求"


def validated(model: type[M], data: dict, heading: str = "") -> M:
    """`model` from what a form or the command line gave, or InputError naming every problem in Chinese after
    `heading` (such as “公示设置有误：”)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(heading + "；".join(explain_validation_error(e) for e in exc.errors())) from None
