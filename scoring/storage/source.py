"""What a store function reads from: the storage, or an open transaction, whose reads must see its own writes."""
from __future__ import annotations

import duckdb

from scoring.storage.store import Storage, Transaction

Source = Storage | Transaction


def execute(source: Source, sql: str, params: list | dict | None = None) -> duckdb.DuckDBPyConnection:
    # Told apart by shape, not class: Streamlit re-imports edited modules while a cached Storage lives on.
    if hasattr(source, "execute"):
        return source.execute(sql, params if params is not None else [])
    return source.cursor().execute(sql, params if params is not None else [])


def rows(source: Source, sql: str, params: list | dict | None = None) -> list[tuple]:
    return execute(source, sql, params).fetchall()


def first(source: Source, sql: str, params: list | dict | None = None) -> tuple | None:
    # fetchall, not fetchone: DuckDB refuses the transaction's next statement while a result is left unread.
    found = rows(source, sql, params)
    return found[0] if found else None
