"""A fake OpenID Connect provider: the claims Streamlit puts in st.user after st.login (the ID token's claims, which
Authlib checked on arrival, plus Streamlit's own is_logged_in, provider and origin), and, for the browser, a provider
on a local port that signs in whoever the test names next, with a real signed ID token."""
from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from scoring.common import clock

ISSUER = "https://sso.lnipa.example.cn/realms/office"
OTHER_ISSUER = "https://accounts.elsewhere.example.com"
CLIENT_ID = "review-system"
CLIENT_SECRET = "not-a-real-secret"
METADATA_PATH = "/.well-known/openid-configuration"
AUTH_SECRETS = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                         "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                         "server_metadata_url": f"{ISSUER}{METADATA_PATH}"}}


def epoch(at: datetime) -> int:
    """Seconds since 1970 of a naive Beijing time (the office's clock), as an ID token's iat says it."""
    return int(at.replace(tzinfo=clock.OFFICE_ZONE).timestamp())


class FakeProvider:
    """Signs people in as the office's provider would: each login a new assertion (its own nonce and issue time)."""

    def __init__(self, issuer: str = ISSUER, provider: str = "default"):
        self.issuer = issuer
        self.provider = provider

    def login(self, subject: str, email: str | None = None, email_verified: bool | str = True,
              at: datetime | None = None, name: str = "测试人员") -> dict:
        issued = epoch(at or clock.now())
        claims = {"is_logged_in": True, "provider": self.provider, "origin": "http://localhost:8501",
                  "iss": self.issuer, "sub": subject, "aud": CLIENT_ID, "iat": issued, "exp": issued + 300,
                  "nonce": secrets.token_urlsafe(16), "name": name}
        if email is not None:
            claims |= {"email": email, "email_verified": email_verified}
        return claims


class ProviderServer:
    """The provider's endpoints (metadata, authorize, token, keys) on a local port. /authorize asks nothing: it signs
    in `next_subject` at once and sends the browser back with a code, as a provider with a live session does."""

    def __init__(self, port: int):
        self.issuer = f"http://127.0.0.1:{port}/realms/office"
        self.next_subject = "nobody"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test", "use": "sig", "alg": "RS256"})
        self.codes: dict[str, tuple[str, str | None]] = {}

    def app(self):
        path = "/realms/office"
        return Starlette(routes=[Route(f"{path}{METADATA_PATH}", self.metadata),
                                 Route(f"{path}/authorize", self.authorize),
                                 Route(f"{path}/token", self.token, methods=["POST"]),
                                 Route(f"{path}/jwks", self.jwks)])

    async def metadata(self, request):
        return JSONResponse({"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                             "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                             "response_types_supported": ["code"], "subject_types_supported": ["public"],
                             "id_token_signing_alg_values_supported": ["RS256"],
                             "code_challenge_methods_supported": ["S256"]})

    async def authorize(self, request):
        code = secrets.token_urlsafe(12)
        self.codes[code] = (self.next_subject, request.query_params.get("nonce"))
        back = {"code": code, "state": request.query_params["state"]}
        return RedirectResponse(f"{request.query_params['redirect_uri']}?{urlencode(back)}", status_code=302)

    async def token(self, request):
        subject, nonce = self.codes.pop((await request.form())["code"])
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": subject, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": nonce}
        return JSONResponse({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                             "id_token": jwt.encode({"alg": "RS256", "kid": "test"}, claims, self.key)})

    async def jwks(self, request):
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})


@contextmanager
def provider_server() -> Iterator[ProviderServer]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    provider = ProviderServer(port)
    server = uvicorn.Server(uvicorn.Config(provider.app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="fake-identity-provider", daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout=5)
