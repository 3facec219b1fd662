"""The simulator's answers have the keys and value types of the published real payloads.

Fixtures come from /work/shared/fixtures/api (see its SOURCES.md); ``*_legacy*`` files
show retired metrics and are not used.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from .support import GA4_PROPERTY, IG_USER, TODAY, day_bounds

FIXTURES = Path(os.environ.get("SOCIALKPI_API_FIXTURES", "/work/shared/fixtures/api"))
YESTERDAY = TODAY - timedelta(days=1)

pytestmark = pytest.mark.skipif(not FIXTURES.is_dir(), reason="published fixtures not available")


def fixture(relative: str) -> Any:
    return json.loads((FIXTURES / relative).read_text())


def kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def assert_same_shape(ours: Any, theirs: Any, path: str = "$", ignore: frozenset = frozenset()) -> None:
    """Same keys at every level (except ``ignore``) and the same JSON value kinds."""
    assert kind(ours) == kind(theirs), f"{path}: {kind(ours)} != {kind(theirs)}"
    if isinstance(theirs, dict):
        assert set(ours) - ignore == set(theirs) - ignore, f"{path}: {sorted(ours)} != {sorted(theirs)}"
        for key in set(theirs) - ignore:
            assert_same_shape(ours[key], theirs[key], f"{path}.{key}", ignore)
    elif isinstance(theirs, list) and ours and theirs:
        assert_same_shape(ours[0], theirs[0], f"{path}[0]", ignore)


def get(http, url, **params):
    response = http.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_ig_user_fields(http, server):
    theirs = fixture("meta_instagram/ig_user_fields_followers_count.json")
    ours = get(http, f"{server.base_url('instagram')}/{IG_USER}", fields=",".join(theirs))
    assert_same_shape(ours, theirs)


def test_ig_user_insights_time_series(http, server):
    theirs = fixture("meta_instagram/airbyte_user_insights_day_follower_count_reach.json")
    ours = get(
        http,
        f"{server.base_url('instagram')}/{IG_USER}/insights",
        metric="follower_count,reach",
        period="day",
        **day_bounds(YESTERDAY),
    )
    assert_same_shape(ours, theirs, ignore=frozenset({"paging"}))
    assert set(ours["paging"]) == {"previous", "next"}


def test_ig_user_insights_total_value_with_breakdown(http, server):
    theirs = fixture("meta_instagram/user_insights_reach_total_value_breakdown_v18.json")
    ours = get(
        http,
        f"{server.base_url('instagram')}/{IG_USER}/insights",
        metric="reach",
        period="day",
        metric_type="total_value",
        breakdown="follow_type",
        **day_bounds(YESTERDAY),
    )
    assert_same_shape(ours, theirs)


def test_ig_media_list_with_cursors(http, server):
    theirs = fixture("meta_instagram/user_media_list_page1_cursors.json")
    fields = ",".join(theirs["data"][0])
    ours = get(http, f"{server.base_url('instagram')}/{IG_USER}/media", fields=fields, limit=2)
    assert_same_shape(ours, theirs)
    page2_theirs = fixture("meta_instagram/user_media_list_page2.json")
    page2 = requests.get(ours["paging"]["next"], headers=http.headers).json()
    assert set(page2["paging"]) >= {"cursors", "previous"}
    assert set(page2["paging"]["cursors"]) == set(page2_theirs["paging"]["cursors"])


def test_ig_media_insights(http, server):
    theirs = fixture("meta_instagram/airbyte_media_insights_general_media.json")
    current = [e for e in theirs["data"] if e["name"] != "video_views"]  # retired in v21
    media_id = get(http, f"{server.base_url('instagram')}/{IG_USER}/media", limit=1)["data"][0]["id"]
    ours = get(
        http,
        f"{server.base_url('instagram')}/{media_id}/insights",
        metric=",".join(e["name"] for e in current),
    )
    assert [e["name"] for e in ours["data"]] == [e["name"] for e in current]
    assert_same_shape(ours, {"data": current})


@pytest.mark.parametrize(
    ("fault", "relative"),
    [
        ({"rate_limit_every": 1}, "meta_facebook/error_4_application_request_limit.json"),
        ({"expired_token": True}, "meta_facebook/error_190_463_session_expired_blynk.json"),
    ],
)
def test_graph_error_bodies(http, server, fault, relative):
    from socialkpi.simulator import Faults

    server.set_faults("instagram", Faults(**fault))
    try:
        ours = http.get(f"{server.base_url('instagram')}/{IG_USER}").json()
    finally:
        server.clear_faults()
    assert_same_shape(ours, fixture(relative))


@pytest.mark.parametrize(
    "relative",
    ["ga4/docs_quickstart_runreport_response.json", "ga4/airbyte_runreport_date_device_os_browser.json"],
)
def test_ga4_run_report(http, server, relative):
    theirs = fixture(relative)
    response = http.post(
        f"{server.base_url('ga4')}/properties/{GA4_PROPERTY}:runReport",
        json={
            "dateRanges": [{"startDate": "2026-11-20", "endDate": "2026-11-20"}],
            "dimensions": [{"name": "date"}, {"name": "sessionSource"}],
            "metrics": [{"name": "sessions"}, {"name": "totalUsers"}],
        },
    )
    assert_same_shape(response.json(), theirs)


def test_ga4_permission_denied(http, server):
    theirs = fixture("ga4/error_403_permission_denied_property.json")
    response = http.post(
        f"{server.base_url('ga4')}/properties/1:runReport",
        json={"dateRanges": [{"startDate": "yesterday", "endDate": "yesterday"}]},
    )
    assert response.status_code == 403
    assert response.json() == theirs


# -- Priority 2 platforms -------------------------------------------------------------------

FB_PAGE = "104000000000001"
X_USER = "2244994945"
LI_HEADERS = {"LinkedIn-Version": "202610"}
LI_ORG = "urn:li:organization:90362860"
YT_CHANNEL = "UC_x5XG1OV2P6uZZ5FSM9Ttw"


def test_facebook_page_insights(http, server):
    theirs = fixture("meta_facebook/docs_page_insights_multiple_metrics_2024.json")
    ours = get(
        http,
        f"{server.base_url('facebook')}/{FB_PAGE}/insights",
        metric="page_total_media_view_unique,page_media_view",
        period="day",
        since=day_bounds(TODAY - timedelta(days=3))["since"],
        until=day_bounds(YESTERDAY)["until"],
    )
    assert_same_shape(ours, theirs)


def test_facebook_post_insights(http, server):
    theirs = fixture("meta_facebook/docs_post_insights_reactions_lifetime.json")
    post_id = get(http, f"{server.base_url('facebook')}/{FB_PAGE}/published_posts", limit=1)["data"][0]["id"]
    ours = get(
        http,
        f"{server.base_url('facebook')}/{post_id}/insights",
        metric="post_reactions_like_total,post_clicks",
    )
    assert_same_shape(ours, theirs)


def test_facebook_feed_cursor_paging(http, server):
    theirs = fixture("meta_facebook/airbyte_page_fields_with_feed_cursor_paging_v19_TRUNCATED.json")["feed"]
    ours = get(
        http, f"{server.base_url('facebook')}/{FB_PAGE}/feed", fields="created_time,message,id", limit=3
    )
    assert_same_shape(ours, theirs)


def test_x_user_and_timeline(http, server):
    base = server.base_url("x")
    user = get(
        http, f"{base}/2/users/{X_USER}", **{"user.fields": "created_at,verified,description,public_metrics"}
    )
    assert_same_shape(user, fixture("x_twitter/user_public_metrics.json"))
    timeline = get(
        http,
        f"{base}/2/users/{X_USER}/tweets",
        **{"tweet.fields": "created_at,public_metrics", "max_results": 5},
    )
    theirs = fixture("x_twitter/users_id_tweets_public_metrics_next_token.json")
    assert set(timeline["meta"]) == set(theirs["meta"])
    element = fixture("x_twitter/tweets_public_metrics_with_impression_bookmark_2023.json")["data"][0]
    assert set(timeline["data"][0]["public_metrics"]) == set(element["public_metrics"])
    assert_same_shape(timeline["data"][0], element, ignore=frozenset({"author_id", "conversation_id"}))


def test_linkedin_elements(http, server):
    base = server.base_url("linkedin")

    def li(path, **params):
        response = http.get(f"{base}{path}", params=params, headers=LI_HEADERS)
        assert response.status_code == 200, response.text
        return response.json()

    followers = li(
        "/rest/organizationalEntityFollowerStatistics", q="organizationalEntity", organizationalEntity=LI_ORG
    )
    theirs = fixture("linkedin/org_follower_statistics_lifetime_empty_2025.json")
    assert set(followers) == set(theirs) and set(followers["paging"]) == set(theirs["paging"])
    assert set(followers["elements"][0]) == set(theirs["elements"][0])
    shares = li(
        "/rest/organizationalEntityShareStatistics", q="organizationalEntity", organizationalEntity=LI_ORG
    )
    assert_same_shape(
        shares["elements"][0], fixture("linkedin/airbyte_record_share_statistics_lifetime_element.json")
    )
    size = li(f"/rest/networkSizes/{LI_ORG}", edgeType="COMPANY_FOLLOWED_BY_MEMBER")
    assert_same_shape(size, fixture("linkedin/airbyte_record_network_sizes_first_degree_size.json"))


def test_linkedin_throttle_body(http, server):
    from socialkpi.simulator import Faults

    server.set_faults("linkedin", Faults(rate_limit_every=1))
    try:
        response = http.get(f"{server.base_url('linkedin')}/rest/networkSizes/{LI_ORG}", headers=LI_HEADERS)
    finally:
        server.clear_faults()
    assert response.json() == fixture("linkedin/error_429_resource_level_throttle.json")


def test_youtube_lists(http, server):
    base = f"{server.base_url('youtube')}/youtube/v3"
    channels = get(http, f"{base}/channels", part="snippet,statistics", id=YT_CHANNEL)
    theirs = fixture("youtube/channels_list_statistics_single_2024.json")
    # channel commentCount is no longer returned by the Data API
    assert_same_shape(channels, theirs, ignore=frozenset({"commentCount"}))
    playlist = get(
        http, f"{base}/playlistItems", part="snippet", playlistId="UU" + YT_CHANNEL[2:], maxResults=3
    )
    theirs = fixture("youtube/playlist_items_page1_nextPageToken.json")
    assert_same_shape(
        playlist,
        theirs,
        ignore=frozenset({"standard", "maxres", "videoOwnerChannelTitle", "videoOwnerChannelId"}),
    )
    search = get(http, f"{base}/search", part="snippet", channelId=YT_CHANNEL, type="video", maxResults=3)
    assert_same_shape(
        search, fixture("youtube/search_videos_by_channel.json"), ignore=frozenset({"publishTime"})
    )


def test_youtube_analytics_report(http, server):
    theirs = fixture("youtube/analytics_v2_reports_query_day_views_likes_comments_grossRevenue.json")
    response = http.get(
        f"{server.url}/youtube-analytics/v2/reports",
        params={
            "ids": "channel==MINE",
            "startDate": "2026-11-01",
            "endDate": "2026-11-07",
            "metrics": "views,likes,comments",
            "dimensions": "day",
        },
    )
    ours = response.json()
    assert set(ours) == set(theirs)
    assert set(ours["columnHeaders"][0]) == set(theirs["columnHeaders"][0])
    assert len(ours["rows"]) == 7 and isinstance(ours["rows"][0][1], int)


def test_youtube_quota_body(http, server):
    from socialkpi.simulator import Faults

    server.set_faults("youtube", Faults(quota_exceeded=True))
    try:
        response = http.get(
            f"{server.base_url('youtube')}/youtube/v3/videos", params={"part": "statistics", "id": "x"}
        )
    finally:
        server.clear_faults()
    assert response.json() == fixture("youtube/error_403_quotaExceeded.json")


def test_tiktok_envelopes(http, server):
    base = server.base_url("tiktok")
    user = get(http, f"{base}/v2/user/info/", fields="avatar_url,open_id,union_id")
    assert_same_shape(user, fixture("tiktok/docs_display_api_v2_user_info_example.json"))
    videos = http.post(
        f"{base}/v2/video/list/", params={"fields": "cover_image_url,id,title"}, json={"max_count": 5}
    ).json()
    assert_same_shape(videos, fixture("tiktok/docs_display_api_v2_video_list_example.json"))


@pytest.mark.parametrize("name", ["v2_timeseries", "v2_utm", "v2_pagination", "v2_aggregate"])
def test_plausible_query(http, server, name):
    body = fixture(f"plausible/{name}_query.json")
    theirs = fixture(f"plausible/{name}_response.json")
    body["site_id"] = "northwind.example"
    body.pop("filters", None)
    theirs["query"].pop("filters")
    response = http.post(f"{server.base_url('plausible')}/api/v2/query", json=body)
    assert response.status_code == 200, response.text
    ours = response.json()
    ours["query"].pop("filters")
    assert_same_shape(ours, theirs, ignore=frozenset({"pagination"}))
