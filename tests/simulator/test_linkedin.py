"""LinkedIn: versioning, follower and share statistics, network size, posts paging."""

from __future__ import annotations

from datetime import UTC, timedelta

from socialkpi.simulator.world import local_midnight_utc, midnight

from .support import LI_ORG, TODAY

VERSION = {"LinkedIn-Version": "202610", "X-Restli-Protocol-Version": "2.0.0"}
ORG = f"urn:li:organization:{LI_ORG}"


def ms(day):
    """A UTC midnight in epoch ms (LinkedIn's DAY buckets are UTC days)."""
    return int(midnight(day, UTC).timestamp() * 1000)


def intervals(first, last):
    return f"(timeRange:(start:{ms(first)},end:{ms(last + timedelta(days=1))}),timeGranularityType:DAY)"


def get(http, server, path, **params):
    response = http.get(f"{server.base_url('linkedin')}{path}", params=params, headers=VERSION)
    assert response.status_code == 200, response.text
    return response.json()


def first_degree(http, server):
    return get(http, server, f"/rest/networkSizes/{ORG}", edgeType="COMPANY_FOLLOWED_BY_MEMBER")[
        "firstDegreeSize"
    ]


def test_version_header_is_required_and_must_be_active(http, server):
    url = f"{server.base_url('linkedin')}/rest/networkSizes/{ORG}"
    missing = http.get(url, params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"})
    assert missing.status_code == 400
    assert missing.json()["code"] == "VERSION_MISSING"
    sunset = http.get(
        url, params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"}, headers={"LinkedIn-Version": "202401"}
    )
    assert sunset.status_code == 426
    assert sunset.json() == {
        "status": 426,
        "code": "NONEXISTENT_VERSION",
        "message": "Requested version 20240101 is not active",
    }


def test_follower_gains_are_utc_days_settled_two_days_late(http, server, next_day_server):
    # Changed on purpose: buckets are UTC days (not the organization's local days) and a day
    # is served once two more UTC days have passed; the network size is live.
    body = get(
        http,
        server,
        "/rest/organizationalEntityFollowerStatistics",
        q="organizationalEntity",
        organizationalEntity=ORG,
        timeIntervals=intervals(TODAY - timedelta(days=4), TODAY),
    )
    settled = [TODAY - timedelta(days=4), TODAY - timedelta(days=3)]
    assert [element["timeRange"] for element in body["elements"]] == [
        {"start": ms(day), "end": ms(day + timedelta(days=1))} for day in settled
    ]
    account = server.world.account("linkedin", LI_ORG)
    for day, element in zip(settled, body["elements"], strict=True):
        gains = element["followerGains"]
        moved = account.activity(day, UTC)
        assert gains["organicFollowerGain"] + gains["paidFollowerGain"] == moved.follows - moved.unfollows
    # the organization's local (Berlin) day is what the live network size moves by
    local = account.activity(TODAY)
    assert first_degree(http, next_day_server) - first_degree(http, server) == local.follows - local.unfollows


def test_a_local_midnight_bucket_is_floored_to_the_utc_day(http, server):
    day = TODAY - timedelta(days=5)
    start = int(local_midnight_utc(day).timestamp() * 1000)  # Berlin midnight: 23:00 UTC the day before
    body = get(
        http,
        server,
        "/rest/organizationalEntityFollowerStatistics",
        q="organizationalEntity",
        organizationalEntity=ORG,
        timeIntervals=f"(timeRange:(start:{start},end:{start + 86_400_000}),timeGranularityType:DAY)",
    )
    [element] = body["elements"]
    assert element["timeRange"]["start"] == ms(day - timedelta(days=1))


def test_lifetime_follower_statistics(http, server):
    body = get(
        http,
        server,
        "/rest/organizationalEntityFollowerStatistics",
        q="organizationalEntity",
        organizationalEntity=ORG,
    )
    [element] = body["elements"]
    assert element["organizationalEntity"] == ORG
    assert element["followerCountsByGeoCountry"][0]["followerCounts"]["organicFollowerCount"] > 0


def test_daily_share_statistics(http, server):
    body = get(
        http,
        server,
        "/rest/organizationalEntityShareStatistics",
        q="organizationalEntity",
        organizationalEntity=ORG,
        timeIntervals=intervals(TODAY - timedelta(days=9), TODAY - timedelta(days=3)),
    )
    assert len(body["elements"]) == 7
    for element in body["elements"]:
        stats = element["totalShareStatistics"]
        assert stats["uniqueImpressionsCount"] <= stats["impressionCount"]
        assert 0 <= stats["engagement"] <= 1


def test_posts_paging_and_per_share_statistics(http, server):
    posts, start = [], 0
    while True:
        body = get(http, server, "/rest/posts", q="author", author=ORG, count=50, start=start)
        posts.extend(body["elements"])
        if not any(link["rel"] == "next" for link in body["paging"]["links"]):
            break
        start += 50
    ids = [post["id"] for post in posts]
    assert len(ids) == len(set(ids)) > 50
    shares = f"List({','.join(ids[:3])})"
    stats = get(
        http,
        server,
        "/rest/organizationalEntityShareStatistics",
        q="organizationalEntity",
        organizationalEntity=ORG,
        shares=shares,
    )
    assert [element["share"] for element in stats["elements"]] == ids[:3]


def test_too_short_day_interval_is_rejected(http, server):
    response = http.get(
        f"{server.base_url('linkedin')}/rest/organizationalEntityFollowerStatistics",
        params={
            "q": "organizationalEntity",
            "organizationalEntity": ORG,
            "timeIntervals": f"(timeRange:(start:{ms(TODAY)},end:{ms(TODAY) + 3600000}),timeGranularityType:DAY)",
        },
        headers=VERSION,
    )
    assert response.status_code == 400
