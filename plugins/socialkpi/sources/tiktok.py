"""TikTok Display API v2 (open.tiktokapis.com): the user's follower snapshot and its videos.

A Display API token belongs to one TikTok user (its `open_id` is the account id): one account per
connection. Every response carries an `error` object, `{"code": "ok"}` on success.
Records and their meaning: docs/raw_layer.md.
"""

from __future__ import annotations

import re

import requests

from socialkpi.http import Verdict, default_policy, retry_after
from socialkpi.paging import BodyCursor
from socialkpi.sources.base import Source
from socialkpi.streams import Field, Request, Stream

USER_FIELDS = "open_id,display_name,follower_count,following_count,likes_count,video_count"
VIDEO_FIELDS = "id,title,create_time,share_url,view_count,like_count,comment_count,share_count"
VIDEO_COUNTS = ("view_count", "like_count", "comment_count", "share_count")
AUTH_CODES = {"access_token_invalid", "scope_not_authorized", "scope_permission_missing"}
_INVALID_FIELDS = re.compile(r"Invalid fields?:\s*([\w,\s]+)")
RECENT_DAYS = 28


def tiktok_policy(response: requests.Response) -> Verdict:
    """Any `error.code` other than "ok" is an error, whatever the HTTP status."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        # A cut-off 200 is reported by the client as a malformed page; anything else by status.
        return Verdict.ok() if status < 400 else default_policy(response)
    error = (body.get("error") if isinstance(body, dict) else None) or {}
    code = str(error.get("code", "ok" if status < 400 else ""))
    message = f"{code}: {error.get('message', '')} (log_id {error.get('log_id', '-')})"[:250]
    if code == "ok" and status < 400:
        return Verdict.ok()
    if status == 429 or code == "rate_limit_exceeded":
        return Verdict("retry", wait_seconds=retry_after(response), message=f"rate limited: {message}")
    if status == 401 or code in AUTH_CODES:
        return Verdict("auth", message=message)
    if code == "invalid_params":
        invalid = _INVALID_FIELDS.search(str(error.get("message", "")))
        if invalid:
            names = tuple(name.strip() for name in invalid.group(1).split(",") if name.strip())
            return Verdict("invalid_metric", message=message, metrics=names)
    if status >= 500:
        return default_policy(response)
    return Verdict("error", message=message)


user = Stream(
    source="tiktok",
    name="user",
    path="/v2/user/info/",
    requests=(Request(params={"fields": USER_FIELDS}, metrics_param="fields"),),
    records_path="data.user",
    kind="snapshot",
    primary_key=("open_id",),
    fields=(
        Field("open_id"),
        Field("follower_count", "count"),
        Field("following_count", "count"),
        Field("likes_count", "count"),
        Field("video_count", "count"),
    ),
    expected_rows=(1, 1),
    account_field="open_id",
    jump_field="follower_count",
)

videos = Stream(
    source="tiktok",
    name="videos",
    path="/v2/video/list/",
    method="POST",
    requests=(Request(params={"fields": VIDEO_FIELDS}, body={"max_count": 20}, metrics_param="fields"),),
    paginator=BodyCursor("data.cursor", "data.has_more", "cursor"),
    records_path="data.videos",
    kind="lifetime",  # lifetime counters: once per run
    cursor_field="create_time",
    window_days_before=RECENT_DAYS,
    fields=(
        Field("id"),
        Field("create_time", "epoch_seconds"),
        *(Field(name, "count") for name in VIDEO_COUNTS),
    ),
)

SOURCE = Source(
    name="tiktok",
    platform="tiktok",
    default_base_url="https://open.tiktokapis.com",
    simulator_path="/tiktok",
    streams=(user, videos),
    policy=tiktok_policy,
    # The Display API answers for the token's user (`/v2/user/info/` takes no id): a second
    # creator on the same connection would read the first one's numbers.
    token_per_account=True,
)
