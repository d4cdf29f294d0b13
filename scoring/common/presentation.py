"""Models as people read them: Chinese labels from the field titles, values formatted for display."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import pandas as pd
from pydantic import BaseModel


def display_value(value) -> str:
    """One value as text: 是/否, 2023年5月20日, 35.50, enumerations by their Chinese value."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list):
        return "、".join(display_value(v) for v in value) if value else "—"
    return str(value)


def labelled_fields(model: BaseModel, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The model's scalar fields as (label, text) pairs, in the form's order; nested models are left out."""
    pairs = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if name in skip or isinstance(value, BaseModel) or (isinstance(value, list) and value and
                                                             isinstance(value[0], BaseModel)):
            continue
        pairs.append((info.title or name, display_value(value)))
    return pairs


def rows_table(rows: list[BaseModel], model: type[BaseModel] | None = None) -> pd.DataFrame:
    """A list of one model (years, budget rows, rule documents) as a table headed by the field titles."""
    model = model or (type(rows[0]) if rows else None)
    if model is None:
        return pd.DataFrame()
    titles = {name: info.title or name for name, info in model.model_fields.items()}
    records = [{titles[name]: display_value(getattr(row, name)) for name in titles} for row in rows]
    return pd.DataFrame(records, columns=list(titles.values()))
