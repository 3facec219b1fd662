"""Write the monthly report for the month that just ended and email it to socialkpi.yml's recipients.

Logic: plugins/socialkpi/reporting/. Runs on the 3rd at 08:00 UTC: LinkedIn's numbers settle two
days late and Meta revises insights for 48 hours, so the month's last days are in by then. The
month is the one before the run's logical date, so a rerun writes the same month again.
"""

from datetime import datetime

from airflow.sdk import dag, task


@dag(
    dag_id="socialkpi_report",
    description="monthly report (HTML + PDF) -> email through the SMTP provider",
    schedule="0 8 3 * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["socialkpi", "report"],
)
def socialkpi_report():
    @task
    def write_report(logical_date=None) -> dict:
        from socialkpi.reporting.delivery import write_previous_month

        return write_previous_month(logical_date)

    @task
    def email_report(files: dict) -> dict:
        from socialkpi.reporting.delivery import email_report as send

        return send(files)

    email_report(write_report())


socialkpi_report()
