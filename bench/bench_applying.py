"""Benchmark of applying online (issue 13): N units each saving their whole 申报书 as a draft, section by section
(500 units), and M recommended forms handed over by their city bureaus into the batch (2,000 forms).

Prints the time per section save (median and 95th percentile) and per whole draft; for the handover, the time of
each city's 报送 (its forms entering the batch, checked and audited, in one transaction), the 推荐函's document,
the city's list, and the whole batch afterwards.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--forms", type=int, default=2000)
    args = parser.parse_args()
    bench_drafts(args.units)
    bench_handover(args.forms)


def bench_drafts(units: int) -> None:
    from scoring.applying.calls import ApplicationCall, open_call
    from scoring.applying.drafts import SECTIONS, save_section
    from scoring.common.access import Grant, Principal, Role, UnitBinding
    from scoring.intake.sample import sample_batch, synthetic_applications
    from scoring.storage.store import Storage

    batch = sample_batch()
    apps = synthetic_applications(batch, units, seed=7)
    staff = Principal(login="staff", display_name="工作人员", grants=(Grant(role=Role.STAFF),))
    with tempfile.TemporaryDirectory() as folder, Storage(Path(folder) / "bench.duckdb") as storage:
        storage.create_batch(batch, "bench")
        open_call(storage, staff, ApplicationCall(batch_id=batch.batch_id, unit_deadline=datetime(2099, 1, 1),
                                                  city_deadline=datetime(2099, 2, 1)))
        saves, drafts = [], []
        for serial, app in enumerate(apps):
            unit = Principal(login=f"unit{serial}", display_name=app.basic.unit_name, grants=(Grant(role=Role.APPLICANT),),
                             unit=UnitBinding(unit_name=app.basic.unit_name, credit_code=app.credit_code,
                                              city=app.recommendation.city))
            started = time.perf_counter()
            for section, value in app.model_dump(mode="json").items():
                if section in SECTIONS:  # attachments are uploaded, not typed
                    t = time.perf_counter()
                    save_section(storage, unit, batch.batch_id, app.credit_code, section, value)
                    saves.append(time.perf_counter() - t)
            drafts.append(time.perf_counter() - started)
    saves.sort()
    print(f"{units} units, {len(saves)} section saves")
    print(f"per save: median {statistics.median(saves) * 1000:.1f} ms, p95 {saves[int(len(saves) * 0.95)] * 1000:.1f} ms")
    print(f"per whole draft: median {statistics.median(drafts) * 1000:.1f} ms; total {sum(drafts):.1f} s")


def bench_handover(forms: int) -> None:
    """Forms submitted, pre-reviewed and recommended are written straight into the tables (set-up, not measured);
    then each city uploads its letter and sends, measured."""
    from scoring.applying.calls import ApplicationCall, open_call
    from scoring.applying.city_review import PreReviewItem, city_forms
    from scoring.applying.drafts import FormStatus
    from scoring.applying.handover import letter_document, send_to_province, upload_letter
    from scoring.common.access import Grant, Principal, Role, UnitBinding
    from scoring.intake.sample import sample_batch, synthetic_applications
    from scoring.storage import account_store
    from scoring.storage import applying_store as store
    from scoring.storage.store import Storage

    batch = sample_batch()
    apps = synthetic_applications(batch, forms, seed=11)
    staff = Principal(login="staff", display_name="工作人员", grants=(Grant(role=Role.STAFF),))
    with tempfile.TemporaryDirectory() as folder, Storage(Path(folder) / "bench.duckdb") as storage:
        storage.create_batch(batch, "bench")
        open_call(storage, staff, ApplicationCall(batch_id=batch.batch_id, unit_deadline=datetime(2099, 1, 1),
                                                  city_deadline=datetime(2099, 2, 1)))
        with storage.transaction("bench") as tx:
            for serial, app in enumerate(apps):
                data = app.model_dump(mode="json") | {"attachments": []}
                data["recommendation"] |= {"city_recommended": False, "city_recommendation_date": None}
                account_store.insert_user(tx, f"unit{serial}", app.basic.unit_name, None, False, None)
                account_store.add_grant(tx, f"unit{serial}", Grant(role=Role.APPLICANT))
                store.bind_unit(tx, f"unit{serial}", UnitBinding(unit_name=app.basic.unit_name,
                                                                  credit_code=app.credit_code,
                                                                  city=app.recommendation.city))
                store.add_submission(tx, batch.batch_id, app.credit_code, 1, data, FormStatus.RECOMMENDED, tx.now)
                store.put_city_review(tx, batch.batch_id, app.credit_code, 1, store.CityReviewRecord(
                    [str(i) for i in PreReviewItem], "同意推荐。", None, None, tx.now, "bench"))
            tx.audit("bench.setup", f"batch/{batch.batch_id}", "", {"forms": forms})
        cities = sorted({a.recommendation.city for a in apps})
        sends, lists, letters = [], [], []
        for city in cities:
            bureau = Principal(login=f"city-{city}", display_name=f"{city}知识产权局",
                               grants=(Grant(role=Role.CITY, city=city),))
            t = time.perf_counter()
            city_forms(storage, bureau, batch.batch_id)
            lists.append(time.perf_counter() - t)
            t = time.perf_counter()
            letter_document(storage, bureau, batch.batch_id, city)
            letters.append(time.perf_counter() - t)
            upload_letter(storage, bureau, batch.batch_id, city, "推荐函.pdf", f"%PDF sealed {city}".encode())
            t = time.perf_counter()
            done = send_to_province(storage, bureau, batch.batch_id, city)
            sends.append((time.perf_counter() - t, len(done.created), city))
        t = time.perf_counter()
        entered = storage.list_applications(batch.batch_id)
        listed = time.perf_counter() - t
    total = sum(s for s, _, _ in sends)
    slowest = max(sends)
    print(f"{forms} recommended forms in {len(cities)} cities handed over: {total:.1f} s in all, "
          f"{total / forms * 1000:.1f} ms per form; slowest city {slowest[2]} ({slowest[1]} forms) {slowest[0]:.2f} s")
    print(f"city list median {statistics.median(lists) * 1000:.0f} ms, 推荐函 document median "
          f"{statistics.median(letters) * 1000:.0f} ms; the batch then holds {len(entered)} applications, "
          f"read in {listed * 1000:.0f} ms")


if __name__ == "__main__":
    main()
