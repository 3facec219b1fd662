"""YouTube Data API and Analytics API: statistics as strings, page tokens, reports, quota."""

from __future__ import annotations

from datetime import timedelta

from socialkpi.simulator import Faults

from .support import TODAY, YT_CHANNEL

UPLOADS = "UU" + YT_CHANNEL[2:]


def data_api(http, server, resource, **params):
    response = http.get(f"{server.base_url('youtube')}/youtube/v3/{resource}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def all_uploads(http, server, max_results=50):
    items, token = [], None
    while True:
        params = {"part": "snippet,contentDetails", "playlistId": UPLOADS, "maxResults": max_results}
        if token:
            params["pageToken"] = token
        body = data_api(http, server, "playlistItems", **params)
        items.extend(body["items"])
        token = body.get("nextPageToken")
        if not token:
            return items


def view_counts(http, server, video_ids):
    counts = {}
    for start in range(0, len(video_ids), 50):
        body = data_api(http, server, "videos", part="statistics", id=",".join(video_ids[start : start + 50]))
        counts.update({item["id"]: int(item["statistics"]["viewCount"]) for item in body["items"]})
    return counts


def report(http, server, **params):
    response = http.get(
        f"{server.url}/youtube-analytics/v2/reports", params={"ids": "channel==MINE", **params}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_channel_statistics_are_strings(http, server):
    body = data_api(http, server, "channels", part="snippet,statistics,contentDetails", id=YT_CHANNEL)
    [channel] = body["items"]
    statistics = channel["statistics"]
    assert all(isinstance(statistics[key], str) for key in ("viewCount", "subscriberCount", "videoCount"))
    assert channel["contentDetails"]["relatedPlaylists"]["uploads"] == UPLOADS
    uploads = all_uploads(http, server, max_results=7)
    ids = [item["contentDetails"]["videoId"] for item in uploads]
    assert len(ids) == len(set(ids)) == int(statistics["videoCount"])
    assert sum(view_counts(http, server, ids).values()) == int(statistics["viewCount"])


def test_search_pages_with_page_tokens(http, server):
    first = data_api(
        http, server, "search", part="snippet", channelId=YT_CHANNEL, type="video", order="date", maxResults=5
    )
    second = data_api(
        http,
        server,
        "search",
        part="snippet",
        channelId=YT_CHANNEL,
        type="video",
        order="date",
        maxResults=5,
        pageToken=first["nextPageToken"],
    )
    assert second["prevPageToken"]
    first_ids = {item["id"]["videoId"] for item in first["items"]}
    assert not first_ids & {item["id"]["videoId"] for item in second["items"]}


def test_daily_views_equal_the_growth_of_video_view_counts(http, server, next_day_server):
    ids = [item["contentDetails"]["videoId"] for item in all_uploads(http, next_day_server)]
    before, after = view_counts(http, server, ids), view_counts(http, next_day_server, ids)
    growth = sum(after[video_id] - before.get(video_id, 0) for video_id in ids)
    body = report(
        http,
        next_day_server,
        startDate=TODAY.isoformat(),
        endDate=TODAY.isoformat(),
        metrics="views,likes",
        dimensions="day",
    )
    assert [header["name"] for header in body["columnHeaders"]] == ["day", "views", "likes"]
    assert body["rows"] == [[TODAY.isoformat(), growth, body["rows"][0][2]]]


def test_subscribers_gained_minus_lost_is_the_subscriber_change(http, server, next_day_server):
    def subscribers(simulator):
        body = data_api(http, simulator, "channels", part="statistics", id=YT_CHANNEL)
        return int(body["items"][0]["statistics"]["subscriberCount"])

    body = report(
        http,
        next_day_server,
        startDate=TODAY.isoformat(),
        endDate=TODAY.isoformat(),
        metrics="subscribersGained,subscribersLost",
        dimensions="day",
    )
    [[_, gained, lost]] = body["rows"]
    assert subscribers(next_day_server) - subscribers(server) == gained - lost


def test_report_by_video_and_empty_report(http, server):
    start = (TODAY - timedelta(days=28)).isoformat()
    by_video = report(
        http,
        server,
        startDate=start,
        endDate=(TODAY - timedelta(days=1)).isoformat(),
        metrics="views",
        dimensions="video",
        sort="-views",
        maxResults=10,
    )
    views = [row[1] for row in by_video["rows"]]
    assert views == sorted(views, reverse=True)
    future = report(
        http,
        server,
        startDate=TODAY.isoformat(),
        endDate=TODAY.isoformat(),
        metrics="views",
        dimensions="day",
    )
    assert "rows" not in future
    assert future["kind"] == "youtubeAnalytics#resultTable"


def test_unknown_analytics_metric_is_a_bad_request(http, server):
    response = http.get(
        f"{server.url}/youtube-analytics/v2/reports",
        params={
            "ids": "channel==MINE",
            "startDate": "2026-11-01",
            "endDate": "2026-11-02",
            "metrics": "redViews",
        },
    )
    assert response.status_code == 400
    assert "Unknown identifier (redViews)" in response.json()["error"]["message"]


def test_quota_exceeded(http, server):
    server.set_faults("youtube", Faults(quota_exceeded=True))
    try:
        response = http.get(
            f"{server.base_url('youtube')}/youtube/v3/channels",
            params={"part": "statistics", "id": YT_CHANNEL},
        )
    finally:
        server.clear_faults()
    assert response.status_code == 403
    assert response.json()["error"]["errors"][0]["reason"] == "quotaExceeded"
