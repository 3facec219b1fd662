"""Real Airflow DAG runs for a range of days, in one process (Airflow is imported once).

Started by `socialkpi run` with Airflow's environment set (see pipeline.airflow_env):
    python -m socialkpi.runner --start 2026-10-27 --end 2026-11-25
Each day is one run of `socialkpi_ingest` for the interval [day, day + 1); then one run of
`socialkpi_transform`. Exits non-zero when any run failed, after all of them ran.
"""

from __future__ import annotations

import argparse
import logging
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


def run(start: date, end: date, lookback_days: int | None, transform: bool = True) -> int:
    ingest, transform_dag = load_dags()
    failed: list[str] = []
    day = start
    while day <= end:
        began = time.monotonic()
        # The ingest DAG's interval for `day` is [day, day + 1); its run happens at the interval's end.
        run_after = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
        dag_run = ingest.test(logical_date=run_after, run_conf={"lookback_days": lookback_days})
        state = str(getattr(dag_run, "state", "failed"))
        print(f"socialkpi: ingest {day}: {state} ({time.monotonic() - began:.1f}s)", flush=True)
        if state != "success":
            failed.append(f"ingest {day}")
        day += timedelta(days=1)
    if transform:
        began = time.monotonic()
        dag_run = transform_dag.test()
        state = str(getattr(dag_run, "state", "failed"))
        print(f"socialkpi: transform: {state} ({time.monotonic() - began:.1f}s)", flush=True)
        if state != "success":
            failed.append("transform")
    if failed:
        print(
            f"socialkpi: failed runs: {', '.join(failed)}; see `socialkpi loads` and the task logs",
            file=sys.stderr,
        )
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m socialkpi.runner")
    parser.add_argument("--start", type=date.fromisoformat, required=True)
    parser.add_argument("--end", type=date.fromisoformat, required=True)
    parser.add_argument("--lookback-days", type=int, default=None)
    parser.add_argument("--no-transform", action="store_true")
    args = parser.parse_args(argv)
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    return run(args.start, args.end, args.lookback_days, transform=not args.no_transform)


if __name__ == "__main__":
    sys.exit(main())
