"""The office's single sign-on as pages see it: the providers `[auth]` in .streamlit/secrets.toml configures (none:
single sign-on is off and only local accounts are offered), the person's login at the provider (st.user) and leaving
it. The rules of which account an identity signs in as are scoring/common/single_sign_on.py's."""
from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from scoring.common import single_sign_on

DEFAULT_PROVIDER = "default"  # st.login's name for the provider configured directly under [auth]
SHARED_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
LOGIN_LABEL = "使用单位统一身份认证登录"


def auth_section() -> Mapping:
    """The `[auth]` section, or nothing. Without any secrets file st.secrets raises on every read; its own probe does
    not (and AppTest's at.secrets stand in for the file)."""
    if not st.secrets.load_if_toml_exists():
        return {}
    section = st.secrets.get("auth")
    return section if isinstance(section, Mapping) else {}


def providers() -> list[str]:
    """The providers st.login can use: the one set directly under [auth] ("default") and each [auth.<name>]; none
    unless the settings every provider shares are there too (st.login would refuse without them)."""
    section = auth_section()
    if not all(section.get(key) for key in SHARED_KEYS):
        return []
    named = [name for name, value in section.items()
             if isinstance(value, Mapping) and all(value.get(key) for key in PROVIDER_KEYS) and "_" not in name]
    return ([DEFAULT_PROVIDER] if all(section.get(key) for key in PROVIDER_KEYS) else []) + named


def login_label(provider: str, offered: list[str]) -> str:
    return LOGIN_LABEL if len(offered) == 1 else f"{LOGIN_LABEL}（{provider}）"


def issuer_hint() -> str:
    """The issuer the first provider's metadata address suggests, for the administrator to check and link with."""
    section = auth_section()
    offered = providers()
    if not offered:
        return ""
    settings = section if offered[0] == DEFAULT_PROVIDER else section.get(offered[0], {})
    return single_sign_on.issuer_from_metadata_url(str(settings.get("server_metadata_url", "")))


def provider_claims() -> dict | None:
    """The claims of the person's login at the provider, while Streamlit's identity cookie says there is one."""
    if not st.user.get("is_logged_in"):
        return None
    return dict(st.user.to_dict())


def leave_provider() -> None:
    """End Streamlit's identity cookie too (it would outlive our logout by 30 days on a shared computer); Streamlit
    sends the browser to the provider's own logout when the provider offers one."""
    if st.user.get("is_logged_in"):
        st.logout()
