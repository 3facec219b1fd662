"""YouTube Data API v3 (channels, search, playlistItems, videos) and Analytics API v2 reports."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from socialkpi.simulator.base import Platform, wants_503
from socialkpi.simulator.paging import slice_page
from socialkpi.simulator.wire import ApiError, Request, Response, json_response, malformed_json_response
from socialkpi.simulator.world import (
    PACIFIC,
    Post,
    SocialAccount,
    brand_identity,
    days_between,
    rng_for,
    stable_int,
)

PLATFORM = "youtube"
DATA_MOUNT = "/youtube"
ANALYTICS_MOUNT = "/youtube-analytics"
# Analytics metrics: name -> (dataType, value for (account, day) or (post, day))
ANALYTICS_METRICS = (
    "views",
    "estimatedMinutesWatched",
    "averageViewDuration",
    "likes",
    "dislikes",
    "comments",
    "shares",
    "subscribersGained",
    "subscribersLost",
)
FLOAT_METRICS = ("averageViewDuration",)
TITLES = (
    "How we roast: a day at the Northwind roastery",
    "Pour-over in 4 minutes",
    "Espresso dialing-in for beginners",
    "Cold brew at home, the easy way",
    "Latte art: the tulip",
)


def youtube_time(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def etag(*parts: object) -> str:
    return base64.urlsafe_b64encode(hashlib.sha1(repr(parts).encode()).digest()).decode()[:27]


def google_error(
    code: int, message: str, reason: str, domain: str = "global", status: str | None = None, **extra: Any
) -> Response:
    error: dict[str, Any] = {
        "code": code,
        "message": message,
        "errors": [{"message": message, "domain": domain, "reason": reason, **extra}],
    }
    if status:
        error["status"] = status
    return json_response({"error": error}, code)


def page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"CA{offset}QAA".encode()).decode().rstrip("=")


def read_page_token(token: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    match = re.fullmatch(r"CA(\d+)QAA", raw)
    return int(match.group(1)) if match else None


def uploads_playlist(channel_id: str) -> str:
    return "UU" + channel_id[2:] if channel_id.startswith("UC") else "UU" + channel_id


def video_title(post: Post) -> str:
    title = rng_for("yt-title", post.post_id).choice(TITLES)
    return f"{post.campaign.theme} | {title}" if post.campaign else title


def video_description(post: Post) -> str:
    link = post.utm_url or "https://northwind.example"
    return f"{video_title(post)}\n\nShop the beans: {link}"


class YouTube(Platform):
    source = PLATFORM
    mounts = (DATA_MOUNT, ANALYTICS_MOUNT)  # base_url("youtube") is the Data API

    def missing_token(self, request: Request) -> Response:
        return google_error(
            401,
            "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or "
            "other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
            "required",
            status="UNAUTHENTICATED",
            location="Authorization",
            locationType="header",
        )

    def expired_token(self, request: Request) -> Response:
        return google_error(
            401,
            "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other "
            "valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
            "authError",
            status="UNAUTHENTICATED",
            location="Authorization",
            locationType="header",
        )

    def quota_exceeded(self, request: Request) -> Response:
        message = (
            'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">'
            "quota</a>."
        )
        return json_response(
            {
                "error": {
                    "code": 403,
                    "message": message,
                    "errors": [{"message": message, "domain": "youtube.quota", "reason": "quotaExceeded"}],
                }
            },
            403,
        )

    def throttled(self, request: Request) -> Response:
        return google_error(
            429,
            "Resource has been exhausted (e.g. check quota).",
            "rateLimitExceeded",
            status="RESOURCE_EXHAUSTED",
        )

    def server_error(self, request: Request) -> Response:
        if wants_503(request):
            return google_error(
                503, "The service is currently unavailable.", "backendError", status="UNAVAILABLE"
            )
        return google_error(500, "Internal error encountered.", "backendError", status="INTERNAL")

    def not_found(self, request: Request) -> Response:
        return google_error(404, "Not Found", "notFound", status="NOT_FOUND")

    def handle(self, request: Request) -> Response:
        if request.method != "GET":
            return self.not_found(request)
        analytics = request.mount_url.endswith(ANALYTICS_MOUNT)
        if analytics:
            if request.path == "/v2/reports":
                return self._report(request)
            return self.not_found(request)
        routes = {
            "/youtube/v3/channels": self._channels,
            "/youtube/v3/search": self._search,
            "/youtube/v3/playlistItems": self._playlist_items,
            "/youtube/v3/videos": self._videos,
        }
        route = routes.get(request.path)
        return route(request) if route else self.not_found(request)

    # -- Data API ------------------------------------------------------------------------

    def _channel_accounts(self, request: Request, ids: str | None) -> list[SocialAccount]:
        world = request.world
        configured = world.account_ids.get(PLATFORM, [])
        if request.query.get("mine") == "true":
            return [world.account(PLATFORM, configured[0])] if configured else []
        if not ids:
            raise ApiError(
                google_error(
                    400,
                    "No filter selected. Expected one of: forUsername, managedByMe, categoryId, mine, mySubscribers, id, idParam, forHandle",
                    "missingRequiredParameter",
                    location="parameters.",
                    locationType="other",
                )
            )
        return [world.account(PLATFORM, item) for item in ids.split(",") if world.has_account(PLATFORM, item)]

    def _parts(self, request: Request) -> list[str]:
        parts = [part for part in request.query.get("part", "").split(",") if part]
        if not parts:
            raise ApiError(
                google_error(
                    400,
                    "Required parameter: part",
                    "required",
                    location="part",
                    locationType="parameter",
                )
            )
        return parts

    def _max_results(self, request: Request, default: int = 5) -> int:
        raw = request.query.get("maxResults", str(default))
        if not raw.isdigit() or int(raw) > 50:
            raise ApiError(
                google_error(
                    400,
                    f"Invalid value '{raw}'. Values must be within the range: [0, 50]",
                    "invalidParameter",
                    location="maxResults",
                    locationType="parameter",
                )
            )
        return max(1, int(raw))

    def _channels(self, request: Request) -> Response:
        faults = request.faults
        parts = self._parts(request)
        items = []
        for account in self._channel_accounts(request, request.query.get("id")):
            handle, name = brand_identity(PLATFORM, account.account_id)
            subscribers = account.followers_now()
            if faults.follower_jump:
                subscribers *= 5
            if faults.negative_counts:
                subscribers = -subscribers
            as_of = account.last_complete_day
            views = sum(post.lifetime("views", as_of) for post in account.posts_before(account.today))
            channel_id = account.account_id + "x" if faults.wrong_account else account.account_id
            item: dict[str, Any] = {
                "kind": "youtube#channel",
                "etag": etag("channel", channel_id, subscribers),
                "id": channel_id,
            }
            if "snippet" in parts:
                item["snippet"] = {
                    "title": name,
                    "description": "Specialty coffee, roasted in Berlin.",
                    "customUrl": "@" + handle.replace(".", ""),
                    "publishedAt": "2016-05-04T10:11:12Z",
                    "thumbnails": _thumbnails(f"https://yt3.ggpht.com/{channel_id}"),
                    "localized": {"title": name, "description": "Specialty coffee, roasted in Berlin."},
                    "country": "DE",
                }
            if "contentDetails" in parts:
                item["contentDetails"] = {
                    "relatedPlaylists": {"likes": "", "uploads": uploads_playlist(account.account_id)}
                }
            if "statistics" in parts:
                statistics = {
                    "viewCount": str(views),
                    "subscriberCount": str(subscribers),
                    "hiddenSubscriberCount": False,
                    "videoCount": str(account.post_count_before(account.today)),
                }
                if faults.missing_keys:
                    statistics.pop("subscriberCount")
                item["statistics"] = statistics
            items.append(item)
        return json_response(
            {
                "kind": "youtube#channelListResponse",
                "etag": etag("channels", [item["etag"] for item in items]),
                "pageInfo": {"totalResults": len(items), "resultsPerPage": 5},
                "items": items,
            }
        )

    def _paged_uploads(
        self, request: Request, account: SocialAccount, posts: list[Post], kind: str, build
    ) -> Response:
        faults = request.faults
        limit = self._max_results(request)
        offset = 0
        token = request.query.get("pageToken")
        if token:
            parsed = read_page_token(token)
            if parsed is None:
                raise ApiError(
                    google_error(
                        400,
                        "The request specifies an invalid page token.",
                        "invalidPageToken",
                        location="pageToken",
                        locationType="parameter",
                    )
                )
            offset = parsed
        page = slice_page(posts, offset, limit, faults)
        items = [build(post) for post in page.items]
        if faults.missing_keys and items:
            items[0].pop("id")
        body: dict[str, Any] = {
            "kind": kind,
            "etag": etag(kind, [post.post_id for post in page.items], offset),
        }
        if page.has_more:
            body["nextPageToken"] = page_token(offset + limit)
        if offset > 0:
            body["prevPageToken"] = page_token(max(0, offset - limit))
        if kind == "youtube#searchListResponse":
            body["regionCode"] = "DE"
        body["pageInfo"] = {"totalResults": len(posts), "resultsPerPage": limit}
        body["items"] = items
        if page.is_malformed(faults):
            return malformed_json_response(body)
        return json_response(body)

    def _search(self, request: Request) -> Response:
        self._parts(request)
        channel_id = request.query.get("channelId") or (
            request.world.account_ids.get(PLATFORM, [""])[0] if request.query.get("forMine") == "true" else ""
        )
        if not request.world.has_account(PLATFORM, channel_id):
            return self._paged_uploads(request, None, [], "youtube#searchListResponse", lambda post: {})
        account = request.world.account(PLATFORM, channel_id)
        posts = account.posts_before(account.today)
        after = _rfc3339(request, "publishedAfter")
        before = _rfc3339(request, "publishedBefore")
        if after:
            posts = [post for post in posts if post.published_at >= after]
        if before:
            posts = [post for post in posts if post.published_at < before]
        _, name = brand_identity(PLATFORM, channel_id)

        def build(post: Post) -> dict[str, Any]:
            return {
                "kind": "youtube#searchResult",
                "etag": etag("search", post.post_id),
                "id": {"kind": "youtube#video", "videoId": self._video_id(request, post)},
                "snippet": {
                    "publishedAt": youtube_time(post.published_at),
                    "channelId": channel_id,
                    "title": video_title(post),
                    "description": video_description(post)[:160],
                    "thumbnails": _thumbnails(f"https://i.ytimg.com/vi/{post.post_id}"),
                    "channelTitle": name,
                    "liveBroadcastContent": "none",
                    "publishTime": youtube_time(post.published_at),
                },
            }

        return self._paged_uploads(request, account, posts, "youtube#searchListResponse", build)

    def _playlist_items(self, request: Request) -> Response:
        parts = self._parts(request)
        playlist_id = request.query.get("playlistId", "")
        account = next(
            (
                a
                for a in request.world.social_accounts(PLATFORM)
                if uploads_playlist(a.account_id) == playlist_id
            ),
            None,
        )
        if account is None:
            raise ApiError(
                google_error(
                    404,
                    "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
                    "playlistNotFound",
                    domain="youtube.playlistItem",
                    location="playlistId",
                    locationType="parameter",
                )
            )
        posts = account.posts_before(account.today)
        _, name = brand_identity(PLATFORM, account.account_id)

        def build(post: Post) -> dict[str, Any]:
            position = posts.index(post)
            item: dict[str, Any] = {
                "kind": "youtube#playlistItem",
                "etag": etag("playlistItem", post.post_id),
                "id": base64.urlsafe_b64encode(f"{playlist_id}.{post.post_id}".encode()).decode().rstrip("="),
            }
            video_id = self._video_id(request, post)
            if "snippet" in parts:
                item["snippet"] = {
                    "publishedAt": youtube_time(post.published_at),
                    "channelId": account.account_id,
                    "title": video_title(post),
                    "description": video_description(post),
                    "thumbnails": _thumbnails(f"https://i.ytimg.com/vi/{post.post_id}"),
                    "channelTitle": name,
                    "playlistId": playlist_id,
                    "position": position,
                    "resourceId": {"kind": "youtube#video", "videoId": video_id},
                    "videoOwnerChannelTitle": name,
                    "videoOwnerChannelId": account.account_id,
                }
            if "contentDetails" in parts:
                item["contentDetails"] = {
                    "videoId": video_id,
                    "videoPublishedAt": youtube_time(post.published_at),
                }
            return item

        return self._paged_uploads(request, account, posts, "youtube#playlistItemListResponse", build)

    def _video_id(self, request: Request, post: Post) -> str:
        return post.post_id[::-1] if request.faults.wrong_account else post.post_id

    def _videos(self, request: Request) -> Response:
        faults = request.faults
        parts = self._parts(request)
        ids = [item for item in request.query.get("id", "").split(",") if item]
        if len(ids) > 50:
            raise ApiError(google_error(400, "The request specifies too many video IDs.", "invalidFilters"))
        items = []
        for video_id in ids:
            post = request.world.find_post(PLATFORM, video_id)
            if post is None:
                continue  # unknown ids are left out, not an error
            as_of = request.world.account_of(post).last_complete_day
            item: dict[str, Any] = {
                "kind": "youtube#video",
                "etag": etag("video", post.post_id, as_of),
                "id": self._video_id(request, post),
            }
            if "snippet" in parts:
                _, name = brand_identity(PLATFORM, post.account_id)
                item["snippet"] = {
                    "publishedAt": youtube_time(post.published_at),
                    "channelId": post.account_id,
                    "title": video_title(post),
                    "description": video_description(post),
                    "thumbnails": _thumbnails(f"https://i.ytimg.com/vi/{post.post_id}"),
                    "channelTitle": name,
                    "categoryId": "26",
                    "liveBroadcastContent": "none",
                    "defaultLanguage": "en",
                }
            if "contentDetails" in parts:
                seconds = 60 + stable_int("yt-duration", post.post_id) % 900
                item["contentDetails"] = {
                    "duration": f"PT{seconds // 60}M{seconds % 60}S",
                    "dimension": "2d",
                    "definition": "hd",
                    "caption": "false",
                    "licensedContent": False,
                    "projection": "rectangular",
                }
            if "statistics" in parts:
                sign = -1 if faults.negative_counts else 1
                statistics = {
                    "viewCount": str(sign * post.lifetime("views", as_of)),
                    "likeCount": str(sign * post.lifetime("likes", as_of)),
                    "favoriteCount": "0",
                    "commentCount": str(sign * post.lifetime("comments", as_of)),
                }
                if faults.missing_keys:
                    statistics.pop("likeCount")
                item["statistics"] = statistics
            items.append(item)
        return json_response(
            {
                "kind": "youtube#videoListResponse",
                "etag": etag("videos", ids, request.world.today),
                "items": items,
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
            }
        )

    # -- Analytics API ---------------------------------------------------------------------

    def _report(self, request: Request) -> Response:
        faults = request.faults
        query = request.query
        ids = query.get("ids", "")
        world = request.world
        configured = world.account_ids.get(PLATFORM, [])
        if ids == "channel==MINE" and configured:
            account = world.account(PLATFORM, configured[0])
        elif ids.startswith("channel==") and world.has_account(PLATFORM, ids.removeprefix("channel==")):
            account = world.account(PLATFORM, ids.removeprefix("channel=="))
        else:
            raise ApiError(_analytics_error(403, "Forbidden", "forbidden"))
        metrics = [name for name in query.get("metrics", "").split(",") if name]
        if not metrics:
            raise ApiError(_analytics_error(400, "Required parameter: metrics", "required"))
        for name in metrics:
            if name not in ANALYTICS_METRICS or name in faults.retired_metrics:
                raise ApiError(
                    _analytics_error(
                        400, f"Unknown identifier ({name}) given in field parameters.metrics.", "badRequest"
                    )
                )
        dimensions = [name for name in query.get("dimensions", "").split(",") if name]
        if any(name not in ("day", "video") for name in dimensions) or len(dimensions) > 1:
            raise ApiError(
                _analytics_error(
                    400,
                    "The query is not supported. Check the documentation for supported queries.",
                    "badRequest",
                )
            )
        try:
            start = date.fromisoformat(query.get("startDate", ""))
            end = date.fromisoformat(query.get("endDate", ""))
        except ValueError:
            raise ApiError(
                _analytics_error(400, "Required parameter: startDate and endDate (YYYY-MM-DD)", "required")
            ) from None
        days = [
            day
            for day in days_between(start, end + timedelta(days=1))
            # YouTube Analytics dates are US Pacific dates ("day" dimension; the channel's zone
            # plays no part): a day is reported once it is over in Pacific time.
            if world.is_over(day, PACIFIC) and not faults.is_empty_day(day.isoformat())
        ]
        video_filter = None
        filters = query.get("filters", "")
        if filters.startswith("video=="):
            video_filter = set(filters.removeprefix("video==").split(","))

        per_video = dimensions == ["video"] or video_filter is not None
        rows: list[list[Any]] = []
        if dimensions == ["day"]:
            for day in days:
                posts = self._growing(account, day, video_filter)
                rows.append(
                    [day.isoformat(), *[_metric(account, posts, name, [day], per_video) for name in metrics]]
                )
        elif dimensions == ["video"]:
            candidates = {
                post.post_id: post for day in days for post in self._growing(account, day, video_filter)
            }
            for video_id, post in candidates.items():
                values = [_metric(account, [post], name, days, per_video) for name in metrics]
                if any(values):
                    rows.append([video_id, *values])
            sort = query.get("sort", "")
            if sort.lstrip("-") in metrics:
                index = 1 + metrics.index(sort.lstrip("-"))
                rows.sort(key=lambda row: row[index], reverse=sort.startswith("-"))
        elif days:
            posts = {post.post_id: post for day in days for post in self._growing(account, day, video_filter)}
            rows.append([_metric(account, list(posts.values()), name, days, per_video) for name in metrics])
        start_index = int(query.get("startIndex", "1") or 1)
        max_results = int(query.get("maxResults", "0") or 0)
        rows = rows[start_index - 1 :]
        if max_results:
            rows = rows[:max_results]
        if faults.negative_counts:
            rows = [[-value - 1 if isinstance(value, int) else value for value in row] for row in rows]
        if faults.dates_out_of_range and dimensions == ["day"]:
            rows = [[(end + timedelta(days=5)).isoformat(), *row[1:]] for row in rows]
        headers = [{"name": name, "columnType": "DIMENSION", "dataType": "STRING"} for name in dimensions]
        headers += [
            {
                "name": name,
                "columnType": "METRIC",
                "dataType": "FLOAT" if name in FLOAT_METRICS else "INTEGER",
            }
            for name in metrics
        ]
        body: dict[str, Any] = {"kind": "youtubeAnalytics#resultTable", "columnHeaders": headers}
        if rows:  # the API leaves "rows" out when there is no data
            body["rows"] = rows
        if faults.missing_keys:
            body.pop("columnHeaders")
        return json_response(body)

    def _growing(self, account: SocialAccount, day: date, video_filter: set[str] | None) -> list[Post]:
        posts = account.posts_growing_between(*account.day_bounds(day, PACIFIC))
        return [post for post in posts if video_filter is None or post.post_id in video_filter]


def _metric(account: SocialAccount, posts: list[Post], name: str, days: list[date], per_video: bool) -> Any:
    """One Analytics metric over ``days``; subscribers are channel-wide unless per video."""

    def grew(post: Post, metric: str, day: date) -> int:
        return post.increase_between(metric, *account.day_bounds(day, PACIFIC))

    def views() -> int:
        return sum(grew(post, "views", day) for post in posts for day in days)

    if name == "views":
        return views()
    if name == "estimatedMinutesWatched":
        return sum(
            grew(post, "views", day) * (2 + stable_int("yt-watch", post.post_id) % 5)
            for post in posts
            for day in days
        )
    if name == "averageViewDuration":
        total_views = views()
        minutes = _metric(account, posts, "estimatedMinutesWatched", days, per_video)
        return round(minutes * 60 / total_views, 1) if total_views else 0.0
    if name in ("likes", "comments", "shares"):
        return sum(grew(post, name, day) for post in posts for day in days)
    if name == "dislikes":
        return sum(grew(post, "likes", day) for post in posts for day in days) // 40
    if name == "subscribersGained":
        if per_video:
            return sum(grew(post, "follows", day) for post in posts for day in days)
        return sum(account.activity(day, PACIFIC).follows for day in days)
    if name == "subscribersLost":
        return 0 if per_video else sum(account.activity(day, PACIFIC).unfollows for day in days)
    raise KeyError(name)


def _analytics_error(code: int, message: str, reason: str) -> Response:
    return json_response(
        {
            "error": {
                "code": code,
                "message": message,
                "errors": [{"message": message, "domain": "global", "reason": reason}],
            }
        },
        code,
    )


def _thumbnails(base: str) -> dict[str, Any]:
    return {
        "default": {"url": f"{base}/default.jpg", "width": 120, "height": 90},
        "medium": {"url": f"{base}/mqdefault.jpg", "width": 320, "height": 180},
        "high": {"url": f"{base}/hqdefault.jpg", "width": 480, "height": 360},
    }


def _rfc3339(request: Request, name: str) -> datetime | None:
    raw = request.query.get(name)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(google_error(400, f"Invalid value '{raw}' for {name}", "invalidParameter")) from None
