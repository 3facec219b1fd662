"""KPI alerts that reach someone: new rows of marts.fct_kpi_alerts go out by email and webhook.

After each transform (the socialkpi_alerts DAG runs on the marts Asset), `deliver_pending()`
sends every alert not yet delivered on a channel through an Airflow notifier, then records it in
audit.alert_deliveries, in the same transaction that found it pending: a rerun sends nothing
twice, and a failed send records nothing, so the next run retries it (and the task fails loudly).

Channels, each on when its Airflow connection exists:
- email: the SMTP provider's SmtpNotifier, connection `report.smtp_connection_id` (default
  smtp_default), to `report.alert_recipients` (default `report.recipients`) in socialkpi.yml;
- webhook: a Slack-compatible incoming webhook (`{"text": ...}`, Slack mrkdwn links), URL in the
  host of connection `report.webhook_connection_id` (default socialkpi_alert_webhook).
Delivery is at least once: if the database commit fails after a send, the next run sends again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape

import psycopg
from psycopg.rows import dict_row

from socialkpi.errors import SocialKpiError

log = logging.getLogger(__name__)

CHANNELS = ("email", "webhook")

AUDIT_DDL = """
create table if not exists audit.alert_deliveries (
    platform text not null,
    account_id text not null,
    kpi_date date not null,
    kpi text not null,
    channel text not null check (channel in ('email', 'webhook')),
    status text not null check (status in ('sent', 'expired')),
    delivered_at timestamptz not null default now(),
    dag_run_id text,
    primary key (platform, account_id, kpi_date, kpi, channel)
)
"""

PENDING_SQL = """
select
    alerts.platform,
    alerts.account_id,
    coalesce(accounts.account_name, alerts.account_id) as account_name,
    alerts.kpi_date,
    alerts.kpi,
    alerts.kpi_value,
    alerts.median_value,
    alerts.median_absolute_deviation,
    alerts.history_days,
    alerts.robust_z_score,
    alerts.direction
from marts.fct_kpi_alerts as alerts
left join marts.dim_accounts as accounts
    on alerts.platform = accounts.platform and alerts.account_id = accounts.account_id
where not exists (
    select 1 from audit.alert_deliveries as delivered
    where delivered.platform = alerts.platform
      and delivered.account_id = alerts.account_id
      and delivered.kpi_date = alerts.kpi_date
      and delivered.kpi = alerts.kpi
      and delivered.channel = %(channel)s
)
order by alerts.kpi_date, alerts.platform, account_name, alerts.kpi
"""

POSTS_SQL = """
select platform, account_id, published_date, permalink, caption_excerpt, engagements
from marts.fct_post_performance
where (platform, account_id, published_date) in (
    select * from unnest(%(platforms)s::text[], %(accounts)s::text[], %(days)s::date[])
)
order by published_at
"""

RECORD_SQL = """
insert into audit.alert_deliveries (platform, account_id, kpi_date, kpi, channel, status, dag_run_id)
values (%s, %s, %s, %s, %s, %s, %s)
on conflict do nothing
"""

KPI_WORDS = {
    "engagements": "engagements",
    "follower_change": "net follower change",
    "reach": "reach",
    "views": "views",
}
PLATFORM_WORDS = {"x": "X", "linkedin": "LinkedIn", "youtube": "YouTube", "tiktok": "TikTok", "ga4": "GA4"}
# Serialises deliveries across concurrent runs (two DAG runs must not both find an alert pending).
LOCK_KEY = "socialkpi.alert_deliveries"


class AlertDeliveryError(SocialKpiError):
    """A channel failed to deliver; its alerts stay pending for the next run."""


@dataclass
class Alert:
    platform: str
    account_id: str
    account_name: str
    kpi_date: date
    kpi: str
    kpi_value: float
    median_value: float | None
    median_absolute_deviation: float | None
    history_days: int
    robust_z_score: float
    direction: str
    posts: list[dict] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, date, str]:
        return (self.platform, self.account_id, self.kpi_date, self.kpi)

    @property
    def platform_name(self) -> str:
        return PLATFORM_WORDS.get(self.platform, self.platform.title())

    @property
    def kpi_name(self) -> str:
        return KPI_WORDS.get(self.kpi, self.kpi.replace("_", " "))

    @property
    def usual_range(self) -> str:
        if self.median_value is None:
            return "unknown"
        spread = self.median_absolute_deviation or 0
        return f"{self.median_value - spread:,.0f} to {self.median_value + spread:,.0f}"

    @property
    def headline(self) -> str:
        word = "spike" if self.direction == "spike" else "drop"
        return (
            f"{self.platform_name} · {self.account_name}: {self.kpi_name} {word} on "
            f"{self.kpi_date:%a %d %b %Y}: {self.kpi_value:,.0f}"
        )

    @property
    def context_line(self) -> str:
        return (
            f"usual range {self.usual_range} (median {self.median_value or 0:,.0f} of the previous "
            f"{self.history_days} days, robust z {self.robust_z_score:+.1f})"
        )


# ---- messages ----------------------------------------------------------------------------------
def subject(alerts: list[Alert]) -> str:
    first = alerts[0]
    more = f" (+{len(alerts) - 1} more)" if len(alerts) > 1 else ""
    return f"socialkpi alert: {first.headline}{more}"


def email_html(alerts: list[Alert]) -> str:
    items = []
    for alert in alerts:
        posts = "".join(
            f'<li><a href="{escape(p["permalink"] or "")}" dir="auto">{escape(p["caption_excerpt"] or p["permalink"] or "post")}</a>'
            f" ({p['engagements'] or 0:,} engagements)</li>"
            for p in alert.posts
        )
        posts_html = f"<ul>{posts}</ul>" if posts else "<p><em>No post published that day.</em></p>"
        colour = "#b7791f" if alert.direction == "spike" else "#c62828"
        items.append(
            f'<div style="border-left:4px solid {colour};padding:4px 12px;margin:0 0 14px">'
            f'<p style="margin:0"><strong dir="auto">{escape(alert.headline)}</strong></p>'
            f'<p style="margin:2px 0;color:#5b6475">Value {alert.kpi_value:,.0f}; {escape(alert.context_line)}</p>'
            f'<p style="margin:6px 0 0">Posts that day:</p>{posts_html}</div>'
        )
    return (
        '<div style="font-family:system-ui,Segoe UI,Roboto,Arial,sans-serif;color:#1d2330">'
        f'<h2 style="font-size:18px">{len(alerts)} KPI alert{"s" if len(alerts) != 1 else ""}</h2>'
        + "".join(items)
        + '<p style="color:#5b6475;font-size:12px">From marts.fct_kpi_alerts. Usual range: median ± '
        "median absolute deviation of the previous days.</p></div>"
    )


def webhook_text(alerts: list[Alert]) -> str:
    """Slack mrkdwn (also read by Mattermost, Rocket.Chat and Discord's /slack endpoint)."""

    def slack_escape(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    lines = [f"*{len(alerts)} KPI alert{'s' if len(alerts) != 1 else ''}*"]
    for alert in alerts:
        lines.append(f"• *{slack_escape(alert.headline)}*: {slack_escape(alert.context_line)}")
        for post in alert.posts:
            caption = slack_escape((post["caption_excerpt"] or "post").replace("|", "/"))
            lines.append(
                f"    ◦ <{post['permalink']}|{caption}>" if post["permalink"] else f"    ◦ {caption}"
            )
        if not alert.posts:
            lines.append("    ◦ no post published that day")
    return "\n".join(lines)


# ---- notifiers ---------------------------------------------------------------------------------
def _connection(conn_id: str):
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        return Connection.get(conn_id)
    except AirflowNotFoundException:
        return None


def webhook_notifier(url: str, text: str):
    """An Airflow notifier posting Slack-compatible JSON (no Slack provider in the lock)."""
    from airflow.sdk.bases.notifier import BaseNotifier

    class WebhookNotifier(BaseNotifier):
        template_fields = ()

        def notify(self, context) -> None:
            import requests

            response = requests.post(url, json={"text": text}, timeout=15)
            if response.status_code >= 300:
                raise AlertDeliveryError(
                    f"webhook answered HTTP {response.status_code}: {response.text[:200]!r}"
                )

    return WebhookNotifier()


def webhook_url(connection) -> str:
    host = (connection.host or "").strip()
    if not host.startswith(("http://", "https://")):
        scheme = connection.schema if connection.schema in ("http", "https") else "https"
        port = f":{connection.port}" if connection.port else ""
        host = f"{scheme}://{host}{port}"
    return host


# ---- delivery ----------------------------------------------------------------------------------
def ensure_audit_table(conn: psycopg.Connection) -> None:
    conn.execute(AUDIT_DDL)


def _pending(conn, channel: str) -> list[Alert]:
    with conn.cursor(row_factory=dict_row) as cursor:
        rows = cursor.execute(PENDING_SQL, {"channel": channel}).fetchall()
    alerts = [
        Alert(
            **{
                **row,
                "kpi_value": float(row["kpi_value"]),
                "median_value": None if row["median_value"] is None else float(row["median_value"]),
                "median_absolute_deviation": None
                if row["median_absolute_deviation"] is None
                else float(row["median_absolute_deviation"]),
                "robust_z_score": float(row["robust_z_score"]),
            }
        )
        for row in rows
    ]
    if alerts:
        with conn.cursor(row_factory=dict_row) as cursor:
            posts = cursor.execute(
                POSTS_SQL,
                {
                    "platforms": [a.platform for a in alerts],
                    "accounts": [a.account_id for a in alerts],
                    "days": [a.kpi_date for a in alerts],
                },
            ).fetchall()
        by_day = defaultdict(list)
        for post in posts:
            by_day[(post["platform"], post["account_id"], post["published_date"])].append(post)
        for alert in alerts:
            alert.posts = by_day[(alert.platform, alert.account_id, alert.kpi_date)]
    return alerts


def _record(conn, alerts: list[Alert], channel: str, status: str, dag_run_id: str | None) -> None:
    with conn.cursor() as cursor:
        cursor.executemany(RECORD_SQL, [(*a.key, channel, status, dag_run_id) for a in alerts])


def configured_channels(settings) -> dict[str, object]:
    """channel -> its Airflow connection, for the channels that are configured."""
    channels = {}
    smtp = _connection(settings.smtp_connection_id)
    if smtp is not None and settings.alert_recipients:
        channels["email"] = smtp
    elif smtp is not None:
        log.warning(
            "SMTP connection %s exists but report.alert_recipients is empty", settings.smtp_connection_id
        )
    webhook = _connection(settings.webhook_connection_id)
    if webhook is not None:
        channels["webhook"] = webhook
    return channels


def _send(channel: str, connection, alerts: list[Alert], settings, context: dict) -> None:
    if channel == "email":
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier

        notifier = SmtpNotifier(
            to=list(settings.alert_recipients),
            from_email=settings.from_email,
            subject=subject(alerts),
            html_content=email_html(alerts),
            smtp_conn_id=settings.smtp_connection_id,
        )
    else:
        notifier = webhook_notifier(webhook_url(connection), webhook_text(alerts))
    # notify(), not the notifier's __call__: that would render captions and names as Jinja
    # templates, and a caption may well contain "{{".
    notifier.notify(context)


def deliver_pending(
    url: str | None = None, dag_run_id: str | None = None, settings=None, context: dict | None = None
) -> dict[str, dict[str, int]]:
    """Send every undelivered alert on every configured channel; raise if a channel failed.

    Returns {channel: {"sent": n, "expired": n}}; a channel without a connection is left out (its
    alerts stay pending until one is configured).
    """
    from socialkpi.reporting.settings import report_settings
    from socialkpi.warehouse import current_url

    settings = settings or report_settings()
    channels = configured_channels(settings)
    if not channels:
        log.info(
            "no alert channel configured (SMTP connection %s with recipients, or webhook %s)",
            settings.smtp_connection_id,
            settings.webhook_connection_id,
        )
    summary: dict[str, dict[str, int]] = {}
    failures = []
    with psycopg.connect(url or current_url()) as conn:
        ensure_audit_table(conn)
        conn.commit()
        for channel, connection in channels.items():
            try:
                with conn.transaction():
                    conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (LOCK_KEY,))
                    alerts = _pending(conn, channel)
                    newest = max((a.kpi_date for a in alerts), default=None)
                    cutoff = newest - timedelta(days=settings.alert_max_age_days) if newest else None
                    stale = [a for a in alerts if cutoff and a.kpi_date < cutoff]
                    fresh = [a for a in alerts if not (cutoff and a.kpi_date < cutoff)]
                    _record(conn, stale, channel, "expired", dag_run_id)
                    if fresh:
                        _send(channel, connection, fresh, settings, context or {})
                        _record(conn, fresh, channel, "sent", dag_run_id)
                    summary[channel] = {"sent": len(fresh), "expired": len(stale)}
                    log.info("alerts by %s: %d sent, %d expired", channel, len(fresh), len(stale))
            except psycopg.Error:
                raise
            except Exception as exc:  # SMTP, HTTP: the channel failed, its alerts stay pending
                failures.append(
                    f"{channel}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                )
    if failures:
        raise AlertDeliveryError(
            "alert delivery failed, alerts left pending for the next run: " + "; ".join(failures)
        )
    return summary
