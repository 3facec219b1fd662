"""One `socialkpi run` through Airflow whose marts the end-to-end and report tests share.

The run uses the suite's test configuration with one account renamed to Persian, so every report
carries right-to-left text (the accounts line of its header, and the tables that name accounts),
a `report:` section for the report and alert deliveries, and alert thresholds (`transform: vars:`)
that fire on its three days, so its own build has alerts to send. The fixture (`marts_run`, in
tests/conftest.py) runs it once per test process; tests/conftest.py keeps its users in one process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import yaml

TESTS_DIR = Path(__file__).resolve().parents[1]

# "Northwind Tea" in Persian: joining letters, a zero-width non-joiner, right to left.
PERSIAN_ACCOUNT_NAME = "چای نورث\u200cویند"
PERSIAN_ACCOUNT = ("instagram", "17841400000000002")
SMTP_CONN = "socialkpi_test_smtp"
REPORT_RECIPIENTS = ("management@northwind.example",)
END = datetime.now(UTC).date() - timedelta(days=2)
START = END - timedelta(days=2)


@dataclass(frozen=True)
class Marts:
    url: str
    config: Path
    start: date
    end: date
    run: subprocess.CompletedProcess | None = field(default=None, compare=False)

    @property
    def month(self) -> date:
        return self.end.replace(day=1)

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "SOCIALKPI_CONFIG": str(self.config), **extra}


def socialkpi(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "socialkpi.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )


def write_report_config(path: Path) -> Path:
    """The test configuration, one account renamed to Persian, with a `report:` section and alert
    thresholds (`transform: vars:`) low enough for three days."""
    document = yaml.safe_load((TESTS_DIR / "fixtures" / "socialkpi.test.yml").read_text())
    platform, account_id = PERSIAN_ACCOUNT
    renamed = 0
    for account in document["sources"][platform]["accounts"]:
        if str(account["id"]) == account_id:
            account["name"] = PERSIAN_ACCOUNT_NAME
            renamed += 1
    assert renamed == 1, f"the test configuration no longer has {platform} account {account_id}"
    # Alert thresholds that fire on the run's three days (the defaults need 7 days of history):
    # the report and alert tests read the alerts the run's own build made from this setting.
    document["transform"] = {"vars": {"kpi_alert_z_threshold": 0.5, "kpi_alert_min_history_days": 2}}
    document["report"] = {
        "title": "Northwind social media report",
        "recipients": list(REPORT_RECIPIENTS),
        "from_email": "socialkpi@northwind.example",
        "smtp_connection_id": SMTP_CONN,
        "webhook_connection_id": "socialkpi_test_webhook",
    }
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path
