"""GA4 runReport: shape, paging, errors, and traffic that follows the social posts."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import requests
from socialkpi.simulator.world import TIMEZONE

from .support import GA4_PROPERTY, IG_OTHER, IG_USER, TODAY, follow_pages

DIMENSIONS = ["date", "sessionSource", "sessionMedium", "sessionCampaignName", "landingPage"]
METRICS = ["sessions", "engagedSessions", "keyEvents", "totalRevenue"]
INSTAGRAM_SOURCES = {"instagram", "instagram.com", "l.instagram.com", "ig"}


def run_report(http, server, start, end=None, **extra):
    body = {
        "dateRanges": [{"startDate": start, "endDate": end or start}],
        "dimensions": [{"name": name} for name in extra.pop("dimensions", DIMENSIONS)],
        "metrics": [{"name": name} for name in extra.pop("metrics", METRICS)],
        **extra,
    }
    return http.post(f"{server.base_url('ga4')}/properties/{GA4_PROPERTY}:runReport", json=body)


def flat_rows(body):
    names = [h["name"] for h in body["dimensionHeaders"]] + [h["name"] for h in body["metricHeaders"]]
    return [
        dict(zip(names, [v["value"] for v in row["dimensionValues"] + row["metricValues"]], strict=True))
        for row in body.get("rows", [])
    ]


def test_report_shape_and_value_types(http, server):
    response = run_report(http, server, "2026-11-20")
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["dimensionHeaders", "metricHeaders", "rows", "rowCount", "metadata", "kind"]
    assert body["metricHeaders"][3] == {"name": "totalRevenue", "type": "TYPE_CURRENCY"}
    assert body["metricHeaders"][0] == {"name": "sessions", "type": "TYPE_INTEGER"}
    assert body["metadata"] == {"currencyCode": "EUR", "timeZone": "Europe/Berlin"}
    assert body["kind"] == "analyticsData#runReport"
    rows = flat_rows(body)
    assert body["rowCount"] == len(rows) > 5
    for row in rows:
        assert row["date"] == "20261120"
        assert all(isinstance(value, str) for value in row.values())
        assert 0 <= int(row["engagedSessions"]) <= int(row["sessions"])
        assert 0 <= int(row["keyEvents"]) <= int(row["sessions"])
        assert float(row["totalRevenue"]) >= 0


def test_limit_offset_paging_covers_every_row_once(http, server):
    everything = flat_rows(run_report(http, server, "2026-11-01", "2026-11-07").json())
    pages, offset = [], 0
    while True:
        body = run_report(http, server, "2026-11-01", "2026-11-07", limit=17, offset=offset).json()
        assert body["rowCount"] == len(everything)
        pages.extend(flat_rows(body))
        offset += 17
        if offset >= body["rowCount"]:
            break
    assert pages == everything
    keys = [tuple(row[name] for name in DIMENSIONS) for row in pages]
    assert len(keys) == len(set(keys))


def test_dimension_subset_aggregates(http, server):
    full = flat_rows(run_report(http, server, "2026-11-10").json())
    by_source = flat_rows(
        run_report(http, server, "2026-11-10", dimensions=["sessionSource"], metrics=["sessions"]).json()
    )
    assert sum(int(r["sessions"]) for r in by_source) == sum(int(r["sessions"]) for r in full)


def test_future_days_have_no_rows(http, server):
    body = run_report(http, server, TODAY.isoformat()).json()
    assert "rows" not in body
    assert body.get("rowCount", 0) == 0
    assert body["kind"] == "analyticsData#runReport"


def test_unknown_fields_answer_invalid_argument(http, server):
    for extra in ({"metrics": ["conversions"]}, {"dimensions": ["deviceModelName"]}):
        response = run_report(http, server, "2026-11-10", **extra)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT"
        assert "is not a valid" in error["message"]


def test_relative_dates_and_unknown_property(http, server):
    body = run_report(http, server, "7daysAgo", "yesterday", dimensions=["date"], metrics=["sessions"]).json()
    assert body["rowCount"] == 7
    response = http.post(
        f"{server.base_url('ga4')}/properties/42:runReport",
        json={
            "dateRanges": [{"startDate": "yesterday", "endDate": "yesterday"}],
            "metrics": [{"name": "sessions"}],
        },
    )
    assert response.status_code == 403
    assert response.json()["error"]["status"] == "PERMISSION_DENIED"


def test_missing_token_is_unauthenticated(server):
    response = requests.post(f"{server.base_url('ga4')}/properties/{GA4_PROPERTY}:runReport", json={})
    assert response.status_code == 401
    assert response.json()["error"]["status"] == "UNAUTHENTICATED"


def test_instagram_posts_bring_sessions_under_their_campaign(http, server):
    media = []
    for account in (IG_USER, IG_OTHER):
        media += follow_pages(
            http,
            f"{server.base_url('instagram')}/{account}/media",
            {"fields": "caption,timestamp", "limit": 50},
        )
    window_start = TODAY - timedelta(days=21)
    post_days = {}
    for item in media:
        day = datetime.strptime(item["timestamp"], "%Y-%m-%dT%H:%M:%S%z").astimezone(TIMEZONE).date()
        if not window_start <= day < TODAY or "utm_campaign=" not in item["caption"]:
            continue
        url = item["caption"].split("Link: ")[1].split()[0]
        campaign = parse_qs(urlsplit(url).query)["utm_campaign"][0]
        post_days.setdefault(day, set()).add(campaign)
    assert post_days
    rows = flat_rows(run_report(http, server, window_start.isoformat(), "yesterday").json())
    social = {}
    for row in rows:
        if row["sessionSource"] in INSTAGRAM_SOURCES and row["sessionMedium"] in ("social", "referral"):
            social.setdefault(row["date"], set()).add(row["sessionCampaignName"])
    for day, campaigns in post_days.items():
        assert campaigns <= social.get(day.strftime("%Y%m%d"), set()), day
    # social sessions only exist on post days and the few days after
    for ga4_day in social:
        day = datetime.strptime(ga4_day, "%Y%m%d").date()
        after_a_post = any(0 <= (day - post_day).days <= 3 for post_day in post_days)
        assert after_a_post or day < window_start + timedelta(days=4), day


def test_non_social_and_paid_social_traffic_exist(http, server):
    rows = flat_rows(run_report(http, server, "2026-11-03", "2026-11-05").json())
    pairs = {(row["sessionSource"], row["sessionMedium"]) for row in rows}
    assert {
        ("google", "organic"),
        ("(direct)", "(none)"),
        ("newsletter", "email"),
        ("google", "cpc"),
    } <= pairs
    assert ("facebook", "paid_social") in pairs or ("instagram", "paid_social") in pairs


def test_facebook_and_linkedin_posts_bring_sessions_too(http, server):
    from .support import FB_PAGE, LI_ORG

    window_start = TODAY - timedelta(days=14)
    fb_posts = follow_pages(
        http,
        f"{server.base_url('facebook')}/{FB_PAGE}/published_posts",
        {"fields": "message,created_time", "limit": 50, "since": window_start.isoformat()},
    )
    li_posts = http.get(
        f"{server.base_url('linkedin')}/rest/posts",
        params={"q": "author", "author": f"urn:li:organization:{LI_ORG}", "count": 30},
        headers={"LinkedIn-Version": "202610"},
    ).json()["elements"]
    expected = []
    for post in fb_posts:
        if "utm_campaign=" in post["message"]:
            day = datetime.strptime(post["created_time"], "%Y-%m-%dT%H:%M:%S%z").astimezone(TIMEZONE).date()
            expected.append(
                ({"facebook", "l.facebook.com", "m.facebook.com", "facebook.com"}, day, post["message"])
            )
    for post in li_posts:
        day = datetime.fromtimestamp(post["publishedAt"] / 1000, tz=TIMEZONE).date()
        if "utm_campaign=" in post["commentary"] and day >= window_start:
            expected.append(({"linkedin", "linkedin.com", "lnkd.in"}, day, post["commentary"]))
    assert expected
    rows = flat_rows(run_report(http, server, window_start.isoformat(), "yesterday").json())
    for sources, day, text in expected:
        campaign = parse_qs(urlsplit(text.split()[-1]).query)["utm_campaign"][0]
        assert any(
            row["sessionSource"] in sources
            and row["sessionCampaignName"] == campaign
            and row["date"] == day.strftime("%Y%m%d")
            for row in rows
        ), (sources, day, campaign)
