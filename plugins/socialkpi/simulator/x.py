"""X API v2 (api.x.com): users, a user's posts and mentions, with x-rate-limit headers."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from socialkpi.simulator.base import Platform, wants_503
from socialkpi.simulator.comments import FAN_COMMENTS, fan_identity
from socialkpi.simulator.faults import foreign_id
from socialkpi.simulator.ids import TWITTER_EPOCH_MS
from socialkpi.simulator.paging import slice_page
from socialkpi.simulator.wire import ApiError, Request, Response, json_response, malformed_json_response
from socialkpi.simulator.world import (
    Post,
    SocialAccount,
    brand_identity,
    days_between,
    midnight,
    rng_for,
    stable_int,
)

PLATFORM = "x"
PROBLEMS = "https://api.twitter.com/2/problems"
TWEET_FIELDS = (
    "id",
    "text",
    "created_at",
    "author_id",
    "conversation_id",
    "edit_history_tweet_ids",
    "public_metrics",
    "non_public_metrics",
    "entities",
    "lang",
    "possibly_sensitive",
    "in_reply_to_user_id",
)
USER_FIELDS = (
    "id",
    "name",
    "username",
    "created_at",
    "description",
    "public_metrics",
    "verified",
    "url",
    "protected",
)
# Per-endpoint limits per 15 minutes (user context), as in the X docs.
LIMITS = {"tweets": 900, "mentions": 300, "users": 900}
MENTIONS_PER_DAY = (0, 6)


def x_time(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def problem(status: int, title: str) -> Response:
    return json_response({"title": title, "type": "about:blank", "status": status, "detail": title}, status)


def invalid_request(parameter: str, value: str, message: str) -> ApiError:
    return ApiError(
        json_response(
            {
                "errors": [{"parameters": {parameter: [value]}, "message": message}],
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": f"{PROBLEMS}/invalid-request",
            },
            400,
        )
    )


def page_token(kind: str, tweet_id: str) -> str:
    return base64.b32encode(f"{kind}:{tweet_id}".encode()).decode().rstrip("=").lower()


def read_page_token(token: str) -> tuple[str, str] | None:
    try:
        raw = base64.b32decode(token.upper() + "=" * (-len(token) % 8)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    kind, _, tweet_id = raw.partition(":")
    return (kind, tweet_id) if kind in ("next", "prev") else None


class Mention:
    """A post by someone else that mentions the brand."""

    def __init__(self, account: SocialAccount, day, index: int, seed: int) -> None:
        rng = rng_for(seed, "x-mention", account.account_id, day, index)
        self.created_at = midnight(day, account.tz) + timedelta(seconds=rng.randint(6 * 3600, 23 * 3600))
        millis = int(self.created_at.timestamp() * 1000) - TWITTER_EPOCH_MS
        self.tweet_id = str((millis << 22) | (((account.tag + 512) % 1024) << 12) | index)
        self.author_id, self.username = fan_identity(stable_int("x-fan", account.account_id, day, index))
        handle, _ = brand_identity(PLATFORM, account.account_id)
        self.text = f"@{handle.replace('.', '_')} {rng.choice(FAN_COMMENTS)}"
        self.metrics = {
            "retweet_count": rng.randint(0, 3),
            "reply_count": rng.randint(0, 2),
            "like_count": rng.randint(0, 25),
            "quote_count": rng.randint(0, 1),
            "bookmark_count": rng.randint(0, 2),
            "impression_count": rng.randint(40, 900),
        }


class XApi(Platform):
    source = PLATFORM
    mounts = ("/x",)

    def __init__(self) -> None:
        self._mention_cache: dict[tuple[int, str], list[dict[str, Any]]] = {}

    def missing_token(self, request: Request) -> Response:
        return problem(401, "Unauthorized")

    def throttled(self, request: Request) -> Response:
        response = problem(429, "Too Many Requests")
        response.headers.update(
            {
                "x-rate-limit-limit": str(self._limit(request)),
                "x-rate-limit-remaining": "0",
                # a couple of seconds ahead, so a client that honours it retries quickly
                "x-rate-limit-reset": str(int(time.time()) + 2),
            }
        )
        return response

    def server_error(self, request: Request) -> Response:
        if wants_503(request):
            return problem(503, "Service Unavailable")
        return problem(500, "Internal Server Error")

    def not_found(self, request: Request) -> Response:
        return problem(404, "Not Found Error")

    def response_headers(self, request: Request, response: Response) -> dict[str, str]:
        limit = self._limit(request)
        window = 15 * 60
        now = int(time.time())
        return {
            "api-version": "2.140",
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(max(0, limit - request.verdict.call_number % limit)),
            "x-rate-limit-reset": str(now - now % window + window),
        }

    def _limit(self, request: Request) -> int:
        if request.path.endswith("/tweets"):
            return LIMITS["tweets"]
        if request.path.endswith("/mentions"):
            return LIMITS["mentions"]
        return LIMITS["users"]

    def handle(self, request: Request) -> Response:
        parts = [part for part in request.path.split("/") if part]
        if request.method != "GET" or parts[:2] != ["2", "users"] or len(parts) < 3:
            return self.not_found(request)
        world = request.world
        if parts[2] == "me":
            ids = world.account_ids.get(PLATFORM, [])
            parts[2:3] = [ids[0]] if ids else ["me"]
        if parts[2] == "by" and len(parts) == 5 and parts[3] == "username":
            match = [
                account_id
                for account_id in world.account_ids.get(PLATFORM, [])
                if _username(account_id) == parts[4]
            ]
            if not match:
                return self._user_not_found(parts[4], "username")
            parts = ["2", "users", match[0]]
        user_id = parts[2]
        if not world.has_account(PLATFORM, user_id):
            return self._user_not_found(user_id, "id")
        account = world.account(PLATFORM, user_id)
        if len(parts) == 3:
            return self._user(request, account)
        if len(parts) == 4 and parts[3] == "tweets":
            return self._timeline(request, account, self._own_posts(request, account))
        if len(parts) == 4 and parts[3] == "mentions":
            return self._timeline(request, account, self._mentions(request, account))
        return self.not_found(request)

    def _user_not_found(self, value: str, parameter: str) -> Response:
        return json_response(
            {
                "errors": [
                    {
                        "value": value,
                        "detail": f"Could not find user with {parameter}: [{value}].",
                        "title": "Not Found Error",
                        "resource_type": "user",
                        "parameter": parameter,
                        "resource_id": value,
                        "type": f"{PROBLEMS}/resource-not-found",
                    }
                ]
            }
        )

    def _requested(self, request: Request, parameter: str, allowed: tuple[str, ...]) -> list[str]:
        values = [value for value in request.query.get(parameter, "").split(",") if value]
        for value in values:
            if value not in allowed or value in request.faults.retired_metrics:
                raise invalid_request(
                    parameter,
                    value,
                    f"The `{parameter}` query parameter value [{value}] is not one of [{','.join(allowed)}]",
                )
        return values

    def _user(self, request: Request, account: SocialAccount) -> Response:
        faults = request.faults
        requested = self._requested(request, "user.fields", USER_FIELDS)
        handle, name = brand_identity(PLATFORM, account.account_id)
        followers = account.followers_now()
        if faults.follower_jump:
            followers *= 5
        if faults.negative_counts:
            followers = -followers
        user: dict[str, Any] = {
            "id": foreign_id(account.account_id) if faults.wrong_account else account.account_id,
            "name": name,
            "username": _username(account.account_id),
        }
        optional = {
            "created_at": "2014-03-02T09:12:44.000Z",
            "description": f"Specialty coffee from Berlin. {handle}",
            "public_metrics": {
                "followers_count": followers,
                "following_count": account.following_count,
                "tweet_count": account.post_count_before(account.today),
                "listed_count": max(0, followers) // 150,
            },
            "verified": False,
            "url": "https://t.co/nWx3kLm9Qa",
            "protected": False,
        }
        for field in requested:
            if field in optional:
                user[field] = optional[field]
        if faults.missing_keys:
            user.pop("public_metrics", None)
        return json_response({"data": user})

    # -- timelines -------------------------------------------------------------------

    def _own_posts(self, request: Request, account: SocialAccount) -> list[dict[str, Any]]:
        # Only id, time and author are needed to filter and page; the rest is built per page.
        return [
            {
                "id": post.post_id,
                "created_at": post.published_at,
                "author_id": account.account_id,
                "details": lambda post=post: _post_details(request, post),
            }
            for post in account.posts_before(account.today)
        ]

    def _mentions(self, request: Request, account: SocialAccount) -> list[dict[str, Any]]:
        world = request.world
        key = (id(world), account.account_id)
        if key not in self._mention_cache:
            items = []
            # The endpoint serves about the last 800 mentions; half a year is that many here.
            for day in reversed(days_between(account.today - timedelta(days=180), account.today)):
                rng = rng_for(world.seed, "x-mentions", account.account_id, day)
                count = rng.randint(*MENTIONS_PER_DAY) + len(account.posts_on(day))
                mentions = [Mention(account, day, index, world.seed) for index in range(count)]
                for mention in sorted(mentions, key=lambda m: m.created_at, reverse=True):
                    details = {"text": mention.text, "public_metrics": mention.metrics}
                    items.append(
                        {
                            "id": mention.tweet_id,
                            "created_at": mention.created_at,
                            "author_id": mention.author_id,
                            "username": mention.username,
                            "details": lambda details=details: details,
                        }
                    )
            self._mention_cache[key] = items
        return self._mention_cache[key]

    def _timeline(self, request: Request, account: SocialAccount, items: list[dict[str, Any]]) -> Response:
        faults = request.faults
        fields = self._requested(request, "tweet.fields", TWEET_FIELDS)
        expansions = self._requested(request, "expansions", ("author_id", "referenced_tweets.id"))
        raw_max = request.query.get("max_results", "10")
        if not raw_max.isdigit() or not 5 <= int(raw_max) <= 100:
            raise invalid_request(
                "max_results",
                raw_max,
                f"The `max_results` query parameter value [{raw_max}] is not between 5 and 100",
            )
        limit = int(raw_max)
        start = _parse_time(request, "start_time")
        end = _parse_time(request, "end_time")
        if start is not None:
            items = [item for item in items if item["created_at"] >= start]
        if end is not None:
            items = [item for item in items if item["created_at"] < end]
        for name, keep in (
            ("since_id", lambda i, ref: int(i) > ref),
            ("until_id", lambda i, ref: int(i) < ref),
        ):
            if request.query.get(name, "").isdigit():
                reference = int(request.query[name])
                items = [item for item in items if keep(item["id"], reference)]

        offset = 0
        token = request.query.get("pagination_token")
        if token:
            parsed = read_page_token(token)
            if parsed is None:
                raise invalid_request(
                    "pagination_token", token, "The `pagination_token` query parameter value is invalid"
                )
            kind, marker = parsed
            ids = [item["id"] for item in items]
            position = ids.index(marker) if marker in ids else len(ids)
            offset = position + 1 if kind == "next" else max(0, position - limit)
        page = slice_page(items, offset, limit, faults)
        meta: dict[str, Any] = {"result_count": len(page.items)}
        if not page.items:
            return json_response({"meta": meta})
        data = [self._tweet(request, item, fields) for item in page.items]
        if faults.dates_out_of_range and "created_at" in data[0]:
            data[0]["created_at"] = x_time((end or request.world.now) + timedelta(days=2))
        if faults.missing_keys:
            data[0].pop("id", None)
            data[-1].get("public_metrics", {}).pop("like_count", None)
        meta = {
            "result_count": len(data),
            "newest_id": page.items[0]["id"],
            "oldest_id": page.items[-1]["id"],
        }
        if page.has_more:
            meta["next_token"] = page_token("next", page.items[-1]["id"])
        if page.offset > 0:
            meta["previous_token"] = page_token("prev", page.items[0]["id"])
        body: dict[str, Any] = {"data": data}
        if "author_id" in expansions:
            users = {}
            for item in page.items:
                author = item["author_id"]
                if author == account.account_id:
                    users[author] = {
                        "id": author,
                        "name": brand_identity(PLATFORM, author)[1],
                        "username": _username(author),
                    }
                else:
                    users[author] = {
                        "id": author,
                        "name": item["username"].title(),
                        "username": item["username"],
                    }
            body["includes"] = {"users": list(users.values())}
        body["meta"] = meta
        if page.is_malformed(faults):
            return malformed_json_response(body)
        return json_response(body)

    def _tweet(self, request: Request, item: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        item = {**item, "non_public_metrics": None, "entities": None, **item["details"]()}
        tweet: dict[str, Any] = {
            "id": item["id"],
            "text": item["text"],
            "edit_history_tweet_ids": [item["id"]],
        }
        for field in fields:
            if field == "created_at":
                tweet["created_at"] = x_time(item["created_at"])
            elif field == "author_id":
                tweet["author_id"] = item["author_id"]
            elif field == "conversation_id":
                tweet["conversation_id"] = item["id"]
            elif field == "public_metrics":
                tweet["public_metrics"] = dict(item["public_metrics"])
            elif field == "non_public_metrics" and item["non_public_metrics"] is not None:
                tweet["non_public_metrics"] = item["non_public_metrics"]
            elif field == "entities" and item["entities"] is not None:
                tweet["entities"] = item["entities"]
            elif field == "lang":
                tweet["lang"] = "en"
            elif field == "possibly_sensitive":
                tweet["possibly_sensitive"] = False
        return tweet


def _post_details(request: Request, post: Post) -> dict[str, Any]:
    """Text and metrics of one of the account's own posts, as of the last complete day."""
    as_of = request.world.account_of(post).last_complete_day
    metrics = {
        "retweet_count": post.lifetime("shares", as_of),
        "reply_count": post.lifetime("comments", as_of),
        "like_count": post.lifetime("likes", as_of),
        "quote_count": post.lifetime("shares", as_of) // 4,
        "bookmark_count": post.lifetime("saves", as_of),
        "impression_count": post.lifetime("views", as_of),
    }
    if request.faults.negative_counts:
        metrics = {name: -value - 1 for name, value in metrics.items()}
    details: dict[str, Any] = {
        "text": _tweet_text(post),
        "public_metrics": metrics,
        "entities": _entities(post),
    }
    # non-public metrics exist for the last 30 days only
    if (as_of - post.local_date).days < 30:
        details["non_public_metrics"] = {
            "impression_count": metrics["impression_count"],
            "url_link_clicks": post.lifetime("clicks", as_of),
            "user_profile_clicks": post.lifetime("follows", as_of) * 3,
            "engagements": sum(metrics.values()) - metrics["impression_count"],
        }
    return details


def _username(account_id: str) -> str:
    handle, _ = brand_identity(PLATFORM, account_id)
    return handle.replace(".", "_")


def _short_link(post: Post) -> str:
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    number = stable_int("t.co", post.post_id)
    return "https://t.co/" + "".join(alphabet[(number >> (6 * i)) % len(alphabet)] for i in range(10))


def _tweet_text(post: Post) -> str:
    if post.campaign is None:
        return rng_for("x-text", post.post_id).choice(
            ("Good morning from the roastery.", "Who else needs a second cup today?")
        )
    return f"{post.campaign.theme} {_short_link(post)}"


def _entities(post: Post) -> dict[str, Any] | None:
    if post.campaign is None:
        return None
    text = _tweet_text(post)
    start = text.index("https://t.co/")
    return {
        "urls": [
            {
                "start": start,
                "end": start + 23,
                "url": _short_link(post),
                "expanded_url": post.utm_url,
                "display_url": post.utm_url.split("://", 1)[1].split("?", 1)[0],
            }
        ]
    }


def _parse_time(request: Request, name: str) -> datetime | None:
    raw = request.query.get(name)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        raise invalid_request(
            name, raw, f"Invalid '{name}':'{raw}'. '{name}' must be a valid RFC 3339 date-time"
        ) from None
