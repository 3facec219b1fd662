"""Plausible Stats API v2 query: results, meta, query echo, pagination, goals."""

from __future__ import annotations

from .support import PLAUSIBLE_SITE


def query(http, server, **body):
    response = http.post(
        f"{server.base_url('plausible')}/api/v2/query", json={"site_id": PLAUSIBLE_SITE, **body}
    )
    return response


def test_timeseries_by_day(http, server):
    body = query(
        http, server, metrics=["visitors", "visits", "events"], date_range="7d", dimensions=["time:day"]
    ).json()
    days = [result["dimensions"][0] for result in body["results"]]
    assert days == sorted(days) and len(days) == 7
    for result in body["results"]:
        visitors, visits, events = result["metrics"]
        assert 0 < visitors <= visits <= events
    assert body["query"]["date_range"][0].endswith("T00:00:00+01:00")
    assert body["meta"] == {}


def test_pagination_and_total_rows(http, server):
    everything = query(
        http, server, metrics=["visits"], date_range="30d", dimensions=["visit:source", "visit:utm_campaign"]
    ).json()
    page = query(
        http,
        server,
        metrics=["visits"],
        date_range="30d",
        dimensions=["visit:source", "visit:utm_campaign"],
        include={"total_rows": True},
        pagination={"limit": 3, "offset": 2},
    ).json()
    assert page["results"] == everything["results"][2:5]
    assert page["meta"]["total_rows"] == len(everything["results"])
    sources = {result["dimensions"][0] for result in everything["results"]}
    assert {"Google", "Direct / None", "Instagram"} <= sources


def test_goals_and_conversion_rate(http, server):
    body = query(
        http,
        server,
        metrics=["visitors", "events", "conversion_rate"],
        date_range="7d",
        dimensions=["event:goal"],
    ).json()
    goals = {result["dimensions"][0]: result["metrics"] for result in body["results"]}
    assert set(goals) == {"Purchase", "Newsletter Signup"}
    assert all(0 < metrics[2] < 100 for metrics in goals.values())
    without_goal = query(http, server, metrics=["conversion_rate"], date_range="7d")
    assert without_goal.status_code == 400
    assert "conversion_rate" in without_goal.json()["error"]


def test_unknown_metric_and_site(http, server):
    bad_metric = query(http, server, metrics=["impressions"], date_range="7d")
    assert bad_metric.status_code == 400
    assert bad_metric.json() == {"error": '#/metrics/0: Invalid metric "impressions"'}
    unknown = http.post(
        f"{server.base_url('plausible')}/api/v2/query",
        json={"site_id": "other.example", "metrics": ["visits"], "date_range": "7d"},
    )
    assert unknown.status_code == 401
