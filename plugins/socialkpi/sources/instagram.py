"""Instagram Graph API (Instagram API with Facebook Login), 2026 metrics.

Retired and not requested: impressions, plays, video_views, profile_views (see SOURCES.md).
Insights days are US Pacific days whatever the account's timezone: windows are drawn at Pacific
midnights (`{pacific_since}`), a `time_series` value is filed under the Pacific day before its
`end_time`, a `total_value` (which has no `end_time`) is asked one Pacific day at a time.
Records and their meaning: docs/raw_layer.md.
"""

from socialkpi.paging import NextUrl
from socialkpi.sources.base import Source
from socialkpi.sources.meta.policy import graph_policy
from socialkpi.streams import Field, Request, Stream

MEDIA_FIELDS = "id,caption,media_type,media_product_type,permalink,timestamp,like_count,comments_count"
COMMENT_FIELDS = "id,text,timestamp,username,replies{id,text,timestamp,username}"
PACIFIC_DAYS = {"period": "day", "since": "{pacific_since}", "until": "{pacific_until}"}
# Graph refuses since/until more than 30 days apart.
MAX_INSIGHTS_DAYS = 30
RECENT_DAYS = 28

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
        # follower_count is a time series: 30 days a call.
        Request(
            params={"metric": "follower_count", **PACIFIC_DAYS},
            metrics_param="metric",
            max_days=MAX_INSIGHTS_DAYS,
        ),
        # These metrics exist only as `total_value` over the window: one call per Pacific day.
        Request(
            params={
                "metric": "reach,views,total_interactions,likes,comments,shares,saves",
                "metric_type": "total_value",
                **PACIFIC_DAYS,
            },
            metrics_param="metric",
            per_day=True,
        ),
        # The follow_type breakdown cannot share a call with metrics that lack it.
        Request(
            params={
                "metric": "follows_and_unfollows",
                "metric_type": "total_value",
                "breakdown": "follow_type",
                **PACIFIC_DAYS,
            },
            metrics_param="metric",
            per_day=True,
        ),
    ),
    day_field="values.0.end_time",
    day_format="meta_end_time",
    split_values=True,
    empty_ok=False,  # an account's insights answer every day Instagram covers
    primary_key=("name", "period"),  # and the day: a batch holds one record per metric and day
    fields=(
        Field("name"),
        Field("period"),
        Field("total_value.value", "count", required=False),
        Field("values.0.value", "count", required=False),
        Field("values.0.end_time", "timestamp", required=False),
    ),
    expected_rows=(0, 20),  # per day
    account_field="id",
)

# Posts and what hangs off them are lifetime values: read once per run for the posts of the run's
# days and the 28 days before, filed as that run's snapshot.
media = Stream(
    source="instagram",
    name="media",
    path="/{account_id}/media",
    requests=(Request(params={"fields": MEDIA_FIELDS, "limit": 100}),),
    paginator=NextUrl("paging.next"),
    kind="lifetime",
    cursor_field="timestamp",
    window_days_before=RECENT_DAYS,
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
    kind="lifetime",
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
    parent_count="comments_count",  # a media without comments costs no request
    tag_parent=True,  # an IG comment does not name its media
    kind="lifetime",
    # Comments as of the end of the snapshot day: a rerun that day lands the same set.
    cursor_field="timestamp",
    window_days_before=RECENT_DAYS,
    max_shrink=None,  # comments can be deleted
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
