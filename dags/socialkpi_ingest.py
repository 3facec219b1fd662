"""Extract every configured account's days from its platform API and land them, validated, in raw.

A scheduled run covers its data interval's day (plus each source's lookback). A manual run may
carry a range in its params, `{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}` (days inclusive):
one run then backfills the whole range (`socialkpi run --start --end` does this, in runs side by
side that share the accounts out: `accounts_share` "1/2" and "2/2"; `airflow backfill create`
makes one scheduled-like run per day). One mapped task per (source, account);
a rerun of a range replaces exactly that range's raw rows. Logic: plugins/socialkpi/.
"""

import os
from datetime import datetime, timedelta

from airflow.sdk import Param, dag, task
from airflow.timetables.interval import CronDataIntervalTimetable
from socialkpi.assets import RAW


@dag(
    dag_id="socialkpi_ingest",
    description="Platform APIs -> landing -> Great Expectations gate -> raw",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=datetime(2026, 1, 1),
    catchup=False,  # backfill on purpose: a range run (params start/end) or `airflow backfill create`
    max_active_runs=4,
    # `socialkpi run` sets SOCIALKPI_TASK_RETRIES=0: a person at the terminal wants the error now.
    default_args={
        "retries": int(os.environ.get("SOCIALKPI_TASK_RETRIES", "1")),
        "retry_delay": timedelta(minutes=2),
    },
    params={
        "start": Param(None, type=["null", "string"], format="date", description="range run: first day"),
        "end": Param(None, type=["null", "string"], format="date", description="range run: last day"),
        "lookback_days": Param(None, type=["null", "integer"], minimum=0, description="override per run"),
        "accounts_share": Param(
            None,
            type=["null", "string"],
            pattern=r"^[1-9][0-9]*/[1-9][0-9]*$",
            description="range run: this run's share 'i/n' of the accounts (runs side by side)",
        ),
    },
    tags=["socialkpi", "ingest"],
)
def socialkpi_ingest():
    @task
    def configured_accounts(params=None) -> list[dict]:
        from socialkpi import tasks

        return tasks.configured_accounts(params.get("accounts_share"))

    @task
    def sync_account_list() -> int:
        from socialkpi import tasks

        return tasks.sync_account_list()

    @task(outlets=[RAW], map_index_template="{{ target.source }} {{ target.account_id }}")
    def ingest(target: dict, data_interval_start=None, params=None, run_id=None) -> dict:
        from socialkpi import tasks

        first_day, last_day = tasks.run_days(params, data_interval_start)
        return tasks.ingest(target, first_day, last_day, params.get("lookback_days"), run_id)

    accounts = configured_accounts()
    sync_account_list() >> accounts
    ingest.expand(target=accounts)


socialkpi_ingest()
