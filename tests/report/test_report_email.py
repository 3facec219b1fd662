"""The socialkpi_report DAG's steps: last month's report written, then emailed with the SMTP provider."""

from __future__ import annotations

import pytest
from socialkpi.reporting import delivery

from tests.support.marts import REPORT_RECIPIENTS

pytestmark = [pytest.mark.warehouse, pytest.mark.slow]


@pytest.fixture
def as_configured(report_marts, monkeypatch, tmp_path):
    monkeypatch.setenv("SOCIALKPI_CONFIG", str(report_marts.config))
    monkeypatch.setenv("SOCIALKPI_REPORT_DIR", str(tmp_path))
    return report_marts


def run_date_after(marts):
    """A logical date in the month after the marts' month: the DAG reports the month before it."""
    month = marts.month
    return month.replace(year=month.year + (month.month == 12), month=month.month % 12 + 1, day=3)


def test_the_report_is_written_and_emailed_with_html_and_pdf_attached(as_configured, smtp, tmp_path):
    inbox = smtp()
    files = delivery.write_previous_month(run_date_after(as_configured))
    assert files["month"] == f"{as_configured.month:%Y-%m}"
    assert files["html"] == str(tmp_path / f"socialkpi-report-{files['month']}.html") and files["pdf"]
    outcome = delivery.email_report(files)
    assert outcome["emailed"] is True
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert inbox.envelopes[0].rcpt_tos == list(REPORT_RECIPIENTS)
    assert message["Subject"] == f"Northwind social media report: {as_configured.month:%B %Y}"
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    pdf_name, html_name = f"socialkpi-report-{files['month']}.pdf", f"socialkpi-report-{files['month']}.html"
    assert set(attachments) == {pdf_name, html_name}
    assert attachments[pdf_name][:5] == b"%PDF-"
    html = attachments[html_name]
    html = html.decode() if isinstance(html, bytes) else html
    assert "Headline KPIs" in html


def test_without_an_smtp_connection_the_report_is_written_and_not_emailed(as_configured):
    files = delivery.write_previous_month(run_date_after(as_configured))
    assert delivery.email_report(files) == {"emailed": False, "reason": "no SMTP connection"}


def test_a_failing_smtp_server_fails_the_send_step_after_the_report_is_written(as_configured, smtp):
    smtp(refuse=True)
    files = delivery.write_previous_month(run_date_after(as_configured))
    with pytest.raises(Exception, match="554"):
        delivery.email_report(files)
    assert delivery.Path(files["html"]).exists()
