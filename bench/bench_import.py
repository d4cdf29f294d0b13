"""Benchmark: import and check N applications from one workbook (issue 3: 2,000 in under 10 s and 1 GiB).

Prints the workbook's size, the time to read and validate it, the time of the whole import
(validation, one transaction, checks), and the importing process's peak resident memory.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_workbook(count: int, path: Path) -> None:
    from scoring.documents.application_workbook import write_workbook
    from scoring.intake.sample import sample_batch, synthetic_applications

    apps = synthetic_applications(sample_batch(), count, seed=7)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(write_workbook(apps))


def measure(path: Path) -> dict:
    """Runs in a fresh process so that its peak memory is the import's own."""
    from scoring.common.access import Principal
    from scoring.documents.application_workbook import read_workbook
    from scoring.intake.importer import import_files
    from scoring.intake.sample import sample_batch
    from scoring.storage import Storage

    content = path.read_bytes()
    batch = sample_batch()
    started = time.perf_counter()
    parsed = read_workbook(content, path.name, batch.batch_id)
    read_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp, Storage(Path(tmp) / "bench.duckdb") as storage:
        storage.create_batch(batch, "bench")
        started = time.perf_counter()
        report = import_files(storage, batch, [(path.name, content)], Principal.command_line("bench"))
        import_seconds = time.perf_counter() - started
        checked = len(storage.check_reports(batch.batch_id))
    return {
        "applications": len(parsed.applications),
        "errors": len(report.errors),
        "imported": report.imported,
        "checked": checked,
        "read_and_validate_s": round(read_seconds, 2),
        "import_and_check_s": round(import_seconds, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    path = ROOT / "bench" / "out" / f"applications_{args.count}.xlsx"
    started = time.perf_counter()
    make_workbook(args.count, path)
    print(f"workbook: {args.count} applications, {path.stat().st_size / 2**20:.1f} MiB, "
          f"written in {time.perf_counter() - started:.1f} s")
    out = subprocess.run([sys.executable, __file__, "--measure", str(path)], capture_output=True, text=True, check=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    for name, value in figures.items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
