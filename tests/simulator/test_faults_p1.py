"""Fault injection on Instagram and GA4: each fault's wire shape."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

import pytest
import requests
from socialkpi.simulator import Faults
from socialkpi.simulator.world import PACIFIC

from .support import GA4_PROPERTY, IG_USER, TODAY, day_bounds

YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture(autouse=True)
def no_faults_left_behind(server):
    server.clear_faults()
    yield
    server.clear_faults()


def ig_account(http, server, fields="id,followers_count"):
    return http.get(f"{server.base_url('instagram')}/{IG_USER}", params={"fields": fields})


def ig_media(http, server, **params):
    return http.get(
        f"{server.base_url('instagram')}/{IG_USER}/media",
        params={"fields": "id,like_count,timestamp", "limit": 5, **params},
    )


def ga4_report(http, server, start="2026-11-20", end="2026-11-20", **extra):
    body = {
        "dateRanges": [{"startDate": start, "endDate": end}],
        "dimensions": [{"name": "date"}, {"name": "sessionSource"}],
        "metrics": [{"name": "sessions"}],
        **extra,
    }
    return http.post(f"{server.base_url('ga4')}/properties/{GA4_PROPERTY}:runReport", json=body)


def test_rate_limit_every_nth_call_is_a_transient_graph_throttle(http, server):
    server.set_faults("instagram", Faults(rate_limit_every=3))
    statuses = [ig_account(http, server) for _ in range(6)]
    assert [r.status_code for r in statuses] == [200, 200, 400, 200, 200, 400]
    for throttled in (statuses[2], statuses[5]):
        error = throttled.json()["error"]
        assert error["code"] in (4, 17, 32, 613)
        assert error["is_transient"] is True
        assert error["type"] == "OAuthException"


def test_faults_are_counted_per_source(http, server):
    server.set_faults("instagram", Faults(rate_limit_every=1))
    assert ig_account(http, server).status_code == 400
    assert ga4_report(http, server).status_code == 200


def test_ga4_rate_limit_is_resource_exhausted(http, server):
    server.set_faults("ga4", Faults(rate_limit_every=2))
    assert ga4_report(http, server).status_code == 200
    throttled = ga4_report(http, server)
    assert throttled.status_code == 429
    assert throttled.json()["error"]["status"] == "RESOURCE_EXHAUSTED"


def test_server_errors_alternate_500_and_503(http, server):
    server.set_faults("instagram", Faults(server_error_every=2))
    codes = [ig_account(http, server).status_code for _ in range(4)]
    assert codes == [200, 500, 200, 503]
    server.set_faults("ga4", Faults(server_error_every=1))
    first, second = ga4_report(http, server), ga4_report(http, server)
    assert (first.status_code, first.json()["error"]["status"]) == (500, "INTERNAL")
    assert (second.status_code, second.json()["error"]["status"]) == (503, "UNAVAILABLE")


def test_slow_ms_delays_each_response(http, server):
    server.set_faults("instagram", Faults(slow_ms=150))
    started = time.monotonic()
    assert ig_account(http, server).status_code == 200
    assert time.monotonic() - started >= 0.15


def test_expired_token_is_the_graph_190_463_body(http, server):
    server.set_faults("instagram", Faults(expired_token=True))
    response = ig_account(http, server)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["error_subcode"], error["type"]) == (190, 463, "OAuthException")
    assert error["message"].startswith("Error validating access token: Session has expired on")
    server.set_faults("ga4", Faults(expired_token=True))
    assert ga4_report(http, server).json()["error"]["status"] == "UNAUTHENTICATED"


def test_retired_metrics_answer_like_unknown_metrics(http, server):
    server.set_faults("instagram", Faults(retired_metrics=["reach"]))
    response = http.get(
        f"{server.base_url('instagram')}/{IG_USER}/insights",
        params={"metric": "reach", "period": "day", **day_bounds(YESTERDAY)},
    )
    assert response.status_code == 400
    assert "metric[0] must be one of" in response.json()["error"]["message"]
    server.set_faults("ga4", Faults(retired_metrics=["sessions"]))
    assert ga4_report(http, server).json()["error"]["status"] == "INVALID_ARGUMENT"


def test_malformed_page_is_invalid_json(http, server):
    server.set_faults("instagram", Faults(malformed_page=2))
    first = ig_media(http, server)
    first.json()
    second = http.get(first.json()["paging"]["next"])
    assert second.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(second.text)
    server.set_faults("ga4", Faults(malformed_page=2))
    assert ga4_report(http, server, limit=3).json()
    with pytest.raises(json.JSONDecodeError):
        json.loads(ga4_report(http, server, limit=3, offset=3).text)


def test_empty_days_have_no_data(http, server):
    server.set_faults("instagram", Faults(empty_days=[YESTERDAY.isoformat()]))
    response = http.get(
        f"{server.base_url('instagram')}/{IG_USER}/insights",
        params={"metric": "follower_count", "period": "day", **day_bounds(YESTERDAY)},
    )
    assert response.json()["data"] == []
    server.set_faults("ga4", Faults(empty_days=["2026-11-20"]))
    assert "rows" not in ga4_report(http, server).json()


def test_negative_counts(http, server):
    server.set_faults("instagram", Faults(negative_counts=True))
    assert ig_account(http, server).json()["followers_count"] < 0
    assert all(item["like_count"] < 0 for item in ig_media(http, server).json()["data"])
    server.set_faults("ga4", Faults(negative_counts=True))
    row = ga4_report(http, server).json()["rows"][0]
    assert int(row["metricValues"][0]["value"]) < 0


def test_missing_keys(http, server):
    server.set_faults("instagram", Faults(missing_keys=True))
    assert "followers_count" not in ig_account(http, server).json()
    data = ig_media(http, server).json()["data"]
    assert "like_count" not in data[0] and "id" not in data[1]
    server.set_faults("ga4", Faults(missing_keys=True))
    assert "metricValues" not in ga4_report(http, server).json()["rows"][0]


def test_wrong_account(http, server):
    server.set_faults("instagram", Faults(wrong_account=True))
    assert ig_account(http, server).json()["id"] != IG_USER


def test_dates_out_of_range(http, server):
    server.set_faults("instagram", Faults(dates_out_of_range=True))
    response = http.get(
        f"{server.base_url('instagram')}/{IG_USER}/insights",
        params={"metric": "follower_count", "period": "day", **day_bounds(YESTERDAY)},
    )
    end_time = response.json()["data"][0]["values"][0]["end_time"]
    day = datetime.strptime(end_time, "%Y-%m-%dT%H:%M:%S%z").astimezone(PACIFIC).date()
    assert day - timedelta(days=1) != YESTERDAY
    newest = ig_media(http, server).json()["data"][0]["timestamp"]
    assert datetime.strptime(newest, "%Y-%m-%dT%H:%M:%S%z").astimezone(PACIFIC).date() >= TODAY
    server.set_faults("ga4", Faults(dates_out_of_range=True))
    assert ga4_report(http, server).json()["rows"][0]["dimensionValues"][0]["value"] != "20261120"


def test_duplicate_ids_across_pages(http, server):
    server.set_faults("instagram", Faults(duplicate_ids_across_pages=True))
    first = ig_media(http, server).json()
    second = http.get(first["paging"]["next"]).json()
    assert first["data"][-1]["id"] == second["data"][0]["id"]


def test_follower_jump(http, server):
    normal = ig_account(http, server).json()["followers_count"]
    server.set_faults("instagram", Faults(follower_jump=True))
    assert ig_account(http, server).json()["followers_count"] == normal * 5


def test_faults_can_be_set_and_cleared_over_http(http, server):
    assert requests.get(f"{server.url}/_simulator/health").json() == {"status": "ok"}
    response = requests.post(f"{server.url}/_simulator/faults", json={"instagram": {"rate_limit_every": 1}})
    assert response.status_code == 200
    assert ig_account(http, server).status_code == 400
    assert requests.delete(f"{server.url}/_simulator/faults").status_code == 200
    assert ig_account(http, server).status_code == 200
    bad = requests.post(f"{server.url}/_simulator/faults", json={"instagram": {"nope": 1}})
    assert bad.status_code == 400


def test_fault_values_are_type_checked(server):
    response = requests.post(f"{server.url}/_simulator/faults", json={"ga4": {"rate_limit_every": "3"}})
    assert response.status_code == 400
    assert "rate_limit_every" in response.json()["error"]
