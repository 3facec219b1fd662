"""Fault injection on every other platform: each fault in the platform's own wire shape."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from socialkpi.simulator import Faults

from .support import FB_PAGE, LI_ORG, PLAUSIBLE_SITE, TODAY, TT_USER, X_USER, YT_CHANNEL, day_bounds

LI_HEADERS = {"LinkedIn-Version": "202610"}
ORG = f"urn:li:organization:{LI_ORG}"
YESTERDAY = TODAY - timedelta(days=1)
PLATFORMS = ["facebook", "x", "linkedin", "youtube", "tiktok", "plausible"]


@pytest.fixture(autouse=True)
def no_faults_left_behind(server):
    server.clear_faults()
    yield
    server.clear_faults()


def probe(http, server, platform):
    """One simple read per platform."""
    if platform == "facebook":
        return http.get(f"{server.base_url('facebook')}/{FB_PAGE}", params={"fields": "followers_count"})
    if platform == "x":
        return http.get(f"{server.base_url('x')}/2/users/{X_USER}", params={"user.fields": "public_metrics"})
    if platform == "linkedin":
        return http.get(
            f"{server.base_url('linkedin')}/rest/networkSizes/{ORG}",
            params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"},
            headers=LI_HEADERS,
        )
    if platform == "youtube":
        return http.get(
            f"{server.base_url('youtube')}/youtube/v3/channels",
            params={"part": "statistics", "id": YT_CHANNEL},
        )
    if platform == "tiktok":
        return http.get(
            f"{server.base_url('tiktok')}/v2/user/info/", params={"fields": "open_id,follower_count"}
        )
    return http.post(
        f"{server.base_url('plausible')}/api/v2/query",
        json={
            "site_id": PLAUSIBLE_SITE,
            "metrics": ["visits"],
            "date_range": "7d",
            "dimensions": ["time:day"],
        },
    )


def followers(response, platform):
    body = response.json()
    return {
        "facebook": lambda: body["followers_count"],
        "x": lambda: body["data"]["public_metrics"]["followers_count"],
        "linkedin": lambda: body["firstDegreeSize"],
        "youtube": lambda: int(body["items"][0]["statistics"]["subscriberCount"]),
        "tiktok": lambda: body["data"]["user"]["follower_count"],
    }[platform]()


def page(http, server, platform, number):
    """The raw response of page ``number`` (1-based), reached by following the platform's tokens."""
    response = None
    token = None
    for _ in range(number):
        if platform == "facebook":
            url = token or f"{server.base_url('facebook')}/{FB_PAGE}/published_posts"
            response = http.get(url, params=None if token else {"fields": "id", "limit": 5})
            token = response.ok and _json(response) and _json(response)["paging"].get("next")
        elif platform == "x":
            params = {"max_results": 5, **({"pagination_token": token} if token else {})}
            response = http.get(f"{server.base_url('x')}/2/users/{X_USER}/tweets", params=params)
            token = _json(response) and _json(response)["meta"].get("next_token")
        elif platform == "youtube":
            params = {"part": "contentDetails", "playlistId": "UU" + YT_CHANNEL[2:], "maxResults": 5}
            if token:
                params["pageToken"] = token
            response = http.get(f"{server.base_url('youtube')}/youtube/v3/playlistItems", params=params)
            token = _json(response) and _json(response).get("nextPageToken")
        elif platform == "tiktok":
            payload = {"max_count": 5, **({"cursor": token} if token else {})}
            response = http.post(
                f"{server.base_url('tiktok')}/v2/video/list/", params={"fields": "id"}, json=payload
            )
            token = _json(response) and _json(response)["data"]["cursor"]
        else:
            payload = {
                "site_id": PLAUSIBLE_SITE,
                "metrics": ["visits"],
                "date_range": "30d",
                "dimensions": ["time:day"],
                "pagination": {"limit": 5, "offset": 5 * (number - 1)},
            }
            return http.post(f"{server.base_url('plausible')}/api/v2/query", json=payload)
    return response


def linkedin_page(http, server, number):
    params = {"q": "author", "author": ORG, "count": 5, "start": 5 * (number - 1)}
    return http.get(f"{server.base_url('linkedin')}/rest/posts", params=params, headers=LI_HEADERS)


def page_ids(response, platform):
    body = response.json()
    if platform == "facebook":
        return [item["id"] for item in body["data"]]
    if platform == "x":
        return [item["id"] for item in body["data"]]
    if platform == "linkedin":
        return [item["id"] for item in body["elements"]]
    if platform == "youtube":
        return [item["contentDetails"]["videoId"] for item in body["items"]]
    if platform == "tiktok":
        return [item["id"] for item in body["data"]["videos"]]
    return [tuple(item["dimensions"]) for item in body["results"]]


def _json(response):
    try:
        return response.json()
    except ValueError:
        return None


def nth_page(http, server, platform, number):
    if platform == "linkedin":
        return linkedin_page(http, server, number)
    return page(http, server, platform, number)


THROTTLED = {
    "facebook": (400, lambda b: b["error"]["code"] in (4, 17, 32, 613) and b["error"]["is_transient"]),
    "x": (429, lambda b: b["title"] == "Too Many Requests"),
    "linkedin": (429, lambda b: b["serviceErrorCode"] == 101),
    "youtube": (429, lambda b: b["error"]["status"] == "RESOURCE_EXHAUSTED"),
    "tiktok": (429, lambda b: b["error"]["code"] == "rate_limit_exceeded"),
    "plausible": (429, lambda b: "Too many API requests" in b["error"]),
}
EXPIRED = {
    "facebook": (400, lambda b: (b["error"]["code"], b["error"]["error_subcode"]) == (190, 463)),
    "x": (401, lambda b: b["title"] == "Unauthorized"),
    "linkedin": (401, lambda b: b["serviceErrorCode"] == 65601),
    "youtube": (401, lambda b: b["error"]["status"] == "UNAUTHENTICATED"),
    "tiktok": (401, lambda b: b["error"]["code"] == "access_token_invalid"),
    "plausible": (401, lambda b: "Invalid API key" in b["error"]),
}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_rate_limit_every_nth_call(http, server, platform):
    server.set_faults(platform, Faults(rate_limit_every=2))
    assert probe(http, server, platform).status_code == 200
    response = probe(http, server, platform)
    status, check = THROTTLED[platform]
    assert response.status_code == status
    assert check(response.json())


@pytest.mark.parametrize("platform", PLATFORMS)
def test_server_errors(http, server, platform):
    server.set_faults(platform, Faults(server_error_every=1))
    assert [probe(http, server, platform).status_code for _ in range(2)] == [500, 503]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_expired_token(http, server, platform):
    server.set_faults(platform, Faults(expired_token=True))
    response = probe(http, server, platform)
    status, check = EXPIRED[platform]
    assert response.status_code == status
    assert check(response.json())


@pytest.mark.parametrize("platform", ["facebook", "x", "linkedin", "youtube", "tiktok"])
def test_follower_jump_and_negative_counts(http, server, platform):
    normal = followers(probe(http, server, platform), platform)
    server.set_faults(platform, Faults(follower_jump=True))
    assert followers(probe(http, server, platform), platform) == normal * 5
    server.set_faults(platform, Faults(negative_counts=True))
    assert followers(probe(http, server, platform), platform) < 0


@pytest.mark.parametrize("platform", PLATFORMS)
def test_malformed_page(http, server, platform):
    server.set_faults(platform, Faults(malformed_page=2))
    assert nth_page(http, server, platform, 1).json()
    broken = nth_page(http, server, platform, 2)
    assert broken.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken.text)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_duplicate_ids_across_pages(http, server, platform):
    server.set_faults(platform, Faults(duplicate_ids_across_pages=True))
    first = page_ids(nth_page(http, server, platform, 1), platform)
    second = page_ids(nth_page(http, server, platform, 2), platform)
    assert first[-1] == second[0]


def test_empty_days(http, server):
    day = YESTERDAY.isoformat()
    for platform in PLATFORMS:
        server.set_faults(platform, Faults(empty_days=[day]))
    fb = http.get(
        f"{server.base_url('facebook')}/{FB_PAGE}/insights",
        params={"metric": "page_media_view", "period": "day", **day_bounds(YESTERDAY)},
    )
    assert fb.json()["data"] == []
    yt = http.get(
        f"{server.url}/youtube-analytics/v2/reports",
        params={
            "ids": "channel==MINE",
            "startDate": day,
            "endDate": day,
            "metrics": "views",
            "dimensions": "day",
        },
    )
    assert "rows" not in yt.json()
    plausible = probe(http, server, "plausible").json()
    assert day not in [result["dimensions"][0] for result in plausible["results"]]


def test_missing_keys_wrong_account_and_dates_out_of_range(http, server):
    server.set_faults("x", Faults(missing_keys=True))
    assert "public_metrics" not in probe(http, server, "x").json()["data"]
    server.set_faults("tiktok", Faults(wrong_account=True))
    assert probe(http, server, "tiktok").json()["data"]["user"]["open_id"] != TT_USER
    server.set_faults("x", Faults(dates_out_of_range=True))
    response = http.get(
        f"{server.base_url('x')}/2/users/{X_USER}/tweets",
        params={
            "tweet.fields": "created_at",
            "start_time": "2026-11-01T00:00:00Z",
            "end_time": "2026-11-08T00:00:00Z",
        },
    )
    assert response.json()["data"][0]["created_at"] >= "2026-11-08"


def test_retired_metrics_fault(http, server):
    server.set_faults("facebook", Faults(retired_metrics=["page_media_view"]))
    fb = http.get(
        f"{server.base_url('facebook')}/{FB_PAGE}/insights",
        params={"metric": "page_media_view", "period": "day", **day_bounds(YESTERDAY)},
    )
    assert fb.status_code == 400
    server.set_faults("youtube", Faults(retired_metrics=["likes"]))
    yt = http.get(
        f"{server.url}/youtube-analytics/v2/reports",
        params={
            "ids": "channel==MINE",
            "startDate": "2026-11-01",
            "endDate": "2026-11-02",
            "metrics": "views,likes",
        },
    )
    assert yt.status_code == 400
