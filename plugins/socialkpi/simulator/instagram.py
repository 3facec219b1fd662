"""Instagram Graph API (graph.facebook.com/v25.0): IG user, media, insights, comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from socialkpi.simulator import comments as comment_threads
from socialkpi.simulator.faults import foreign_id
from socialkpi.simulator.meta_graph import (
    GraphPlatform,
    breakdown,
    cursor_page,
    end_time,
    field_base,
    graph_error,
    graph_time,
    insights_element,
    nested_fields,
    pacific_bounds,
    parse_graph_time,
    select_fields,
    served_days,
    split_fields,
    stable_shortcode,
    window_days,
    window_paging,
)
from socialkpi.simulator.wire import ApiError, Request, Response, json_response
from socialkpi.simulator.world import (
    BRAND_SITE,
    PACIFIC,
    Post,
    SocialAccount,
    brand_identity,
    midnight,
    rng_for,
    stable_int,
)

PLATFORM = "instagram"


@dataclass(frozen=True)
class UserMetric:
    title: str
    description: str
    time_series: bool = False
    total_value: bool = True
    period: str = "day"
    breakdowns: tuple[str, ...] = ()


# Current IG user metrics (Graph API v22+); impressions, profile_views, website_clicks ...
# are retired and answer like any unknown metric.
USER_METRICS: dict[str, UserMetric] = {
    "reach": UserMetric(
        "Accounts reached",
        "The number of unique accounts that have seen your content, at least once, including "
        "in ads. Content includes posts, stories, reels, videos and live videos.",
        time_series=True,
        breakdowns=("follow_type",),
    ),
    "follower_count": UserMetric(
        "Follower Count",
        "The number of accounts that started following you each day.",
        time_series=True,
        total_value=False,
    ),
    "online_followers": UserMetric(
        "Online Followers",
        "The number of your followers who were online during the specified range, by hour.",
        time_series=True,
        total_value=False,
        period="lifetime",
    ),
    "accounts_engaged": UserMetric(
        "Accounts engaged",
        "The number of accounts that have interacted with your content, including in ads.",
    ),
    "total_interactions": UserMetric(
        "Content interactions",
        "The total number of post interactions, story interactions, reels interactions, video "
        "interactions and live video interactions, including any interactions on boosted "
        "content.",
    ),
    "likes": UserMetric("Likes", "The number of likes on your posts, reels and videos."),
    "comments": UserMetric(
        "Comments", "The number of comments on your posts, reels, videos and live videos."
    ),
    "shares": UserMetric(
        "Shares", "The number of shares of your posts, stories, reels, videos and live videos."
    ),
    "saves": UserMetric("Saves", "The number of saves of your posts, reels and videos."),
    "replies": UserMetric(
        "Replies",
        "The number of replies you received from your story, including text replies and quick "
        "reaction replies.",
    ),
    "follows_and_unfollows": UserMetric(
        "Follows and unfollows",
        "The number of accounts that followed you and the number of accounts that unfollowed "
        "you or left Instagram in the selected time period.",
        breakdowns=("follow_type",),
    ),
    "profile_links_taps": UserMetric(
        "Profile links taps",
        "The number of taps on your business address, call button, email button and text button.",
    ),
    "views": UserMetric(
        "Views",
        "The number of times your content was played or displayed. Content includes reels, posts, stories.",
        breakdowns=("follow_type",),
    ),
}

MEDIA_METRICS: dict[str, tuple[str, str]] = {
    "views": ("Views", "The number of times your media was played or displayed."),
    "reach": ("Reach", "The number of unique accounts that have seen your media."),
    "saved": ("Saved", "The number of unique accounts that saved your media."),
    "shares": ("Shares", "The number of shares of your media."),
    "likes": ("Likes", "The number of likes on your media."),
    "comments": ("Comments", "The number of comments on your media."),
    "total_interactions": (
        "Interactions",
        "The number of likes, saves, comments and shares on your media, minus the number of "
        "unlikes, unsaves and deleted comments.",
    ),
    "follows": ("Follows", "The number of accounts that started following you from this media."),
    "profile_visits": ("Profile visits", "The number of times your profile was visited."),
    "ig_reels_avg_watch_time": (
        "Average watch time",
        "The average amount of time spent playing the reel, in milliseconds.",
    ),
    "ig_reels_video_view_total_time": (
        "Watch time",
        "The total amount of time the reel was played, including replays, in milliseconds.",
    ),
}
REELS_ONLY_METRICS = ("ig_reels_avg_watch_time", "ig_reels_video_view_total_time")

USER_FIELDS = (
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
)
MEDIA_FIELDS = (
    "id",
    "caption",
    "media_type",
    "media_product_type",
    "media_url",
    "thumbnail_url",
    "permalink",
    "shortcode",
    "timestamp",
    "username",
    "owner",
    "like_count",
    "comments_count",
    "is_comment_enabled",
    "children",
)
CAPTIONS_WITHOUT_LINK = (
    "Behind the scenes at the roastery this morning.",
    "Meet our head roaster, ten years of perfect crema.",
    "Your Monday needs this.",
    "Latte art practice, round 14.",
    # Persian (right to left): the brand also posts for its Persian-speaking followers, so reports
    # and alerts must render RTL text ("Freshly roasted coffee, every morning at our café").
    "قهوه‌ی تازه‌برشته، هر صبح در کافه‌ی ما",
)


def media_product_type(post: Post) -> str:
    return "REELS" if post.kind == "VIDEO" else "FEED"


def caption(post: Post) -> str:
    handle, _ = brand_identity(PLATFORM, post.account_id)
    rng = rng_for("caption", post.post_id)
    if post.campaign is None:
        return f"{rng.choice(CAPTIONS_WITHOUT_LINK)} #{handle.split('.')[0]}"
    return f"{post.campaign.theme} \u2615 Link: {post.utm_url} #{handle.split('.')[0]}"


def media_insight_value(post: Post, metric: str, as_of: date) -> int:
    if metric == "saved":
        return post.lifetime("saves", as_of)
    if metric == "total_interactions":
        return sum(post.lifetime(name, as_of) for name in ("likes", "comments", "saves", "shares"))
    if metric == "profile_visits":
        return post.lifetime("clicks", as_of) * 2
    if metric == "ig_reels_avg_watch_time":
        return 4000 + stable_int("watch", post.post_id) % 9000 if post.lifetime("views", as_of) else 0
    if metric == "ig_reels_video_view_total_time":
        return post.lifetime("views", as_of) * media_insight_value(post, "ig_reels_avg_watch_time", as_of)
    return post.lifetime(metric, as_of)


class Instagram(GraphPlatform):
    source = PLATFORM
    mounts = ("/instagram/v25.0",)

    def handle(self, request: Request) -> Response:
        if request.method != "GET":
            return self.not_found(request)
        parts = [part for part in request.path.split("/") if part]
        if len(parts) == 1:
            return self._node(request, parts[0])
        if len(parts) == 2:
            return self._edge(request, parts[0], parts[1])
        return self.not_found(request)

    # -- routing ---------------------------------------------------------------------------

    def _node(self, request: Request, object_id: str) -> Response:
        if request.world.has_account(PLATFORM, object_id):
            account = request.world.account(PLATFORM, object_id)
            return json_response(self._user_object(request, account))
        post = request.world.find_post(PLATFORM, object_id)
        if post is not None:
            fields = split_fields(request.query.get("fields", "id"))
            return json_response(self._media_object(request, post, fields))
        raise self.unsupported_get(request, object_id)

    def _edge(self, request: Request, object_id: str, edge: str) -> Response:
        world = request.world
        if world.has_account(PLATFORM, object_id):
            account = world.account(PLATFORM, object_id)
            if edge == "insights":
                return self._user_insights(request, account)
            if edge == "media":
                return self._media_list(request, account)
            raise self.nonexisting_field(request, edge, "IGUser")
        post = world.find_post(PLATFORM, object_id)
        if post is None:
            raise self.unsupported_get(request, object_id)
        if edge == "insights":
            return self._media_insights(request, post)
        if edge == "comments":
            return self._comments(request, post)
        raise self.nonexisting_field(request, edge, "IGMedia")

    # -- IG user ---------------------------------------------------------------------------

    def _user_object(self, request: Request, account: SocialAccount) -> dict[str, Any]:
        faults = request.faults
        handle, name = brand_identity(PLATFORM, account.account_id)
        followers = account.followers_now()
        if faults.follower_jump:
            followers *= 5
        if faults.negative_counts:
            followers = -followers
        values = {
            "id": foreign_id(account.account_id) if faults.wrong_account else account.account_id,
            "ig_id": stable_int("ig_id", account.account_id) % 10**10,
            "username": handle,
            "name": name,
            "biography": f"Specialty coffee, roasted in Berlin. Shop: {BRAND_SITE}",
            "website": BRAND_SITE,
            "profile_picture_url": f"https://scontent.cdninstagram.com/v/{handle}.jpg",
            "followers_count": followers,
            "follows_count": account.following_count,
            "media_count": account.post_count_before(account.today),
        }
        requested = split_fields(request.query.get("fields", "id"))
        body = self._select(request, values, requested, "IGUser")
        if faults.missing_keys:
            body.pop("followers_count", None)
        return body

    def _select(
        self, request: Request, values: dict[str, Any], requested: list[str], node_type: str
    ) -> dict[str, Any]:
        return select_fields(lambda name: self.nonexisting_field(request, name, node_type), values, requested)

    def _user_insights(self, request: Request, account: SocialAccount) -> Response:
        faults = request.faults
        metrics = [name for name in request.query.get("metric", "").split(",") if name]
        if not metrics:
            raise ApiError(graph_error(request, "(#100) The parameter metric is required", 100))
        valid = [name for name in USER_METRICS if name not in faults.retired_metrics]
        for position, name in enumerate(metrics):
            if name not in valid:
                raise self.invalid_metric(request, position, valid)
        period = request.query.get("period")
        if not period:
            raise ApiError(graph_error(request, "(#100) The parameter period is required", 100))
        metric_type = request.query.get("metric_type", "time_series")
        breakdown = request.query.get("breakdown")
        self._check_user_metric_shapes(request, metrics, period, metric_type, breakdown)

        asked = window_days(request)
        days = served_days(request, asked)
        paging = window_paging(request, asked)
        if not days:
            # Nothing over yet (or emptied by a fault): Graph answers an empty data set.
            return json_response({"data": [], "paging": paging})

        owner_id = foreign_id(account.account_id) if faults.wrong_account else account.account_id
        data = []
        for name in metrics:
            spec = USER_METRICS[name]
            if not has_data(account, name, days):
                continue  # "If no data exists, the API returns an empty data set instead of 0s"
            if metric_type == "total_value":
                content: dict[str, Any] = {"total_value": self._total_value(account, name, days, breakdown)}
            else:
                content = {"values": [self._series_point(request, account, name, day) for day in days]}
            data.append(
                insights_element(name, spec.period, spec.title, spec.description, owner_id, **content)
            )
        if faults.negative_counts:
            for element in data:
                _negate(element)
        if faults.missing_keys and data:
            data[0].pop("name")
        return json_response({"data": data, "paging": paging})

    def _check_user_metric_shapes(
        self,
        request: Request,
        metrics: list[str],
        period: str,
        metric_type: str,
        breakdown: str | None,
    ) -> None:
        def fail(message: str) -> ApiError:
            return ApiError(graph_error(request, f"(#100) {message}", 100))

        if metric_type not in ("time_series", "total_value"):
            raise fail("metric_type must be one of the following values: time_series, total_value")
        wrong_period = [name for name in metrics if USER_METRICS[name].period != period]
        if wrong_period:
            raise fail(f"Incompatible period '{period}' for the metrics: {', '.join(wrong_period)}")
        if metric_type == "total_value":
            series_only = [name for name in metrics if not USER_METRICS[name].total_value]
            if series_only:
                raise fail(
                    "The following metrics do not support metric_type=total_value: " + ", ".join(series_only)
                )
        else:
            needs_total = [name for name in metrics if not USER_METRICS[name].time_series]
            if needs_total:
                raise fail(
                    f"The following metrics ({', '.join(needs_total)}) should be specified "
                    "with parameter metric_type=total_value"
                )
        if breakdown:
            if metric_type != "total_value":
                raise fail("breakdown is only supported with metric_type=total_value")
            unsupported = [name for name in metrics if breakdown not in USER_METRICS[name].breakdowns]
            if unsupported:
                raise fail(
                    f"Incompatible breakdowns. The breakdown '{breakdown}' is not supported for "
                    f"the metrics: {', '.join(unsupported)}"
                )

    def _series_point(self, request: Request, account: SocialAccount, name: str, day: date) -> dict[str, Any]:
        if name == "online_followers":
            value: Any = online_followers(account, day)
        else:
            value = user_metric(account, name, *pacific_bounds([day]))
        return {"value": value, "end_time": end_time(request, day)}

    def _total_value(
        self, account: SocialAccount, name: str, days: list[date], breakdown_by: str | None
    ) -> dict[str, Any]:
        start, end = pacific_bounds(days)
        if name == "follows_and_unfollows":
            moved = account.activity_between(start, end)
            total: dict[str, Any] = {"value": moved.follows + moved.unfollows}
            if breakdown_by == "follow_type":
                total["breakdowns"] = [
                    breakdown("follow_type", (("FOLLOWER", moved.follows), ("NON_FOLLOWER", moved.unfollows)))
                ]
            return total
        if name == "replies":
            value = sum(story_replies(account, day) for day in days)
        else:
            value = user_metric(account, name, start, end)
        total = {"value": value}
        if breakdown_by == "follow_type":
            from_followers = round(value * follower_share(account, start))
            total["breakdowns"] = [
                breakdown(
                    "follow_type", (("FOLLOWER", from_followers), ("NON_FOLLOWER", value - from_followers))
                )
            ]
        return total

    # -- media -----------------------------------------------------------------------------

    def _media_list(self, request: Request, account: SocialAccount) -> Response:
        faults = request.faults
        fields = split_fields(request.query.get("fields", "id"))
        posts = account.posts_before(account.today)
        since = parse_graph_time(request, "since")
        until = parse_graph_time(request, "until")
        if since is not None:
            posts = [post for post in posts if post.published_at >= since]
        if until is not None:
            posts = [post for post in posts if post.published_at < until]

        def patch(data: list[dict[str, Any]]) -> None:
            if faults.dates_out_of_range and data and "timestamp" in data[0]:
                data[0]["timestamp"] = graph_time(midnight(account.today + timedelta(days=3), account.tz))
            if faults.missing_keys:
                for item in data[:1]:
                    item.pop("like_count", None)
                for item in data[1:2]:
                    item.pop("id", None)

        return cursor_page(
            request,
            posts,
            lambda post: post.post_id,
            lambda post: self._media_object(request, post, fields),
            with_previous=True,
            patch=patch,
        )

    def _media_object(self, request: Request, post: Post, fields: list[str]) -> dict[str, Any]:
        faults = request.faults
        as_of = request.world.account_of(post).last_complete_day
        handle, _ = brand_identity(PLATFORM, post.account_id)
        shortcode = stable_shortcode("ig-shortcode", post.post_id)
        path = "reel" if post.kind == "VIDEO" else "p"
        like_count = post.lifetime("likes", as_of)
        comments_count = post.lifetime("comments", as_of)
        if faults.negative_counts:
            like_count, comments_count = -like_count - 1, -comments_count - 1
        cdn = f"https://scontent.cdninstagram.com/v/t51.29350-15/{post.post_id}"
        values: dict[str, Any] = {
            "id": foreign_id(post.post_id) if faults.wrong_account else post.post_id,
            "caption": caption(post),
            "media_type": post.kind,
            "media_product_type": media_product_type(post),
            "media_url": f"{cdn}.mp4" if post.kind == "VIDEO" else f"{cdn}.jpg",
            "thumbnail_url": f"{cdn}_thumb.jpg" if post.kind == "VIDEO" else None,
            "permalink": f"https://www.instagram.com/{path}/{shortcode}/",
            "shortcode": shortcode,
            "timestamp": graph_time(post.published_at),
            "username": handle,
            "owner": {"id": post.account_id},
            "like_count": like_count,
            "comments_count": comments_count,
            "is_comment_enabled": True,
            "children": None,
        }
        requested = fields
        if any(field_base(spec) == "children" for spec in fields):
            children_spec = next(spec for spec in fields if field_base(spec) == "children")
            values["children"] = self._children(post, nested_fields(children_spec) or ["id"])
        return self._select(request, values, requested, "IGMedia")

    def _children(self, post: Post, fields: list[str]) -> dict[str, Any] | None:
        if post.kind != "CAROUSEL_ALBUM":
            return None
        count = 2 + stable_int("children", post.post_id) % 4
        children = []
        for index in range(count):
            child_id = str(17_900_000_000_000_000 + stable_int("child", post.post_id, index) % 10**14)
            child = {
                "id": child_id,
                "media_type": "IMAGE",
                "media_url": f"https://scontent.cdninstagram.com/v/t51.29350-15/{child_id}.jpg",
                "timestamp": graph_time(post.published_at),
            }
            children.append({name: child[name] for name in fields if name in child})
        return {"data": children}

    def _media_insights(self, request: Request, post: Post) -> Response:
        faults = request.faults
        metrics = [name for name in request.query.get("metric", "").split(",") if name]
        if not metrics:
            raise ApiError(graph_error(request, "(#100) The parameter metric is required", 100))
        valid = [name for name in MEDIA_METRICS if name not in faults.retired_metrics]
        for position, name in enumerate(metrics):
            if name not in valid:
                raise self.invalid_metric(request, position, valid)
            if name in REELS_ONLY_METRICS and post.kind != "VIDEO":
                raise ApiError(
                    graph_error(
                        request,
                        f"(#100) The Media Insights API does not support the {name} metric "
                        "for this media product type.",
                        100,
                    )
                )
        as_of = request.world.account_of(post).last_complete_day
        if faults.is_empty_day(post.local_date.isoformat()):
            return json_response({"data": []})
        owner_id = foreign_id(post.post_id) if faults.wrong_account else post.post_id
        data = []
        for name in metrics:
            title, description = MEDIA_METRICS[name]
            value = media_insight_value(post, name, as_of)
            shown = -value - 1 if faults.negative_counts else value
            data.append(
                insights_element(name, "lifetime", title, description, owner_id, values=[{"value": shown}])
            )
        if faults.missing_keys and data:
            data[0].pop("name")
        return json_response({"data": data})

    # -- comments ----------------------------------------------------------------------

    def _comments(self, request: Request, post: Post) -> Response:
        fields = split_fields(request.query.get("fields", "id,text,timestamp"))
        threads = comment_threads.threads_for(request.world, post)
        handle, _ = brand_identity(PLATFORM, post.account_id)
        return cursor_page(
            request,
            threads,
            lambda thread: thread.comment.comment_id,
            lambda thread: comment_threads.render_instagram(thread, fields, handle, request.faults),
        )


def user_metric(account: SocialAccount, name: str, start: datetime, end: datetime) -> int:
    """One account-level metric over [start, end) (a Pacific day for the API), derived from
    the media counters and the account's own activity."""
    if name == "follower_count":
        return account.activity_between(start, end).follows
    if name in ("likes", "comments", "shares", "saves"):
        return account.increase_between(name, start, end)
    if name == "total_interactions":
        return sum(
            account.increase_between(metric, start, end)
            for metric in ("likes", "comments", "shares", "saves")
        )
    if name == "views":
        return (
            account.increase_between("views", start, end) + account.activity_between(start, end).extra_views
        )
    if name == "reach":
        views = user_metric(account, "views", start, end)
        reach = round(account.increase_between("reach", start, end) * 0.9)
        return min(reach + account.activity_between(start, end).extra_reach, views)
    if name == "accounts_engaged":
        return user_metric(account, "total_interactions", start, end) * 7 // 10
    if name == "profile_links_taps":
        return account.increase_between("clicks", start, end) // 4
    raise KeyError(name)


def daily_user_metric(account: SocialAccount, name: str, day: date) -> int:
    """One account-level metric of Pacific ``day`` (Meta's day)."""
    if name == "replies":
        return story_replies(account, day)
    return user_metric(account, name, midnight(day, PACIFIC), midnight(day + timedelta(days=1), PACIFIC))


def has_stories(account: SocialAccount, day: date) -> bool:
    """Stories are posted on about two Pacific days in three."""
    return stable_int("stories", account.account_id, day) % 3 != 0


def story_replies(account: SocialAccount, day: date) -> int:
    return stable_int("story-replies", account.account_id, day) % 6 if has_stories(account, day) else 0


def has_data(account: SocialAccount, name: str, days: list[date]) -> bool:
    """Whether Meta has data for ``name`` over ``days``: story replies need a story; follower
    metrics need 100 followers (IG reference: unavailable for small accounts)."""
    if name == "replies":
        return any(has_stories(account, day) for day in days)
    if name in ("follower_count", "online_followers"):
        return account.followers_at(midnight(days[0], PACIFIC)) >= 100
    return True


def follower_share(account: SocialAccount, day: object) -> float:
    """Which share of a day's reach/views came from followers (for follow_type)."""
    return 0.45 + (stable_int("follower-share", account.account_id, day) % 30) / 100


def online_followers(account: SocialAccount, day: date) -> dict[str, int]:
    followers = account.followers_at_end_of(day)
    rng = rng_for("online", account.account_id, day)
    curve = [0.05, 0.03, 0.02, 0.02, 0.03, 0.06, 0.12, 0.2, 0.25, 0.24, 0.22, 0.24]
    curve += [0.28, 0.26, 0.24, 0.25, 0.28, 0.33, 0.38, 0.4, 0.36, 0.28, 0.18, 0.1]
    return {str(hour): round(followers * share * rng.uniform(0.9, 1.1)) for hour, share in enumerate(curve)}


def _negate(node: Any) -> None:
    """Turn every integer "value" inside an insights element negative."""
    if isinstance(node, dict):
        for key, child in node.items():
            if key == "value" and isinstance(child, int) and not isinstance(child, bool):
                node[key] = -child - 1
            else:
                _negate(child)
    elif isinstance(node, list):
        for child in node:
            _negate(child)
