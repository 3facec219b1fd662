"""TikTok Display API v2 (open.tiktokapis.com): user info, video list, video query."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from socialkpi.simulator.base import Platform, wants_503
from socialkpi.simulator.paging import slice_page
from socialkpi.simulator.wire import ApiError, Request, Response, json_response, malformed_json_response
from socialkpi.simulator.world import Post, SocialAccount, brand_identity, stable_int

PLATFORM = "tiktok"
USER_FIELDS = (
    "open_id",
    "union_id",
    "avatar_url",
    "display_name",
    "bio_description",
    "profile_deep_link",
    "is_verified",
    "username",
    "follower_count",
    "following_count",
    "likes_count",
    "video_count",
)
VIDEO_FIELDS = (
    "id",
    "create_time",
    "cover_image_url",
    "share_url",
    "video_description",
    "duration",
    "height",
    "width",
    "title",
    "embed_html",
    "embed_link",
    "like_count",
    "comment_count",
    "share_count",
    "view_count",
)
MAX_COUNT = 20


def log_id(request: Request) -> str:
    stamp = request.world.today.strftime("%Y%m%d")
    return f"{stamp}{stable_int('tt-log', request.path, request.verdict.call_number) % 10**18:018X}"[:34]


def envelope(request: Request, data: Any, code: str = "ok", message: str = "", status: int = 200) -> Response:
    return json_response(
        {"data": data, "error": {"code": code, "message": message, "log_id": log_id(request)}}, status
    )


class TikTok(Platform):
    source = PLATFORM
    mounts = ("/tiktok",)

    def missing_token(self, request: Request) -> Response:
        return envelope(
            request,
            {},
            "access_token_invalid",
            "The access token is invalid or not found in the request.",
            401,
        )

    def expired_token(self, request: Request) -> Response:
        return self.missing_token(request)

    def throttled(self, request: Request) -> Response:
        return envelope(
            request,
            {},
            "rate_limit_exceeded",
            "The API rate limit was exceeded. Please try again later.",
            429,
        )

    def server_error(self, request: Request) -> Response:
        status = 503 if wants_503(request) else 500
        return envelope(
            request, {}, "internal_error", "Something went wrong. Please try again later.", status
        )

    def not_found(self, request: Request) -> Response:
        return envelope(request, {}, "invalid_params", f"Unknown endpoint {request.path}", 404)

    def handle(self, request: Request) -> Response:
        account = self._account(request)
        if request.path == "/v2/user/info/" and request.method == "GET":
            return self._user_info(request, account)
        if request.path == "/v2/video/list/" and request.method == "POST":
            return self._video_list(request, account)
        if request.path == "/v2/video/query/" and request.method == "POST":
            return self._video_query(request, account)
        return self.not_found(request)

    def _account(self, request: Request) -> SocialAccount:
        """The token's user: a token equal to a configured open_id picks that account."""
        configured = request.world.account_ids.get(PLATFORM, [])
        if not configured:
            raise ApiError(self.missing_token(request))
        token = request.bearer_token() or ""
        open_id = token if token in configured else configured[0]
        return request.world.account(PLATFORM, open_id)

    def _fields(self, request: Request, allowed: tuple[str, ...]) -> list[str]:
        fields = [field for field in request.query.get("fields", "").split(",") if field]
        if not fields:
            raise ApiError(envelope(request, {}, "invalid_params", "The fields parameter is required.", 400))
        invalid = [
            field for field in fields if field not in allowed or field in request.faults.retired_metrics
        ]
        if invalid:
            raise ApiError(
                envelope(request, {}, "invalid_params", f"Invalid fields: {','.join(invalid)}", 400)
            )
        return fields

    def _body(self, request: Request) -> dict[str, Any]:
        try:
            return request.json_body() or {}
        except ValueError:
            raise ApiError(envelope(request, {}, "invalid_params", "Invalid JSON body.", 400)) from None

    def _user_info(self, request: Request, account: SocialAccount) -> Response:
        faults = request.faults
        fields = self._fields(request, USER_FIELDS)
        handle, name = brand_identity(PLATFORM, account.account_id)
        as_of = account.last_complete_day
        followers = account.followers_at_end_of(as_of)
        if faults.follower_jump:
            followers *= 5
        if faults.negative_counts:
            followers = -followers
        posts = account.posts_before(account.today)
        values = {
            "open_id": account.account_id + "-x" if faults.wrong_account else account.account_id,
            "union_id": f"{stable_int('tt-union', account.account_id):x}",
            "avatar_url": f"https://p16-sign.tiktokcdn-eu.com/{handle}.jpeg",
            "display_name": name,
            "bio_description": "Specialty coffee from Berlin",
            "profile_deep_link": f"https://vm.tiktok.com/{handle}",
            "is_verified": False,
            "username": handle.replace(".", "_"),
            "follower_count": followers,
            "following_count": account.following_count,
            "likes_count": sum(post.lifetime("likes", as_of) for post in posts),
            "video_count": len(posts),
        }
        user = {field: values[field] for field in fields}
        if faults.missing_keys:
            user.pop("follower_count", None)
        return envelope(request, {"user": user})

    def _video(self, request: Request, post: Post, fields: list[str]) -> dict[str, Any]:
        faults = request.faults
        as_of = request.world.account_of(post).last_complete_day
        handle, _ = brand_identity(PLATFORM, post.account_id)
        sign = -1 if faults.negative_counts else 1
        description = post.campaign.theme if post.campaign else "A day at the roastery"
        if post.campaign is not None:
            description += " #coffee #berlin (link in bio)"
        values = {
            "id": post.post_id,
            "create_time": int(post.published_at.timestamp()),
            "cover_image_url": f"https://p16-sign.tiktokcdn-eu.com/obj/{post.post_id}.jpeg",
            "share_url": f"https://www.tiktok.com/@{handle.replace('.', '_')}/video/{post.post_id}",
            "video_description": description,
            "duration": 8 + stable_int("tt-duration", post.post_id) % 50,
            "height": 1920,
            "width": 1080,
            "title": description[:50],
            "embed_html": f'<blockquote class="tiktok-embed" data-video-id="{post.post_id}"></blockquote>',
            "embed_link": f"https://www.tiktok.com/player/v1/{post.post_id}",
            "like_count": sign * post.lifetime("likes", as_of),
            "comment_count": sign * post.lifetime("comments", as_of),
            "share_count": sign * post.lifetime("shares", as_of),
            "view_count": sign * post.lifetime("views", as_of),
        }
        if faults.dates_out_of_range:
            values["create_time"] = int(datetime(2031, 1, 1, tzinfo=UTC).timestamp())
        video = {field: values[field] for field in fields}
        if faults.missing_keys:
            video.pop("id", None)
        return video

    def _video_list(self, request: Request, account: SocialAccount) -> Response:
        faults = request.faults
        fields = self._fields(request, VIDEO_FIELDS)
        body = self._body(request)
        max_count = body.get("max_count", 10)
        if not isinstance(max_count, int) or not 1 <= max_count <= MAX_COUNT:
            raise ApiError(
                envelope(request, {}, "invalid_params", "max_count must be between 1 and 20.", 400)
            )
        posts = account.posts_before(account.today)
        cursor = body.get("cursor")
        offset = 0
        if cursor:
            # the cursor is a create_time in ms: continue with videos older than it
            offset = next(
                (i for i, post in enumerate(posts) if post.published_at.timestamp() * 1000 < cursor),
                len(posts),
            )
        page = slice_page(posts, offset, max_count, faults)
        videos = [self._video(request, post, fields) for post in page.items]
        next_cursor = int(page.items[-1].published_at.timestamp() * 1000) if page.items else int(cursor or 0)
        data = {"videos": videos, "cursor": next_cursor, "has_more": page.has_more}
        payload = {"data": data, "error": {"code": "ok", "message": "", "log_id": log_id(request)}}
        if page.is_malformed(faults):
            return malformed_json_response(payload)
        return json_response(payload)

    def _video_query(self, request: Request, account: SocialAccount) -> Response:
        fields = self._fields(request, VIDEO_FIELDS)
        body = self._body(request)
        video_ids = (body.get("filters") or {}).get("video_ids") or []
        if not isinstance(video_ids, list) or not 1 <= len(video_ids) <= MAX_COUNT:
            raise ApiError(envelope(request, {}, "invalid_params", "video_ids must hold 1 to 20 ids.", 400))
        videos = []
        for video_id in video_ids:
            post = request.world.find_post(PLATFORM, str(video_id))
            if post is not None and post.account_id == account.account_id:  # others are left out
                videos.append(self._video(request, post, fields))
        return envelope(request, {"videos": videos, "cursor": 0, "has_more": False})
