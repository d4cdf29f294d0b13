"""Benchmark: the scoring page's server time with 10,000 applications in the database (issue 5).

Builds (once, cached under bench/out/) a database of 10,000 applications, 1,000 experts, one selection round
with 5 experts per application (50,000 assignments, 50 per expert) and 40,000 of those sheets already submitted
(320,000 criterion rows). Then, in this process, times what an expert's visit costs the server:
- the 我的评审 page and the 评分 page, each run whole through Streamlit's AppTest (script time, median of N);
- the domain calls behind them (the expert's list, one application with its sheet and rubric);
- one autosave of a draft (what every edit on the page does) and one submission.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"
APPLICATIONS = 10_000
EXPERTS = 1_000
PER_APPLICATION = 5
SUBMITTED_SHARE = 0.8


def build_database(path: Path) -> None:
    import pandas as pd

    from scoring.common.access import Principal
    from scoring.common.models import ActionKind, SheetStatus
    from scoring.rounds.review_rounds import create_round, round_rubric, round_settings
    from scoring.intake.sample import sample_batch, sample_experts, synthetic_applications
    from scoring.storage import Storage, expert_store
    from scoring.storage.round_store import NewPair, insert_pairs

    admin = Principal.command_line("bench")
    batch = sample_batch()
    applications = synthetic_applications(batch, APPLICATIONS, seed=7)
    pool = sample_experts()
    experts = [pool[n % len(pool)].model_copy(update={"expert_id": f"ZJ-{n + 1:05d}", "name": f"专家{n + 1:04d}"})
               for n in range(EXPERTS)]
    with Storage(path) as storage:
        storage.create_batch(batch, "bench")
        with storage.transaction("bench") as tx:
            storage.save_applications(tx, applications, source="bench")
            expert_store.save_experts(tx, experts)
            tx.audit(ActionKind.IMPORT, f"batch/{batch.batch_id}")
        review_round = create_round(storage, admin, round_settings(
            {"batch_id": batch.batch_id, "kind": "遴选", "rubric_id": "selection", "max_load": 60}))
        pairs = [NewPair(credit_code=a.credit_code, expert_id=experts[(i * PER_APPLICATION + j) % EXPERTS].expert_id)
                 for i, a in enumerate(applications) for j in range(PER_APPLICATION)]
        with storage.transaction("bench") as tx:
            insert_pairs(tx, review_round.round_id, pairs, "bench", "benchmark")
            tx.audit("assignment.commit", f"round/{batch.batch_id}/{review_round.round_id}")
        # Most sheets already submitted, written in bulk: the page must stay fast with a full round behind it.
        rubric = round_rubric(storage, review_round)
        submitted = pairs[: int(len(pairs) * SUBMITTED_SHARE)]
        now = pd.Timestamp.now().floor("s")
        sheets = pd.DataFrame([{
            "round_id": review_round.round_id, "credit_code": p.credit_code, "expert_id": p.expert_id,
            "status": str(SheetStatus.SUBMITTED), "opinion": "推荐", "opinion_text": "同意", "dissent": "",
            "revision": 2, "rubric_sha256": review_round.rubric_sha256, "started_at": now, "saved_at": now,
            "saved_by": "bench", "submitted_at": now, "reopened_reason": ""} for p in submitted])
        scores = pd.DataFrame([{
            "round_id": review_round.round_id, "credit_code": p.credit_code, "expert_id": p.expert_id,
            "criterion_id": c.id, "points": float(c.max_points - (n % 3)), "comment": "评语"}
            for n, p in enumerate(submitted) for c in rubric.criteria])
        with storage.transaction("bench") as tx:
            tx.cursor.register("bench_sheets", sheets)
            tx.cursor.register("bench_scores", scores)
            tx.execute("INSERT INTO score_sheets BY NAME SELECT * FROM bench_sheets")
            tx.execute("INSERT INTO sheet_scores BY NAME SELECT * FROM bench_scores")
            tx.audit("sheet.submit", f"round/{batch.batch_id}/{review_round.round_id}", "benchmark bulk")


def cached_database() -> Path:
    """The benchmark database, rebuilt when missing; a working copy is returned so runs do not change it."""
    master = OUT / f"scoring-{APPLICATIONS}.duckdb"
    if not master.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        build_database(master)
        print(f"built {master.name} in {time.perf_counter() - started:.1f} s")
    work = Path(tempfile.mkdtemp(prefix="bench-scoring-")) / "review.duckdb"
    shutil.copy(master, work)
    return work


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(path: Path, repeat: int) -> dict:
    import logging
    import os

    os.environ["SCORING_DB"] = str(path)
    os.environ["SCORING_EXPORTS"] = str(path.parent / "exports")
    from streamlit.testing.v1 import AppTest

    for name in [n for n in logging.root.manager.loggerDict if n.startswith("streamlit")]:
        logging.getLogger(name).setLevel(logging.ERROR)  # bare-mode warnings of the domain calls made outside a run

    from app_pages.widgets import common
    from scoring.common import accounts
    from scoring.common.access import Grant, Principal, Role
    from scoring.review.score_sheets import my_tasks, review_context, save_draft, submit_sheet
    from scoring.storage import round_store

    storage = common.storage()
    admin = Principal.command_line("bench")
    review_round_id = "2023-01"
    # An expert whose sheets are not yet submitted (the last 20 % of pairs).
    pair = round_store.current_pairs(storage, review_round_id)[-1]
    expert_id = pair.expert_id
    login = f"bench-{expert_id.lower()}"
    accounts.create_user(storage, admin, login, "测评专家", [Grant(role=Role.EXPERT)], expert_id=expert_id)
    [(_, initial)] = accounts.issue_initial_credentials(storage, admin, [login])
    token = accounts.login(storage, login, initial)
    accounts.change_password(storage, token, initial, "Bench2023ip")
    accounts.logout(storage, token)
    expert = accounts.current_session(storage, accounts.login(storage, login, "Bench2023ip")).principal

    figures: dict = {"applications": storage.count_applications("2023"),
                     "assignments": len(round_store.current_pairs(storage, review_round_id)),
                     "submitted_sheets": storage.cursor().execute(
                         "SELECT count(*) FROM score_sheets WHERE status = '已提交'").fetchall()[0][0]}
    figures["my_tasks_s"], tasks = timed(lambda: my_tasks(storage, expert), repeat)
    figures["expert_applications"] = len(tasks)
    figures["review_context_s"], _ = timed(lambda: review_context(storage, expert, review_round_id,
                                                                   pair.credit_code), repeat)

    counter = iter(range(10_000))

    def autosave():
        value = Decimal(next(counter) % 40) / 2
        return save_draft(storage, expert, review_round_id, pair.credit_code, {"scores": {"management": value}})

    figures["autosave_s"], _ = timed(autosave, repeat)

    def page(path: str, prepare=None) -> float:
        def run():
            at = AppTest.from_file(str(ROOT / "review_app.py"), default_timeout=120)
            at.session_state[common.SESSION_KEY] = accounts.login(storage, login, "Bench2023ip")
            if prepare:
                prepare(at)
            at.run()
            at.switch_page(path)
            started = time.perf_counter()
            at.run()
            elapsed = time.perf_counter() - started
            assert not at.exception, at.exception
            return elapsed
        return statistics.median(run() for _ in range(repeat))

    figures["my_reviews_page_s"] = page("app_pages/expert/my_reviews.py")
    figures["score_page_s"] = page("app_pages/expert/score.py", prepare=lambda at: select_for_scoring(
        at, review_round_id, pair.credit_code))

    rubric = review_context(storage, expert, review_round_id, pair.credit_code).rubric
    full = {"scores": {c.id: c.max_points for c in rubric.criteria},
            "comments": {c.id: "评语" for c in rubric.criteria}, "opinion": "推荐", "opinion_text": "同意"}
    started = time.perf_counter()
    submit_sheet(storage, expert, review_round_id, pair.credit_code, full)
    figures["submit_s"] = time.perf_counter() - started
    figures["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}


def select_for_scoring(at, round_id: str, credit_code: str) -> None:
    """What 我的评审 leaves in the session when the expert opens one application."""
    from app_pages.widgets.common import select_task

    select_task(at.session_state, round_id, credit_code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median reported)")
    args = parser.parse_args()
    figures = measure(cached_database(), args.repeat)
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
