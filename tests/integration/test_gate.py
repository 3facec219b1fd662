"""The load gate, end to end on a real warehouse and the simulator over HTTP.

Every bad-batch kind the simulator can inject is quarantined, never published; raw keeps its last
good data; the audit records it; a fixed batch can be released.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg.types.json import Jsonb
from socialkpi import quarantine
from socialkpi.errors import SocialKpiError, ValidationFailed
from socialkpi.ingest import ingest_account
from socialkpi.load import ensure_tables
from socialkpi.simulator import Faults
from socialkpi.sources import SOURCES
from socialkpi.streams import Request

from tests.support.accounts import GA4_PROPERTY, IG_ACCOUNT

pytestmark = pytest.mark.warehouse

DAY = datetime.now(UTC).date() - timedelta(days=3)


# Follower totals are current values: whatever day a run is for, they land as yesterday's close.
def snapshot_day():
    """Computed when used: a run that crosses Berlin midnight files its totals under the new day."""
    return datetime.now(ZoneInfo("Europe/Berlin")).date() - timedelta(days=1)


def raw_rows(url: str, table: str, day=None) -> list[tuple]:
    day = day or (snapshot_day() if table.endswith("__account") else DAY)
    with psycopg.connect(url) as conn:
        return conn.execute(
            f"select batch_id, record_index, record from raw.{table} where interval_start = %s order by 1, 2",
            (day,),
        ).fetchall()


def audit(url: str, **where) -> list[dict]:
    clauses = " and ".join(f"{k} = %({k})s" for k in where) or "true"
    with psycopg.connect(url) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        return cur.execute(f"select * from audit.loads where {clauses} order by started_at", where).fetchall()


def test_a_good_day_is_published_stream_by_stream(clean_warehouse, sources_on_simulator):
    report = ingest_account("instagram", IG_ACCOUNT, DAY, lookback_days=0)
    statuses = {b["stream"]: b["status"] for b in report["batches"]}
    assert statuses == dict.fromkeys(
        ["account", "account_insights", "media", "media_insights", "comments"], "published"
    )
    assert len(raw_rows(clean_warehouse, "instagram__account")) == 1
    loads = audit(clean_warehouse, source="instagram")
    assert {row["status"] for row in loads} == {"published"}
    assert all(row["validation_result"]["success"] for row in loads)
    with psycopg.connect(clean_warehouse) as conn:
        assert conn.execute("select count(*) from landing.instagram__media").fetchone() == (0,)


def test_a_rerun_replaces_exactly_its_interval(clean_warehouse, sources_on_simulator):
    ingest_account("ga4", GA4_PROPERTY, DAY - timedelta(days=1), lookback_days=0)
    ingest_account("ga4", GA4_PROPERTY, DAY, lookback_days=0)
    before_other_day = raw_rows(clean_warehouse, "ga4__traffic_daily", DAY - timedelta(days=1))
    before = raw_rows(clean_warehouse, "ga4__traffic_daily")
    ingest_account("ga4", GA4_PROPERTY, DAY, lookback_days=0)
    after = raw_rows(clean_warehouse, "ga4__traffic_daily")
    assert raw_rows(clean_warehouse, "ga4__traffic_daily", DAY - timedelta(days=1)) == before_other_day
    assert [r[1:] for r in after] == [r[1:] for r in before]  # same records ...
    assert {r[0] for r in after}.isdisjoint({r[0] for r in before})  # ... from the new batch only


def test_lookback_re_extracts_the_days_the_platform_revises(clean_warehouse, sources_on_simulator):
    report = ingest_account("instagram", IG_ACCOUNT, DAY, lookback_days=2)
    [insights] = [b for b in report["batches"] if b["stream"] == "account_insights"]
    # One batch for the day and its lookback: the range DAY - 2 .. DAY.
    assert (insights["day"], insights["last_day"]) == ((DAY - timedelta(days=2)).isoformat(), DAY.isoformat())


def test_follower_totals_land_as_yesterdays_close_and_backfills_keep_their_history(
    clean_warehouse, sources_on_simulator
):
    """A total is a snapshot of now: a backfill of an old day must not overwrite older snapshots."""
    week_ago = snapshot_day() - timedelta(days=7)
    with psycopg.connect(clean_warehouse, autocommit=True) as conn:
        ensure_tables(conn, "instagram__account")
        # the snapshot a daily run took a week ago
        conn.execute(
            """insert into raw.instagram__account values
               (gen_random_uuid(), 'instagram', 'account', %s, %s, %s, now() - interval '7 days', 0, %s)""",
            (
                IG_ACCOUNT,
                week_ago,
                week_ago + timedelta(days=1),
                Jsonb({"id": IG_ACCOUNT, "followers_count": 27000}),
            ),
        )
    report = ingest_account("instagram", IG_ACCOUNT, week_ago, lookback_days=0)  # a backfill of that day
    snapshot = next(b for b in report["batches"] if b["stream"] == "account")
    assert snapshot["day"] == snapshot_day().isoformat()
    with psycopg.connect(clean_warehouse) as conn:
        intervals = conn.execute("select interval_start from raw.instagram__account order by 1").fetchall()
        kinds = conn.execute(
            "select stream, stream_kind from audit.loads where stream in ('account', 'media') group by 1, 2 order by 1"
        ).fetchall()
    assert intervals == [(week_ago,), (snapshot_day(),)]
    assert kinds == [("account", "snapshot"), ("media", "lifetime")]


def small_pages(monkeypatch) -> None:
    instagram = SOURCES["instagram"]
    media = instagram.stream("media")
    paged = replace(media, requests=(Request(params={**media.requests[0].params, "limit": 5}),))
    streams = tuple(paged if s.name == "media" else s for s in instagram.streams)
    monkeypatch.setitem(SOURCES, "instagram", replace(instagram, streams=streams))


BAD_BATCHES = [
    ("instagram", IG_ACCOUNT, Faults(negative_counts=True)),
    ("instagram", IG_ACCOUNT, Faults(missing_keys=True)),
    ("instagram", IG_ACCOUNT, Faults(wrong_account=True)),
    ("instagram", IG_ACCOUNT, Faults(dates_out_of_range=True)),
    ("instagram", IG_ACCOUNT, Faults(duplicate_ids_across_pages=True)),
    ("instagram", IG_ACCOUNT, Faults(follower_jump=True)),
    ("ga4", GA4_PROPERTY, Faults(negative_counts=True)),
    ("ga4", GA4_PROPERTY, Faults(dates_out_of_range=True)),
    ("ga4", GA4_PROPERTY, Faults(missing_keys=True)),
]


@pytest.mark.parametrize(
    ("source", "account", "faults"),
    BAD_BATCHES,
    ids=[f"{s}-{next(k for k, v in f.to_dict().items() if v)}" for s, _, f in BAD_BATCHES],
)
def test_bad_batches_are_quarantined_and_raw_keeps_its_good_data(
    clean_warehouse, sources_on_simulator, monkeypatch, source, account, faults
):
    if faults.duplicate_ids_across_pages:
        small_pages(monkeypatch)  # a duplicate across pages needs more than one page in the window
    # A good load of the day before (the follower-jump check compares with it) and of the day.
    ingest_account(source, account, DAY - timedelta(days=1), lookback_days=0)
    ingest_account(source, account, DAY, lookback_days=0)
    tables = [
        f"{source}__{t}"
        for t in (["account", "media", "account_insights"] if source == "instagram" else ["traffic_daily"])
    ]
    good = {table: raw_rows(clean_warehouse, table) for table in tables}

    sources_on_simulator.set_faults(source, faults)
    with pytest.raises(ValidationFailed) as failure:
        ingest_account(source, account, DAY, lookback_days=0)

    quarantined = audit(clean_warehouse, source=source, status="quarantined")
    assert quarantined, "nothing was quarantined"
    for row in quarantined:
        assert row["failed_expectations"], "a quarantined batch names its failed expectations"
        assert str(row["batch_id"]) in str(failure.value)
        with psycopg.connect(clean_warehouse) as conn:
            kept = conn.execute(
                f"select count(*) from quarantine.{source}__{row['stream']} where batch_id = %s",
                (row["batch_id"],),
            ).fetchone()[0]
        assert kept == row["row_count"], "the quarantined batch is kept whole"
    quarantined_tables = {f"{source}__{row['stream']}" for row in quarantined}
    for table in quarantined_tables & set(good):
        assert raw_rows(clean_warehouse, table) == good[table], f"raw.{table} changed"


def test_a_quarantined_batch_can_be_fixed_and_released(clean_warehouse, sources_on_simulator):
    ingest_account("instagram", IG_ACCOUNT, DAY - timedelta(days=1), lookback_days=0)
    sources_on_simulator.set_faults("instagram", Faults(follower_jump=True))
    with pytest.raises(ValidationFailed):
        ingest_account("instagram", IG_ACCOUNT, DAY, lookback_days=0)
    [row] = audit(clean_warehouse, stream="account", status="quarantined")
    batch = str(row["batch_id"])
    with psycopg.connect(clean_warehouse, autocommit=True) as conn:
        assert "follower" in quarantine.show(conn, batch) or "followers_count" in quarantine.show(conn, batch)
        with pytest.raises(SocialKpiError, match="still fails"):
            quarantine.release(conn, batch)
        # A person checks the platform, finds the jump was a glitch and corrects the record.
        conn.execute(
            """update quarantine.instagram__account set record = jsonb_set(record, '{followers_count}',
                   (select record -> 'followers_count' from raw.instagram__account where interval_start = %s))
               where batch_id = %s""",
            (snapshot_day(), batch),
        )
        assert "passed re-validation" in quarantine.release(conn, batch)
    assert len(raw_rows(clean_warehouse, "instagram__account")) == 1
    assert audit(clean_warehouse, batch_id=batch)[0]["status"] == "released"


def test_force_release_and_drop_are_recorded(clean_warehouse, sources_on_simulator):
    sources_on_simulator.set_faults("ga4", Faults(negative_counts=True))
    with pytest.raises(ValidationFailed):
        ingest_account("ga4", GA4_PROPERTY, DAY, lookback_days=0)
    with pytest.raises(ValidationFailed):
        ingest_account("ga4", GA4_PROPERTY, DAY - timedelta(days=1), lookback_days=0)
    first, second = (str(r["batch_id"]) for r in audit(clean_warehouse, status="quarantined"))
    with psycopg.connect(clean_warehouse, autocommit=True) as conn:
        assert "without validation" in quarantine.release(conn, first, force=True)
        assert "dropped" in quarantine.drop(conn, second)
        events = [r[0] for r in conn.execute("select kind from audit.events order by event_id")]
    assert "released_forced" in events and "dropped" in events
    assert audit(clean_warehouse, batch_id=second)[0]["status"] == "dropped"
