"""Every source against the simulator: the same extractor code as against the real APIs, over HTTP.

Extraction behaviour (paging, throttling, server errors, malformed pages) is checked at the stream
level, with a client whose waits are recorded instead of slept. What involves the warehouse (a day
published, retired metrics in the audit, empty days, restatement, quota, many accounts) goes
through `ingest_account`, as the DAG's mapped task does.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import yaml
from socialkpi.config import load_config
from socialkpi.errors import CredentialsError, QuotaExhausted, SocialKpiError, SourceError, ValidationFailed
from socialkpi.extract import extract_stream
from socialkpi.http import SourceClient
from socialkpi.ingest import complete_through, ingest_account, snapshot_day, targets
from socialkpi.simulator import Faults
from socialkpi.sources import SOURCES
from socialkpi.streams import Stream, StreamResult, Window

from tests.support.accounts import FB_OTHER_PAGE, FB_PAGE, FIRST_ACCOUNT, LI_ORG, PLAUSIBLE_SITE, YT_CHANNEL
from tests.support.connections import connect_to_simulator

pytestmark = pytest.mark.warehouse

DAY = datetime.now(UTC).date() - timedelta(days=4)
NEW_SOURCES = ["facebook", "x", "linkedin", "youtube", "tiktok", "plausible"]
ALL_SOURCES = ["instagram", *NEW_SOURCES, "ga4"]
TIMEZONE = "Europe/Berlin"


# ---- helpers -----------------------------------------------------------------------------------
def client_for(simulator, source: str, waits: list[float] | None = None) -> SourceClient:
    """The production client pointed at the simulator; waits are recorded, not slept."""
    definition = SOURCES[source]
    return SourceClient(
        source=source,
        base_url=simulator.url + definition.simulator_path,
        token="simulator-token",
        connection_id=f"socialkpi_{source}",
        policy=definition.policy,
        headers=definition.headers,
        base_urls={name: simulator.url + api.simulator_path for name, api in definition.apis.items()},
        backoff_factor=0.01,
        sleep=(waits.append if waits is not None else lambda seconds: None),
    )


def window(source: str, day=DAY) -> Window:
    return Window(FIRST_ACCOUNT[source], day, TIMEZONE)


def extract(client, source: str, name: str, day=DAY, stream: Stream | None = None) -> StreamResult:
    """One stream, after its parents (extracted with the faults the simulator has right now)."""
    definition = SOURCES[source]
    stream = stream or definition.stream(name)
    parents = extract(client, source, stream.parent, day).records if stream.parent else None
    return extract_stream(client, stream, window(source, day), parents)


def raw_records(url: str, table: str, account: str, day) -> list[dict]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            f"select record from raw.{table} where account_id = %s and interval_start = %s order by record_index",
            (account, day),
        ).fetchall()
    return [row[0] for row in rows]


def batch_records(url: str, table: str, batch_id: str) -> list[dict]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            f"select record from raw.{table} where batch_id = %s order by record_index", (batch_id,)
        ).fetchall()
    return [row[0] for row in rows]


def loads(url: str, source: str) -> list[dict]:
    with psycopg.connect(url) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cursor:
        return cursor.execute(
            "select * from audit.loads where source = %s order by started_at", (source,)
        ).fetchall()


def only_streams(monkeypatch, source: str, names: list[str]) -> None:
    """Ingest just these streams of `source` (each batch costs a validation)."""
    definition = SOURCES[source]
    monkeypatch.setitem(
        SOURCES, source, replace(definition, streams=tuple(s for s in definition.streams if s.name in names))
    )


def with_params(stream: Stream, **params) -> Stream:
    [request] = stream.requests
    if request.body is not None and stream.method == "POST" and not params.keys() & request.params.keys():
        return replace(stream, requests=(replace(request, body={**request.body, **params}),))
    return replace(stream, requests=(replace(request, params={**request.params, **params}),))


# ---- a good day --------------------------------------------------------------------------------
# Streams that always have records on a past day (lists of posts may be empty on a quiet day).
ALWAYS_RECORDS = {
    "facebook": ["page", "page_insights"],
    "x": ["user"],
    "linkedin": ["network_size", "follower_statistics", "share_statistics"],
    "youtube": ["channel", "channel_daily"],
    "tiktok": ["user", "videos"],
    "plausible": ["traffic_daily", "goals_daily"],
}


@pytest.mark.parametrize("source", NEW_SOURCES)
def test_a_good_day_lands_and_is_published(clean_warehouse, sources_on_simulator, source):
    definition = SOURCES[source]
    account = FIRST_ACCOUNT[source]
    report = ingest_account(source, account, DAY, lookback_days=0)
    day = DAY - timedelta(days=definition.lag_days)
    snapshot = snapshot_day(load_config().sources[source].accounts[0])

    def day_of(stream) -> date:  # current totals and lifetime values land as yesterday's close
        return day if stream.kind == "daily" else snapshot

    assert [(b["stream"], b["day"], b["status"]) for b in report["batches"]] == [
        (stream.name, day_of(stream).isoformat(), "published") for stream in definition.streams
    ]
    for batch, stream in zip(report["batches"], definition.streams, strict=True):
        assert len(batch_records(clean_warehouse, stream.table, batch["batch_id"])) == batch["rows"]
        records = raw_records(clean_warehouse, stream.table, account, day_of(stream))
        if stream.name in ALWAYS_RECORDS[source]:
            assert records, f"raw.{stream.table} is empty"
    assert {row["status"] for row in loads(clean_warehouse, source)} == {"published"}


def test_linkedin_reads_from_two_days_before_the_range_through_its_newest_settled_day(
    clean_warehouse, sources_on_simulator
):
    """A daily run reads the days that settled since the last one; a backfill of settled days
    reads every one of them (not the range shifted two days back)."""
    account = load_config().sources["linkedin"].accounts[0]
    settled = complete_through("linkedin", account.tz, datetime.now(UTC))
    report = ingest_account("linkedin", LI_ORG, DAY, lookback_days=1)
    ranges = {(b["day"], b["last_day"]) for b in report["batches"] if b["stream"].endswith("_statistics")}
    ranges.discard((snapshot_day(account).isoformat(),) * 2)  # the posts' lifetime statistics
    assert ranges == {((DAY - timedelta(days=3)).isoformat(), min(DAY, settled).isoformat())}
    [stats] = raw_records(clean_warehouse, "linkedin__follower_statistics", LI_ORG, DAY - timedelta(days=2))
    # LinkedIn buckets days in UTC: the bucket of the day starts at its UTC midnight.
    midnight = datetime.combine(DAY - timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    assert stats["timeRange"]["start"] == int(midnight.timestamp()) * 1000


# ---- paging --------------------------------------------------------------------------------------
def _same(stream: Stream) -> Stream:
    return stream


def _pages_of(stream: Stream, size: int) -> Stream:
    return replace(stream, paginator=replace(stream.paginator, limit=size))


# (source, stream) -> (widen, resize, small page size). `widen` gives the declared stream enough
# records for several small pages whatever the day; `resize` sets its page size.
SMALL_PAGES = {
    ("instagram", "comments"): (_same, lambda s, n: with_params(s, limit=n), 2),
    ("facebook", "posts"): (_same, lambda s, n: with_params(s, limit=n), 3),
    ("facebook", "comments"): (_same, lambda s, n: with_params(s, limit=n), 1),
    ("x", "posts"): (_same, lambda s, n: with_params(s, max_results=n), 5),
    ("x", "mentions"): (
        lambda s: replace(with_params(s, start_time="{recent_since_iso}"), window_days_before=6),
        lambda s, n: with_params(s, max_results=n),
        5,
    ),
    ("linkedin", "posts"): (_same, _pages_of, 3),
    ("youtube", "uploads"): (
        lambda s: replace(s, window_days_before=180),
        lambda s, n: with_params(s, maxResults=n),
        2,
    ),
    ("tiktok", "videos"): (_same, lambda s, n: with_params(s, max_count=n), 3),
    ("plausible", "traffic_daily"): (_same, _pages_of, 4),
    ("plausible", "goals_daily"): (_same, _pages_of, 3),
}
PAGED = list(SMALL_PAGES)


@pytest.mark.parametrize(("source", "name"), PAGED, ids=[f"{s}-{n}" for s, n in PAGED])
def test_paging_reaches_every_page(sources_on_simulator, source, name):
    widen, resize, size = SMALL_PAGES[(source, name)]
    declared = widen(SOURCES[source].stream(name))
    client = client_for(sources_on_simulator, source)
    whole = extract(client, source, name, stream=declared)
    paged = extract(client, source, name, stream=resize(declared, size))
    assert paged.records == whole.records
    assert len(paged.records) > size, "too few records to need several pages"
    assert paged.requests_made > whole.requests_made


# ---- throttling and server errors ----------------------------------------------------------------
THROTTLED = [
    ("instagram", "account_insights"),  # Graph: HTTP 400, codes 4, 17, 32, 613
    ("facebook", "page_insights"),
    ("facebook", "posts"),
    ("linkedin", "share_statistics"),  # 429 serviceErrorCode 101
    ("youtube", "channel_daily"),  # 429 RESOURCE_EXHAUSTED
    ("tiktok", "videos"),  # 429 rate_limit_exceeded
    ("plausible", "traffic_daily"),
    ("ga4", "traffic_daily"),
]


@pytest.mark.parametrize(("source", "name"), THROTTLED, ids=[f"{s}-{n}" for s, n in THROTTLED])
def test_throttling_backs_off_and_retries(sources_on_simulator, source, name):
    expected = extract(client_for(sources_on_simulator, source), source, name).records
    sources_on_simulator.set_faults(source, Faults(rate_limit_every=2))
    waits: list[float] = []
    client = client_for(sources_on_simulator, source, waits)
    # Every second call is throttled: two runs meet it even on a one-request stream.
    assert extract(client, source, name).records == expected
    assert extract(client, source, name).records == expected
    assert waits, "the throttled call was not retried after a wait"
    assert all(wait < 5 for wait in waits)


def test_x_429_waits_until_the_rate_limit_resets(sources_on_simulator):
    expected = extract(client_for(sources_on_simulator, "x"), "x", "posts").records
    sources_on_simulator.set_faults("x", Faults(rate_limit_every=2))
    waits: list[float] = []
    client = client_for(sources_on_simulator, "x", waits)
    assert extract(client, "x", "posts").records == expected
    assert extract(client, "x", "posts").records == expected
    # The simulator's reset is two seconds ahead; the client waits until then (plus a second).
    assert waits and all(1.0 <= wait <= 4.0 for wait in waits)


@pytest.mark.parametrize(("source", "name"), [(s, n) for s, n in THROTTLED] + [("x", "posts")])
def test_server_errors_are_retried(sources_on_simulator, source, name):
    expected = extract(client_for(sources_on_simulator, source), source, name).records
    sources_on_simulator.set_faults(source, Faults(server_error_every=2))
    client = client_for(sources_on_simulator, source)
    assert extract(client, source, name).records == expected
    assert extract(client, source, name).records == expected


# ---- quota, tokens, malformed pages ---------------------------------------------------------------
def test_youtube_quota_exceeded_stops_at_the_first_call(sources_on_simulator):
    sources_on_simulator.set_faults("youtube", Faults(quota_exceeded=True))
    client = client_for(sources_on_simulator, "youtube")
    with pytest.raises(QuotaExhausted, match=r"daily quota exhausted .*quotaExceeded.*stops for today"):
        extract(client, "youtube", "channel")
    assert client.request_count == 1


def test_youtube_quota_exceeded_stops_each_stream_and_records_the_days_left(
    clean_warehouse, sources_on_simulator
):
    sources_on_simulator.set_faults("youtube", Faults(quota_exceeded=True))
    with pytest.raises(QuotaExhausted, match="quota_exhausted") as failure:
        ingest_account("youtube", YT_CHANNEL, DAY, lookback_days=2)
    assert "daily quota exhausted" in str(failure.value)
    rows = {row["stream"]: row for row in loads(clean_warehouse, "youtube")}
    assert {name: (r["status"], r["reason"]) for name, r in rows.items()} == {
        "channel": ("extract_failed", "quota_exhausted"),
        "uploads": ("extract_failed", "parent_failed"),  # nothing asked: its parent has no batch
        "videos": ("extract_failed", "parent_failed"),
        "channel_daily": ("extract_failed", "quota_exhausted"),
        "video_daily": ("extract_failed", "parent_failed"),  # its videos are not listed
    }
    lookback = [DAY - timedelta(days=n) for n in (2, 1, 0)]
    for name in ("channel_daily", "video_daily"):
        assert rows[name]["pending_days"] == lookback, name  # the next run reads them
    assert rows["channel"]["pending_days"] == []  # a snapshot cannot be read for a past day


@pytest.mark.parametrize("source", ALL_SOURCES)
def test_an_expired_token_fails_at_once_naming_the_connection(clean_warehouse, sources_on_simulator, source):
    sources_on_simulator.set_faults(source, Faults(expired_token=True))
    client = client_for(sources_on_simulator, source)
    with pytest.raises(CredentialsError):
        extract(client, source, SOURCES[source].streams[0].name)
    assert client.request_count == 1
    with pytest.raises(CredentialsError, match=f"Airflow connection 'socialkpi_{source}'"):
        ingest_account(source, FIRST_ACCOUNT[source], DAY, lookback_days=1)
    [row] = loads(clean_warehouse, source)  # the attempt is in the audit, then the account stops
    assert (row["status"], row["reason"]) == ("extract_failed", "credentials")


MALFORMED = [
    ("instagram", "media"),
    ("facebook", "posts"),
    ("x", "posts"),
    ("linkedin", "posts"),
    ("youtube", "uploads"),
    ("tiktok", "videos"),
    ("plausible", "traffic_daily"),
    ("ga4", "traffic_daily"),
]


@pytest.mark.parametrize(("source", "name"), MALFORMED, ids=[f"{s}-{n}" for s, n in MALFORMED])
def test_a_malformed_page_is_a_clear_error(sources_on_simulator, source, name):
    stream = SOURCES[source].stream(name)
    if stream.parent:
        parents = extract(client_for(sources_on_simulator, source), source, stream.parent).records
    sources_on_simulator.set_faults(source, Faults(malformed_page=1))
    client = client_for(sources_on_simulator, source)
    with pytest.raises(SourceError, match="not JSON; the page is malformed"):
        extract_stream(client, stream, window(source), parents if stream.parent else None)


def test_a_malformed_page_fails_its_stream_and_the_others_are_published(
    clean_warehouse, sources_on_simulator
):
    sources_on_simulator.set_faults("tiktok", Faults(malformed_page=1))
    with pytest.raises(SourceError, match=r"videos .*extract_failed.*malformed") as failure:
        ingest_account("tiktok", FIRST_ACCOUNT["tiktok"], DAY, lookback_days=0)
    assert not isinstance(failure.value, ValidationFailed)  # worth a retry of the task
    assert "user" not in str(failure.value).split("not published:")[1]
    assert [(r["stream"], r["status"], r["reason"]) for r in loads(clean_warehouse, "tiktok")] == [
        ("user", "published", None),
        ("videos", "extract_failed", "malformed_response"),
    ]


# ---- retired metrics -------------------------------------------------------------------------------
RETIRED = [
    ("instagram", "saves", ["account_insights"]),
    ("facebook", "page_views_total", ["page_insights"]),  # Graph does not name it: each metric alone
    ("facebook", "post_clicks", ["posts", "post_insights"]),
    ("x", "public_metrics", ["user", "posts"]),  # a refused tweet.fields / user.fields value
    ("youtube", "shares", ["channel", "uploads", "channel_daily", "video_daily"]),
    ("tiktok", "share_count", ["videos"]),
    ("plausible", "pageviews", ["traffic_daily"]),
    ("ga4", "keyEvents", ["traffic_daily"]),
]


def _mentions(record: dict, metric: str) -> bool:
    return record.get("name") == metric or metric in record or metric in json.dumps(record)


@pytest.mark.parametrize(("source", "metric", "streams"), RETIRED, ids=[f"{s}-{m}" for s, m, _ in RETIRED])
def test_a_retired_metric_is_recorded_and_the_rest_lands(
    clean_warehouse, sources_on_simulator, monkeypatch, source, metric, streams
):
    only_streams(monkeypatch, source, streams)
    sources_on_simulator.set_faults(source, Faults(retired_metrics=[metric]))
    report = ingest_account(source, FIRST_ACCOUNT[source], DAY, lookback_days=0)
    assert {b["status"] for b in report["batches"]} == {"published"}
    audited = {row["stream"]: row for row in loads(clean_warehouse, source)}
    affected = [name for name in streams if SOURCES[source].stream(name).requests[0].metrics_param]
    for name in affected:
        assert audited[name]["unavailable_metrics"] == [metric]
        stream = SOURCES[source].stream(name)
        day = DAY if stream.kind == "daily" else audited[name]["interval_start"]
        records = raw_records(clean_warehouse, f"{source}__{name}", FIRST_ACCOUNT[source], day)
        assert records or name in ("video_daily",), f"nothing landed in {name}"
        assert not any(_mentions(record, metric) for record in records)


# ---- empty days, restatement, many accounts ----------------------------------------------------
# Streams where a day without rows is legitimate (no data yet, no conversions) ...
EMPTY_DAY_STREAMS = {
    "linkedin": ["follower_statistics", "share_statistics"],
    "youtube": ["channel_daily", "video_daily"],
    "plausible": ["traffic_daily", "goals_daily"],  # a day without a visit has no row
    "ga4": ["traffic_daily"],
}
# The lists a daily stream takes its items from (YouTube's videos, for their launch windows).
LISTS_FOR = {"youtube": ["channel", "uploads"]}
# ... and streams the platform always answers for a day it covers.
ALWAYS_ANSWERED = {"facebook": ["page_insights"]}


@pytest.mark.parametrize("source", sorted(EMPTY_DAY_STREAMS))
def test_an_empty_day_is_published_with_zero_rows(clean_warehouse, sources_on_simulator, monkeypatch, source):
    daily = EMPTY_DAY_STREAMS[source]
    only_streams(monkeypatch, source, [*LISTS_FOR.get(source, []), *daily])
    lag = SOURCES[source].lag_days  # the window starts lag_days early: every day of it is empty
    empty = [(DAY - timedelta(days=offset)).isoformat() for offset in range(lag + 1)]
    sources_on_simulator.set_faults(source, Faults(empty_days=empty))
    report = ingest_account(source, FIRST_ACCOUNT[source], DAY, lookback_days=0)
    assert [(b["stream"], b["status"], b["rows"]) for b in report["batches"] if b["stream"] in daily] == [
        (name, "published", 0) for name in daily
    ]


@pytest.mark.parametrize("source", sorted(ALWAYS_ANSWERED))
def test_an_empty_day_of_a_stream_always_answered_is_quarantined(
    clean_warehouse, sources_on_simulator, monkeypatch, source
):
    only_streams(monkeypatch, source, ALWAYS_ANSWERED[source])
    sources_on_simulator.set_faults(source, Faults(empty_days=[DAY.isoformat()]))
    with pytest.raises(ValidationFailed, match="empty_interval"):
        ingest_account(source, FIRST_ACCOUNT[source], DAY, lookback_days=0)
    assert {(r["status"], r["reason"]) for r in loads(clean_warehouse, source)} == {
        ("quarantined", "empty_interval")
    }


def test_lookback_re_extracts_and_replaces_what_the_platform_revised(clean_warehouse, sources_on_simulator):
    ingest_account("plausible", PLAUSIBLE_SITE, DAY - timedelta(days=1), lookback_days=0)
    first = loads(clean_warehouse, "plausible")
    before = raw_records(clean_warehouse, "plausible__traffic_daily", PLAUSIBLE_SITE, DAY - timedelta(days=1))
    report = ingest_account("plausible", PLAUSIBLE_SITE, DAY, lookback_days=1)
    assert {(b["day"], b["last_day"]) for b in report["batches"]} == {
        ((DAY - timedelta(days=1)).isoformat(), DAY.isoformat())  # one batch per stream for the range
    }
    after = raw_records(clean_warehouse, "plausible__traffic_daily", PLAUSIBLE_SITE, DAY - timedelta(days=1))
    assert after == before  # the simulator's past days do not change: the same records ...
    with psycopg.connect(clean_warehouse) as conn:
        batches = conn.execute(
            "select distinct batch_id from raw.plausible__traffic_daily where interval_start = %s",
            (DAY - timedelta(days=1),),
        ).fetchall()
    assert len(batches) == 1  # ... from one batch, the new one
    assert batches[0][0] not in {row["batch_id"] for row in first}


def test_one_failing_account_does_not_stop_the_others(
    clean_warehouse, sources_on_simulator, monkeypatch, tmp_path
):
    """As the DAG maps one task per account: a page the token cannot read fails alone."""
    document = yaml.safe_load(Path(os.environ["SOCIALKPI_CONFIG"]).read_text())
    unknown = "104000000009999"  # a page the token has no access to (the simulator does not serve it)
    document["sources"] = {
        "facebook": {
            **document["sources"]["facebook"],
            "accounts": [
                {"id": FB_PAGE, "timezone": TIMEZONE},
                {"id": unknown, "timezone": TIMEZONE},
                {"id": FB_OTHER_PAGE, "timezone": TIMEZONE},
            ],
        }
    }
    path = tmp_path / "socialkpi.yml"
    path.write_text(yaml.safe_dump(document))
    monkeypatch.setenv("SOCIALKPI_CONFIG", str(path))
    only_streams(monkeypatch, "facebook", ["page", "page_insights"])
    outcomes = {}
    for target in targets():
        try:
            ingest_account(target["source"], target["account_id"], DAY, lookback_days=0)
            outcomes[target["account_id"]] = "success"
        except SocialKpiError as exc:
            outcomes[target["account_id"]] = str(exc)
    assert outcomes[FB_PAGE] == outcomes[FB_OTHER_PAGE] == "success"
    assert f"account {unknown}" in outcomes[unknown] and "extract_failed" in outcomes[unknown]
    assert "Unsupported get request" in outcomes[unknown]
    published = {
        (r["account_id"], r["stream"])
        for r in loads(clean_warehouse, "facebook")
        if r["status"] == "published"
    }
    assert published == {(a, s) for a in (FB_PAGE, FB_OTHER_PAGE) for s in ("page", "page_insights")}


def test_two_tiktok_creators_each_land_their_own_user(clean_warehouse, monkeypatch, tmp_path):
    """A Display API token is one creator's: each account reads through its own connection, whose
    token the simulator answers for (on one shared connection the second would read the first)."""
    from socialkpi.pipeline import build_simulator

    creators = [FIRST_ACCOUNT["tiktok"], "5c0ffee0-0000-4000-8000-000000000002"]
    document = {
        "sources": {
            "tiktok": {
                "accounts": [
                    {"id": creator, "timezone": TIMEZONE, "connection_id": f"socialkpi_tiktok_{n}"}
                    for n, creator in enumerate(creators, start=1)
                ]
            }
        }
    }
    path = tmp_path / "socialkpi.yml"
    path.write_text(yaml.safe_dump(document))
    monkeypatch.setenv("SOCIALKPI_CONFIG", str(path))
    only_streams(monkeypatch, "tiktok", ["user"])
    simulator = build_simulator(load_config(), port=0).start()
    try:
        connect_to_simulator(monkeypatch, simulator.url)
        for creator in creators:
            ingest_account("tiktok", creator, DAY, lookback_days=0)
    finally:
        simulator.stop()
    assert {(r["account_id"], r["status"]) for r in loads(clean_warehouse, "tiktok")} == {
        (creator, "published") for creator in creators
    }
    with psycopg.connect(clean_warehouse) as conn:
        landed = conn.execute("select account_id, record->>'open_id' from raw.tiktok__user").fetchall()
    assert sorted(landed) == sorted((creator, creator) for creator in creators)


def test_linkedin_reads_the_statistics_of_twenty_posts_a_request(clean_warehouse, sources_on_simulator):
    report = ingest_account("linkedin", LI_ORG, DAY - timedelta(days=59), DAY, lookback_days=0)
    batches = {b["stream"]: b for b in report["batches"]}
    posts = batches["posts"]["rows"]
    assert posts > 20, "too few posts to prove the grouping: widen the range"
    assert batches["post_statistics"]["requests"] == math.ceil(posts / 20)
    statistics = batch_records(
        clean_warehouse, "linkedin__post_statistics", batches["post_statistics"]["batch_id"]
    )
    assert len(statistics) == posts  # one element per post, shares and ugcPosts alike
