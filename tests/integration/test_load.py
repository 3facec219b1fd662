"""Landing with COPY: records round-trip exactly, batches publish and replace atomically."""

from __future__ import annotations

from datetime import UTC, date, datetime

import psycopg
import pytest
from socialkpi import load

pytestmark = pytest.mark.warehouse

TRICKY = [
    {"id": "1", "caption": 'tab\there, newline\nthere, backslash \\ and "quotes"', "like_count": 3},
    {"id": "2", "caption": "emoji ☕ and \\u escapes \\\\n literal", "nested": {"a": [1, None, True]}},
    {"id": "3", "caption": "carriage\rreturn and unicode line sep \u2028 end"},
]


def test_copy_round_trips_every_character(clean_warehouse):
    key = load.BatchKey("test", "tricky", "acct", date(2026, 11, 1), date(2026, 11, 2))
    with psycopg.connect(clean_warehouse, autocommit=True) as conn:
        batch_id, rows = load.land(conn, key, TRICKY, datetime.now(UTC))
        landed = [
            r[0]
            for r in conn.execute(
                "select record from landing.test__tricky where batch_id = %s order by record_index",
                (batch_id,),
            )
        ]
        status = conn.execute(
            "select status, row_count from audit.loads where batch_id = %s", (batch_id,)
        ).fetchone()
    assert rows == 3
    assert landed == TRICKY
    assert status == ("validating", 3)


def test_publish_replaces_the_interval_and_keeps_other_intervals(clean_warehouse):
    day1 = load.BatchKey("test", "stream", "acct", date(2026, 11, 1), date(2026, 11, 2))
    day2 = load.BatchKey("test", "stream", "acct", date(2026, 11, 2), date(2026, 11, 3))
    with psycopg.connect(clean_warehouse, autocommit=True) as conn:
        first, _ = load.land(conn, day1, [{"id": "a"}, {"id": "b"}], datetime.now(UTC))
        load.publish(conn, first, {"success": True})
        other, _ = load.land(conn, day2, [{"id": "z"}], datetime.now(UTC))
        load.publish(conn, other, {"success": True})
        rerun, _ = load.land(conn, day1, [{"id": "a2"}], datetime.now(UTC))
        assert load.publish(conn, rerun, {"success": True}) == 1
        rows = conn.execute(
            "select interval_start, record->>'id', batch_id from raw.test__stream order by 1, 2"
        ).fetchall()
        landing_left = conn.execute("select count(*) from landing.test__stream").fetchone()[0]
    assert [(r[0], r[1]) for r in rows] == [(date(2026, 11, 1), "a2"), (date(2026, 11, 2), "z")]
    assert {r[2] for r in rows} == {rerun, other}
    assert landing_left == 0


def test_quarantine_moves_the_batch_aside_and_raw_is_untouched(clean_warehouse):
    key = load.BatchKey("test", "stream", "acct", date(2026, 11, 1), date(2026, 11, 2))
    with psycopg.connect(clean_warehouse, autocommit=True) as conn:
        good, _ = load.land(conn, key, [{"id": "good"}], datetime.now(UTC))
        load.publish(conn, good, {"success": True})
        bad, _ = load.land(conn, key, [{"id": "bad"}, {"id": "bad"}], datetime.now(UTC))
        assert (
            load.quarantine(
                conn, bad, ["expect_column_values_to_be_unique(_primary_key)"], {"success": False}
            )
            == 2
        )
        raw = conn.execute("select record->>'id' from raw.test__stream").fetchall()
        kept = conn.execute(
            "select count(*) from quarantine.test__stream where batch_id = %s", (bad,)
        ).fetchone()
        audit = conn.execute(
            "select status, failed_expectations from audit.loads where batch_id = %s", (bad,)
        ).fetchone()
    assert raw == [("good",)]
    assert kept == (2,)
    assert audit == ("quarantined", ["expect_column_values_to_be_unique(_primary_key)"])
