"""Competitor benchmarks end to end over HTTP: the simulator's Business Discovery, YouTube and X
public lookups, read by the production extractor into the real warehouse (#12)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest
import requests
import yaml
from socialkpi.config import Account, Competitor, load_config
from socialkpi.errors import ConfigError
from socialkpi.http import SourceClient
from socialkpi.ingest import ingest_account
from socialkpi.sources import SOURCES
from socialkpi.sources.competitors import UNAVAILABLE_PREFIX, UsageGuard, read_competitors, usage_share

from tests.support.accounts import FIRST_ACCOUNT

pytestmark = pytest.mark.warehouse

NOW = datetime.now(UTC)
TIMEZONE = "Europe/Berlin"


def client_for(simulator, source: str) -> SourceClient:
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
        sleep=lambda seconds: None,
    )


def own(source: str) -> Account:
    return Account(id=FIRST_ACCOUNT[source], name="Northwind", timezone=TIMEZONE)


def loads(url: str, source: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            """select stream, account_id, status, row_count, unavailable_metrics, message
               from audit.loads where source = %s order by stream, account_id""",
            (source,),
        ).fetchall()


def read(simulator, url: str, source: str, handles: list[str]) -> list[dict]:
    client = client_for(simulator, source)
    competitors = [Competitor(handle=h, name=h) for h in handles]
    with psycopg.connect(url, autocommit=True) as conn:
        try:
            return read_competitors(client, source, own(source), conn, url, competitors, now=NOW)
        finally:
            client.close()


def test_business_discovery_publishes_public_numbers_and_records_an_unknown_handle(
    simulator, clean_warehouse
):
    outcomes = read(simulator, clean_warehouse, "instagram", ["fiveelephant", "no.such.cafe", "private.cafe"])
    assert [o["status"] for o in outcomes] == ["published", "unavailable", "unavailable"]
    assert "Invalid user id" in outcomes[1]["detail"]
    with psycopg.connect(clean_warehouse) as conn:
        record, account_id, day = conn.execute(
            "select record, account_id, interval_start from raw.instagram__competitor_accounts"
        ).fetchone()
    assert account_id == "fiveelephant"
    assert day == NOW.astimezone(own("instagram").tz).date() - timedelta(days=1)
    assert record["username"] == "fiveelephant" and record["followers_count"] > 0
    media = record["media"]["data"]
    assert media and {"like_count", "comments_count", "timestamp"} <= set(media[0])
    # public fields only: no insights for another account's media
    assert not any("insights" in item or "reach" in item for item in media)
    audit = {(row[1], row[2], row[3]): row for row in loads(clean_warehouse, "instagram")}
    unknown = audit[("no.such.cafe", "published", 0)]
    assert unknown[4] == [UNAVAILABLE_PREFIX + "no.such.cafe"] and "2207013" not in (unknown[5] or "x")


def test_competitors_are_read_at_most_once_a_day(simulator, clean_warehouse):
    first = read(simulator, clean_warehouse, "x", ["fiveelephant", "lockedroaster", "nobody_here"])
    assert [o["status"] for o in first] == ["published", "unavailable", "unavailable"]
    assert "protected" in first[1]["detail"]
    second = read(simulator, clean_warehouse, "x", ["fiveelephant", "lockedroaster", "nobody_here"])
    assert [o["status"] for o in second] == ["skipped", "skipped", "skipped"]
    with psycopg.connect(clean_warehouse) as conn:
        posts = conn.execute(
            "select count(*), count(distinct account_id) from raw.x__competitor_posts"
        ).fetchone()
    assert posts[0] > 0 and posts[1] == 1


def test_youtube_competitor_channel_and_recent_videos(simulator, clean_warehouse):
    outcomes = read(
        simulator, clean_warehouse, "youtube", ["UCfiveElephantCoffee0001", "UCnoSuchChannel000000000"]
    )
    assert [o["status"] for o in outcomes] == ["published", "unavailable"]
    with psycopg.connect(clean_warehouse) as conn:
        channel = conn.execute("select record from raw.youtube__competitor_channels").fetchone()[0]
        videos = conn.execute(
            "select count(*) from raw.youtube__competitor_videos where account_id = 'UCfiveElephantCoffee0001'"
        ).fetchone()[0]
    assert int(channel["statistics"]["subscriberCount"]) > 0
    assert videos > 0


def test_business_discovery_refuses_non_public_fields(simulator):
    response = requests.get(
        f"{simulator.url}{SOURCES['instagram'].simulator_path}/{FIRST_ACCOUNT['instagram']}",
        params={"fields": "business_discovery.username(fiveelephant){followers_count,insights}"},
        headers={"Authorization": "Bearer t"},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 100


def test_usage_headers_stop_competitors_before_the_limit(simulator):
    assert usage_share({"x-app-usage": '{"call_count":12,"total_cputime":85,"total_time":3}'}) == 0.85
    assert usage_share({"X-Business-Use-Case-Usage": '{"1": [{"call_count": 40, "total_time": 2}]}'}) == 0.4
    assert usage_share({"x-rate-limit-limit": "900", "x-rate-limit-remaining": "90"}) == pytest.approx(0.9)
    assert usage_share({}) is None
    client = client_for(simulator, "x")
    guard = UsageGuard(client, "x")
    client.get_json("/2/users/by/username/fiveelephant", params={"user.fields": "public_metrics"})
    assert guard.reason_to_stop() is None  # the simulator's window is nearly unused
    guard.headers = {"x-rate-limit-limit": "900", "x-rate-limit-remaining": "50"}
    assert "94%" in guard.reason_to_stop()
    client.close()


def test_an_unavailable_competitor_never_fails_the_account(
    sources_on_simulator, clean_warehouse, tmp_path, monkeypatch
):
    document = yaml.safe_load(load_config().path.read_text())
    document["competitors"] = {"instagram": [{"handle": "thebarn.coffee"}, {"handle": "gone.cafe"}]}
    path = tmp_path / "socialkpi.yml"
    path.write_text(yaml.safe_dump(document))
    monkeypatch.setenv("SOCIALKPI_CONFIG", str(path))
    day = NOW.astimezone(own("instagram").tz).date() - timedelta(days=2)
    summary = ingest_account("instagram", FIRST_ACCOUNT["instagram"], day, day, lookback_days=0)
    assert [o["status"] for o in summary["competitors"]] == ["published", "unavailable"]
    assert all(b["status"] == "published" for b in summary["batches"])


@pytest.mark.parametrize(
    ("competitors", "message"),
    [
        ({"tiktok": [{"handle": "a"}]}, "competitors can be read on instagram, youtube, x only"),
        ({"instagram": [{"handle": "has space"}]}, "is not an Instagram username"),
        ({"youtube": [{"handle": "fiveelephant"}]}, "is not a YouTube channel id"),
        ({"x": [{"handle": "a"}, {"handle": "A"}]}, "repeats A"),
        ({"instagram": "fiveelephant"}, "must be a list"),
    ],
)
def test_bad_competitor_entries_are_one_line_errors(tmp_path, competitors, message):
    document = yaml.safe_load(load_config().path.read_text())
    document["competitors"] = competitors
    path = tmp_path / "socialkpi.yml"
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(ConfigError, match=message) as error:
        load_config(path)
    assert "\n" not in str(error.value)


def test_competitor_suites_are_generated_from_the_declarations():
    import json

    from socialkpi.quality.suites import suite_for, suite_path
    from socialkpi.sources.competitors import COMPETITOR_STREAMS

    for stream in COMPETITOR_STREAMS:
        path = suite_path(stream)
        assert json.loads(path.read_text()) == suite_for(stream), f"regenerate {path.name}"
