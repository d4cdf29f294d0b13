"""The session-cookie route of serve.py answers only the app's own pages: a post from another site is refused
before any handoff is looked at (no login CSRF)."""
from __future__ import annotations

from starlette.requests import Request

import serve


def request(headers: dict[str, str], scheme: str = "http") -> Request:
    return Request({"type": "http", "method": "POST", "scheme": scheme, "path": "/api/session",
                    "headers": [(k.lower().encode(), v.encode()) for k, v in {"host": "review.example.cn", **headers}.items()]})


def test_the_apps_own_page_may_ask_for_the_cookie():
    assert serve._same_origin(request({"origin": "https://review.example.cn", "sec-fetch-site": "same-origin"}))


def test_another_site_may_not_ask_for_the_cookie():
    assert not serve._same_origin(request({"sec-fetch-site": "cross-site"}))
    assert not serve._same_origin(request({"origin": "https://evil.example.com"}))


def test_the_cookie_is_secure_behind_an_https_proxy():
    assert serve._secure(request({"x-forwarded-proto": "https"}))
    assert serve._secure(request({}, scheme="https"))
    assert not serve._secure(request({}))
