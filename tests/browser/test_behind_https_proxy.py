"""deploy/nginx.conf, the README's reverse-proxy example, run for real in front of the app: HTTPS with a
throw-away certificate, the websocket the pages live on, the session cookie marked Secure, plain HTTP sent to
HTTPS, the health check through the proxy and the upload limit."""
from __future__ import annotations

import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, free_port, shot, sign_in

pytestmark = pytest.mark.browser
EXAMPLE = ROOT / "deploy" / "nginx.conf"


def _replaced(text: str, old: str, new: str) -> str:
    assert old in text, f"deploy/nginx.conf no longer contains {old!r}: update this test with the example"
    return text.replace(old, new)


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def _configuration(directory: Path, app_url: str, http_port: int, https_port: int) -> Path:
    """The example as it stands, with this test's ports and certificate, inside a main file of its own."""
    cert, key = _self_signed_certificate(directory)
    site = EXAMPLE.read_text(encoding="utf-8")
    site = _replaced(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = _replaced(site, "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    site = _replaced(site, "http://127.0.0.1:8501", app_url)
    site = _replaced(site, "/etc/ssl/review/fullchain.pem", str(cert))
    site = _replaced(site, "/etc/ssl/review/privkey.pem", str(key))
    temp = "\n".join(f"    {kind}_temp_path {directory / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = directory / "nginx.conf"
    main.write_text(f"pid {directory / 'nginx.pid'};\nerror_log {directory / 'error.log'};\nevents {{}}\n"
                    f"http {{\n    access_log {directory / 'access.log'};\n{temp}\n{site}\n}}\n", encoding="utf-8")
    return main


@pytest.fixture
def proxy_url(app_url, tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.fail("nginx is not installed: run ./dev test, which installs Debian's nginx")
    http_port, https_port = free_port(), free_port()
    conf = _configuration(tmp_path, app_url, http_port, https_port)
    checked = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _unverified() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _status(url: str, data: bytes | None = None) -> tuple[int, dict]:
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=_unverified()))
    deadline = time.monotonic() + 10  # nginx takes a moment to listen
    while True:
        try:
            with opener.open(urllib.request.Request(url, data=data), timeout=10) as response:
                return response.status, dict(response.headers) | {"body": response.read().decode(errors="replace")}
        except urllib.error.HTTPError as refused:
            return refused.code, dict(refused.headers)
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_the_example_proxy_serves_the_app_over_https_and_keeps_the_session_with_a_secure_cookie(
        proxy_url, people, browser):
    https_url, http_url = proxy_url
    status, answer = _status(f"{https_url}/_stcore/health")
    assert (status, answer["body"]) == (200, "ok")
    status, answer = _status(f"{http_url}/")
    assert status == 301 and answer["Location"].startswith("https://")
    assert _status(f"{https_url}/_stcore/upload_file/x/y", data=b"0" * (51 * 1024 * 1024))[0] == 413

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", ignore_https_errors=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        sign_in(page, https_url, "tester", people["tester"])  # the whole page runs over the proxied websocket
        page.get_by_role("heading", name="审查概览").wait_for()
        for _ in range(50):
            cookie = next((c for c in context.cookies() if c["name"] == "review_session"), None)
            if cookie:
                break
            page.wait_for_timeout(100)
        assert cookie and cookie["secure"] and cookie["httpOnly"]
        page.reload()
        page.get_by_role("heading", name="审查概览").wait_for()
        assert not page.get_by_role("heading", name="登录").count()
        shot(page, "71-behind-https-proxy")
    finally:
        context.close()
