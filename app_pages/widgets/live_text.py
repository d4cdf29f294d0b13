"""A text area that sends its text while it is typed, so that an on-change callback saves it at once.

Streamlit's own st.text_area sends its value only on blur or Ctrl+Enter: a reload or a dropped connection loses
whatever was typed since. This one sends the text about half a second after the last keystroke, on blur and
when the page is left, skips half-composed IME input (pinyin), and keeps unsent text in the tab's
sessionStorage, so that text typed in the last half second before a reload comes back when the same sheet is
opened again in that tab (and is then saved)."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

DEBOUNCE_MS = 500

_HTML = """
<div class="live-text">
  <label class="live-text-label"></label>
  <textarea class="live-text-area" spellcheck="false"></textarea>
  <div class="live-text-footer"><span class="live-text-restored"></span><span class="live-text-count"></span></div>
</div>
"""

# Streamlit's text area, approximately: the theme's font, secondary background, rounded corners and a primary
# coloured border while focused.
_CSS = """
.live-text { font-family: var(--st-font); color: var(--st-text-color); }
.live-text-label { display: block; font-size: 0.875rem; line-height: 1.6; margin-bottom: 0.25rem;
  min-height: 1.5rem; white-space: pre-wrap; }
.live-text-area { box-sizing: border-box; width: 100%; resize: vertical; font-family: var(--st-font);
  font-size: var(--st-base-font-size, 1rem); line-height: 1.6; color: var(--st-text-color);
  background: var(--st-secondary-background-color); border: 1px solid var(--st-widget-border-color, transparent);
  border-radius: var(--st-base-radius, 0.5rem); padding: 0.5rem 0.75rem; outline: none; }
.live-text-area:focus { border-color: var(--st-primary-color); }
.live-text-area::placeholder { color: var(--st-text-color); opacity: 0.45; }
.live-text-area[readonly] { opacity: 0.7; cursor: not-allowed; }
.live-text-footer { display: flex; justify-content: space-between; font-size: 0.75rem; opacity: 0.6;
  min-height: 1rem; margin-top: 0.125rem; }
"""

_JS = """
export default function(component) {
  const { data, setStateValue, parentElement } = component;
  const area = parentElement.querySelector("textarea");
  const label = parentElement.querySelector("label");
  const count = parentElement.querySelector(".live-text-count");
  const restored = parentElement.querySelector(".live-text-restored");
  if (!area) return;
  const storeKey = data.store_key ? "live-text:" + data.store_key : null;
  const counted = () => { count.textContent = area.value.length + " / " + data.max_chars; };

  const remember = () => {
    if (!storeKey) return;
    try { sessionStorage.setItem(storeKey, JSON.stringify({ base: data.value, text: area.value })); } catch (e) {}
  };
  const send = () => {
    clearTimeout(area._liveTimer);
    if (area.readOnly || area.value === area._liveSent) return;
    area._liveSent = area.value;
    setStateValue("value", area.value);
  };

  if (!area._liveReady) {
    // First call for this element: fill in the saved text, or the unsent text kept from before a reload.
    area._liveReady = true;
    label.textContent = data.label;
    area.id = "live-text-" + Math.random().toString(36).slice(2);
    label.htmlFor = area.id;
    area.placeholder = data.placeholder || "";
    area.maxLength = data.max_chars;
    area.style.height = data.height + "px";
    area.value = data.value || "";
    area._liveSent = area.value;
    if (storeKey && !data.disabled) {
      try {
        const kept = JSON.parse(sessionStorage.getItem(storeKey) || "null");
        if (kept && kept.base === area.value && kept.text !== area.value) {
          area.value = kept.text;
          restored.textContent = "已恢复上次未保存的文字";
          setTimeout(send, 0);
        } else if (kept) {
          sessionStorage.removeItem(storeKey);
        }
      } catch (e) {}
    }
    area._liveFlush = () => send();
    window.addEventListener("pagehide", area._liveFlush);
  } else if (storeKey && data.value === area.value) {
    // The server has saved what the box shows: nothing is left to restore.
    try { sessionStorage.removeItem(storeKey); } catch (e) {}
  }
  area.readOnly = !!data.disabled;
  label.textContent = data.label;
  counted();

  area.oninput = (event) => {
    counted();
    restored.textContent = "";
    if (event.isComposing) return;  // pinyin still being composed: wait for compositionend
    remember();
    clearTimeout(area._liveTimer);
    area._liveTimer = setTimeout(send, data.debounce_ms);
  };
  area.oncompositionend = () => {
    remember();
    clearTimeout(area._liveTimer);
    area._liveTimer = setTimeout(send, data.debounce_ms);
  };
  area.onblur = send;
  area.onkeydown = (event) => { if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) send(); };

  return () => {
    send();
    window.removeEventListener("pagehide", area._liveFlush);
  };
}
"""

_component = st.components.v2.component("scoring_live_text", html=_HTML, css=_CSS, js=_JS)


def live_text(label: str, *, key: str, value: str = "", placeholder: str = "", height: int = 96,
              max_chars: int = 2000, disabled: bool = False, on_change: Callable[[], None] | None = None,
              store_key: str | None = None) -> str:
    """The current text: what was typed (once sent), else `value`.

    `value` is the saved text; it fills the box when it first appears (a new `key` starts it afresh) and tells
    the box what the server holds. `on_change` runs, before the rerun, each time typed text arrives; read it
    with `text_of(key, value)`. `store_key` names the text in the tab's sessionStorage (unique to the person and
    the field); without it nothing is kept in the browser."""
    result = _component(
        key=key,
        data={"label": label, "value": value, "placeholder": placeholder, "height": height, "max_chars": max_chars,
              "disabled": disabled, "debounce_ms": DEBOUNCE_MS, "store_key": store_key},
        default={"value": value},
        on_value_change=on_change or (lambda: None),
    )
    text = result.get("value")
    return value if text is None else text


def text_of(key: str, fallback: str = "") -> str:
    """The text last sent by the live text area `key` (in a callback, the text just typed)."""
    state = st.session_state.get(key)
    text = state.get("value") if state is not None and hasattr(state, "get") else None
    return fallback if text is None else text
