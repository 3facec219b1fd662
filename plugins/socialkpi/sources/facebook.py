"""Facebook Pages (Graph API v25.0), 2026 metrics.

Retired and not requested (see ../shared/fixtures/api/SOURCES.md): page_impressions*, page_fans*,
page_engaged_users, post_impressions*, post_engaged_users. Their successors are page_media_view,
page_total_media_view_unique, page_follows and post_media_view, post_total_media_view_unique.
Records and their meaning: docs/raw_layer.md.
"""

from socialkpi.paging import NextUrl
from socialkpi.sources.base import Source
from socialkpi.sources.meta.policy import graph_policy
from socialkpi.streams import Field, Request, Stream

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
# Lifetime counters of a post keep moving for weeks: each run reads the posts of its days and the
# 28 days before once, as a snapshot.
RECENT_DAYS = 28
# Page insights are cut at US Pacific midnight; "Only 90 days of insights can be viewed at one time
# when using the since and until parameters" (Graph API Page Insights reference).
MAX_INSIGHTS_DAYS = 90

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
            params={
                "metric": PAGE_METRICS,
                "period": "day",
                "since": "{pacific_since}",
                "until": "{pacific_until}",
            },
            metrics_param="metric",
            max_days=MAX_INSIGHTS_DAYS,
        ),
    ),
    day_field="values.0.end_time",
    day_format="meta_end_time",
    split_values=True,  # one record per metric and day
    empty_ok=False,  # a page's insights answer every day Facebook covers
    primary_key=("name", "period"),  # and the day: a batch holds one record per metric and day
    fields=(
        Field("name"),
        Field("period"),
        Field("values.0.value", "count"),
        Field("values.0.end_time", "timestamp"),
    ),
    expected_rows=(0, 7),  # per day
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
    kind="lifetime",
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
    kind="lifetime",
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
    parent_count="comments.summary.total_count",  # a post without comments costs no request
    tag_parent=True,
    kind="lifetime",
    max_shrink=None,  # comments can be deleted
    # Comments as of the end of the snapshot day: a rerun that day lands the same set.
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
