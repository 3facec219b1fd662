"""YouTube: the Data API v3 (channel and video statistics) and the Analytics API v2 (daily reports).

The two APIs live on different hosts (www.googleapis.com, youtubeanalytics.googleapis.com) but take
the same OAuth token, quota project and channel, so they are one source: the Data API is the
connection's host, the Analytics API the source's second base URL (`apis["analytics"]`, overridable
in the connection's extra as `{"base_urls": {"analytics": ...}}`). One configured channel, one task.
Records and their meaning: docs/raw_layer.md.
"""

from __future__ import annotations

import re

import requests

from socialkpi.http import Verdict, default_policy, json_object
from socialkpi.paging import TokenParam
from socialkpi.sources.base import Api, Source
from socialkpi.streams import Field, ParentWindow, Request, Stream

CHANNEL_METRICS = "views,likes,comments,shares,subscribersGained,subscribersLost,estimatedMinutesWatched"
VIDEO_METRICS = "views,likes,comments,shares,subscribersGained,estimatedMinutesWatched"
QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded"}
RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
_UNKNOWN_METRIC = re.compile(r"Unknown identifier \(([^)]+)\) given in field parameters\.metrics")
RECENT_DAYS = 28


def report_rows(body: dict) -> list[dict]:
    """Analytics rows are positional: name each value by its `columnHeaders` entry (values as sent).
    `rows` is absent when there is no data: zero records."""
    names = [header.get("name") for header in body.get("columnHeaders", [])]
    return [dict(zip(names, row, strict=False)) for row in body.get("rows", [])]


def youtube_policy(response: requests.Response) -> Verdict:
    """Google errors: `{"error": {"code", "message", "errors": [{"domain", "reason"}], "status"}}`."""
    status = response.status_code
    if status < 400:
        return Verdict.ok()
    body = json_object(response)
    if body is None:
        return default_policy(response)
    error = body.get("error") or {}
    reasons = {str(item.get("reason")) for item in error.get("errors", []) if isinstance(item, dict)}
    message = re.sub(r"<[^>]+>", "", str(error.get("message", "")))[:200]
    if status == 401:
        return Verdict("auth", message=message)
    if reasons & QUOTA_REASONS:
        return Verdict("quota", message=f"{', '.join(sorted(reasons & QUOTA_REASONS))}: {message}")
    if status == 429 or reasons & RATE_REASONS:
        return Verdict("retry", message=f"rate limited: {message}")
    if status == 403:
        return Verdict(
            "auth",
            message=f"{message} (grant the youtube.readonly and yt-analytics.readonly scopes as the channel owner)",
        )
    if status == 400:
        unknown = tuple(_UNKNOWN_METRIC.findall(message))
        if unknown:
            return Verdict("invalid_metric", message=message, metrics=unknown)
    return default_policy(response)


channel = Stream(
    source="youtube",
    name="channel",
    path="/youtube/v3/channels",
    requests=(Request(params={"part": "statistics,contentDetails", "id": "{account_id}"}),),
    records_path="items",
    kind="snapshot",
    fields=(
        Field("id"),
        Field("statistics.subscriberCount", "count"),  # counts are strings: "15230"
        Field("statistics.viewCount", "count"),
        Field("statistics.videoCount", "count"),
    ),
    expected_rows=(1, 1),
    account_field="id",
    jump_field="statistics.subscriberCount",
)

uploads = Stream(
    source="youtube",
    name="uploads",
    path="/youtube/v3/playlistItems",
    requests=(Request(params={"part": "contentDetails", "playlistId": "{parent_id}", "maxResults": 50}),),
    paginator=TokenParam("nextPageToken", "pageToken"),
    records_path="items",
    parent="channel",
    parent_key="contentDetails.relatedPlaylists.uploads",  # 1 quota unit a page; search.list costs 100
    kind="lifetime",
    cursor_field="contentDetails.videoPublishedAt",
    window_days_before=RECENT_DAYS,
    primary_key=("contentDetails.videoId",),
    fields=(Field("contentDetails.videoId"), Field("contentDetails.videoPublishedAt", "timestamp")),
)

videos = Stream(
    source="youtube",
    name="videos",
    path="/youtube/v3/videos",
    requests=(Request(params={"part": "statistics,snippet", "id": "{parent_id}", "maxResults": 50}),),
    records_path="items",
    parent="uploads",
    parent_key="contentDetails.videoId",
    parent_batch=50,  # videos.list takes 50 ids for one quota unit
    kind="lifetime",
    window_days_before=RECENT_DAYS,
    fields=(
        Field("id"),
        Field("snippet.publishedAt", "timestamp"),
        Field("statistics.viewCount", "count"),
        Field("statistics.likeCount", "count"),
        Field("statistics.commentCount", "count"),
    ),
    account_field="snippet.channelId",
)

channel_daily = Stream(
    source="youtube",
    name="channel_daily",
    api="analytics",
    path="/v2/reports",
    requests=(
        Request(
            params={
                "ids": "channel=={account_id}",
                "startDate": "{date}",
                "endDate": "{end_date}",
                "metrics": CHANNEL_METRICS,
                "dimensions": "day",
            },
            metrics_param="metrics",
        ),
    ),
    # The range by day in one report; `day` is a US Pacific date.
    parse=report_rows,
    day_field="day",
    primary_key=("day",),
    fields=(Field("day", "date"), *(Field(name, "count") for name in CHANNEL_METRICS.split(","))),
    expected_rows=(0, 1),  # per day
)

# Each video's launch window by day: the report has a `day` dimension for one video at a time
# (`filters=video==ID`), so each video the channel published is asked once, for the days of the
# run's window that lie in its first RECENT_DAYS days after its publication day (a Pacific date,
# as every Analytics day). A range run and the daily runs of the same days ask the same videos for
# the same days; a video whose launch window misses the window costs nothing.
video_daily = Stream(
    source="youtube",
    name="video_daily",
    api="analytics",
    path="/v2/reports",
    requests=(
        Request(
            params={
                "ids": "channel=={account_id}",
                "startDate": "{date}",
                "endDate": "{end_date}",
                "metrics": VIDEO_METRICS,
                "dimensions": "day",
                "filters": "video=={parent_id}",
            },
            metrics_param="metrics",
        ),
    ),
    parent="uploads",
    parent_key="contentDetails.videoId",
    parent_window=ParentWindow("contentDetails.videoPublishedAt", RECENT_DAYS),
    tag_parent=True,  # the rows name their day, not their video: `_parent_id` is the video id
    parse=report_rows,
    day_field="day",
    primary_key=("_parent_id", "day"),
    fields=(
        Field("_parent_id"),
        Field("day", "date"),
        *(Field(name, "count") for name in VIDEO_METRICS.split(",")),
    ),
)

SOURCE = Source(
    name="youtube",
    platform="youtube",
    default_base_url="https://www.googleapis.com",
    simulator_path="/youtube",
    streams=(channel, uploads, videos, channel_daily, video_daily),
    policy=youtube_policy,
    apis={"analytics": Api("https://youtubeanalytics.googleapis.com", "/youtube-analytics")},
    default_lookback_days=2,
)
