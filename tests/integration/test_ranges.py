"""Range batches on the real warehouse and the simulator over HTTP: one batch per stream and range,
rows filed under their own days, publishing that replaces exactly the batch's days, guards that
refuse to lose published data, every failed extraction in the audit, and quotas that leave the
unread days to the next run.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import psycopg
import pytest
from socialkpi import ingest as ingest_module
from socialkpi.errors import QuotaExhausted, SourceError, ValidationFailed
from socialkpi.extract import extract_stream
from socialkpi.http import SourceClient
from socialkpi.ingest import ingest_account
from socialkpi.simulator import Faults
from socialkpi.sources import SOURCES
from socialkpi.streams import Window
from socialkpi.warehouse import empty_warehouse

from tests.support.accounts import GA4_PROPERTY, IG_ACCOUNT, IG_OTHER_ACCOUNT, YT_CHANNEL
from tests.support.replay import ReplayServer, Reply

pytestmark = pytest.mark.warehouse

DAY = datetime.now(UTC).date() - timedelta(days=4)
PACIFIC = ZoneInfo("America/Los_Angeles")


def rows_by_day(url: str, table: str, account: str) -> dict[date, list[tuple]]:
    """raw rows of an account: day -> [(batch_id, record)] in record order."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            f"""select interval_start, interval_end, batch_id, record from raw.{table}
                where account_id = %s order by interval_start, batch_id, record_index""",
            (account,),
        ).fetchall()
    days: dict[date, list[tuple]] = {}
    for start, end, batch, record in rows:
        assert end == start + timedelta(days=1), "a raw row stands for one day"
        days.setdefault(start, []).append((batch, record))
    return days


def audit(url: str, **where) -> list[dict]:
    clauses = " and ".join(f"{k} = %({k})s" for k in where) or "true"
    with psycopg.connect(url) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        return cur.execute(f"select * from audit.loads where {clauses} order by started_at", where).fetchall()


def only_streams(monkeypatch, source: str, names: list[str]) -> None:
    definition = SOURCES[source]
    monkeypatch.setitem(
        SOURCES, source, replace(definition, streams=tuple(s for s in definition.streams if s.name in names))
    )


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# ---- ranges replace exactly their days ------------------------------------------------------------
def test_a_range_batch_replaces_exactly_its_days_and_a_rerun_is_identical(
    clean_warehouse, sources_on_simulator
):
    first, last = DAY - timedelta(days=9), DAY
    report = ingest_account("ga4", GA4_PROPERTY, first, last, lookback_days=0)
    [batch] = report["batches"]  # one batch for the whole range
    assert (batch["day"], batch["last_day"], batch["status"]) == (
        first.isoformat(),
        last.isoformat(),
        "published",
    )
    assert report["requests"] == 1  # the range in one report
    before = rows_by_day(clean_warehouse, "ga4__traffic_daily", GA4_PROPERTY)
    assert sorted(before) == days(first, last), "every day of the range has its own rows"
    for day, rows in before.items():
        assert {record["date"] for _, record in rows} == {day.strftime("%Y%m%d")}

    inner_first, inner_last = DAY - timedelta(days=6), DAY - timedelta(days=3)
    ingest_account("ga4", GA4_PROPERTY, inner_first, inner_last, lookback_days=0)
    after = rows_by_day(clean_warehouse, "ga4__traffic_daily", GA4_PROPERTY)
    assert sorted(after) == sorted(before)
    for day in before:
        if inner_first <= day <= inner_last:
            assert [r for _, r in after[day]] == [r for _, r in before[day]]  # the same records ...
            assert {b for b, _ in after[day]}.isdisjoint({b for b, _ in before[day]})  # ... newly landed
        else:
            assert after[day] == before[day], f"{day} lies outside the second range and changed"

    # A daily run of one day inside the range replaces just that day.
    ingest_account("ga4", GA4_PROPERTY, DAY - timedelta(days=8), lookback_days=0)
    daily = rows_by_day(clean_warehouse, "ga4__traffic_daily", GA4_PROPERTY)
    changed = [day for day in daily if daily[day] != after[day]]
    assert changed == [DAY - timedelta(days=8)]

    # A rerun of the whole range gives the same records for every day.
    ingest_account("ga4", GA4_PROPERTY, first, last, lookback_days=0)
    rerun = rows_by_day(clean_warehouse, "ga4__traffic_daily", GA4_PROPERTY)
    assert {d: [r for _, r in rows] for d, rows in rerun.items()} == {
        d: [r for _, r in rows] for d, rows in before.items()
    }


def test_lifetime_streams_are_read_once_per_run_as_a_snapshot(clean_warehouse, sources_on_simulator):
    report = ingest_account("instagram", IG_ACCOUNT, DAY - timedelta(days=6), DAY, lookback_days=0)
    batches = {b["stream"]: b for b in report["batches"]}
    assert {b["status"] for b in batches.values()} == {"published"}
    snapshot = ingest_module.snapshot_day(
        ingest_module._account(ingest_module.load_config().sources["instagram"], IG_ACCOUNT, "")
    )
    for name in ("account", "media", "media_insights", "comments"):
        assert (batches[name]["day"], batches[name]["last_day"]) == (snapshot.isoformat(),) * 2
        assert list(rows_by_day(clean_warehouse, f"instagram__{name}", IG_ACCOUNT)) == [snapshot]
    insights = batches["account_insights"]
    assert (insights["day"], insights["last_day"]) == ((DAY - timedelta(days=6)).isoformat(), DAY.isoformat())
    media = [r for _, r in rows_by_day(clean_warehouse, "instagram__media", IG_ACCOUNT)[snapshot]]
    with_comments = sum(1 for m in media if m["comments_count"] > 0)
    # One insights call per media, one comments call per media that has comments (pages aside).
    assert batches["media_insights"]["requests"] == len(media)
    assert with_comments <= batches["comments"]["requests"] < with_comments + 5


# ---- guarded publishing ---------------------------------------------------------------------------
def test_an_empty_answer_for_a_published_day_is_quarantined_and_raw_is_unchanged(
    clean_warehouse, sources_on_simulator
):
    ingest_account("ga4", GA4_PROPERTY, DAY - timedelta(days=2), DAY, lookback_days=0)
    before = rows_by_day(clean_warehouse, "ga4__traffic_daily", GA4_PROPERTY)
    sources_on_simulator.set_faults("ga4", Faults(empty_days=[DAY.isoformat()]))
    with pytest.raises(ValidationFailed, match="empty_interval"):
        ingest_account("ga4", GA4_PROPERTY, DAY - timedelta(days=2), DAY, lookback_days=0)
    [row] = audit(clean_warehouse, status="quarantined")
    assert row["reason"] == "empty_interval"
    assert DAY.isoformat() in row["failed_expectations"][0]
    assert rows_by_day(clean_warehouse, "ga4__traffic_daily", GA4_PROPERTY) == before


def test_a_stream_that_may_be_empty_still_may_not_empty_a_published_day(
    clean_warehouse, sources_on_simulator, monkeypatch
):
    only_streams(monkeypatch, "youtube", ["channel_daily"])
    assert SOURCES["youtube"].stream("channel_daily").empty_ok
    sources_on_simulator.set_faults("youtube", Faults(empty_days=[DAY.isoformat()]))
    report = ingest_account("youtube", YT_CHANNEL, DAY, lookback_days=0)  # nothing published yet
    assert [(b["status"], b["rows"]) for b in report["batches"]] == [("published", 0)]
    sources_on_simulator.clear_faults()
    ingest_account("youtube", YT_CHANNEL, DAY, lookback_days=0)
    published = rows_by_day(clean_warehouse, "youtube__channel_daily", YT_CHANNEL)
    assert list(published) == [DAY]
    sources_on_simulator.set_faults("youtube", Faults(empty_days=[DAY.isoformat()]))
    with pytest.raises(ValidationFailed, match="empty_interval"):
        ingest_account("youtube", YT_CHANNEL, DAY, lookback_days=0)
    assert rows_by_day(clean_warehouse, "youtube__channel_daily", YT_CHANNEL) == published


# ---- every attempt in the audit -------------------------------------------------------------------
def test_a_server_error_storm_is_an_extract_failed_row_and_a_retryable_error(
    clean_warehouse, sources_on_simulator, monkeypatch
):
    sources_on_simulator.set_faults("ga4", Faults(server_error_every=1))
    # Every retry still happens; only their waits are short (half a second doubling: 16 s).
    monkeypatch.setattr(ingest_module, "SourceClient", partial(SourceClient, backoff_factor=0.01))
    with pytest.raises(SourceError, match="extract_failed") as failure:
        ingest_account("ga4", GA4_PROPERTY, DAY, lookback_days=0)
    assert not isinstance(failure.value, (ValidationFailed, QuotaExhausted))  # Airflow retries it
    [row] = audit(clean_warehouse, source="ga4")
    assert (row["status"], row["reason"], row["stream"]) == (
        "extract_failed",
        "server_error",
        "traffic_daily",
    )
    assert (row["interval_start"], row["interval_end"]) == (DAY, DAY + timedelta(days=1))
    assert "server error" in row["message"]


def day_by_day(monkeypatch, source: str, name: str) -> None:
    """Ingest just `name`, asked one day at a time (`Request.per_day`), as Meta's `total_value`
    metrics are: YouTube is the source whose simulator has a daily quota to run out of."""
    definition = SOURCES[source]
    stream = definition.stream(name)
    per_day = replace(stream, requests=tuple(replace(r, per_day=True) for r in stream.requests))
    monkeypatch.setitem(SOURCES, source, replace(definition, streams=(per_day,)))


def quota_after(monkeypatch, simulator, calls: int) -> None:
    """The simulator's YouTube quota is gone from call `calls + 1` of a client on."""
    original = SourceClient.request

    def counted(self, *args, **kwargs):
        if self.request_count == calls:
            simulator.set_faults("youtube", Faults(quota_exceeded=True))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SourceClient, "request", counted)


def test_a_quota_that_runs_out_mid_range_leaves_the_rest_to_the_next_run(
    clean_warehouse, sources_on_simulator, monkeypatch
):
    """A stream asked one day at a time: the quota runs out on the fourth day."""
    day_by_day(monkeypatch, "youtube", "channel_daily")
    first, last = DAY - timedelta(days=5), DAY
    ingest_account("youtube", YT_CHANNEL, first, last, lookback_days=0)
    earlier = rows_by_day(clean_warehouse, "youtube__channel_daily", YT_CHANNEL)
    assert sorted(earlier) == days(first, last)

    with monkeypatch.context() as patched:
        quota_after(patched, sources_on_simulator, 3)
        with pytest.raises(QuotaExhausted, match="3 day\\(s\\) left"):
            ingest_account("youtube", YT_CHANNEL, first, last, lookback_days=0)
    sources_on_simulator.clear_faults()

    published, failed = audit(clean_warehouse, source="youtube")[-2:]
    assert (published["status"], published["interval_start"], published["interval_end"]) == (
        "published",
        first,
        first + timedelta(days=3),
    )
    assert (failed["status"], failed["reason"]) == ("extract_failed", "quota_exhausted")
    assert failed["pending_days"] == days(first + timedelta(days=3), last)
    partial = rows_by_day(clean_warehouse, "youtube__channel_daily", YT_CHANNEL)
    for day in days(first + timedelta(days=3), last):
        assert partial[day] == earlier[day], f"{day} was not read again and must be as it was"
    for day in days(first, first + timedelta(days=2)):
        assert {b for b, _ in partial[day]} == {published["batch_id"]}

    # The next daily run (for a later day) reads the days the quota left, with its own.
    report = ingest_account("youtube", YT_CHANNEL, last + timedelta(days=1), lookback_days=0)
    [batch] = report["batches"]
    assert (batch["day"], batch["last_day"]) == (
        (first + timedelta(days=3)).isoformat(),
        (last + timedelta(days=1)).isoformat(),
    )
    assert report["requests"] == 4
    with psycopg.connect(clean_warehouse) as conn:
        assert ingest_module.load.pending_days(conn, "youtube", YT_CHANNEL) == {}


# ---- YouTube videos by day: each video's launch window ----------------------------------------------
VIDEO_STREAMS = ["channel", "uploads", "video_daily"]
LAUNCH_DAYS = 28  # a video's launch window: its publication day (Pacific) and the 28 days after


def video_launches(url: str) -> dict[str, date]:
    """The Pacific publication day of every video the warehouse's uploads lists hold."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select record from raw.youtube__uploads where account_id = %s", (YT_CHANNEL,)
        ).fetchall()
    return {
        r["contentDetails"]["videoId"]: datetime.fromisoformat(r["contentDetails"]["videoPublishedAt"])
        .astimezone(PACIFIC)
        .date()
        for (r,) in rows
    }


def overlapping(launches: dict[str, date], first: date, last: date) -> set[str]:
    return {v for v, day in launches.items() if day <= last and day + timedelta(days=LAUNCH_DAYS) >= first}


def records_by_day(url: str) -> dict[date, list[dict]]:
    found = rows_by_day(url, "youtube__video_daily", YT_CHANNEL)
    return {day: sorted((r for _, r in rows), key=lambda r: r["_parent_id"]) for day, rows in found.items()}


def test_a_range_costs_one_report_per_video_whose_launch_window_overlaps_it(
    clean_warehouse, sources_on_simulator, monkeypatch
):
    only_streams(monkeypatch, "youtube", VIDEO_STREAMS)
    first, last = DAY - timedelta(days=119), DAY
    report = ingest_account("youtube", YT_CHANNEL, first, last, lookback_days=0)
    batches = {b["stream"]: b for b in report["batches"]}
    assert {b["status"] for b in batches.values()} == {"published"}
    expected = overlapping(video_launches(clean_warehouse), first, last)
    assert len(expected) >= 2, "too few videos to tell one report per video from one per range"
    assert batches["video_daily"]["requests"] == len(expected) < len(days(first, last))
    reported = {r["_parent_id"] for rows in records_by_day(clean_warehouse).values() for r in rows}
    assert reported <= expected
    # Each row lies in its video's launch window, and it is the only row of its (video, day).
    launches = video_launches(clean_warehouse)
    keys = [(r["_parent_id"], day) for day, rows in records_by_day(clean_warehouse).items() for r in rows]
    assert len(keys) == len(set(keys))
    for video, day in keys:
        assert launches[video] <= day <= launches[video] + timedelta(days=LAUNCH_DAYS)


def test_a_range_and_the_daily_runs_of_its_days_land_the_same_video_rows(
    clean_warehouse, sources_on_simulator, monkeypatch
):
    """Across the end of a launch window: the range run lists videos a daily run of its last days
    no longer lists; both must land the same rows for every day."""
    only_streams(monkeypatch, "youtube", VIDEO_STREAMS)
    ingest_account("youtube", YT_CHANNEL, DAY - timedelta(days=90), DAY, lookback_days=0)
    ends = [p + timedelta(days=LAUNCH_DAYS + 1) for p in video_launches(clean_warehouse).values()]
    edge = max(day for day in ends if day <= DAY - timedelta(days=3))  # a video's first day after
    first, last = edge - timedelta(days=3), edge + timedelta(days=3)

    empty_warehouse(clean_warehouse)  # the range run, from nothing
    ingest_account("youtube", YT_CHANNEL, first, last, lookback_days=0)
    by_range = records_by_day(clean_warehouse)
    assert any(by_range.values()), "no video rows in the range: nothing compared"

    empty_warehouse(clean_warehouse)
    for day in days(first, last):
        ingest_account("youtube", YT_CHANNEL, day, lookback_days=0)
    by_day = records_by_day(clean_warehouse)
    assert by_day == by_range
    batches = {
        b
        for rows in rows_by_day(clean_warehouse, "youtube__video_daily", YT_CHANNEL).values()
        for b, _ in rows
    }
    assert len(batches) == len(by_day), "each day from its own daily run"


def upload(video_id: str, published_at: str) -> dict:
    return {"contentDetails": {"videoId": video_id, "videoPublishedAt": published_at}}


def replay_client(url: str, source: str = "instagram") -> SourceClient:
    """A client of `source` whose every API (YouTube's Analytics API too) is the replay server."""
    definition = SOURCES[source]
    return SourceClient(
        source=source,
        base_url=url,
        token="test-token",
        connection_id=f"socialkpi_{source}",
        policy=definition.policy,
        base_urls=dict.fromkeys(definition.apis, url),
        sleep=lambda seconds: None,
    )


@pytest.mark.parametrize("timezone", ["Asia/Tokyo", "Asia/Tehran"])
def test_launch_windows_are_pacific_days_whatever_the_channels_timezone(timezone):
    """Three videos published when the channel's date is a day ahead of the Pacific date."""
    parents = [
        # Pacific Sat 7 March 21:30 (PST): its launch window ends on 4 April, the window's first day
        upload("launched_pacific_7_march", "2026-03-08T05:30:00Z"),
        # Pacific Sun 5 April 23:00 (PDT): its first two days lie in the window
        upload("launched_pacific_5_april", "2026-04-06T06:00:00Z"),
        # Pacific Fri 6 March 23:30 (PST): its launch window ended on 3 April, before the window
        upload("launched_pacific_6_march", "2026-03-07T07:30:00Z"),
    ]
    columns = [
        {"name": "day", "columnType": "DIMENSION", "dataType": "STRING"},
        {"name": "views", "columnType": "METRIC", "dataType": "INTEGER"},
    ]
    window = Window(YT_CHANNEL, date(2026, 4, 4), timezone, date(2026, 4, 6))
    stream = SOURCES["youtube"].stream("video_daily")
    with ReplayServer() as server:
        server.script(
            "/v2/reports",
            Reply(body={"columnHeaders": columns, "rows": [["2026-04-04", 7]]}),
            Reply(body={"columnHeaders": columns}),  # no views yet: the API leaves `rows` out
        )
        result = extract_stream(replay_client(server.url, "youtube"), stream, window, parents)
        queries = [parse_qs(r["query"]) for r in server.requests]
    asked = [(q["filters"][0], q["startDate"][0], q["endDate"][0], q["dimensions"][0]) for q in queries]
    assert asked == [
        ("video==launched_pacific_7_march", "2026-04-04", "2026-04-04", "day"),
        ("video==launched_pacific_5_april", "2026-04-05", "2026-04-06", "day"),
    ]
    assert result.records == [{"day": "2026-04-04", "views": 7, "_parent_id": "launched_pacific_7_march"}]
    assert result.days == [date(2026, 4, 4)]


# ---- Meta days are Pacific days -------------------------------------------------------------------
def pacific(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=PACIFIC)


def graph_end_time(day: date, hour_offset: int = 0) -> str:
    stamp = (pacific(day + timedelta(days=1)) + timedelta(hours=hour_offset)).astimezone(UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S+0000")


def series(first: date, last: date, odd_day: date | None = None) -> dict:
    values = [
        {"value": 10 + n, "end_time": graph_end_time(day, 3 if day == odd_day else 0)}
        for n, day in enumerate(days(first, last))
    ]
    entry = {
        "name": "follower_count",
        "period": "day",
        "values": values,
        "id": f"{IG_ACCOUNT}/insights/follower_count/day",
    }
    return {"data": [entry]}


def totals(names: list[str]) -> dict:
    return {
        "data": [
            {
                "name": name,
                "period": "day",
                "total_value": {"value": 5},
                "id": f"{IG_ACCOUNT}/insights/{name}/day",
            }
            for name in names
        ]
    }


TOTAL_METRICS = ["reach", "views", "total_interactions", "likes", "comments", "shares", "saves"]


@pytest.mark.parametrize(
    ("timezone", "first"),
    [("Asia/Tehran", date(2026, 3, 7)), ("Australia/Sydney", date(2026, 4, 4))],
    ids=["tehran-us-dst-start", "sydney-au-dst-end"],
)
def test_meta_windows_are_pacific_midnights_whatever_the_accounts_timezone(timezone, first):
    last = first + timedelta(days=1)
    stream = SOURCES["instagram"].stream("account_insights")
    with ReplayServer() as server:
        server.script(
            f"/{IG_ACCOUNT}/insights",
            Reply(body=series(first, last)),
            *(
                reply
                for _ in (first, last)
                for reply in (
                    Reply(body=totals(TOTAL_METRICS)),
                    Reply(body=totals(["follows_and_unfollows"])),
                )
            ),
        )
        result = extract_stream(replay_client(server.url), stream, Window(IG_ACCOUNT, first, timezone, last))
        queries = [parse_qs(r["query"]) for r in server.requests]
    windows = [(int(q["since"][0]), int(q["until"][0])) for q in queries]
    whole = (int(pacific(first).timestamp()), int(pacific(last + timedelta(days=1)).timestamp()))
    one_day = [
        (int(pacific(d).timestamp()), int(pacific(d + timedelta(days=1)).timestamp())) for d in (first, last)
    ]
    # One time series for the range, then total_value one Pacific day at a time.
    assert windows == [whole, one_day[0], one_day[0], one_day[1], one_day[1]]
    assert "metric_type" not in queries[0] and queries[1]["metric_type"] == ["total_value"]
    # One record per metric and day: the series' values split, each filed under its Pacific day.
    by_day = {}
    for record, day in zip(result.records, result.days, strict=True):
        by_day.setdefault(day, []).append(record["name"])
        if "values" in record:
            assert len(record["values"]) == 1
    assert sorted(by_day) == [first, last]
    for day in (first, last):
        assert sorted(by_day[day]) == sorted(["follower_count", *TOTAL_METRICS, "follows_and_unfollows"])
    assert result.notes == []


def test_an_end_time_off_the_pacific_midnight_is_logged_and_recorded_in_the_audit(clean_warehouse, caplog):
    first = last = DAY
    stream = replace(
        SOURCES["instagram"].stream("account_insights"),
        requests=SOURCES["instagram"].stream("account_insights").requests[:1],
    )
    window = Window(IG_ACCOUNT, first, "Asia/Tehran", last)
    with ReplayServer() as server:
        server.script(f"/{IG_ACCOUNT}/insights", Reply(body=series(first, last, odd_day=DAY)))
        result = extract_stream(replay_client(server.url), stream, window)
    assert result.days == [DAY]  # filed under the Pacific day before end_time, not shifted
    assert "not a US Pacific midnight" in caplog.text
    with psycopg.connect(clean_warehouse, autocommit=True) as conn:
        report = ingest_module.gate(conn, clean_warehouse, stream, window, result)
    [row] = audit(clean_warehouse, batch_id=report.batch_id)
    assert graph_end_time(DAY, 3) in row["message"] and "not a US Pacific midnight" in row["message"]


# ---- requests ------------------------------------------------------------------------------------
def test_a_45_day_backfill_of_two_instagram_accounts_stays_near_the_minimum(
    clean_warehouse, sources_on_simulator
):
    """The old per-day runs made 5,768 requests here; the target is <= 1.5x the minimum the API allows
    (ingest.MINIMUM_REQUESTS["instagram"])."""
    first, last = DAY - timedelta(days=44), DAY
    made = minimum = 0
    for account in (IG_ACCOUNT, IG_OTHER_ACCOUNT):
        report = ingest_account("instagram", account, first, last, lookback_days=0)
        assert {b["status"] for b in report["batches"]} == {"published"}
        made += report["requests"]
        [snapshot] = rows_by_day(clean_warehouse, "instagram__media", account).values()
        posts = len(snapshot)
        with_comments = sum(1 for _, media in snapshot if media["comments_count"] > 0)
        minimum += ingest_module.minimum_requests("instagram", len(days(first, last)), posts, with_comments)
    print(f"instagram 45-day backfill of 2 accounts: {made} requests, minimum {minimum}")
    assert made <= 1.5 * minimum
    assert made < 5_768 / 4


def test_a_narrower_run_the_same_day_keeps_the_posts_it_did_not_read(clean_warehouse, sources_on_simulator):
    """A backfill reads every post of its range; a daily run later that day reads the last weeks
    only. Both file their lifetime lists under the same snapshot day: the daily run replaces the
    posts it read and keeps the older ones (no post loses its latest observation)."""
    sources_on_simulator_monkeypatch = pytest.MonkeyPatch()
    only_streams(sources_on_simulator_monkeypatch, "instagram", ["media"])
    try:
        ingest_account("instagram", IG_ACCOUNT, DAY - timedelta(days=80), DAY, lookback_days=0)
        wide = {
            r["id"]
            for rows in rows_by_day(clean_warehouse, "instagram__media", IG_ACCOUNT).values()
            for _, r in rows
        }
        ingest_account("instagram", IG_ACCOUNT, DAY, DAY, lookback_days=0)
        after = rows_by_day(clean_warehouse, "instagram__media", IG_ACCOUNT)
    finally:
        sources_on_simulator_monkeypatch.undo()
    kept = [r["id"] for rows in after.values() for _, r in rows]
    assert len(kept) == len(set(kept)), "each post once per snapshot day"
    assert set(kept) == wide, "the narrower run kept the posts it did not read"
    batches = {batch for rows in after.values() for batch, _ in rows}
    assert len(batches) == 2, "the posts the daily run read come from its batch, the others from the backfill"
