"""Benchmark: N units each saving their whole 申报书 as a draft, section by section (issue 13: 500 units).

Prints the time per section save (median and 95th percentile) and per whole draft. The handover of 2,000
recommended forms into a batch is not measured yet: the handover step is not built.
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
    from scoring.applying.calls import ApplicationCall, open_call
    from scoring.applying.drafts import SECTIONS, save_section
    from scoring.common.access import Grant, Principal, Role, UnitBinding
    from scoring.intake.sample import sample_batch, synthetic_applications
    from scoring.storage.store import Storage

    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=500)
    args = parser.parse_args()
    batch = sample_batch()
    apps = synthetic_applications(batch, args.units, seed=7)
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
    print(f"{args.units} units, {len(saves)} section saves")
    print(f"per save: median {statistics.median(saves) * 1000:.1f} ms, p95 {saves[int(len(saves) * 0.95)] * 1000:.1f} ms")
    print(f"per whole draft: median {statistics.median(drafts) * 1000:.1f} ms; total {sum(drafts):.1f} s")


if __name__ == "__main__":
    main()
