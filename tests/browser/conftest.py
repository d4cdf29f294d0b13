"""Browser tests: the real app on a free local port with its own database, driven by Debian's chromium."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


STAFF_PASSWORD = "Browser2023pw"


class Prepared(NamedTuple):
    db: Path
    people: dict[str, str]  # login -> their password; for `linked`, the one-time link token


def cli(db: Path, *argv: str, stdin: str | None = None) -> dict:
    done = subprocess.run([sys.executable, "-m", "scoring", *argv, "--db", str(db), "--format", "json"], cwd=ROOT,
                          input=stdin, capture_output=True, text=True)
    if done.returncode:
        pytest.fail(f"python -m scoring {' '.join(argv)} failed: {done.stderr}")
    return json.loads(done.stdout)


def set_own_password(db: Path, login: str, initial: str, password: str) -> None:
    """What the person does at their first login, done ahead so that journeys start with their own password."""
    from scoring.common import accounts
    from scoring.storage import Storage

    with Storage(db) as storage:
        token = accounts.login(storage, login, initial)
        accounts.change_password(storage, token, initial, password)
        accounts.logout(storage, token)


@pytest.fixture(scope="session")
def prepared(tmp_path_factory) -> Prepared:
    """The sample batch and the people of the browser tests, made with the command line before the app starts
    (the app holds the database file once it runs)."""
    db = tmp_path_factory.mktemp("browser") / "review.duckdb"
    cli(db, "init", "--sample")
    cli(db, "user", "create-admin", "chief", "--display-name", "处长", "--password-stdin", stdin="Provincial2023x\n")
    people = {"chief": "Provincial2023x"}
    for login, name, extra in (("tester", "浏览器测试员", ()), ("newcomer", "新同事", ()), ("linked", "链接同事", ("--link",))):
        people[login] = cli(db, "user", "add", login, "--display-name", name, "--role", "staff", *extra)["secret"]
    set_own_password(db, "tester", people["tester"], STAFF_PASSWORD)
    people["tester"] = STAFF_PASSWORD
    return Prepared(db, people)


@pytest.fixture(scope="session")
def people(prepared) -> dict[str, str]:
    return prepared.people


def sign_in(page, url: str, login: str, password: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name="登录").wait_for()
    page.get_by_label("登录名").fill(login)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@contextmanager
def running_app(db: Path, exports: Path | None = None, log: Path | None = None, env: dict | None = None) -> Iterator[str]:
    """`streamlit run serve.py` (the server `./dev run` starts) on a database of its own, on a free port; yields its
    address. `log` keeps what the server prints."""
    port = free_port()
    env = {**os.environ, "SCORING_DB": str(db), **({"SCORING_EXPORTS": str(exports)} if exports else {}), **(env or {})}
    output = log.open("w") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "none"],  # edits to the sources during a run must not re-import modules
        cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if log:
            output.close()


@pytest.fixture(scope="session")
def app_url(prepared):
    """The app on the prepared database."""
    with running_app(prepared.db) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("chromium is not installed: run ./dev test, which installs Debian's chromium")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep a screenshot of the page at the moment a browser test fails, to look at."""
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and page is not None:
        shots = ROOT / "test-results"
        shots.mkdir(exist_ok=True)
        page.screenshot(path=str(shots / f"FAILED-{item.name}.png"), full_page=True)


SHOTS = ROOT / "test-results"


def shot(page, name: str) -> None:
    """A full-page screenshot into test-results/, to look at after the run."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def go_to(page, title: str) -> None:
    """Follow a navigation link and wait for the page's heading."""
    page.get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title).wait_for()


def click_tab(page, name) -> None:
    """Open a tab once the page has settled: while a rerun draws, the tabs of the run before are still there and a
    name matches two."""
    from playwright.sync_api import expect

    tab = page.get_by_role("tab", name=name)
    expect(tab).to_have_count(1)
    tab.click()
