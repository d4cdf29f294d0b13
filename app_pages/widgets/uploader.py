"""The file uploader in Chinese. Streamlit 1.67's st.file_uploader takes no parameters for its own texts
(streamlit/streamlit#13500, open), so a style sheet replaces them: the button's "Upload" and the line
"200MB per file • XLSX, JSON" beside it. The limit shown is the product's own (MAX_FILE_BYTES: every reader refuses
a larger file in Chinese); Streamlit's transport limit (server.maxUploadSize in .streamlit/config.toml) is set
above it so that the product's message, not Streamlit's, is what a person sees."""
from __future__ import annotations

import json
from collections.abc import Sequence

import streamlit as st

from scoring.documents import MAX_FILE_BYTES

BUTTON_TEXT = "选择文件"
LIMIT_TEXT = f"单个文件不超过 {MAX_FILE_BYTES // 1024 // 1024} MB"



def _css_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # CSS reads "\u9009" as "u9009": keep the characters themselves


_DROPZONE = '[data-testid="stFileUploaderDropzone"]'
_INSTRUCTIONS = '[data-testid="stFileUploaderDropzoneInstructions"] span'

# The English text is shrunk to nothing and the Chinese drawn in its place (::after keeps the button's icon).
_TEXTS = f"""<style>
{_DROPZONE} button p {{ font-size: 0; }}
{_DROPZONE} button p::after {{ content: {_css_string(BUTTON_TEXT)}; font-size: 0.875rem; }}
{_INSTRUCTIONS} {{ font-size: 0; }}
{_INSTRUCTIONS}::after {{ content: {_css_string(LIMIT_TEXT)}; font-size: 0.875rem; }}
</style>"""


def chinese_texts() -> None:
    """Once per run, from the entry: every uploader on every page shows the Chinese button and limit."""
    st.html(_TEXTS)


def _accepted(types: Sequence[str]) -> str:
    """The file input's `accept` attribute as Streamlit writes it for these types (".xlsx,.json")."""
    return ",".join(f".{t.lstrip('.').lower()}" for t in types)


def _limit_and_types(types: Sequence[str]) -> str:
    listed = "、".join(t.lstrip(".").upper() for t in types)
    return f"{LIMIT_TEXT} · {listed}"


def file_uploader(label: str, types: Sequence[str] | None = None, **options):
    """st.file_uploader whose line beside the button also names the accepted types in Chinese punctuation."""
    if types:
        # The input carrying this `accept` is a sibling before the instructions: the rule reaches exactly these.
        selector = f'[data-testid="stFileUploaderDropzoneInput"][accept$={json.dumps(_accepted(types))}] ~ {_INSTRUCTIONS}'
        st.html(f"<style>{selector}::after {{ content: {_css_string(_limit_and_types(types))}; }}</style>")
    return st.file_uploader(label, type=list(types) if types else None, **options)
