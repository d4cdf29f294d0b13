"""Benchmark: 500,000 score rows (10,000 applications × 5 experts × 10 criteria) aggregated, flagged and ranked
(issue 6; aim: under 1 s, done in DuckDB rather than Python loops).

Builds (once, cached under bench/out/) a round scored against a 10-criterion rubric with every sheet submitted,
then times, each as the median of N runs in this process: the aggregation (means, trimmed means, criterion means),
the quality flags, and the ranking with the rubric's tie-break on a criterion mean.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"
APPLICATIONS, EXPERTS, PER_APPLICATION, CRITERIA = 10_000, 1_000, 5, 10

RUBRIC = "\n".join([
    "id: bench-ten", "version: 1", "title: 基准评分标准", "kind: 遴选", "total: 100",
    "aggregation: {trim_from_sheets: 5, disagreement_range: 20, tie_break: [{criterion: c1}]}",
    "criteria:",
    *[f"  - {{id: c{n}, name: 指标{n}, max_points: 10, step: 0.5}}" for n in range(1, CRITERIA + 1)],
]) + "\n"


def rubric_folder() -> Path:
    folder = OUT / "rubrics"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench-ten.yaml").write_text(RUBRIC, encoding="utf-8")
    return folder


def build_database(path: Path) -> None:
    import numpy as np
    import pandas as pd

    from scoring.common.access import Principal
    from scoring.common.models import ActionKind, SheetStatus
    from scoring.rounds.review_rounds import create_round, round_settings
    from scoring.intake.sample import sample_batch, sample_experts, synthetic_applications
    from scoring.storage import Storage, expert_store
    from scoring.storage.round_store import NewPair, insert_pairs

    batch = sample_batch()
    applications = synthetic_applications(batch, APPLICATIONS, seed=11)
    pool = sample_experts()
    experts = [pool[n % len(pool)].model_copy(update={"expert_id": f"ZJ-{n + 1:05d}"}) for n in range(EXPERTS)]
    with Storage(path) as storage:
        storage.create_batch(batch, "bench")
        with storage.transaction("bench") as tx:
            storage.save_applications(tx, applications, source="bench")
            expert_store.save_experts(tx, experts)
            tx.audit(ActionKind.IMPORT, f"batch/{batch.batch_id}")
        review_round = create_round(storage, Principal.command_line("bench"), round_settings(
            {"batch_id": batch.batch_id, "kind": "遴选", "rubric_id": "bench-ten", "max_load": 60}))
        pairs = [(a.credit_code, experts[(i * PER_APPLICATION + j) % EXPERTS].expert_id)
                 for i, a in enumerate(applications) for j in range(PER_APPLICATION)]
        rng = np.random.default_rng(0)
        points = rng.integers(8, 21, size=(len(pairs), CRITERIA)) / 2  # 4.0 … 10.0 in steps of 0.5
        now = pd.Timestamp.now().floor("s")
        sheets = pd.DataFrame({"round_id": review_round.round_id, "credit_code": [c for c, _ in pairs],
                               "expert_id": [e for _, e in pairs], "status": str(SheetStatus.SUBMITTED),
                               "opinion": "推荐", "opinion_text": "同意", "dissent": "", "revision": 1,
                               "rubric_sha256": review_round.rubric_sha256, "started_at": now, "saved_at": now,
                               "saved_by": "bench", "submitted_at": now, "reopened_reason": ""})
        scores = pd.DataFrame({"round_id": review_round.round_id,
                               "credit_code": np.repeat([c for c, _ in pairs], CRITERIA),
                               "expert_id": np.repeat([e for _, e in pairs], CRITERIA),
                               "criterion_id": np.tile([f"c{n}" for n in range(1, CRITERIA + 1)], len(pairs)),
                               "points": points.ravel(), "comment": np.where(points.ravel() == 10, "", "评语")})
        with storage.transaction("bench") as tx:
            insert_pairs(tx, review_round.round_id, [NewPair(credit_code=c, expert_id=e) for c, e in pairs],
                         "bench", "benchmark")
            tx.cursor.register("bench_sheets", sheets)
            tx.cursor.register("bench_scores", scores)
            tx.execute("INSERT INTO score_sheets BY NAME SELECT * FROM bench_sheets")
            tx.execute("INSERT INTO sheet_scores BY NAME SELECT * FROM bench_scores")
            tx.audit("sheet.submit", f"round/{batch.batch_id}/{review_round.round_id}", "benchmark bulk")


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3), result


def measure(path: Path, repeat: int) -> dict:
    from scoring.common.access import Principal
    from scoring.results.aggregation import aggregate_round
    from scoring.results.quality_flags import round_flags
    from scoring.results.ordering import RankInput, rank
    from scoring.storage import Storage

    staff = Principal.command_line("bench")
    with Storage(path) as storage:
        rows = storage.cursor().execute("SELECT count(*) FROM sheet_scores").fetchall()[0][0]
        aggregate_s, scores = timed(lambda: aggregate_round(storage, staff, "2023-01"), repeat)
        flags_s, flags = timed(lambda: round_flags(storage, staff, "2023-01", scores), repeat)
        inputs = [RankInput(credit_code=s.credit_code, final=s.expert_score, tie_values=(s.criterion_means["c1"],))
                  for s in scores]
        rank_s, ranked = timed(lambda: rank(inputs), repeat)
    return {"score_rows": rows, "applications": len(scores), "aggregate_s": aggregate_s, "flags_s": flags_s,
            "flags": len(flags), "rank_s": rank_s, "tied_places": sum(1 for r in ranked if r.tied_with),
            "aggregate_flag_rank_s": round(aggregate_s + flags_s + rank_s, 3),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median reported)")
    args = parser.parse_args()
    os.environ["SCORING_RUBRICS"] = str(rubric_folder())
    master = OUT / f"ranking-{APPLICATIONS}.duckdb"
    if not master.exists():
        started = time.perf_counter()
        build_database(master)
        print(f"built {master.name} in {time.perf_counter() - started:.1f} s")
    work = Path(tempfile.mkdtemp(prefix="bench-ranking-")) / "review.duckdb"
    shutil.copy(master, work)
    print(json.dumps(measure(work, args.repeat), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
