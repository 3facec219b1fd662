"""Alerts reach someone: a real SMTP server (aiosmtpd) and a local webhook receiver, real marts.

The alerts are those of the shared run's own fct_kpi_alerts: its configuration sets thresholds
(`transform: vars:` in socialkpi.yml) that fire on a three-day run, which also proves that the
setting reaches the production build through Airflow.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import pytest
from socialkpi import alerting
from socialkpi.reporting.settings import ReportSettings

from tests.support.marts import SMTP_CONN

pytestmark = [pytest.mark.warehouse, pytest.mark.slow]

WEBHOOK_CONN = "socialkpi_test_webhook"
RECIPIENTS = ("social-lead@northwind.example", "cmo@northwind.example")


@pytest.fixture(scope="module")
def alert_rows(report_marts):
    """The alerts the run built, at the configured thresholds (tests/support/marts.py)."""
    with psycopg.connect(report_marts.url) as conn:
        rows = conn.execute(
            "select platform, account_id, kpi_date, kpi, kpi_value from marts.fct_kpi_alerts"
        ).fetchall()
    assert rows, "no alert at z >= 0.5 on 2 days of history: did transform.vars reach the dbt build?"
    return rows


@pytest.fixture
def no_deliveries(report_marts, alert_rows):
    with psycopg.connect(report_marts.url, autocommit=True) as conn:
        alerting.ensure_audit_table(conn)
        conn.execute("truncate audit.alert_deliveries")
    return report_marts


def deliveries(url: str, channel: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select platform, account_id, kpi_date, kpi, status from audit.alert_deliveries where channel = %s",
            (channel,),
        ).fetchall()


def settings(**overrides) -> ReportSettings:
    values = {
        "recipients": RECIPIENTS,
        "alert_recipients": RECIPIENTS,
        "smtp_connection_id": SMTP_CONN,
        "webhook_connection_id": WEBHOOK_CONN,
    }
    return ReportSettings(**{**values, **overrides})


def expected_posts(url: str, rows) -> dict[tuple, list[str]]:
    with psycopg.connect(url) as conn:
        return {
            (platform, account_id, day): [
                r[0]
                for r in conn.execute(
                    """select permalink from marts.fct_post_performance
                       where platform = %s and account_id = %s and published_date = %s and permalink is not null""",
                    (platform, account_id, day),
                )
            ]
            for platform, account_id, day, _kpi, _value in rows
        }


def test_new_alerts_arrive_by_email_once_with_value_range_and_posts(no_deliveries, alert_rows, smtp):
    inbox = smtp()
    summary = alerting.deliver_pending(url=no_deliveries.url, settings=settings(), dag_run_id="test-run-1")
    assert summary == {"email": {"sent": len(alert_rows), "expired": 0}}
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert sorted(inbox.envelopes[0].rcpt_tos) == sorted(RECIPIENTS)
    assert message["Subject"].startswith("socialkpi alert: ")
    body = message.get_body(("html",)).get_content()
    posts = expected_posts(no_deliveries.url, alert_rows)
    for platform, account_id, day, kpi, value in alert_rows:
        assert f"{day:%a %d %b %Y}: {value:,.0f}" in body, (platform, kpi, day)
        for permalink in posts[(platform, account_id, day)]:
            assert permalink in body
    assert "usual range" in body
    if not all(posts.values()):
        assert "No post published that day" in body
    assert len(deliveries(no_deliveries.url, "email")) == len(alert_rows)

    again = alerting.deliver_pending(url=no_deliveries.url, settings=settings(), dag_run_id="test-run-2")
    assert again == {"email": {"sent": 0, "expired": 0}}
    assert len(inbox.messages) == 1, "a rerun sent the alerts again"


def test_a_failing_smtp_server_fails_loudly_and_leaves_alerts_pending(no_deliveries, alert_rows, smtp):
    smtp(refuse=True)
    with pytest.raises(alerting.AlertDeliveryError, match="email: SMTPDataError"):
        alerting.deliver_pending(url=no_deliveries.url, settings=settings())
    assert deliveries(no_deliveries.url, "email") == []

    inbox = smtp()  # the relay is back: the next run sends what the failed one could not
    alerting.deliver_pending(url=no_deliveries.url, settings=settings())
    assert len(inbox.messages) == 1
    assert len(deliveries(no_deliveries.url, "email")) == len(alert_rows)


def test_alerts_older_than_the_age_limit_are_recorded_as_expired_not_sent(no_deliveries, alert_rows, smtp):
    inbox = smtp()
    newest = max(row[2] for row in alert_rows)
    stale = [row for row in alert_rows if row[2] < newest]
    summary = alerting.deliver_pending(url=no_deliveries.url, settings=settings(alert_max_age_days=0))
    assert summary["email"] == {"sent": len(alert_rows) - len(stale), "expired": len(stale)}
    assert len(inbox.messages) == 1
    statuses = {row[:4]: row[4] for row in deliveries(no_deliveries.url, "email")}
    assert all(statuses[row[:4]] == "expired" for row in stale)


class Receiver(BaseHTTPRequestHandler):
    bodies: list[dict] = []
    status = 200

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        type(self).bodies.append(json.loads(self.rfile.read(length)))
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook(monkeypatch):
    Receiver.bodies, Receiver.status = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(
        f"AIRFLOW_CONN_{WEBHOOK_CONN.upper()}",
        json.dumps({"conn_type": "http", "host": f"http://127.0.0.1:{server.server_port}/hooks/alerts"}),
    )
    yield Receiver
    server.shutdown()


def test_the_webhook_gets_slack_compatible_text_once(no_deliveries, alert_rows, webhook):
    # No SMTP connection in this test: email is off, the webhook alone delivers.
    summary = alerting.deliver_pending(url=no_deliveries.url, settings=settings())
    assert summary == {"webhook": {"sent": len(alert_rows), "expired": 0}}
    assert len(webhook.bodies) == 1
    text = webhook.bodies[0]["text"]
    assert text.startswith(f"*{len(alert_rows)} KPI alert")
    posts = expected_posts(no_deliveries.url, alert_rows)
    for platform, account_id, day, _kpi, value in alert_rows:
        assert f"{day:%a %d %b %Y}: {value:,.0f}" in text
        for permalink in posts[(platform, account_id, day)]:
            assert f"<{permalink}|" in text
    alerting.deliver_pending(url=no_deliveries.url, settings=settings())
    assert len(webhook.bodies) == 1
    assert deliveries(no_deliveries.url, "email") == []


def test_a_failing_webhook_leaves_its_alerts_pending(no_deliveries, alert_rows, webhook):
    webhook.status = 500
    with pytest.raises(alerting.AlertDeliveryError, match="webhook answered HTTP 500"):
        alerting.deliver_pending(url=no_deliveries.url, settings=settings())
    assert deliveries(no_deliveries.url, "webhook") == []
