"""The socialkpi_report DAG's two steps: write last month's report, then email it.

Email goes through the Airflow SMTP provider's notifier when the connection named by
`report.smtp_connection_id` exists and `report.recipients` lists someone; otherwise the step
says so and succeeds (the report is on disk). A failing SMTP server fails the step; the report
itself was written by the step before.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path

from socialkpi.reporting import ReportError, write_report
from socialkpi.reporting.pdf import print_pdf
from socialkpi.reporting.settings import report_settings

log = logging.getLogger(__name__)


def previous_month(logical_date: datetime | date) -> date:
    day = logical_date.date() if isinstance(logical_date, datetime) else logical_date
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def write_previous_month(logical_date: datetime | date, url: str | None = None) -> dict:
    """Write the HTML and, when Chromium is installed, the PDF of the month before logical_date."""
    month = previous_month(logical_date)
    settings = report_settings()
    html_path = settings.output_dir / f"socialkpi-report-{month:%Y-%m}.html"
    html = write_report(month, out=html_path, url=url).html
    try:
        pdf = str(print_pdf(html, html.with_suffix(".pdf")))
    except ReportError as exc:
        # The PDF is a convenience (a worker may have no Chromium); the HTML is the report.
        log.warning("report PDF not printed, sending the HTML alone: %s", exc)
        pdf = None
    return {"month": f"{month:%Y-%m}", "html": str(html), "pdf": pdf}


def email_report(files: dict, context: dict | None = None) -> dict:
    from socialkpi.alerting import _connection

    settings = report_settings()
    if not settings.recipients:
        log.info("report.recipients is empty in socialkpi.yml: report written, not emailed")
        return {"emailed": False, "reason": "no recipients"}
    if _connection(settings.smtp_connection_id) is None:
        log.info("no Airflow connection %r: report written, not emailed", settings.smtp_connection_id)
        return {"emailed": False, "reason": "no SMTP connection"}
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    month = datetime.strptime(files["month"], "%Y-%m")
    attachments = [path for path in (files.get("pdf"), files["html"]) if path]
    body = (
        '<div style="font-family:system-ui,Segoe UI,Roboto,Arial,sans-serif">'
        f"<p>The social media report for {month:%B %Y} is attached "
        f"({', '.join(escape(Path(p).name) for p in attachments)}).</p>"
        "<p>The HTML opens in any browser without a network; the PDF prints on A4.</p></div>"
    )
    notifier = SmtpNotifier(
        to=list(settings.recipients),
        from_email=settings.from_email,
        subject=f"{settings.title}: {month:%B %Y}",
        html_content=body,
        files=attachments,
        smtp_conn_id=settings.smtp_connection_id,
    )
    notifier.notify(context or {})  # no Jinja rendering of our own text (see alerting._send)
    return {"emailed": True, "to": list(settings.recipients), "files": attachments}
