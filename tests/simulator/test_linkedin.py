"""LinkedIn: versioning, follower and share statistics, network size, posts paging."""

from __future__ import annotations

from datetime import timedelta

from socialkpi.simulator.world import local_midnight_utc

from .support import LI_ORG, TODAY

VERSION = {"LinkedIn-Version": "202610", "X-Restli-Protocol-Version": "2.0.0"}
ORG = f"urn:li:organization:{LI_ORG}"


def ms(day):
    return int(local_midnight_utc(day).timestamp() * 1000)


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


def test_follower_gains_add_up_to_the_network_size(http, server, next_day_server):
    body = get(
        http,
        next_day_server,
        "/rest/organizationalEntityFollowerStatistics",
        q="organizationalEntity",
        organizationalEntity=ORG,
        timeIntervals=intervals(TODAY, TODAY),
    )
    [element] = body["elements"]
    gains = element["followerGains"]
    assert element["timeRange"] == {"start": ms(TODAY), "end": ms(TODAY + timedelta(days=1))}
    assert first_degree(http, next_day_server) - first_degree(http, server) == (
        gains["organicFollowerGain"] + gains["paidFollowerGain"]
    )


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
        timeIntervals=intervals(TODAY - timedelta(days=7), TODAY - timedelta(days=1)),
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
