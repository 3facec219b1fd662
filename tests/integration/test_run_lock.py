"""The run lock and the clean-up of batches a dead run left, against the real warehouse."""

from __future__ import annotations

import os
import socket
from datetime import UTC, date, datetime

import psycopg
import pytest
from socialkpi import load
from socialkpi.errors import SocialKpiError
from socialkpi.pipeline import INGEST_APPLICATION, RunLock, abandon_dead_batches

pytestmark = pytest.mark.warehouse

DAY = date(2026, 3, 1)


def land_stuck_batch(url: str, account: str = "17841400000000001") -> str:
    key = load.BatchKey("instagram", "account", account, DAY, date(2026, 3, 2))
    with psycopg.connect(url, autocommit=True) as conn:
        batch_id, _ = load.land(conn, key, [{"id": account}], datetime.now(UTC))
    return str(batch_id)


def test_a_second_run_on_the_same_warehouse_is_refused_in_one_line_naming_the_first(clean_warehouse):
    first = RunLock(clean_warehouse, DAY, DAY).acquire()
    try:
        with pytest.raises(SocialKpiError) as refused:
            RunLock(clean_warehouse, DAY, DAY).acquire()
        message = str(refused.value)
        assert "another `socialkpi run` is using this warehouse" in message
        assert f"pid {os.getpid()} on {socket.gethostname()}" in message and "\n" not in message
    finally:
        first.release("success")
    # Released: the next run takes it, and the audit says how the first one ended.
    RunLock(clean_warehouse, DAY, DAY).acquire().release("success")
    with psycopg.connect(clean_warehouse) as conn:
        assert conn.execute("select status from audit.runs order by run_id").fetchall() == [
            ("success",),
            ("success",),
        ]


def test_a_lock_whose_connection_died_is_free_and_its_run_recorded_as_died(clean_warehouse):
    dead = RunLock(clean_warehouse, DAY, DAY).acquire()
    dead.conn.close()  # what a SIGKILL of the CLI does to its session
    RunLock(clean_warehouse, DAY, DAY).acquire().release("success")
    with psycopg.connect(clean_warehouse) as conn:
        assert [row[0] for row in conn.execute("select status from audit.runs order by run_id")] == [
            "died",
            "success",
        ]


def test_batches_left_at_landing_or_validating_are_abandoned_and_their_rows_removed(clean_warehouse):
    stuck = land_stuck_batch(clean_warehouse)
    abandoned = abandon_dead_batches(clean_warehouse)
    assert [row[0] for row in abandoned] == [stuck]
    with psycopg.connect(clean_warehouse) as conn:
        status, message = conn.execute(
            "select status, message from audit.loads where batch_id = %s", (stuck,)
        ).fetchone()
        rows = conn.execute(
            "select count(*) from landing.instagram__account where batch_id = %s", (stuck,)
        ).fetchone()[0]
    assert status == "abandoned" and "validating" in message
    assert rows == 0
    assert abandon_dead_batches(clean_warehouse) == []  # nothing twice


def test_batches_of_a_live_ingest_elsewhere_are_left_alone(clean_warehouse):
    stuck = land_stuck_batch(clean_warehouse)
    with psycopg.connect(clean_warehouse, application_name=INGEST_APPLICATION):
        assert abandon_dead_batches(clean_warehouse) == []
    with psycopg.connect(clean_warehouse) as conn:
        assert conn.execute("select status from audit.loads where batch_id = %s", (stuck,)).fetchone() == (
            "validating",
        )
