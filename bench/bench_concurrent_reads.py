"""Benchmark: how far one process on one DuckDB file goes (issue 15, the figures behind docs/scaling.md).

A national office would run many provinces' batches in one system. This builds a database of P provinces' batches
of A applications each (stored with their checks, as an import stores them), then, for K = 1, 2, 4, 8, 16
concurrent sessions (threads, as Streamlit runs each browser session), each session repeats what the 申报列表
page reads (the batch's applications and their check reports) while one writer re-imports one changed application
at a time (a transaction with a new version, its checks and an audit entry, under the one write lock).
Prints, per K: page reads per second, read latency median/p95, writes per second and write latency p95.
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(storage, provinces: int, applications: int) -> list[str]:
    from scoring.common.models import ActionKind
    from scoring.intake.checks import run_checks
    from scoring.intake.sample import sample_batch, synthetic_applications

    batch_ids = []
    for serial in range(provinces):
        batch = sample_batch().model_copy(update={"batch_id": f"P{serial:02d}-2023", "title": f"省份{serial} 2023年度"})
        storage.create_batch(batch, "bench")
        apps = [a.model_copy(update={"batch_id": batch.batch_id})
                for a in synthetic_applications(batch, applications, seed=serial + 1)]
        with storage.transaction("bench") as tx:
            storage.save_applications(tx, apps, source="bench")
            storage.save_check_results(tx, batch.batch_id, {a.credit_code: run_checks(a, batch) for a in apps})
            tx.audit(ActionKind.IMPORT, f"batch/{batch.batch_id}", "bench", {"applications": len(apps)})
        batch_ids.append(batch.batch_id)
    return batch_ids


def page_read(storage, batch_id: str) -> None:
    """What 申报列表 asks the storage for: every application of the batch and every check report."""
    storage.list_applications(batch_id)
    storage.check_reports(batch_id)


def sql_only(storage, batch_id: str) -> None:
    """The same rows fetched without building the models: how much of a page read is the database's."""
    from scoring.storage import queries as q

    cursor = storage.cursor()
    cursor.execute(q.SELECT_APPLICATIONS, [batch_id]).fetchall()
    cursor.execute(q.SELECT_CHECK_RESULTS, {"batch": batch_id, "code": None}).fetchall()


def rewrite_one(storage, batch_id: str, rng: random.Random) -> None:
    """One changed application re-imported: a new version, its checks and an audit entry in one transaction."""
    from scoring.common.models import ActionKind
    from scoring.intake.checks import run_checks

    batch = storage.get_batch(batch_id)
    app = rng.choice(storage.list_applications(batch_id))
    changed = app.model_copy(update={"basic": app.basic.model_copy(update={"phone": f"024-{rng.randrange(10**8):08d}"})})
    with storage.transaction("bench-writer") as tx:
        storage.save_applications(tx, [changed], source="bench")
        storage.save_check_results(tx, batch_id, {changed.credit_code: run_checks(changed, batch)})
        tx.audit(ActionKind.IMPORT, f"batch/{batch_id}", "bench", {"applications": 1})


def run(storage, batch_ids: list[str], sessions: int, seconds: float) -> dict:
    stop = threading.Event()
    reads: list[float] = []
    writes: list[float] = []
    lock = threading.Lock()

    def reader(serial: int) -> None:
        mine = []
        own_batch = batch_ids[serial % len(batch_ids)]
        while not stop.is_set():
            started = time.perf_counter()
            page_read(storage, own_batch)
            mine.append(time.perf_counter() - started)
        with lock:
            reads.extend(mine)

    def writer() -> None:
        rng = random.Random(7)
        while not stop.is_set():
            started = time.perf_counter()
            rewrite_one(storage, rng.choice(batch_ids), rng)
            writes.append(time.perf_counter() - started)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(sessions)] + [threading.Thread(target=writer)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    reads.sort()
    writes.sort()
    return {"sessions": sessions, "reads_per_s": len(reads) / seconds,
            "read_median_ms": statistics.median(reads) * 1000, "read_p95_ms": reads[int(len(reads) * 0.95)] * 1000,
            "writes_per_s": len(writes) / seconds, "write_p95_ms": writes[int(len(writes) * 0.95)] * 1000}


def main() -> None:
    from scoring.storage.store import Storage

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--provinces", type=int, default=31)
    parser.add_argument("--applications", type=int, default=100, help="申报书 per province's batch")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured time per number of sessions")
    parser.add_argument("--sessions", type=int, nargs="*", default=[1, 2, 4, 8, 16])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.duckdb"
        with Storage(path) as storage:
            started = time.perf_counter()
            batch_ids = build(storage, args.provinces, args.applications)
            built = time.perf_counter() - started
        print(f"{args.provinces} batches × {args.applications} applications, built in {built:.1f} s; "
              f"file {path.stat().st_size / 2**20:.1f} MiB")
        with Storage(path) as storage:
            timings = []
            for batch_id in batch_ids:
                started = time.perf_counter()
                page_read(storage, batch_id)
                middle = time.perf_counter()
                sql_only(storage, batch_id)
                timings.append((middle - started, time.perf_counter() - middle))
            whole = statistics.median(t[0] for t in timings) * 1000
            database = statistics.median(t[1] for t in timings) * 1000
            print(f"one page read alone: {whole:.1f} ms, of which the SQL {database:.1f} ms "
                  f"(the rest builds the pydantic models)")
            print("sessions  reads/s  read median ms  read p95 ms  writes/s  write p95 ms")
            for sessions in args.sessions:
                f = run(storage, batch_ids, sessions, args.seconds)
                print(f"{f['sessions']:>8}  {f['reads_per_s']:>7.1f}  {f['read_median_ms']:>14.1f}  "
                      f"{f['read_p95_ms']:>11.1f}  {f['writes_per_s']:>8.1f}  {f['write_p95_ms']:>12.1f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
