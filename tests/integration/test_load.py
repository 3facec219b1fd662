"""Landing with COPY: records round-trip exactly, each row under its own day; batches publish and
replace exactly their range atomically, guarded against losing published rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

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


# ---- range batches: rows carry their own day -----------------------------------------------------
NOV = [date(2026, 11, d) for d in range(1, 8)]


def land_days(conn, first: date, last: date, per_day: dict[date, int], stream: str = "ranged"):
    """A batch over first..last holding `per_day[d]` records for each day d."""
    key = load.BatchKey("test", stream, "acct", first, last + timedelta(days=1))
    records, days = [], []
    for day, count in per_day.items():
        records += [{"id": f"{day}-{n}"} for n in range(count)]
        days += [day] * count
    return load.land(conn, key, records, datetime.now(UTC), days=days)[0]


def days_in_raw(conn, stream: str = "ranged") -> dict[date, list[str]]:
    rows = conn.execute(
        f"select interval_start, interval_end, record->>'id' from raw.test__{stream} order by 1, 3"
    ).fetchall()
    found: dict[date, list[str]] = {}
    for start, end, ident in rows:
        assert end == start + timedelta(days=1)
        found.setdefault(start, []).append(ident)
    return found


def test_a_range_batch_files_each_row_under_its_day_and_replaces_exactly_its_range(clean_warehouse):
    with psycopg.connect(clean_warehouse, autocommit=True) as conn:
        week = land_days(conn, NOV[0], NOV[6], dict.fromkeys(NOV, 2))
        assert load.guard(conn, week) is None
        load.publish(conn, week, {"success": True})
        assert days_in_raw(conn) == {d: [f"{d}-0", f"{d}-1"] for d in NOV}
        # A range inside it replaces its days only; a day it has no row for ...
        inner = land_days(conn, NOV[2], NOV[4], {NOV[2]: 3, NOV[3]: 2, NOV[4]: 2})
        assert load.guard(conn, inner) is None
        load.publish(conn, inner, {"success": True})
        after = days_in_raw(conn)
        key = load.batch_key(conn, inner)
    assert after[NOV[2]] == [f"{NOV[2]}-{n}" for n in range(3)]
    assert {d: v for d, v in after.items() if d not in NOV[2:5]} == {
        d: [f"{d}-0", f"{d}-1"] for d in NOV if d not in NOV[2:5]
    }
    assert (key.interval_start, key.interval_end) == (NOV[2], NOV[5])  # the audit holds the range


def test_guards_refuse_to_empty_shrink_or_escape_a_published_range(clean_warehouse):
    with psycopg.connect(clean_warehouse, autocommit=True) as conn:
        first = land_days(conn, NOV[0], NOV[2], dict.fromkeys(NOV[:3], 4))
        load.publish(conn, first, {"success": True})
        emptied = land_days(conn, NOV[0], NOV[2], {NOV[0]: 4, NOV[2]: 4})
        shrunk = land_days(conn, NOV[0], NOV[2], {NOV[0]: 4, NOV[1]: 1, NOV[2]: 4})
        escaped = land_days(conn, NOV[0], NOV[1], {NOV[0]: 4, NOV[1]: 4, NOV[3]: 1})
        fresh_empty = land_days(conn, NOV[4], NOV[5], {NOV[4]: 2})
        verdicts = {
            "emptied": load.guard(conn, emptied),
            "shrunk": load.guard(conn, shrunk),
            "shrunk, no limit": load.guard(conn, shrunk, max_shrink=None),
            "escaped": load.guard(conn, escaped),
            "fresh empty day": load.guard(conn, fresh_empty),
            "fresh empty day, always answered": load.guard(conn, fresh_empty, empty_ok=False),
        }
    assert verdicts["emptied"].reason == "empty_interval" and str(NOV[1]) in verdicts["emptied"].detail
    assert verdicts["shrunk"].reason == "shrunk_interval" and "4 -> 1" in verdicts["shrunk"].detail
    assert verdicts["shrunk, no limit"] is None
    assert verdicts["escaped"].reason == "outside_range"
    assert verdicts["fresh empty day"] is None  # nothing published there: a quiet day is allowed
    assert verdicts["fresh empty day, always answered"].reason == "empty_interval"


def test_a_failed_extraction_is_audited_and_its_pending_days_settle_when_read(clean_warehouse):
    key = load.BatchKey("test", "ranged", "acct", NOV[0], NOV[4])
    with psycopg.connect(clean_warehouse, autocommit=True) as conn:
        load.record_extract_failed(conn, key, "quota_exhausted", "quota", NOV[2:4])
        assert load.pending_days(conn, "test", "acct") == {"ranged": NOV[2:4]}
        partial = land_days(conn, NOV[2], NOV[2], {NOV[2]: 1})
        load.publish(conn, partial, {"success": True})
        assert load.pending_days(conn, "test", "acct") == {"ranged": [NOV[3]]}
        row = conn.execute(
            "select status, reason, row_count from audit.loads where pending_days <> '{}'"
        ).fetchone()
    assert row == ("extract_failed", "quota_exhausted", 0)
