"""Benchmark of the pilots' three years: N pilots × 3 years of yearly reports built in memory (seeded); each pilot's
figures aggregated against its goals (pilot_progress) and the awards of each year computed (compute_awards, with a
cap and a total budget that scales), both pure.

Then, in a temporary copy of the test pilots database grown to N pilots, the N × 3 reports stored as submitted
versions, and the time of: reading one year's in-force reports (reports_of_year), the whole award preview from
storage (preview_awards), the registry's rows with each year's status (试点名录), and one pilot's page data
(pilot_detail, for a sample of pilots).
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEARS = (2023, 2024, 2025)
OUTCOMES = ("优秀", "合格", "合格", "合格", "基本合格", "不合格")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pilots", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-storage", action="store_true", help="只测纯计算")
    args = parser.parse_args()
    pilots, reports, outcomes, misused = world(args.pilots)
    bench_progress(pilots, reports, args.runs)
    bench_compute(pilots, reports, outcomes, misused, args.runs)
    if not args.no_storage:
        bench_storage(pilots, reports, outcomes, misused, args.runs)


def the_standard(year: int):
    from scoring.pilots.awards import AwardStandard

    return AwardStandard(year=year, transfer_rate=Decimal("1.00"), licence_rate=Decimal("0.50"),
                         equity_rate=Decimal("2.00"), amount_rate=Decimal("0.05"), cap=Decimal("30.00"),
                         budget=Decimal("2000.00"), min_converted=5)


def world(count: int, seed: int = 14):
    """`count` pilots of batch 2023 (credit codes 1221…), each with a report for 2023–2025 but one in twenty missing,
    an outcome per year, one in fifty with misused funds."""
    from scoring.common.models import YearConversion, YearPatents
    from scoring.pilots.registry import Pilot
    from scoring.pilots.reports import AnnualReport

    rng = random.Random(seed)
    pilots = [Pilot(batch_id="2023", credit_code=f"12210000{n:010d}", unit_name=f"基准试点大学{n}",
                    unit_type="高等学校", city="沈阳市", first_year=2023, last_year=2025, round_id="2023-01",
                    list_order=100 + n, created_at=datetime(2023, 6, 20, 10)) for n in range(count)]
    reports: dict[int, dict] = {}
    outcomes: dict[int, dict] = {}
    misused: dict[int, set] = {}
    for year in YEARS:
        reports[year] = {}
        for p in pilots:
            if rng.random() < 0.05:
                continue
            money = lambda: Decimal(rng.randint(0, 20_000)) / 100  # noqa: E731
            conversion = YearConversion(year=year, transfer_count=rng.randint(0, 40), transfer_contract=money(),
                                        transfer_received=money(), licence_count=rng.randint(0, 20),
                                        licence_contract=money(), licence_received=money(),
                                        equity_count=rng.randint(0, 3), equity_value=money())
            reports[year][p.credit_code] = AnnualReport(batch_id="2023", credit_code=p.credit_code, year=year,
                                                        patents=YearPatents(year=year), conversion=conversion,
                                                        enterprises_connected=rng.randint(0, 30))
        outcomes[year] = {p.credit_code: rng.choice(OUTCOMES) for p in pilots}
        misused[year] = {p.credit_code for p in pilots if rng.random() < 0.02}
    return pilots, reports, outcomes, misused


def bench_progress(pilots, reports, runs: int) -> None:
    from scoring.common.models import AmountBasis
    from scoring.pilots.goals import GoalKey, PilotGoal
    from scoring.pilots.progress import pilot_progress

    goals = [PilotGoal(key=GoalKey.CONVERTED, value=Decimal(30), year=y) for y in YEARS] + \
        [PilotGoal(key=GoalKey.AMOUNT, value=Decimal(500))]
    by_pilot = {p.credit_code: {y: reports[y][p.credit_code] for y in YEARS if p.credit_code in reports[y]}
                for p in pilots}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        found = [pilot_progress(p, goals, by_pilot[p.credit_code], AmountBasis.CONTRACT) for p in pilots]
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    behind = sum(any(y.behind_goal.values()) for progress in found for y in progress.years)
    print(f"pilot_progress: {len(pilots)} pilots × {len(YEARS)} years aggregated in {median * 1000:.1f} ms "
          f"({median / len(pilots) * 1e6:.0f} µs per pilot); {behind} of {len(pilots) * len(YEARS)} pilot-years "
          "behind a yearly goal")


def bench_compute(pilots, reports, outcomes, misused, runs: int) -> None:
    from scoring.pilots.awards import compute_awards

    print(f"compute_awards: {len(pilots)} pilots × {len(YEARS)} years, median of {runs} runs")
    for year in YEARS:
        standard = the_standard(year)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            found = compute_awards(standard, pilots, reports[year], outcomes[year], misused[year])
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        eligible = sum(c.eligible for c in found)
        total = sum((c.amount for c in found), Decimal(0))
        print(f"  {year}: {median * 1000:.1f} ms per year, {median / len(pilots) * 1e6:.0f} µs per pilot; "
              f"{eligible} eligible, total {total:.2f} 万元 (budget {standard.budget})")


def bench_storage(pilots, reports, outcomes, misused, runs: int) -> None:
    from scoring.common.access import Grant, Principal, Role
    from scoring.common.models import ActionKind
    from scoring.pilots.awards import preview_awards, save_standard
    from scoring.pilots.pilot_detail import pilot_detail, registry_rows
    from scoring.pilots.reports import reports_of_year
    from scoring.storage import pilot_store, report_store
    from scoring.storage.store import Storage
    from tests.builders.pilots import pilots_database

    staff = Principal(login="staff", display_name="工作人员", grants=(Grant(role=Role.STAFF),))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.duckdb"
        shutil.copy(pilots_database(), path)
        with Storage(path) as storage:
            started = time.perf_counter()
            with storage.transaction("bench") as tx:
                for p in pilots:
                    known = {**p.model_dump(include=set(pilot_store.PilotRecord._fields)), "created_at": tx.now}
                    pilot_store.insert_pilot(tx, pilot_store.PilotRecord(
                        **{field: known.get(field) for field in pilot_store.PilotRecord._fields}), 1)
                stored = 0
                for year in YEARS:
                    for code, report in reports[year].items():
                        report_store.insert_version(tx, "2023", code, year, 1, report.model_dump_json(), "已提交市局",
                                                    False)
                        stored += 1
                tx.audit(ActionKind.REPORT_SUBMIT, "bench", "基准测试数据", {"reports": stored})
            inserted = time.perf_counter() - started
            print(f"storage: {len(pilots)} pilots and {stored} reports inserted in {inserted:.2f} s")
            save_standard(storage, staff, 2023, the_standard(2023), "基准测试")
            sample = [p.credit_code for p in pilots[::20]]
            for label, run in (("reports_of_year(2023)", lambda: reports_of_year(storage, staff, "2023", 2023)),
                               ("preview_awards(2023), reports read", lambda: preview_awards(
                                   storage, staff, "2023", 2023, outcomes[2023], misused[2023])),
                               ("registry_rows (试点名录)", lambda: registry_rows(storage, staff, "2023")),
                               (f"pilot_detail × {len(sample)} pilots (试点详情)", lambda: [
                                   pilot_detail(storage, staff, "2023", code) for code in sample])):
                times = []
                for _ in range(runs):
                    t = time.perf_counter()
                    found = run()
                    times.append(time.perf_counter() - t)
                print(f"  {label}: median {statistics.median(times) * 1000:.1f} ms ({len(found)} rows)")


if __name__ == "__main__":
    main()
