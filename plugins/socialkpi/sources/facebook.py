"""Facebook Pages (Graph API v25.0), 2026 metrics.

Retired and not requested (see ../shared/fixtures/api/SOURCES.md): page_impressions*, page_fans*,
page_engaged_users, post_impressions*, post_engaged_users. Their successors are page_media_view,
page_total_media_view_unique, page_follows and post_media_view, post_total_media_view_unique.
Records and their meaning: docs/raw_layer.md.
"""

from socialkpi.sources.base import Source
from socialkpi.sources.meta.policy import graph_policy
from socialkpi.streams import Field, NextUrl, Request, Stream

PAGE_METRICS = (
    "page_follows,page_daily_follows_unique,page_daily_unfollows_unique,page_media_view,"
    "page_total_media_view_unique,page_post_engagements,page_views_total"
)
POST_METRICS = "post_media_view,post_total_media_view_unique,post_clicks"
# Edge summaries give the totals without reading the edges (`limit(0)`: no items, only the count).
POST_FIELDS = (
    "id,message,created_time,permalink_url,status_type,"
    "reactions.limit(0).summary(true),comments.limit(0).summary(true),shares"
)
COMMENT_FIELDS = "id,message,created_time,from,comments{id,message,created_time,from}"
# Lifetime counters of a post keep moving for weeks: the posts of the last 28 days are re-read daily.
RECENT_DAYS = 28

page = Stream(
    source="facebook",
    name="page",
    path="/{account_id}",
    requests=(Request(params={"fields": "id,name,followers_count,fan_count"}),),
    records_path=None,
    kind="snapshot",
    fields=(Field("id"), Field("followers_count", "count"), Field("fan_count", "count")),
    expected_rows=(1, 1),
    account_field="id",
    jump_field="followers_count",
)

page_insights = Stream(
    source="facebook",
    name="page_insights",
    path="/{account_id}/insights",
    requests=(
        Request(
            params={"metric": PAGE_METRICS, "period": "day", "since": "{since}", "until": "{until}"},
            metrics_param="metric",
        ),
    ),
    primary_key=("name", "period"),
    fields=(
        Field("name"),
        Field("period"),
        Field("values.0.value", "count"),
        Field("values.0.end_time", "timestamp"),
    ),
    expected_rows=(0, 7),
    account_field="id",
)

posts = Stream(
    source="facebook",
    name="posts",
    path="/{account_id}/published_posts",
    requests=(
        Request(params={"fields": POST_FIELDS, "limit": 100, "since": "{recent_since}", "until": "{until}"}),
    ),
    paginator=NextUrl("paging.next"),
    cursor_field="created_time",
    window_days_before=RECENT_DAYS,
    fields=(
        Field("id"),
        Field("created_time", "timestamp"),
        Field("reactions.summary.total_count", "count"),
        Field("comments.summary.total_count", "count"),
        Field("shares.count", "count", required=False),  # Graph leaves `shares` out at zero
    ),
    account_field="id",
)

post_insights = Stream(
    source="facebook",
    name="post_insights",
    path="/{parent_id}/insights",
    requests=(Request(params={"metric": POST_METRICS, "period": "lifetime"}, metrics_param="metric"),),
    parent="posts",
    fields=(Field("id"), Field("name"), Field("values.0.value", "count")),
    account_field="id",
)

comments = Stream(
    source="facebook",
    name="comments",
    path="/{parent_id}/comments",
    requests=(
        Request(
            params={"fields": COMMENT_FIELDS, "filter": "toplevel", "order": "chronological", "limit": 100}
        ),
    ),
    paginator=NextUrl("paging.next"),
    parent="posts",
    tag_parent=True,
    # Comments as of the end of the day: a rerun of the day lands the same set.
    cursor_field="created_time",
    window_days_before=RECENT_DAYS,
    fields=(Field("id"), Field("created_time", "timestamp"), Field("_parent_id")),
)

SOURCE = Source(
    name="facebook",
    platform="facebook",
    default_base_url="https://graph.facebook.com/v25.0",
    simulator_path="/facebook/v25.0",
    streams=(page, page_insights, posts, post_insights, comments),
    policy=graph_policy,
    default_lookback_days=2,
)
