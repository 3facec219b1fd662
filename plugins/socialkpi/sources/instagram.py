"""Instagram Graph API (Instagram API with Facebook Login), 2026 metrics.

Retired and not requested: impressions, plays, video_views, profile_views (see SOURCES.md).
Records and their meaning: docs/raw_layer.md.
"""

from socialkpi.sources.base import Source
from socialkpi.sources.meta.policy import graph_policy
from socialkpi.streams import Field, NextUrl, Request, Stream

MEDIA_FIELDS = "id,caption,media_type,media_product_type,permalink,timestamp,like_count,comments_count"
COMMENT_FIELDS = "id,text,timestamp,username,replies{id,text,timestamp,username}"
DAY = {"period": "day", "since": "{since}", "until": "{until}"}

account = Stream(
    source="instagram",
    name="account",
    path="/{account_id}",
    requests=(Request(params={"fields": "id,username,name,followers_count,follows_count,media_count"}),),
    records_path=None,
    kind="snapshot",
    fields=(Field("id"), Field("followers_count", "count")),
    expected_rows=(1, 1),
    account_field="id",
    jump_field="followers_count",
)

account_insights = Stream(
    source="instagram",
    name="account_insights",
    path="/{account_id}/insights",
    requests=(
        Request(params={"metric": "follower_count", **DAY}, metrics_param="metric"),
        Request(
            params={
                "metric": "reach,views,total_interactions,likes,comments,shares,saves",
                "metric_type": "total_value",
                **DAY,
            },
            metrics_param="metric",
        ),
        Request(
            params={
                "metric": "follows_and_unfollows",
                "metric_type": "total_value",
                "breakdown": "follow_type",
                **DAY,
            },
            metrics_param="metric",
        ),
    ),
    primary_key=("name", "period"),
    fields=(
        Field("name"),
        Field("period"),
        Field("total_value.value", "count", required=False),
        Field("values.0.value", "count", required=False),
        Field("values.0.end_time", "timestamp", required=False),
    ),
    expected_rows=(0, 20),
    account_field="id",
)

media = Stream(
    source="instagram",
    name="media",
    path="/{account_id}/media",
    requests=(Request(params={"fields": MEDIA_FIELDS, "limit": 50}),),
    paginator=NextUrl("paging.next"),
    cursor_field="timestamp",
    window_days_before=28,
    fields=(
        Field("id"),
        Field("timestamp", "timestamp"),
        Field("like_count", "count"),
        Field("comments_count", "count"),
        Field("media_type"),
    ),
)

media_insights = Stream(
    source="instagram",
    name="media_insights",
    path="/{parent_id}/insights",
    requests=(
        Request(
            params={"metric": "views,reach,saved,shares,total_interactions,likes,comments"},
            metrics_param="metric",
        ),
    ),
    parent="media",
    primary_key=("id",),
    fields=(Field("id"), Field("name"), Field("values.0.value", "count")),
)

comments = Stream(
    source="instagram",
    name="comments",
    path="/{parent_id}/comments",
    requests=(Request(params={"fields": COMMENT_FIELDS, "limit": 50}),),
    paginator=NextUrl("paging.next"),
    parent="media",
    tag_parent=True,  # an IG comment does not name its media
    # Comments as of the end of the day (oldest first): a rerun of the day lands the same set.
    cursor_field="timestamp",
    window_days_before=28,
    fields=(Field("id"), Field("timestamp", "timestamp"), Field("username"), Field("_parent_id")),
)

SOURCE = Source(
    name="instagram",
    platform="instagram",
    default_base_url="https://graph.facebook.com/v25.0",
    simulator_path="/instagram/v25.0",
    streams=(account, account_insights, media, media_insights, comments),
    policy=graph_policy,
    default_lookback_days=2,
)
