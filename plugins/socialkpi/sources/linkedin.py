"""LinkedIn Community Management API (versioned REST, api.linkedin.com/rest): an organization page.

Rest.li 2.0 wants its structure characters unencoded and the URNs inside encoded
(`timeIntervals=(timeRange:(start:1,end:2),timeGranularityType:DAY)`, `urn%3Ali%3Aorganization%3A1`),
which `requests` would encode differently if they were `params`: so those queries are part of the
declared path, which `requests` leaves as written. LinkedIn buckets days in UTC; the numbers of a
day settle about two days later (`lag_days`). Records and their meaning: docs/raw_layer.md.
"""

from __future__ import annotations

from urllib.parse import quote

import requests

from socialkpi.http import Verdict, default_policy, retry_after
from socialkpi.paging import OffsetLimit
from socialkpi.sources.base import Source
from socialkpi.streams import Field, Request, Stream

VERSION = "202610"  # LinkedIn sunsets a version after about a year: override it in the connection
ORGANIZATION = "urn%3Ali%3Aorganization%3A{account_id}"
# Time-bound statistics over the whole range, one element per UTC day.
DAYS = "timeIntervals=(timeRange:(start:{utc_day_since_ms},end:{utc_day_until_ms}),timeGranularityType:DAY)"
BY_ORGANIZATION = f"q=organizationalEntity&organizationalEntity={ORGANIZATION}"
SHARE_STATISTICS = (
    "impressionCount",
    "uniqueImpressionsCount",
    "clickCount",
    "likeCount",
    "commentCount",
    "shareCount",
)
PAGE = OffsetLimit(limit=100, offset_field="start", limit_field="count", in_body=False)
RECENT_DAYS = 28
# organizationalEntityShareStatistics takes the posts as lists; 20 per request keeps the URL short.
POSTS_PER_STATISTICS_REQUEST = 20


def linkedin_policy(response: requests.Response) -> Verdict:
    """LinkedIn errors: `{"status", "serviceErrorCode", "code", "message"}`."""
    status = response.status_code
    if status < 400:
        return Verdict.ok()
    try:
        body = response.json()
    except ValueError:
        return default_policy(response)
    body = body if isinstance(body, dict) else {}
    message = f"{body.get('code') or body.get('serviceErrorCode', '')}: {body.get('message', '')}"[:200]
    if status == 401:
        return Verdict("auth", message=message)
    if status == 403:
        return Verdict(
            "auth",
            message=f"{message} (the member needs the ADMINISTRATOR role on the organization and the "
            "rw_organization_admin and r_organization_social scopes)",
        )
    if status == 429:  # serviceErrorCode 101: a daily application or member throttle
        return Verdict("retry", wait_seconds=retry_after(response), message=f"throttled: {message}")
    if status == 426 or body.get("code") in ("NONEXISTENT_VERSION", "VERSION_MISSING"):
        return Verdict(
            "error",
            message=f"{message}: set a current `LinkedIn-Version` in the connection's extra headers",
        )
    return default_policy(response)


def post_lists(posts: list[dict]) -> dict[str, str]:
    """`shares=List(urn%3Ali%3Ashare%3A1,...)&ugcPosts=List(...)`: each URN under the parameter of
    its type, many posts in one request (the statistics API takes a list of each)."""
    by_parameter: dict[str, list[str]] = {}
    for post in posts:
        urn = str(post.get("id"))
        parameter = "ugcPosts" if urn.startswith("urn:li:ugcPost:") else "shares"
        by_parameter.setdefault(parameter, []).append(quote(urn, safe=""))
    fragment = "&".join(f"{parameter}=List({','.join(urns)})" for parameter, urns in by_parameter.items())
    return {"post_list": fragment}


network_size = Stream(
    source="linkedin",
    name="network_size",
    path=f"/rest/networkSizes/{ORGANIZATION}?edgeType=COMPANY_FOLLOWED_BY_MEMBER",
    records_path=None,
    kind="snapshot",
    primary_key=("firstDegreeSize",),  # one record
    fields=(Field("firstDegreeSize", "count"),),
    expected_rows=(1, 1),
    jump_field="firstDegreeSize",
)

follower_statistics = Stream(
    source="linkedin",
    name="follower_statistics",
    path=f"/rest/organizationalEntityFollowerStatistics?{BY_ORGANIZATION}&{DAYS}",
    paginator=PAGE,
    records_path="elements",
    day_field="timeRange.start",
    day_format="utc_day_ms",
    primary_key=("timeRange.start",),
    fields=(
        Field("timeRange.start", "utc_day_ms"),
        # Net gains: negative on a day with more unfollows than follows.
        Field("followerGains.organicFollowerGain", "integer"),
        Field("followerGains.paidFollowerGain", "integer"),
    ),
    expected_rows=(0, 1),  # per day
    account_field="organizationalEntity",
)

share_statistics = Stream(
    source="linkedin",
    name="share_statistics",
    path=f"/rest/organizationalEntityShareStatistics?{BY_ORGANIZATION}&{DAYS}",
    paginator=PAGE,
    records_path="elements",
    day_field="timeRange.start",
    day_format="utc_day_ms",
    primary_key=("timeRange.start",),
    fields=(
        Field("timeRange.start", "utc_day_ms"),
        *(Field(f"totalShareStatistics.{name}", "count") for name in SHARE_STATISTICS),
        Field("totalShareStatistics.engagement", "number"),
    ),
    expected_rows=(0, 1),  # per day
    account_field="organizationalEntity",
    # "Share statistics are only available for the past 12 months" (HTTP 400 ILLEGAL_ARGUMENT for a
    # time range starting earlier): a year's backfill, started lag_days early, would ask for more.
    history_days=365,
)

posts = Stream(
    source="linkedin",
    name="posts",
    path=f"/rest/posts?q=author&author={ORGANIZATION}&sortBy=CREATED",
    requests=(Request(),),
    paginator=OffsetLimit(limit=50, offset_field="start", limit_field="count", in_body=False),
    records_path="elements",
    kind="lifetime",
    cursor_field="publishedAt",
    window_days_before=RECENT_DAYS,
    fields=(Field("id"), Field("publishedAt", "epoch_ms"), Field("lifecycleState")),
    account_field="author",
)

post_statistics = Stream(
    source="linkedin",
    name="post_statistics",
    path=f"/rest/organizationalEntityShareStatistics?{BY_ORGANIZATION}&{{post_list}}",
    parent="posts",
    parent_batch=POSTS_PER_STATISTICS_REQUEST,
    group_values=post_lists,
    paginator=PAGE,  # the answer is a paged `elements` list (10 a page unless `count` says more)
    kind="lifetime",
    records_path="elements",
    primary_key=("share", "ugcPost"),
    fields=(
        *(Field(f"totalShareStatistics.{name}", "count") for name in SHARE_STATISTICS),
        Field("totalShareStatistics.engagement", "number"),
    ),
    account_field="organizationalEntity",
)

SOURCE = Source(
    name="linkedin",
    platform="linkedin",
    default_base_url="https://api.linkedin.com",
    simulator_path="/linkedin",
    streams=(network_size, follower_statistics, share_statistics, posts, post_statistics),
    policy=linkedin_policy,
    headers={"LinkedIn-Version": VERSION, "X-Restli-Protocol-Version": "2.0.0"},
    default_lookback_days=1,
    lag_days=2,
)
