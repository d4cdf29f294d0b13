"""What every page shares: the one storage of the process, the chosen batch, the operator."""
from __future__ import annotations

import os

import streamlit as st

from scoring import batches, overview
from scoring.models import DEFAULT_DB_PATH, Batch
from scoring.storage import Storage

BATCH_KEY = "batch_id"
OPERATOR_KEY = "operator"
SELECTED_APPLICATION_KEY = "selected_credit_code"


@st.cache_resource(show_spinner="正在打开数据库……")
def _open_storage(path: str) -> Storage:
    """One DuckDB connection per process and file (DuckDB allows one read-write process per file)."""
    store = Storage(path)
    if store.latest_batch() is None:
        batches.ensure_database(store, "system", with_sample=os.environ.get("SCORING_NO_SAMPLE") != "1")
    return store


def db_path() -> str:
    return os.environ.get("SCORING_DB", DEFAULT_DB_PATH)


def storage() -> Storage:
    """The database named by SCORING_DB (default data/review.duckdb); the sample batch loads on first start."""
    return _open_storage(db_path())


def sidebar(store: Storage) -> Batch:
    """The batch selector and the operator's name; returns the batch the pages work on."""
    all_batches = store.list_batches()
    ids = [b.batch_id for b in all_batches]
    if st.session_state.get(BATCH_KEY) not in ids:
        st.session_state[BATCH_KEY] = ids[0]
    with st.sidebar:
        st.selectbox("批次", ids, key=BATCH_KEY, format_func=lambda i: next(b.title for b in all_batches if b.batch_id == i))
        st.text_input("经办人", key=OPERATOR_KEY, placeholder="姓名（记入审计日志）",
                      help="修改数据（导入、人工判定）时记入审计日志的经办人。账号登录将在后续版本提供。")
    return next(b for b in all_batches if b.batch_id == st.session_state[BATCH_KEY])


def current_batch() -> Batch:
    store = storage()
    return store.get_batch(st.session_state[BATCH_KEY])


def operator() -> str:
    return (st.session_state.get(OPERATOR_KEY) or "").strip()


def require_operator() -> str | None:
    """The operator's name, or an error on the page asking for it."""
    name = operator()
    if not name:
        st.error("请先在左侧栏填写经办人姓名：每一项修改都要记入审计日志。")
        return None
    return name


@st.cache_data(max_entries=8, show_spinner=False)
def _application_table(db_path: str, batch_id: str, data_version: int):
    store = _open_storage(db_path)
    return overview.application_table(store, store.get_batch(batch_id))


def application_table(batch: Batch):
    """The batch's overview table, recomputed only when the audit log says something changed."""
    return _application_table(db_path(), batch.batch_id, storage().data_version())
