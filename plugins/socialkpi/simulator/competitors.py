"""Other brands' public accounts, as the real APIs show them to the user's own token.

`with_competitors()` wraps the Instagram, YouTube and X platforms so that, next to the configured
accounts, they also answer:
- Instagram Business Discovery on a configured IG user:
  `GET /{ig-user-id}?fields=business_discovery.username(HANDLE){followers_count,media_count,media{...}}`.
  Public fields only (IG User: id, username, name, biography, website, profile_picture_url,
  followers_count, follows_count, media_count, media with like_count, comments_count, timestamp,
  caption, media_type, media_product_type, permalink); anything else (insights, stories) is Graph
  error 100. A handle that is unknown or not a professional account answers error 110 / 2207013.
- YouTube `channels.list`, `playlistItems.list` and `videos.list` for public competitor channels;
  an unknown channel id answers an empty `items` list, as the Data API does.
- X `GET /2/users/by/username/{name}` and `GET /2/users/{id}/tweets` for competitor users; an
  unknown username is a 200 holding only `errors`; a protected user answers `protected: true` and
  its posts are refused.

Competitors live in the same deterministic world: a competitor is a `SocialAccount` whose id is
`competitor:<handle>`, so its followers and posts behave like a brand account of that platform.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from socialkpi.simulator.base import Platform
from socialkpi.simulator.comments import Comment, Thread, fan_identity, render_instagram, threads_for
from socialkpi.simulator.ids import TWITTER_EPOCH_MS, decode_post_id
from socialkpi.simulator.meta_graph import (
    field_base,
    graph_time,
    nested_fields,
    opaque_cursor,
    parse_limit,
    read_cursor,
    split_fields,
)
from socialkpi.simulator.paging import slice_page
from socialkpi.simulator.wire import Request, Response, json_response
from socialkpi.simulator.world import (
    HISTORY_START,
    Post,
    SocialAccount,
    brand_identity,
    local_midnight_utc,
    rng_for,
    stable_int,
)

# The public accounts the simulated platforms know, per platform: handle -> display name.
ROSTER: dict[str, dict[str, str]] = {
    "instagram": {
        "fiveelephant": "Five Elephant",
        "thebarn.coffee": "THE BARN",
        "bonanzacoffee": "Bonanza Coffee",
    },
    "youtube": {
        "UCfiveElephantCoffee0001": "Five Elephant",
        "UCtheBarnRoastery0000002": "THE BARN Roastery",
    },
    "x": {"fiveelephant": "Five Elephant", "thebarncoffee": "THE BARN"},
}
# Accounts that exist but whose numbers are not public: an Instagram personal account (Business
# Discovery cannot see it) and a protected X account.
PRIVATE: dict[str, set[str]] = {"instagram": {"private.cafe"}, "x": {"lockedroaster"}}
IG_PUBLIC_USER_FIELDS = (
    "id",
    "ig_id",
    "username",
    "name",
    "biography",
    "website",
    "profile_picture_url",
    "followers_count",
    "follows_count",
    "media_count",
    "media",
)
IG_PUBLIC_MEDIA_FIELDS = (
    "id",
    "caption",
    "comments_count",
    "like_count",
    "media_type",
    "media_product_type",
    "media_url",
    "permalink",
    "timestamp",
    "username",
)
# A comment storm (fault `comment_storm_days`): complaints in English and Persian, some neutral.
STORM_SIZE = 40
STORM_COMMENTS = (
    "This is a scam, I want a refund!",
    "Worst service ever. Boycott!",
    "Food poisoning after your cold brew. Disgusting.",
    "Still waiting for my refund, no response at all",
    "کلاهبرداری! پول من را پس بدید",
    "افتضاح بود، بدترین قهوه",
    "از رفتار کارکنان شکایت دارم",
    "Is the Hamburg store open today?",
)
DISCOVERY = re.compile(r"^business_discovery\.username\(([^)]*)\)(?:\{(.*)\})?$")
COMPETITOR_PREFIX = "competitor:"


def competitor(request: Request, platform: str, handle: str) -> SocialAccount | None:
    """The competitor's account in the world, None when the platform knows no such public account."""
    for known in ROSTER.get(platform, {}):
        if known.lower() == handle.lower():
            return request.world.account(platform, COMPETITOR_PREFIX + known)
    return None


def competitor_handle(account: SocialAccount) -> str:
    return account.account_id.removeprefix(COMPETITOR_PREFIX)


def numeric_id(platform: str, handle: str) -> str:
    """A stable platform-style user id for a competitor (IG: 1784..., X: a snowflake-sized number)."""
    number = stable_int("competitor-id", platform, handle.lower())
    return f"1784{number % 10**13:013d}" if platform == "instagram" else str(10**17 + number % 10**17)


def competitor_by_id(request: Request, platform: str, user_id: str) -> SocialAccount | None:
    for known in ROSTER.get(platform, {}):
        if numeric_id(platform, known) == user_id or known == user_id:
            return request.world.account(platform, COMPETITOR_PREFIX + known)
    return None


def competitor_post(request: Request, platform: str, post_id: str) -> Post | None:
    """A visible post of any competitor of `platform` (ids encode the account tag and the day)."""
    key = decode_post_id(platform, post_id)
    if key is None:
        return None
    for known in ROSTER.get(platform, {}):
        account = request.world.account(platform, COMPETITOR_PREFIX + known)
        if account.tag != key.account_tag:
            continue
        day = HISTORY_START + timedelta(days=key.day_ordinal)
        if not request.world.is_visible(day):
            return None
        posts = account.posts_on(day)
        if key.index < len(posts) and posts[key.index].post_id == post_id:
            return posts[key.index]
    return None


# ---- comment storms ------------------------------------------------------------------------------
def storm_days(request: Request) -> list[date]:
    """The visible days the `comment_storm_days` fault names."""
    days = []
    for text in request.faults.comment_storm_days:
        day = date.fromisoformat(str(text))
        if request.world.is_visible(day):
            days.append(day)
    return days


def storm_moments(request: Request, key: str, day: date) -> list[tuple[datetime, str, str, str]]:
    """(time, author id, username, text) of a storm's comments, spread over the local afternoon."""
    rng = rng_for(request.world.seed, "storm", key, day)
    start = local_midnight_utc(day) + timedelta(hours=13)
    moments = []
    for index in range(STORM_SIZE):
        author_id, username = fan_identity(stable_int("storm-fan", key, day, index))
        moment = start + timedelta(seconds=rng.randint(0, 9 * 3600))
        moments.append((moment, author_id, username, STORM_COMMENTS[index % len(STORM_COMMENTS)]))
    return sorted(moments)


def storm_threads(request: Request, post: Post) -> list[Thread]:
    """Storm comments land on the account's newest post published by the storm day."""
    account = request.world.account(post.platform, post.account_id)
    threads = []
    for day in storm_days(request):
        newest = next(iter(account.posts_before(day + timedelta(days=1))), None)
        if newest is None or newest.post_id != post.post_id:
            continue
        for index, (moment, author_id, username, text) in enumerate(
            storm_moments(request, post.post_id, day)
        ):
            comment_id = (
                f"18{stable_int(request.world.seed, 'storm', post.post_id, day, index) % 10**15:015d}"
            )
            threads.append(Thread(Comment(comment_id, author_id, username, text, moment, is_brand=False)))
    return threads


# ---- Instagram -----------------------------------------------------------------------------------
def instagram_with_discovery(base: type) -> type:
    from socialkpi.simulator.instagram import caption, media_product_type

    class InstagramWithDiscovery(base):
        def _comments(self, request: Request, post: Post) -> Response:
            storm = storm_threads(request, post)
            if not storm:
                return super()._comments(request, post)
            # A storm adds threads: the comment list is paged here the way the base class pages it.
            fields = split_fields(request.query.get("fields", "id,text,timestamp"))
            limit = parse_limit(request, default=25, maximum=100)
            threads = sorted(threads_for(request.world, post) + storm, key=lambda t: t.comment.created_at)
            offset = 0
            if "after" in request.query:
                marker = read_cursor(request.query["after"])
                ids = [thread.comment.comment_id for thread in threads]
                offset = ids.index(marker) + 1 if marker in ids else len(ids)
            page = slice_page(threads, offset, limit, request.faults)
            handle, _ = brand_identity(post.platform, post.account_id)
            data = [render_instagram(thread, fields, handle, request.faults) for thread in page.items]
            body: dict[str, Any] = {"data": data}
            if page.items:
                after = opaque_cursor(page.items[-1].comment.comment_id)
                paging: dict[str, Any] = {
                    "cursors": {"before": opaque_cursor(page.items[0].comment.comment_id), "after": after}
                }
                if page.has_more:
                    query = {k: v for k, v in request.query.items() if k != "after"}
                    paging["next"] = request.url_for(request.path, {**query, "after": after})
                body["paging"] = paging
            return json_response(body)

        def handle(self, request: Request) -> Response:
            fields = request.query.get("fields", "")
            parts = [part for part in request.path.split("/") if part]
            if request.method == "GET" and len(parts) == 1 and fields.startswith("business_discovery"):
                return self._business_discovery(request, parts[0], fields)
            return super().handle(request)

        def _business_discovery(self, request: Request, user_id: str, fields: str) -> Response:
            if not request.world.has_account("instagram", user_id):
                # Business Discovery runs on the app user's own professional account only.
                raise self.unsupported_get(request, user_id)
            match = DISCOVERY.match(fields.strip())
            if match is None:
                raise self.nonexisting_field(request, fields.split("{")[0], "IGUser")
            handle, inner = match.group(1), match.group(2) or "id"
            account = competitor(request, "instagram", handle)
            if account is None:
                return _cannot_find_user(request, handle)
            body = self._discovered_user(request, account, split_fields(inner))
            return json_response({"business_discovery": body, "id": user_id})

        def _discovered_user(self, request: Request, account: SocialAccount, wanted: list[str]) -> dict:
            world = request.world
            handle = competitor_handle(account)
            values: dict[str, Any] = {
                "id": numeric_id("instagram", handle),
                "ig_id": stable_int("ig_id", handle) % 10**10,
                "username": handle,
                "name": ROSTER["instagram"][handle],
                "biography": "Coffee roasters.",
                "website": f"https://{handle.replace('.', '')}.example",
                "profile_picture_url": f"https://scontent.cdninstagram.com/v/{handle}.jpg",
                "followers_count": account.followers_at_end_of(world.last_complete_day),
                "follows_count": account.following_count,
                "media_count": account.post_count_before(world.today),
            }
            body: dict[str, Any] = {}
            for spec in wanted:
                name = field_base(spec)
                if name not in IG_PUBLIC_USER_FIELDS:
                    # insights, stories, mentioned media...: not public, not served for other accounts
                    raise self.nonexisting_field(request, name, "IGUser")
                if name == "media":
                    body["media"] = self._discovered_media(request, account, spec)
                else:
                    body[name] = values[name]
            body.setdefault("id", values["id"])
            return body

        def _discovered_media(self, request: Request, account: SocialAccount, spec: str) -> dict:
            limit_match = re.search(r"\.limit\((\d+)\)", spec)
            limit = min(int(limit_match.group(1)), 100) if limit_match else 25
            wanted = nested_fields(spec) or ["id"]
            as_of = request.world.last_complete_day
            handle = competitor_handle(account)
            data = []
            for post in account.posts_before(request.world.today)[:limit]:
                values = {
                    "id": post.post_id,
                    "caption": caption(post),
                    "comments_count": post.lifetime("comments", as_of),
                    "like_count": post.lifetime("likes", as_of),
                    "media_type": post.kind,
                    "media_product_type": media_product_type(post),
                    "media_url": f"https://scontent.cdninstagram.com/v/{post.post_id}.jpg",
                    "permalink": f"https://www.instagram.com/p/{post.post_id}/",
                    "timestamp": graph_time(post.published_at),
                    "username": handle,
                }
                item = {}
                for field in wanted:
                    name = field_base(field)
                    if name not in IG_PUBLIC_MEDIA_FIELDS:
                        raise self.nonexisting_field(request, name, "IGMedia")
                    item[name] = values[name]
                item.setdefault("id", post.post_id)
                data.append(item)
            cursor = stable_int("bd-cursor", handle, len(data))
            return {"data": data, "paging": {"cursors": {"after": f"QVFI{cursor:x}"}}}

    return InstagramWithDiscovery


def _cannot_find_user(request: Request, handle: str) -> Response:
    from socialkpi.simulator.meta_graph import fbtrace_id

    return json_response(
        {
            "error": {
                "message": "Invalid user id",
                "type": "OAuthException",
                "code": 110,
                "error_subcode": 2207013,
                "is_transient": False,
                "error_user_title": "Cannot find User",
                "error_user_msg": f"The user with username: {handle} cannot be found.",
                "fbtrace_id": fbtrace_id(request),
            }
        },
        status=400,
    )


# ---- YouTube -------------------------------------------------------------------------------------
def youtube_with_competitors(base: type) -> type:
    from socialkpi.simulator import youtube as yt

    class YouTubeWithCompetitors(base):
        """Competitor channels are public: channels.list, their uploads and videos.list answer."""

        def _channels(self, request: Request) -> Response:
            ids = [item for item in request.query.get("id", "").split(",") if item]
            others = [competitor(request, "youtube", item) for item in ids]
            found = [account for account in others if account is not None]
            if not found:
                return super()._channels(request)
            parts = self._parts(request)
            as_of = request.world.last_complete_day
            items = []
            for account in found:
                channel_id = competitor_handle(account)
                subscribers = account.followers_at_end_of(as_of)
                item: dict[str, Any] = {
                    "kind": "youtube#channel",
                    "etag": yt.etag("channel", channel_id, subscribers),
                    "id": channel_id,
                }
                if "snippet" in parts:
                    item["snippet"] = {
                        "title": ROSTER["youtube"][channel_id],
                        "description": "Coffee roasters.",
                        "publishedAt": "2015-02-03T10:11:12Z",
                        "country": "DE",
                    }
                if "contentDetails" in parts:
                    item["contentDetails"] = {
                        "relatedPlaylists": {"likes": "", "uploads": yt.uploads_playlist(channel_id)}
                    }
                if "statistics" in parts:
                    posts = account.posts_before(request.world.today)
                    item["statistics"] = {
                        "viewCount": str(sum(post.lifetime("views", as_of) for post in posts)),
                        "subscriberCount": str(subscribers),
                        "hiddenSubscriberCount": False,
                        "videoCount": str(len(posts)),
                    }
                items.append(item)
            return json_response(
                {
                    "kind": "youtube#channelListResponse",
                    "etag": yt.etag("channels", [item["etag"] for item in items]),
                    "pageInfo": {"totalResults": len(items), "resultsPerPage": 5},
                    "items": items,
                }
            )

        def _playlist_items(self, request: Request) -> Response:
            playlist_id = request.query.get("playlistId", "")
            for known in ROSTER["youtube"]:
                if yt.uploads_playlist(known) == playlist_id:
                    account = request.world.account("youtube", COMPETITOR_PREFIX + known)
                    return self._competitor_uploads(request, account, playlist_id)
            return super()._playlist_items(request)

        def _competitor_uploads(self, request: Request, account: SocialAccount, playlist_id: str) -> Response:
            posts = account.posts_before(request.world.today)

            def build(post: Post) -> dict[str, Any]:
                return {
                    "kind": "youtube#playlistItem",
                    "etag": yt.etag("playlistItem", post.post_id),
                    "id": f"{playlist_id}.{post.post_id}",
                    "contentDetails": {
                        "videoId": post.post_id,
                        "videoPublishedAt": yt.youtube_time(post.published_at),
                    },
                }

            return self._paged_uploads(request, account, posts, "youtube#playlistItemListResponse", build)

        def _videos(self, request: Request) -> Response:
            ids = [item for item in request.query.get("id", "").split(",") if item]
            others = [competitor_post(request, "youtube", video_id) for video_id in ids]
            found = [post for post in others if post is not None]
            if not found:
                return super()._videos(request)
            as_of = request.world.last_complete_day
            items = [
                {
                    "kind": "youtube#video",
                    "etag": yt.etag("video", post.post_id, as_of),
                    "id": post.post_id,
                    "snippet": {
                        "publishedAt": yt.youtube_time(post.published_at),
                        "channelId": post.account_id.removeprefix(COMPETITOR_PREFIX),
                        "title": yt.video_title(post),
                        "channelTitle": ROSTER["youtube"][post.account_id.removeprefix(COMPETITOR_PREFIX)],
                        "liveBroadcastContent": "none",
                    },
                    "statistics": {
                        "viewCount": str(post.lifetime("views", as_of)),
                        "likeCount": str(post.lifetime("likes", as_of)),
                        "favoriteCount": "0",
                        "commentCount": str(post.lifetime("comments", as_of)),
                    },
                }
                for post in found
            ]
            return json_response(
                {
                    "kind": "youtube#videoListResponse",
                    "etag": yt.etag("videos", ids, as_of),
                    "items": items,
                    "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
                }
            )

    return YouTubeWithCompetitors


# ---- X -------------------------------------------------------------------------------------------
def x_with_competitors(base: type) -> type:
    from socialkpi.simulator import x as xapi

    class XWithCompetitors(base):
        def _mentions(self, request: Request, account: SocialAccount) -> list[dict[str, Any]]:
            mentions = super()._mentions(request, account)
            storm = []
            for day in storm_days(request):
                handle = brand_identity("x", account.account_id)[0].replace(".", "_")
                for index, (moment, author_id, username, text) in enumerate(
                    storm_moments(request, account.account_id, day)
                ):
                    millis = int(moment.timestamp() * 1000) - TWITTER_EPOCH_MS
                    tweet_id = str((millis << 22) | (((account.tag + 768) % 1024) << 12) | index)
                    details = {
                        "text": f"@{handle} {text}",
                        "public_metrics": {
                            "retweet_count": 3,
                            "reply_count": 1,
                            "like_count": 12,
                            "quote_count": 0,
                        },
                    }
                    storm.append(
                        {
                            "id": tweet_id,
                            "created_at": moment,
                            "author_id": author_id,
                            "username": username,
                            "details": lambda details=details: details,
                        }
                    )
            if not storm:
                return mentions
            return sorted(mentions + storm, key=lambda item: item["created_at"], reverse=True)

        def handle(self, request: Request) -> Response:
            parts = [part for part in request.path.split("/") if part]
            if request.method == "GET" and parts[:4] == ["2", "users", "by", "username"] and len(parts) == 5:
                name = parts[4]
                if name.lower() in {p.lower() for p in PRIVATE["x"]}:
                    return json_response({"data": self._public_user(request, name, None, protected=True)})
                account = competitor(request, "x", name)
                if account is not None:
                    return json_response({"data": self._public_user(request, name, account)})
            if (
                request.method == "GET"
                and len(parts) == 4
                and parts[:2] == ["2", "users"]
                and parts[3] == "tweets"
            ):
                if parts[2] in {numeric_id("x", p) for p in PRIVATE["x"]}:
                    return xapi.problem(401, "Unauthorized")
                account = competitor_by_id(request, "x", parts[2])
                if account is not None:
                    return self._timeline(request, account, self._competitor_posts(request, account))
            return super().handle(request)

        def _public_user(self, request: Request, name: str, account, protected: bool = False) -> dict:
            requested = self._requested(request, "user.fields", xapi.USER_FIELDS)
            handle = competitor_handle(account) if account is not None else name
            user: dict[str, Any] = {
                "id": numeric_id("x", handle),
                "name": ROSTER["x"].get(handle, handle),
                "username": handle,
            }
            followers = account.followers_at_end_of(request.world.last_complete_day) if account else 57
            optional = {
                "created_at": "2012-06-01T08:00:00.000Z",
                "protected": protected,
                "public_metrics": {
                    "followers_count": followers,
                    "following_count": account.following_count if account else 12,
                    "tweet_count": account.post_count_before(request.world.today) if account else 301,
                    "listed_count": followers // 150,
                },
            }
            for field in requested:
                if field in optional:
                    user[field] = optional[field]
            return user

        def _competitor_posts(self, request: Request, account: SocialAccount) -> list[dict[str, Any]]:
            as_of = request.world.last_complete_day
            user_id = numeric_id("x", competitor_handle(account))

            def details(post: Post) -> dict[str, Any]:
                return {
                    "text": f"{ROSTER['x'][competitor_handle(account)]}: fresh roast today",
                    "public_metrics": {
                        "retweet_count": post.lifetime("shares", as_of),
                        "reply_count": post.lifetime("comments", as_of),
                        "like_count": post.lifetime("likes", as_of),
                        "quote_count": post.lifetime("shares", as_of) // 4,
                        "bookmark_count": post.lifetime("saves", as_of),
                        "impression_count": post.lifetime("views", as_of),
                    },
                }

            return [
                {
                    "id": post.post_id,
                    "created_at": post.published_at,
                    "author_id": user_id,
                    "details": lambda post=post: details(post),
                }
                for post in account.posts_before(request.world.today)
            ]

    return XWithCompetitors


def with_competitors(platforms: list[Platform]) -> list[Platform]:
    """The platforms, with Instagram, YouTube and X also serving the competitor roster."""
    wrappers = {
        "instagram": instagram_with_discovery,
        "youtube": youtube_with_competitors,
        "x": x_with_competitors,
    }
    wrapped = []
    for platform in platforms:
        wrap = wrappers.get(platform.source)
        wrapped.append(wrap(type(platform))() if wrap else platform)
    return wrapped
