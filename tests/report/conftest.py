"""Real marts for the report and alert tests: a short `socialkpi run` through Airflow, then the report.

The run uses the suite's test configuration with one account renamed to Persian, so every report
carries right-to-left text (the accounts line of its header, and the tables that name accounts).
"""

from __future__ import annotations

import email
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email import policy
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller

from tests.support.ports import free_port

# Not imported from tests/conftest.py: importing it again as `tests.conftest` would rerun its
# module code (a second state folder and warehouse port for every process started after it).
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


@pytest.fixture(scope="session")
def report_config(tmp_path_factory) -> Path:
    document = yaml.safe_load((TESTS_DIR / "fixtures" / "socialkpi.test.yml").read_text())
    platform, account_id = PERSIAN_ACCOUNT
    renamed = 0
    for account in document["sources"][platform]["accounts"]:
        if str(account["id"]) == account_id:
            account["name"] = PERSIAN_ACCOUNT_NAME
            renamed += 1
    assert renamed == 1, f"the test configuration no longer has {platform} account {account_id}"
    document["report"] = {
        "title": "Northwind social media report",
        "recipients": list(REPORT_RECIPIENTS),
        "from_email": "socialkpi@northwind.example",
        "smtp_connection_id": SMTP_CONN,
        "webhook_connection_id": "socialkpi_test_webhook",
    }
    path = tmp_path_factory.mktemp("report-config") / "socialkpi.yml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def report_marts(warehouse_url, report_config) -> Marts:
    marts = Marts(url=warehouse_url, config=report_config, start=START, end=END)
    result = socialkpi("run", "--start", str(START), "--end", str(END), env=marts.env())
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return marts


class Inbox:
    """aiosmtpd handler: keeps every message, or refuses them all like a broken relay."""

    def __init__(self, refuse: bool = False):
        self.refuse = refuse
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "554 5.3.0 relay unavailable"
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    def start(refuse: bool = False) -> Inbox:
        inbox = Inbox(refuse)
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        servers.append(controller)
        monkeypatch.setenv(
            f"AIRFLOW_CONN_{SMTP_CONN.upper()}",
            json.dumps(
                {
                    "conn_type": "smtp",
                    "host": "127.0.0.1",
                    "port": port,
                    "extra": {
                        "disable_ssl": True,
                        "disable_tls": True,
                        "from_email": "socialkpi@northwind.example",
                        "retry_limit": 0,
                        "timeout": 10,
                    },
                }
            ),
        )
        return inbox

    servers: list[Controller] = []
    yield start
    for controller in servers:
        controller.stop()
