"""Accounts in several timezones, over HTTP: each platform cuts days where the real one does.

Meta (Instagram, Facebook) and YouTube Analytics: US Pacific days. LinkedIn: UTC days
(tests/simulator/test_linkedin.py). GA4 and Plausible: the property's / site's zone. The world
model is the reference (``socialkpi.simulator.expected``), never the extractor.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from socialkpi.simulator import SimulatorServer, expected
from socialkpi.simulator.world import PACIFIC, midnight

from .support import AUTH

TODAY = date(2026, 11, 26)
TEHRAN, SYDNEY, KOLKATA = "Asia/Tehran", "Australia/Sydney", "Asia/Kolkata"
IG_TEHRAN = "17841400000000101"  # a small account: quiet days happen
IG_SYDNEY = "17841400000000012"
FB_SYDNEY = "104000000000100"
YT_KOLKATA = "UC_timezones_kolkata_0001"
GA4_SYDNEY = "987654321"
SMALL_SITE = "shop.northwind.example"  # a small site: days without a visit happen
ACCOUNTS = {
    "instagram": [{"id": IG_TEHRAN, "timezone": TEHRAN}, {"id": IG_SYDNEY, "timezone": SYDNEY}],
    "facebook": [{"id": FB_SYDNEY, "timezone": SYDNEY}],
    "youtube": [{"id": YT_KOLKATA, "timezone": KOLKATA}],
    "ga4": [{"id": GA4_SYDNEY, "timezone": SYDNEY}],
    "plausible": [{"id": SMALL_SITE, "timezone": TEHRAN}],
}


@pytest.fixture(scope="module")
def server() -> Iterator[SimulatorServer]:
    simulator = SimulatorServer(seed=42, accounts=ACCOUNTS, today=TODAY).start()
    yield simulator
    simulator.stop()


@pytest.fixture
def http() -> Iterator[requests.Session]:
    session = requests.Session()
    session.headers.update(AUTH)
    yield session
    session.close()


def window(day: date, zone) -> dict[str, int]:
    return {
        "since": int(midnight(day, zone).timestamp()),
        "until": int(midnight(day + timedelta(days=1), zone).timestamp()),
    }


def ig_insights(http, server, account_id, params) -> dict:
    response = http.get(f"{server.base_url('instagram')}/{account_id}/insights", params=params)
    assert response.status_code == 200, response.text
    return {element["name"]: element for element in response.json()["data"]}


def parse_end_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z")


@pytest.mark.parametrize(("account_id", "zone"), [(IG_TEHRAN, TEHRAN), (IG_SYDNEY, SYDNEY)])
def test_meta_end_times_are_pacific_midnights_whatever_the_account_zone(http, server, account_id, zone):
    # Around the US switch (2026-11-01): PDT ends at T07:00, PST at T08:00 (+0000).
    for day, hour in ((date(2026, 10, 30), 7), (date(2026, 11, 1), 8), (date(2026, 11, 20), 8)):
        local = window(day, ZoneInfo(zone))
        series = ig_insights(http, server, account_id, {"metric": "follower_count", "period": "day", **local})
        [point] = series["follower_count"]["values"]
        end = parse_end_time(point["end_time"])
        # A window at the account's local midnights (east of Pacific) answers the Pacific day
        # that began before it: the previous date.
        assert end == midnight(day, PACIFIC)
        assert end.astimezone(PACIFIC).hour == 0
        pacific = ig_insights(
            http, server, account_id, {"metric": "follower_count", "period": "day", **window(day, PACIFIC)}
        )
        [point] = pacific["follower_count"]["values"]
        assert parse_end_time(point["end_time"]) == midnight(day + timedelta(days=1), PACIFIC)
        assert point["end_time"].endswith(f"T{hour:02d}:00:00+0000")


def test_pacific_local_and_utc_days_give_different_consistent_totals(server):
    account = server.world.account("instagram", IG_SYDNEY)
    first, last = date(2026, 10, 1), date(2026, 10, 10)
    start, end = midnight(first, PACIFIC), midnight(last + timedelta(days=1), PACIFIC)
    cuts = {}
    for name, zone in (("pacific", PACIFIC), ("utc", UTC), ("local", account.tz)):
        cuts[name] = [
            account.activity(day, zone).follows for day in [first + timedelta(n) for n in range(10)]
        ]
    assert cuts["pacific"] != cuts["local"] and cuts["utc"] != cuts["local"]
    # consecutive cuts add up: the Pacific days tile [start, end) exactly
    assert sum(cuts["pacific"]) == account.activity_between(start, end).follows
    followers = account.followers_at(end) - account.followers_at(start)
    moved = account.activity_between(start, end)
    assert followers == moved.follows - moved.unfollows


def test_quiet_day_answers_follows_and_unfollows_with_empty_results(http, server):
    quiet = expected.quiet_days(
        "instagram", IG_TEHRAN, TEHRAN, TODAY - timedelta(days=20), TODAY - timedelta(days=1)
    )
    busy = [
        day
        for day in (TODAY - timedelta(days=n) for n in range(1, 21))
        if day not in quiet and server.world.account("instagram", IG_TEHRAN).activity(day, PACIFIC).follows
    ]
    assert quiet and busy
    params = {"metric": "follows_and_unfollows", "period": "day", "metric_type": "total_value"}
    params["breakdown"] = "follow_type"
    body = ig_insights(http, server, IG_TEHRAN, {**params, **window(quiet[0], PACIFIC)})
    total = body["follows_and_unfollows"]["total_value"]
    assert total == {"value": 0, "breakdowns": [{"dimension_keys": ["follow_type"], "results": []}]}
    busy_total = ig_insights(http, server, IG_TEHRAN, {**params, **window(busy[0], PACIFIC)})
    results = busy_total["follows_and_unfollows"]["total_value"]["breakdowns"][0]["results"]
    assert results and all(result["value"] != 0 for result in results)


def test_a_metric_without_data_has_no_entry(http, server):
    account = server.world.account("instagram", IG_SYDNEY)
    from socialkpi.simulator.instagram import has_stories

    storyless = next(
        day for day in (TODAY - timedelta(days=n) for n in range(1, 30)) if not has_stories(account, day)
    )
    params = {
        "metric": "likes,replies",
        "period": "day",
        "metric_type": "total_value",
        **window(storyless, PACIFIC),
    }
    body = ig_insights(http, server, IG_SYDNEY, params)
    assert "likes" in body and "replies" not in body


def test_facebook_page_days_are_pacific_for_a_sydney_page(http, server):
    day = date(2026, 10, 4)  # Sydney's DST switch day
    response = http.get(
        f"{server.base_url('facebook')}/{FB_SYDNEY}/insights",
        params={"metric": "page_follows,page_daily_follows_unique", "period": "day", **window(day, PACIFIC)},
    )
    assert response.status_code == 200, response.text
    data = {element["name"]: element["values"] for element in response.json()["data"]}
    account = server.world.account("facebook", FB_SYDNEY)
    [follows] = data["page_follows"]
    assert follows == {
        "value": account.followers_at(midnight(day + timedelta(days=1), PACIFIC)),
        "end_time": "2026-10-05T07:00:00+0000",
    }
    assert data["page_daily_follows_unique"][0]["value"] == account.activity(day, PACIFIC).follows


def test_youtube_days_are_pacific_dates_and_wait_for_the_pacific_day_to_end(http, server):
    response = http.get(
        f"{server.url}/youtube-analytics/v2/reports",
        params={
            "ids": f"channel=={YT_KOLKATA}",
            "startDate": (TODAY - timedelta(days=3)).isoformat(),
            "endDate": TODAY.isoformat(),
            "metrics": "views,subscribersGained,subscribersLost",
            "dimensions": "day",
        },
    )
    assert response.status_code == 200, response.text
    rows = response.json()["rows"]
    assert [row[0] for row in rows] == [(TODAY - timedelta(days=n)).isoformat() for n in (3, 2, 1)]
    for row in rows:
        day = date.fromisoformat(row[0])
        want = expected.account_day("youtube", YT_KOLKATA, KOLKATA, day, TODAY)
        assert row[1:] == [want["views"], want["followers_gained"], want["followers_lost"]]


def test_ga4_dates_are_the_property_zone_and_all_zero_rows_are_dropped(http, server):
    url = f"{server.base_url('ga4')}/properties/{GA4_SYDNEY}:runReport"
    body = {
        "dateRanges": [{"startDate": "2026-11-20", "endDate": "2026-11-20"}],
        "dimensions": [{"name": "date"}, {"name": "sessionSource"}],
        "metrics": [{"name": "keyEvents"}],
    }
    dropped = http.post(url, json=body).json()
    kept = http.post(url, json={**body, "keepEmptyRows": True}).json()
    assert dropped["metadata"]["timeZone"] == SYDNEY
    values = [row["metricValues"][0]["value"] for row in dropped["rows"]]
    assert "0" not in values
    assert len(kept["rows"]) > len(dropped["rows"])
    assert {row["metricValues"][0]["value"] for row in kept["rows"]} >= {"0"}


def test_plausible_answers_a_quiet_day_with_empty_results_in_the_site_zone(http, server):
    traffic_days = [TODAY - timedelta(days=n) for n in range(1, 40)]
    from socialkpi.simulator.traffic import WebTraffic

    site = WebTraffic(server.world, SMALL_SITE, "plausible")
    quiet = next(day for day in traffic_days if site.is_quiet(day))
    response = http.post(
        f"{server.base_url('plausible')}/api/v2/query",
        json={
            "site_id": SMALL_SITE,
            "metrics": ["visits"],
            "date_range": [quiet.isoformat(), quiet.isoformat()],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["results"] == []
    assert body["query"]["date_range"][0] == f"{quiet.isoformat()}T00:00:00+03:30"


def test_requests_served_are_counted_per_source(http, server):
    from socialkpi.simulator import Faults

    server.reset_requests_served()
    http.get(f"{server.base_url('instagram')}/{IG_TEHRAN}", params={"fields": "id"})
    server.set_faults("instagram", Faults())  # resets the fault counter, not this one
    http.get(f"{server.base_url('instagram')}/{IG_TEHRAN}", params={"fields": "id"})
    http.get(f"{server.base_url('facebook')}/{FB_SYDNEY}", params={"fields": "id"})
    assert server.requests_served() == {"instagram": 2, "facebook": 1}
    assert requests.get(f"{server.url}/_simulator/requests").json() == {"instagram": 2, "facebook": 1}
    server.clear_faults()


def test_an_unknown_timezone_is_a_one_line_error():
    with pytest.raises(ValueError, match="unknown timezone 'Mars/Olympus'"):
        SimulatorServer(seed=1, accounts={"instagram": [{"id": "1", "timezone": "Mars/Olympus"}]})


@pytest.mark.parametrize(("account_id", "zone"), [(IG_TEHRAN, TEHRAN), (IG_SYDNEY, SYDNEY)])
def test_instagram_answers_what_the_recomputation_expects(http, server, account_id, zone):
    names = ("likes", "comments", "shares", "saves", "reach", "views")
    for day in (date(2026, 10, 4), date(2026, 11, 1), TODAY - timedelta(days=1)):
        params = {"metric": ",".join(names), "period": "day", "metric_type": "total_value"}
        body = ig_insights(http, server, account_id, {**params, **window(day, PACIFIC)})
        want = expected.account_day("instagram", account_id, zone, day, TODAY)
        assert {name: body[name]["total_value"]["value"] for name in names} == {
            name: want[name] for name in names
        }
        moves = ig_insights(
            http,
            server,
            account_id,
            {
                "metric": "follows_and_unfollows",
                "period": "day",
                "metric_type": "total_value",
                "breakdown": "follow_type",
                **window(day, PACIFIC),
            },
        )
        results = moves["follows_and_unfollows"]["total_value"]["breakdowns"][0]["results"]
        served = {result["dimension_values"][0]: result["value"] for result in results}
        assert served.get("FOLLOWER", 0) == want["followers_gained"]
        assert served.get("NON_FOLLOWER", 0) == want["followers_lost"]
