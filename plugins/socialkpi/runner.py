"""Real Airflow DAG runs for a range of days.

Started by `socialkpi run` with Airflow's environment set (see pipeline.airflow_env):
    python -m socialkpi.runner --start 2026-10-27 --end 2026-11-25 [--workers 2]
Each day is one run of `socialkpi_ingest` for the interval [day, day + 1), through `dag.test()`
(in-process, so Airflow and GX are imported once per worker). Days are shared out to `--workers`
processes, the way a scheduler with several worker slots would run a backfill; then one run of
`socialkpi_transform`. Exits non-zero when any run failed, after all of them ran.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta

from socialkpi.paths import DAGS_DIR


def load_dags():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_DIR))
    if bag.import_errors:
        for path, error in bag.import_errors.items():
            print(f"socialkpi: DAG import error in {path}: {error.splitlines()[-1]}", file=sys.stderr)
        raise SystemExit(2)
    return bag.get_dag("socialkpi_ingest"), bag.get_dag("socialkpi_transform")


def run_ingest(days: list[date], lookback_days: int | None) -> list[str]:
    ingest, _ = load_dags()
    failed = []
    for day in days:
        began = time.monotonic()
        # The interval [day, day + 1) is run once it has ended, at day + 1.
        run_after = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
        dag_run = ingest.test(logical_date=run_after, run_conf={"lookback_days": lookback_days})
        state = str(getattr(dag_run, "state", "failed"))
        print(f"socialkpi: ingest {day}: {state} ({time.monotonic() - began:.1f}s)", flush=True)
        if state != "success":
            failed.append(f"ingest {day}")
    return failed


def run_transform() -> list[str]:
    _, transform = load_dags()
    began = time.monotonic()
    dag_run = transform.test()
    state = str(getattr(dag_run, "state", "failed"))
    print(f"socialkpi: transform: {state} ({time.monotonic() - began:.1f}s)", flush=True)
    return [] if state == "success" else ["transform"]


def share_out(days: list[date], workers: int) -> list[list[date]]:
    """Contiguous, nearly equal runs of days, one per worker."""
    workers = max(1, min(workers, len(days)))
    size, extra = divmod(len(days), workers)
    shares, start = [], 0
    for index in range(workers):
        end = start + size + (1 if index < extra else 0)
        shares.append(days[start:end])
        start = end
    return shares


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m socialkpi.runner")
    parser.add_argument("--start", type=date.fromisoformat, required=True)
    parser.add_argument("--end", type=date.fromisoformat, required=True)
    parser.add_argument("--lookback-days", type=int, default=None)
    parser.add_argument("--workers", type=int, default=min(4, max(2, os.cpu_count() or 1)))
    parser.add_argument("--no-transform", action="store_true")
    args = parser.parse_args(argv)
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    days = [args.start + timedelta(days=n) for n in range((args.end - args.start).days + 1)]
    failed: list[str] = []
    # The DAGs and their Assets are registered before (pipeline.migrate_airflow_db), so the
    # workers do not race to create the same rows.
    shares = share_out(days, args.workers)
    if len(shares) <= 1:
        failed += run_ingest(days, args.lookback_days)
    else:
        lookback = ["--lookback-days", str(args.lookback_days)] if args.lookback_days is not None else []
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "socialkpi.runner",
                    "--start",
                    str(share[0]),
                    "--end",
                    str(share[-1]),
                    "--workers",
                    "1",
                    "--no-transform",
                    *lookback,
                ]
            )
            for share in shares
        ]
        for worker, share in zip(workers, shares, strict=True):
            if worker.wait() != 0:
                failed.append(f"ingest {share[0]}..{share[-1]}")
    if not args.no_transform:
        failed += run_transform()
    if failed:
        print(
            f"socialkpi: failed runs: {', '.join(failed)}; see `socialkpi loads` and the task logs",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
