"""Chinese wording shared by the checks' reasons: dates, 万元 amounts and spans of years."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

CENT = Decimal("0.01")


def chinese_date(day: date) -> str:
    """2023年5月31日."""
    return f"{day.year}年{day.month}月{day.day}日"


def wan(amount: Decimal) -> str:
    """A figure in 万元 to two places, as the form writes money: 100.01万元."""
    return f"{amount.quantize(CENT)}万元"


def wan_limit(amount: Decimal) -> str:
    """A threshold in 万元 without trailing zeros, as the guideline writes it: 100万元."""
    text = f"{amount.quantize(CENT)}"
    return f"{text.rstrip('0').rstrip('.') if '.' in text else text}万元"


def year_span(years: Iterable[int]) -> str:
    """2020—2022年 for consecutive years, 2022年 for one, 2020、2022年 otherwise."""
    ordered = sorted(years)
    if not ordered:
        return ""
    if len(ordered) == 1:
        return f"{ordered[0]}年"
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}—{ordered[-1]}年"
    return year_list(ordered)


def year_list(years: Iterable[int]) -> str:
    """2020、2022年: each year named."""
    return "、".join(str(y) for y in sorted(years)) + "年"
