"""Extract every configured account's day from its platform API and land it, validated, in raw.

One mapped task per (source, account); each (stream, day) is its own idempotent transaction.
A rerun of an interval replaces exactly that interval's raw rows. Logic: plugins/socialkpi/ingest.py.
"""

from datetime import datetime

from airflow.sdk import Param, dag, task
from airflow.timetables.interval import CronDataIntervalTimetable
from socialkpi.assets import RAW


@dag(
    dag_id="socialkpi_ingest",
    description="Platform APIs -> landing -> Great Expectations gate -> raw",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=datetime(2026, 1, 1),
    catchup=False,  # backfill on purpose: `socialkpi run --start D --end D` or `airflow backfill create`
    max_active_runs=4,
    default_args={"retries": 1},
    params={
        "lookback_days": Param(None, type=["null", "integer"], minimum=0, description="override per run")
    },
    tags=["socialkpi", "ingest"],
)
def socialkpi_ingest():
    @task
    def configured_accounts() -> list[dict]:
        from socialkpi.ingest import targets

        return targets()

    @task
    def sync_account_list() -> int:
        from socialkpi.pipeline import sync_accounts

        return sync_accounts()

    @task(outlets=[RAW], map_index_template="{{ target.source }} {{ target.account_id }}")
    def ingest(target: dict, data_interval_start=None, params=None, run_id=None) -> dict:
        from socialkpi.ingest import ingest_account

        return ingest_account(
            source=target["source"],
            account_id=target["account_id"],
            day=data_interval_start.date(),
            lookback_days=params.get("lookback_days"),
            dag_run_id=run_id,
        )

    accounts = configured_accounts()
    sync_account_list() >> accounts
    ingest.expand(target=accounts)


socialkpi_ingest()
