"""Benchmark: the pages of applying online, each run whole through Streamlit's AppTest (script time, median of N),
on a database where N units have their whole 申报书 saved as a draft and submitted (issue 13: 500 units).

- 填报申报书 for one unit (its form, the live checks, its files);
- 市局初审 for the city with the most units (its list, one form, the 初审);
- 申报进度 for staff (every city, every unit).

    .venv/bin/python bench/bench_applying_pages.py [--units 500] [--repeat 5]
"""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "Bench2027pw"


def prepare(path: Path, units: int) -> tuple[str, str]:
    """N units invited, each draft saved whole with its plan and submitted; returns (a unit's login, the city with
    the most units). Accounts are written straight to the tables (hashing 500 passwords is not what is measured)."""
    from scoring.applying.attachments import upload_attachment
    from scoring.applying.calls import ApplicationCall, open_call
    from scoring.applying.drafts import SECTIONS, save_section
    from scoring.applying.submissions import submit
    from scoring.common.access import Grant, Principal, Role, UnitBinding
    from scoring.common.models import Batch
    from scoring.intake.sample import synthetic_applications
    from scoring.storage import account_store
    from scoring.storage import applying_store as store
    from scoring.storage.store import Storage

    batch = Batch.for_year(2099)
    apps = synthetic_applications(batch, units, seed=13)
    admin = Principal.command_line("bench")
    with Storage(path) as storage:
        storage.create_batch(batch, "bench")
        open_call(storage, admin, ApplicationCall(batch_id=batch.batch_id, unit_deadline=datetime(2099, 5, 20, 17),
                                                  city_deadline=datetime(2099, 5, 31, 17)))
        principals = []
        with storage.transaction("bench") as tx:
            for serial, app in enumerate(apps):
                unit = UnitBinding(unit_name=app.basic.unit_name, credit_code=app.credit_code,
                                   city=app.recommendation.city)
                account_store.insert_user(tx, f"unit{serial}", unit.unit_name, None, False, None)
                account_store.add_grant(tx, f"unit{serial}", Grant(role=Role.APPLICANT))
                store.bind_unit(tx, f"unit{serial}", unit)
                principals.append(Principal(login=f"unit{serial}", display_name=unit.unit_name,
                                            grants=(Grant(role=Role.APPLICANT),), unit=unit))
            tx.audit("bench.setup", f"batch/{batch.batch_id}", "", {"units": units})
        for app, unit in zip(apps, principals):
            for section, value in app.model_dump(mode="json").items():
                if section in SECTIONS:
                    save_section(storage, unit, batch.batch_id, app.credit_code, section, value)
            upload_attachment(storage, unit, batch.batch_id, app.credit_code, "三年建设方案", "方案.pdf", b"%PDF-1.4 x")
        for app, unit in zip(apps[1:], principals[1:]):  # the first unit keeps a draft to fill
            submit(storage, unit, batch.batch_id, app.credit_code)
        city = Counter(a.recommendation.city for a in apps).most_common(1)[0][0]
    return principals[0].login, city


def people(storage, city) -> dict[str, str]:
    """A password for the measured unit, a city bureau of `city`, a member of staff."""
    from scoring.common import accounts
    from scoring.common.access import Grant, Principal, Role

    admin = Principal.command_line("bench")
    accounts.create_user(storage, admin, "bench-city", f"{city}知识产权局", [Grant(role=Role.CITY, city=city)])
    accounts.create_user(storage, admin, "bench-staff", "工作人员", [Grant(role=Role.STAFF)])
    logins = {"city": "bench-city", "staff": "bench-staff"}
    for login in [*logins.values(), "unit0"]:
        [(_, initial)] = accounts.issue_initial_credentials(storage, admin, [login])
        token = accounts.login(storage, login, initial)
        accounts.change_password(storage, token, initial, PASSWORD)
        accounts.logout(storage, token)
    return logins | {"unit": "unit0"}


def page_time(storage, login: str, page: str, repeat: int) -> float:
    from streamlit.testing.v1 import AppTest

    from app_pages.widgets import common
    from scoring.common import accounts

    def run() -> float:
        at = AppTest.from_file(str(ROOT / page), default_timeout=120)
        at.session_state[common.SESSION_KEY] = accounts.login(storage, login, PASSWORD)
        at.session_state[common.BATCH_KEY] = "2099"
        started = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - started
        assert not at.exception, at.exception
        return elapsed

    return statistics.median(run() for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.duckdb"
        started = time.perf_counter()
        _unit, city = prepare(path, args.units)
        print(f"{args.units} units with whole drafts, {args.units - 1} submitted: set up in "
              f"{time.perf_counter() - started:.0f} s")
        os.environ["SCORING_DB"] = str(path)
        from streamlit.runtime.scriptrunner_utils import script_run_context

        from app_pages.widgets import common

        # The domain calls made here, outside a page run, would each warn of a missing ScriptRunContext.
        script_run_context._LOGGER.addFilter(lambda record: record.levelno >= logging.ERROR)
        storage = common.storage()
        logins = people(storage, city)
        from scoring.applying.city_review import city_forms
        from scoring.common import accounts

        bureau = accounts.principal_of(storage, logins["city"])
        print(f"{city}: {len(city_forms(storage, bureau, '2099'))} forms")
        for label, who, page in (("填报申报书 (one unit)", "unit", "app_pages/applying/unit_form.py"),
                                 (f"市局初审 ({city})", "city", "app_pages/applying/city_review.py"),
                                 ("申报进度 (staff)", "staff", "app_pages/applying/progress_page.py")):
            print(f"{label}: page run median {page_time(storage, logins[who], page, args.repeat) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
