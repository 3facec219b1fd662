"""Competitor benchmarks: other brands' public numbers, read with the user's own tokens.

- Instagram Business Discovery: `GET /{ig-user-id}?fields=business_discovery.username(HANDLE){...}`
  on the user's own IG user: the other professional account's public fields (followers, media
  count) and its recent media with like and comment counts. No insights (reach, views, saves) exist
  for other accounts. A handle that does not exist, is personal or is age-gated answers Graph error
  110 / subcode 2207013 ("Cannot find User"): the API does not tell these apart.
- YouTube Data API: `channels.list` (statistics of a public channel id), its uploads playlist
  (`playlistItems.list`) and `videos.list` for the statistics of the recent uploads, 1 quota unit
  each (not `search.list`, 100 units). A channel id that does not exist answers no `items`.
- X API v2: `GET /2/users/by/username/{username}` with `public_metrics`, then the user's recent
  posts (`/2/users/{id}/tweets`) with their `public_metrics`. An unknown or suspended username is a
  200 holding only `errors`; a protected account's posts are not public.

Competitors are read once a day (the account-local day before extraction, like every snapshot),
after the user's own streams, by the source's first configured account, and never again that day
(a batch already published for the day is not read twice). They stop early when the platform's usage
headers approach the limit the user's own streams need (`UsageGuard`). A competitor that cannot be
read is recorded for the day as an empty published batch whose `unavailable_metrics` names the
reason (`socialkpi loads` shows it); it never fails the user's own accounts.

Each competitor lands as its own batch with `account_id` = its handle (YouTube: channel id).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, replace
from datetime import UTC, date, datetime, timedelta

from socialkpi.errors import CredentialsError, QuotaExhausted, SourceError
from socialkpi.extract import extract_stream
from socialkpi.paging import TokenParam
from socialkpi.sources import youtube
from socialkpi.streams import Field, Request, Stream, Window

log = logging.getLogger(__name__)

RECENT_DAYS = 28
# Requests competitors may spend per platform and day. One Business Discovery call reads a whole
# competitor; YouTube spends 3 quota units of the default 10,000 a competitor; X reads one page of
# recent posts (posts read count against the plan's monthly cap).
REQUEST_BUDGET = {"instagram": 25, "youtube": 60, "x": 30}
# Competitors stop when the platform reports this share of its limit used: Meta throttles at 100 %
# of x-app-usage / x-business-use-case-usage, X at x-rate-limit-remaining = 0; the rest is the
# user's own streams' (tomorrow's runs and reruns).
USAGE_CEILING = 0.8
DISCOVERY_FIELDS = (
    "id,username,name,followers_count,follows_count,media_count,"
    "media.limit(50){id,timestamp,like_count,comments_count,media_type,media_product_type}"
)
UNAVAILABLE_PREFIX = "competitor unavailable: "

# ---- the streams -------------------------------------------------------------------------------
# `{parent_id}` is the competitor's handle for the first stream of each platform (parent
# "competitor"), then the parent record's key for the streams below it.
instagram_accounts = Stream(
    source="instagram",
    name="competitor_accounts",
    path="/{account_id}",  # the user's own IG user: Business Discovery runs on it
    requests=(
        Request(params={"fields": "business_discovery.username({parent_id}){" + DISCOVERY_FIELDS + "}"}),
    ),
    records_path="business_discovery",
    parent="competitor",
    parent_key="handle",
    kind="competitor",
    fields=(
        Field("id"),
        Field("username"),
        Field("followers_count", "count"),
        Field("media_count", "count"),
    ),
    expected_rows=(1, 1),
)

youtube_channels = Stream(
    source="youtube",
    name="competitor_channels",
    path="/youtube/v3/channels",
    requests=(Request(params={"part": "snippet,statistics,contentDetails", "id": "{parent_id}"}),),
    records_path="items",
    parent="competitor",
    parent_key="handle",
    kind="competitor",
    fields=(
        Field("id"),
        # hidden when the channel hides its subscriber count (statistics.hiddenSubscriberCount)
        Field("statistics.subscriberCount", "count", required=False),
        Field("statistics.videoCount", "count"),
        Field("statistics.viewCount", "count"),
    ),
    expected_rows=(1, 1),
)

youtube_uploads = replace(
    youtube.uploads, name="competitor_uploads", parent="competitor_channels", kind="competitor"
)

youtube_videos = replace(
    youtube.videos,
    name="competitor_videos",
    parent="competitor_uploads",
    kind="competitor",
    account_field=None,
)

x_users = Stream(
    source="x",
    name="competitor_users",
    path="/2/users/by/username/{parent_id}",
    requests=(Request(params={"user.fields": "public_metrics,created_at,protected"}),),
    records_path="data",
    parent="competitor",
    parent_key="handle",
    kind="competitor",
    fields=(
        Field("id"),
        Field("username"),
        Field("public_metrics.followers_count", "count"),
        Field("public_metrics.tweet_count", "count"),
    ),
    expected_rows=(1, 1),
)

x_posts = Stream(
    source="x",
    name="competitor_posts",
    path="/2/users/{parent_id}/tweets",
    requests=(
        Request(
            params={
                "tweet.fields": "created_at,public_metrics,author_id",
                "exclude": "replies,retweets",
                "max_results": 100,
                "start_time": "{recent_since_iso}",
                "end_time": "{until_iso}",
            }
        ),
    ),
    paginator=TokenParam("meta.next_token", "pagination_token"),
    parent="competitor_users",
    cursor_field="created_at",
    window_days_before=RECENT_DAYS,
    kind="competitor",
    fields=(
        Field("id"),
        Field("created_at", "timestamp"),
        Field("public_metrics.like_count", "count"),
        Field("public_metrics.reply_count", "count"),
        Field("public_metrics.retweet_count", "count"),
        Field("public_metrics.quote_count", "count"),
    ),
)

# Per platform, the streams read for one competitor, in order (the first one proves it exists).
PLANS: dict[str, tuple[Stream, ...]] = {
    "instagram": (instagram_accounts,),
    "youtube": (youtube_channels, youtube_uploads, youtube_videos),
    "x": (x_users, x_posts),
}
# What lands in raw (YouTube's uploads list only leads to the videos).
LANDED = {"competitor_uploads": False}
COMPETITOR_STREAMS: tuple[Stream, ...] = tuple(
    stream for plan in PLANS.values() for stream in plan if LANDED.get(stream.name, True)
)


# ---- staying inside the user's own quota -------------------------------------------------------
def usage_share(headers: dict[str, str]) -> float | None:
    """The share of the platform's limit used, from the headers of the latest response:
    Meta `x-app-usage` / `x-business-use-case-usage` (percentages of call count, CPU time and total
    time; the highest counts), X `x-rate-limit-remaining` of `x-rate-limit-limit`. None: not reported."""
    lowered = {name.lower(): value for name, value in headers.items()}
    shares = []
    for name in ("x-app-usage", "x-business-use-case-usage"):
        try:
            document = json.loads(lowered[name])
        except (KeyError, ValueError):
            continue
        entries = [document] if "call_count" in document else [e for v in document.values() for e in v]
        for entry in entries:
            for key in ("call_count", "total_cputime", "total_time"):
                if isinstance(entry.get(key), int | float):
                    shares.append(entry[key] / 100)
    try:
        limit = float(lowered["x-rate-limit-limit"])
        remaining = float(lowered["x-rate-limit-remaining"])
        if limit > 0:
            shares.append(1 - remaining / limit)
    except (KeyError, ValueError):
        pass
    return max(shares) if shares else None


class UsageGuard:
    """Watches every response of the source's client and says when competitors must stop."""

    def __init__(self, client, platform: str, ceiling: float = USAGE_CEILING) -> None:
        self.client = client
        self.budget = REQUEST_BUDGET[platform]
        self.ceiling = ceiling
        self.first_request = client.request_count
        self.headers: dict[str, str] = {}
        client.session.hooks["response"].append(self._observe)

    def _observe(self, response, *args, **kwargs):
        self.headers = dict(response.headers)
        return response

    def reason_to_stop(self) -> str | None:
        spent = self.client.request_count - self.first_request
        if spent >= self.budget:
            return f"the day's competitor budget of {self.budget} requests is spent"
        share = usage_share(self.headers)
        if share is not None and share >= self.ceiling:
            return (
                f"the API reports {share:.0%} of its limit used; competitors stop at {self.ceiling:.0%} "
                "so the account's own streams keep their quota"
            )
        return None


# ---- reading them -------------------------------------------------------------------------------
class Unavailable(SourceError):
    """This competitor cannot be read today (unknown, private, personal or protected)."""


def read_competitors(client, source: str, account, conn, url: str, competitors, dag_run_id=None, now=None):
    """Read each competitor of `source` once for the snapshot day; returns one outcome dict each.

    Runs after the account's own streams with the same client (token, throttling, counters)."""
    from socialkpi.ingest import gate  # ingest calls this module: import at call time

    day = (now or datetime.now(UTC)).astimezone(account.tz).date() - timedelta(days=1)
    guard = UsageGuard(client, source)
    outcomes = []
    for index, competitor in enumerate(competitors):
        plan = PLANS[source]
        if _read_already(conn, source, plan[0].name, competitor.handle, day):
            outcomes.append(_outcome(competitor, day, "skipped", "already read for this day"))
            continue
        reason = guard.reason_to_stop()
        if reason:
            for later in competitors[index:]:
                outcomes.append(_outcome(later, day, "deferred", reason))
            log.warning("%s competitors: %d not read: %s", source, len(competitors) - index, reason)
            break
        try:
            results = _extract(client, plan, account, day, competitor.handle)
        except CredentialsError:
            raise
        except QuotaExhausted as exc:
            for later in competitors[index:]:
                outcomes.append(_outcome(later, day, "deferred", str(exc)))
            break
        except SourceError as exc:
            detail = str(exc)[:300]
            log.warning("%s competitor %s unavailable: %s", source, competitor.handle, detail)
            record_unavailable(conn, plan[0], competitor.handle, day, detail, dag_run_id)
            outcomes.append(_outcome(competitor, day, "unavailable", detail))
            continue
        landing = Window(account_id=competitor.handle, day=day, timezone=account.timezone)
        reports = [
            gate(conn, url, stream, landing, results[stream.name], dag_run_id)
            for stream in plan
            if LANDED.get(stream.name, True)
        ]
        failed = [r for r in reports if r.status != "published"]
        status = "published" if not failed else "quarantined"
        detail = "; ".join(f"{r.stream}: {r.status} {r.detail}" for r in failed)
        outcomes.append(_outcome(competitor, day, status, detail, batches=[asdict(r) for r in reports]))
    return outcomes


def _extract(client, plan: tuple[Stream, ...], account, day: date, handle: str) -> dict:
    # Requests run on the user's own account (Business Discovery needs its IG user id).
    window = Window(account_id=account.id, day=day, timezone=account.timezone)
    results = {}
    for stream in plan:
        parents = [{"handle": handle}] if stream.parent == "competitor" else results[stream.parent].records
        result = extract_stream(client, stream, window, parents)
        if stream.parent == "competitor":
            if not result.records:
                raise Unavailable(f"{stream.source}: {handle} does not exist or is not public")
            if result.records[0].get("protected") is True:
                raise Unavailable(f"{stream.source}: {handle} is protected; its posts are not public")
        results[stream.name] = result
    return results


def record_unavailable(conn, stream: Stream, handle: str, day: date, detail: str, dag_run_id=None) -> None:
    """An empty batch for the day, published, naming why: the day's numbers are unknown (not zero),
    an earlier batch of the same day is replaced, and `socialkpi loads` lists the reason."""
    from socialkpi import load

    key = load.BatchKey(stream.source, stream.name, handle, day, day + timedelta(days=1))
    batch_id, _ = load.land(
        conn,
        key,
        [],
        datetime.now(UTC),
        [UNAVAILABLE_PREFIX + handle],
        dag_run_id=dag_run_id,
        stream_kind=stream.kind,
    )
    load.publish(conn, batch_id, None)
    conn.execute("update audit.loads set message = %s where batch_id = %s", (detail, batch_id))


def _read_already(conn, source: str, stream: str, handle: str, day: date) -> bool:
    row = conn.execute(
        """select 1 from audit.loads
           where source = %s and stream = %s and account_id = %s and interval_start = %s
             and status in ('published', 'released')
           limit 1""",
        (source, stream, handle, day),
    ).fetchone()
    return row is not None


def _outcome(competitor, day: date, status: str, detail: str = "", batches=None) -> dict:
    return {
        "handle": competitor.handle,
        "day": day.isoformat(),
        "status": status,
        "detail": detail,
        "batches": batches or [],
    }
