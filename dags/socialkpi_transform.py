"""Rebuild the KPI marts with dbt whenever raw data is published, then check them with GX.

Logic: plugins/socialkpi/transform.py.
"""

from datetime import datetime

from airflow.sdk import dag, task
from socialkpi.assets import MARTS, RAW


@dag(
    dag_id="socialkpi_transform",
    description="dbt build (models, data tests, unit tests) -> Great Expectations mart checks",
    schedule=[RAW],
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,  # two dbt builds into the same schemas must not interleave
    tags=["socialkpi", "transform"],
)
def socialkpi_transform():
    @task
    def dbt_build() -> dict:
        from socialkpi import tasks

        return tasks.dbt_build()

    @task(outlets=[MARTS])
    def validate_marts(run_id=None) -> dict:
        from socialkpi import tasks

        return tasks.validate_marts(run_id)

    dbt_build() >> validate_marts()


socialkpi_transform()
