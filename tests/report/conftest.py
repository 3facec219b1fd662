"""The report and alert tests' mail and webhook peers; their marts are the suite's shared run
(`report_marts`, tests/conftest.py and tests/support/marts.py).
"""

from __future__ import annotations

import email
import json
from email import policy

import pytest
from aiosmtpd.controller import Controller

from tests.support.marts import SMTP_CONN
from tests.support.ports import free_port


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
