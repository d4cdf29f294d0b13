"""Benchmark: distributed-mode assignment on the shared instances (issue 4: 10,000 × 2,000, k = 5 in under 10 s and 2 GiB, optimal).

For 100 × 30 (k = 3), 2,000 × 400 (k = 5) and 10,000 × 2,000 (k = 5), seed 0, built by
bench/assignment_instance.py (a verbatim copy of the shared one, so that figures compare with peers):
the wall time of building the problem and solving it, the solving process's peak resident memory
(each run in a fresh process that only loads the instance's arrays), the total affinity, and whether
optimality was proven (the certificate checked over every allowed pair).
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INSTANCES = [(100, 30, 3), (2000, 400, 5), (10000, 2000, 5)]
# The shared bench README's figures (same machine class, seed 0): the dense OR-Tools flow and its optimum.
PEERS = {
    (100, 30, 3): "dense flow 0.002 s, 145.000; openreview MinMax 0.03 s, 143.333",
    (2000, 400, 5): "dense flow 0.43 s, 144 MiB, 7188.000; openreview MinMax 42.5 s",
    (10000, 2000, 5): "dense flow 19.6 s, 2.0 GiB, 43543.834; openreview MinMax > 600 s",
}


def peak_rss_mib() -> float:
    """This process's peak resident memory. VmHWM belongs to the process's own address space; ru_maxrss would
    also carry the parent's peak across fork + exec, and the parent has just built the instance."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


ARRAYS = ("affinity", "conflict", "demands", "minimums", "maximums")


def write_instance(size: tuple[int, int, int], folder: Path) -> None:
    """One plain .npy per array: loading them costs no more memory than the arrays (an .npz would add copies)."""
    from bench.assignment_instance import make_instance

    folder.mkdir(parents=True, exist_ok=True)
    instance = make_instance(*size, seed=0)
    for name in ARRAYS:
        np.save(folder / f"{name}.npy", instance[name])


def measure(folder: Path) -> dict:
    """Runs in a fresh process: load the arrays, then build and solve; peak memory is this process's."""
    from scoring.rounds.solver import AssignmentProblem, solve

    arrays = {name: np.load(folder / f"{name}.npy") for name in ARRAYS}
    loaded_mib = peak_rss_mib()
    started = time.perf_counter()
    problem = AssignmentProblem(**arrays)
    result = solve(problem)
    seconds = time.perf_counter() - started
    proof = result.optimality
    return {
        "seconds": seconds,
        "peak_rss_mib": peak_rss_mib(),
        "loaded_rss_mib": loaded_mib,
        "total_affinity": f"{result.total_affinity:.3f}",
        "proven": proof.proven,
        "method": proof.method.name,
        "scale": proof.scale,
        "exact_scale": proof.exact_scale,
        "flow_arcs": proof.flow_arcs,
        "flow_solves": proof.flow_solves,
        "pool_units_repaired": proof.pool_units_repaired,
        "pairs_certified": proof.pairs_certified,
    }


def run_fresh(folder: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", str(folder)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(size: tuple[int, int, int], runs: list[dict]) -> None:
    first = runs[0]
    times = [run["seconds"] for run in runs]
    apps, experts, k = size
    print(f"{apps:,} × {experts:,}, k = {k}: "
          f"{statistics.median(times):.2f} s median of {len(runs)} (min {min(times):.2f}, max {max(times):.2f}), "
          f"peak {max(run['peak_rss_mib'] for run in runs):.0f} MiB "
          f"(arrays loaded: {first['loaded_rss_mib']:.0f} MiB), "
          f"total affinity {first['total_affinity']}, optimal proven: {'yes' if first['proven'] else 'NO'}")
    print(f"    {first['method']} flow, {first['flow_arcs']:,} arcs, {first['flow_solves']} solve(s), "
          f"{first['pool_units_repaired']} pool units re-matched, scale {first['scale']}"
          f"{' (exact)' if first['exact_scale'] else ''}, {first['pairs_certified']:,} pairs certified")
    print(f"    peers: {PEERS[size]}")
    if len({run["total_affinity"] for run in runs}) != 1:
        print("    WARNING: runs disagree on the total affinity")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="fresh-process runs per instance")
    parser.add_argument("--largest", action="store_true", help="only 10,000 × 2,000")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    for size in INSTANCES[-1:] if args.largest else INSTANCES:
        folder = ROOT / "bench" / "out" / f"assignment_{size[0]}x{size[1]}_k{size[2]}"
        write_instance(size, folder)
        report(size, [run_fresh(folder) for _ in range(args.repeat)])


if __name__ == "__main__":
    main()
