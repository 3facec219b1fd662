"""Send the new KPI alerts (marts.fct_kpi_alerts) by email and webhook after every mart build.

Logic: plugins/socialkpi/alerting.py. Channels: an SMTP connection (report.smtp_connection_id,
recipients in socialkpi.yml `report:`) and a Slack-compatible webhook connection
(report.webhook_connection_id). Each alert is sent once; a failed send fails this task and
leaves its alerts pending, so the next run (or a retry) sends them.
"""

from datetime import datetime

from airflow.sdk import dag, task
from socialkpi.assets import MARTS


@dag(
    dag_id="socialkpi_alerts",
    description="new fct_kpi_alerts rows -> email (SMTP provider) and Slack-compatible webhook",
    schedule=[MARTS],
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["socialkpi", "alerts"],
)
def socialkpi_alerts():
    @task
    def deliver_alerts(run_id=None) -> dict:
        from socialkpi.alerting import deliver_pending

        return deliver_pending(dag_run_id=run_id)

    deliver_alerts()


socialkpi_alerts()
