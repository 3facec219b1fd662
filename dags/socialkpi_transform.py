"""Rebuild the KPI marts whenever raw data is published: dbt builds and tests them in a shadow
schema, GX checks them there, and only then are they swapped in for the marts BI tools read.

Logic: plugins/socialkpi/transform.py.
"""

from datetime import datetime

from airflow.sdk import dag, task
from socialkpi.assets import MARTS, RAW


@dag(
    dag_id="socialkpi_transform",
    description="dbt build into a shadow schema -> Great Expectations mart checks -> swap into marts",
    schedule=[RAW],
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,  # two builds into the same shadow schema must not interleave
    tags=["socialkpi", "transform"],
)
def socialkpi_transform():
    @task
    def dbt_build() -> dict:
        from socialkpi import tasks

        return tasks.dbt_build()

    @task
    def validate_marts(run_id=None) -> dict:
        from socialkpi import tasks

        return tasks.validate_marts(run_id)

    @task(outlets=[MARTS])
    def publish_marts() -> dict:
        from socialkpi import tasks

        return tasks.publish_marts()

    dbt_build() >> validate_marts() >> publish_marts()


socialkpi_transform()
