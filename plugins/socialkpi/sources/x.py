"""X API v2 (api.x.com): the account's follower snapshot, its posts and the posts mentioning it.

Post metrics are `public_metrics` (like, reply, retweet, quote, bookmark and impression counts),
lifetime values that keep moving: the posts of the last 28 days are re-read every day.
Records and their meaning: docs/raw_layer.md.
"""

from __future__ import annotations

import time

import requests

from socialkpi.http import Verdict, default_policy, json_object
from socialkpi.paging import TokenParam
from socialkpi.sources.base import Source
from socialkpi.streams import Field, Request, Stream

# `conversation_id` and `in_reply_to_user_id` pair the account's replies with the mentions they answer;
# `entities` holds the expanded (UTM-tagged) links behind the t.co ones in the text.
MENTION_FIELDS = "created_at,public_metrics,author_id,conversation_id,in_reply_to_user_id"
POST_FIELDS = f"{MENTION_FIELDS},entities"
PUBLIC_METRICS = (
    "like_count",
    "reply_count",
    "retweet_count",
    "quote_count",
    "bookmark_count",
    "impression_count",
)
# The query parameters whose values are field lists: a refused value is dropped like a retired metric.
FIELD_LIST_PARAMETERS = ("tweet.fields", "user.fields")
RECENT_DAYS = 28


def reset_wait(response: requests.Response, now: float | None = None) -> float:
    """Seconds until `x-rate-limit-reset` (unix seconds), at least 1; the client bounds it."""
    try:
        reset = float(response.headers["x-rate-limit-reset"])
    except (KeyError, ValueError):
        return 60.0
    return max(1.0, reset - (time.time() if now is None else now) + 1)


def x_policy(response: requests.Response) -> Verdict:
    """X answers RFC 7807 problems (`{"title", "detail", "type", "status"}`, `errors[]`)."""
    status = response.status_code
    body = json_object(response) or {}
    if status < 400:
        if body.get("errors") and "data" not in body and "meta" not in body:
            # A lookup of an unknown or suspended user is a 200 that holds only `errors`.
            detail = body["errors"][0].get("detail") or body["errors"][0].get("title", "")
            return Verdict("error", message=f"X: {detail}")
        return Verdict.ok()  # partial errors next to `data` are about other objects
    title = body.get("title", "")
    detail = str(body.get("detail", "")).strip()
    if status == 401:
        return Verdict("auth", message=f"{title}: {detail}")
    if status == 403:
        return Verdict(
            "auth", message=f"{title}: {detail} (the app needs Basic access or above and a project)"
        )
    if status == 429:
        wait = reset_wait(response)
        return Verdict(
            "retry", wait_seconds=wait, message=f"rate limited until x-rate-limit-reset ({wait:.0f}s)"
        )
    if status == 400:
        refused = [
            value
            for error in body.get("errors", [])
            for name, values in (error.get("parameters") or {}).items()
            if name in FIELD_LIST_PARAMETERS
            for value in values
        ]
        if refused:
            message = "; ".join(str(e.get("message", "")) for e in body.get("errors", []))
            return Verdict("invalid_metric", message=message, metrics=tuple(refused))
    if status >= 500:
        return default_policy(response)
    return Verdict("error", message=f"HTTP {status} {title}: {detail}"[:300])


user = Stream(
    source="x",
    name="user",
    path="/2/users/{account_id}",
    requests=(Request(params={"user.fields": "public_metrics,created_at"}, metrics_param="user.fields"),),
    records_path="data",
    kind="snapshot",
    fields=(
        Field("id"),
        Field("username"),
        Field("public_metrics.followers_count", "count"),
        Field("public_metrics.following_count", "count"),
        Field("public_metrics.tweet_count", "count"),
    ),
    expected_rows=(1, 1),
    account_field="id",
    jump_field="public_metrics.followers_count",
)

posts = Stream(
    source="x",
    name="posts",
    path="/2/users/{account_id}/tweets",
    requests=(
        Request(
            params={
                "tweet.fields": POST_FIELDS,
                "max_results": 100,
                "start_time": "{recent_since_iso}",
                "end_time": "{until_iso}",
            },
            metrics_param="tweet.fields",
        ),
    ),
    paginator=TokenParam("meta.next_token", "pagination_token"),
    kind="lifetime",  # public_metrics are lifetime counters: once per run
    cursor_field="created_at",
    window_days_before=RECENT_DAYS,
    fields=(
        Field("id"),
        Field("created_at", "timestamp"),
        *(Field(f"public_metrics.{name}", "count") for name in PUBLIC_METRICS),
    ),
    account_field="author_id",
)

mentions = Stream(
    source="x",
    name="mentions",
    path="/2/users/{account_id}/mentions",
    requests=(
        Request(
            params={
                "tweet.fields": MENTION_FIELDS,
                "max_results": 100,
                "start_time": "{since_iso}",
                "end_time": "{until_iso}",
            },
            metrics_param="tweet.fields",
        ),
    ),
    paginator=TokenParam("meta.next_token", "pagination_token"),
    cursor_field="created_at",
    # The range in one paged list; a mention's day is its local day in the account's timezone.
    day_field="created_at",
    day_format="local_timestamp",
    max_shrink=None,  # mentions can be deleted
    fields=(Field("id"), Field("created_at", "timestamp"), Field("author_id"), Field("text")),
)

SOURCE = Source(
    name="x",
    platform="x",
    default_base_url="https://api.x.com",
    simulator_path="/x",
    streams=(user, posts, mentions),
    policy=x_policy,
)
