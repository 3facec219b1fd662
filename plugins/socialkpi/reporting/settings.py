"""The `report:` section of socialkpi.yml: who gets the monthly report and the alerts, and how.

Parsed here rather than in config.py so the reporting feature owns its settings; the file and
its one-line errors follow config.py's conventions. Credentials never live here: the SMTP server
and the webhook URL come from Airflow connections named by `smtp_connection_id` and
`webhook_connection_id`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from socialkpi.errors import ConfigError
from socialkpi.paths import STATE_DIR

ADDRESS = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


@dataclass(frozen=True)
class ReportSettings:
    title: str = "Social media report"
    recipients: tuple[str, ...] = ()
    alert_recipients: tuple[str, ...] = ()
    from_email: str | None = None
    smtp_connection_id: str = "smtp_default"
    webhook_connection_id: str = "socialkpi_alert_webhook"
    # Alerts older than this (days before the newest alert) are recorded as expired, not sent:
    # a first backfill must not mail a year of history.
    alert_max_age_days: int = 14
    output_dir: Path = STATE_DIR / "reports"


def report_settings(config=None) -> ReportSettings:
    from socialkpi.config import load_config

    config = config or load_config()
    where = str(config.path)
    body = config.raw.get("report") or {}
    if not isinstance(body, dict):
        raise ConfigError(f"{where}: `report:` must be a mapping (recipients, alert_recipients, ...)")
    recipients = _addresses(where, "report.recipients", body.get("recipients"))
    alert_recipients = _addresses(where, "report.alert_recipients", body.get("alert_recipients"))
    from_email = body.get("from_email")
    if from_email is not None and not ADDRESS.match(str(from_email)):
        raise ConfigError(f"{where}: `report.from_email` {from_email!r} is not an email address")
    max_age = body.get("alert_max_age_days", ReportSettings.alert_max_age_days)
    if not isinstance(max_age, int) or max_age < 0:
        raise ConfigError(f"{where}: `report.alert_max_age_days` must be a whole number of days >= 0")
    output = os.environ.get("SOCIALKPI_REPORT_DIR") or body.get("output_dir")
    return ReportSettings(
        title=str(body.get("title", ReportSettings.title)),
        recipients=recipients,
        alert_recipients=alert_recipients or recipients,
        from_email=str(from_email) if from_email else None,
        smtp_connection_id=str(body.get("smtp_connection_id", ReportSettings.smtp_connection_id)),
        webhook_connection_id=str(body.get("webhook_connection_id", ReportSettings.webhook_connection_id)),
        alert_max_age_days=max_age,
        output_dir=_output_dir(config.path, output),
    )


def _output_dir(config_path: Path, value) -> Path:
    if not value:
        return STATE_DIR / "reports"
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else config_path.parent / path


def _addresses(where: str, key: str, value) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ConfigError(f"{where}: `{key}` must list email addresses")
    for item in items:
        if not isinstance(item, str) or not ADDRESS.match(item):
            raise ConfigError(f"{where}: `{key}` has {item!r}, which is not an email address")
    return tuple(items)
