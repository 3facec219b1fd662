"""Facebook Pages (Graph API v25.0): page, page insights, published posts, post insights, comments."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from socialkpi.simulator import comments as comment_threads
from socialkpi.simulator.faults import foreign_id
from socialkpi.simulator.meta_graph import (
    MAX_PAGE_INSIGHTS_WINDOW,
    GraphPlatform,
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

PLATFORM = "facebook"

# name -> (title, description); all are period=day time series.
PAGE_METRICS: dict[str, tuple[str, str]] = {
    "page_follows": (
        "Lifetime Follower Count",
        "The number of followers of your Facebook Page at the end of the day.",
    ),
    "page_daily_follows_unique": (
        "Daily New Follows",
        "The number of new followers of your Facebook Page. (Unique Users)",
    ),
    "page_daily_unfollows_unique": (
        "Daily Unfollows",
        "The number of unfollows of your Facebook Page. (Unique Users)",
    ),
    "page_media_view": (
        "Daily Media Views",
        "The number of times your Page's content was played or displayed.",
    ),
    "page_total_media_view_unique": (
        "Daily Total Media Viewers",
        "The number of people who saw any of your Page's content. (Unique Users)",
    ),
    "page_post_engagements": (
        "Daily Post Engagements",
        "The number of times people have engaged with your posts through reactions, comments, "
        "shares and more.",
    ),
    "page_views_total": (
        "Daily Total views count per Page",
        "The number of times a Page's profile has been viewed by logged in and logged out people.",
    ),
}
POST_METRICS: dict[str, tuple[str, str]] = {
    "post_media_view": (
        "Lifetime Media Views",
        "The number of times your post was played or displayed.",
    ),
    "post_total_media_view_unique": (
        "Lifetime Total Media Viewers",
        "The number of people who saw your post. (Unique Users)",
    ),
    "post_clicks": (
        "Lifetime Post Clicks",
        "The number of times people clicked on anywhere in your posts without generating a story.",
    ),
    "post_reactions_like_total": (
        "Lifetime Total Like Reactions of a post.",
        "Lifetime: Total like reactions of a post.",
    ),
    "post_reactions_by_type_total": (
        "Lifetime Total post Reactions by Type.",
        "Lifetime: Total post reactions by type.",
    ),
}
PAGE_FIELDS = ("id", "name", "username", "link", "category", "followers_count", "fan_count", "website")
POST_MESSAGES = (
    "Fresh from the roastery this week.",
    "Come and say hi at our Kreuzberg cafe!",
    "Weekend plans: coffee.",
)


def post_number(post: Post) -> str:
    return post.post_id.rpartition("_")[2]


class FacebookPages(GraphPlatform):
    source = PLATFORM
    mounts = ("/facebook/v25.0",)

    def handle(self, request: Request) -> Response:
        if request.method != "GET":
            return self.not_found(request)
        parts = [part for part in request.path.split("/") if part]
        if len(parts) not in (1, 2):
            return self.not_found(request)
        object_id, edge = parts[0], (parts[1] if len(parts) == 2 else None)
        world = request.world
        if world.has_account(PLATFORM, object_id):
            account = world.account(PLATFORM, object_id)
            if edge is None:
                return json_response(self._page(request, account))
            if edge == "insights":
                return self._page_insights(request, account)
            if edge in ("published_posts", "posts", "feed"):
                return self._posts(request, account)
            raise self.nonexisting_field(request, edge, "Page")
        post = world.find_post(PLATFORM, object_id)
        if post is None or not object_id.startswith(post.account_id + "_"):
            raise self.unsupported_get(request, object_id)
        if edge is None:
            fields = split_fields(request.query.get("fields", "id,message,created_time"))
            return json_response(self._post_object(request, post, fields))
        if edge == "insights":
            return self._post_insights(request, post)
        if edge == "comments":
            return self._comments(request, post)
        raise self.nonexisting_field(request, edge, "Post")

    def invalid_facebook_metric(self, request: Request) -> ApiError:
        return ApiError(graph_error(request, "(#100) The value must be a valid insights metric", 100))

    # -- page --------------------------------------------------------------------------

    def _page(self, request: Request, account: SocialAccount) -> dict[str, Any]:
        faults = request.faults
        handle, name = brand_identity(PLATFORM, account.account_id)
        followers = account.followers_now()
        if faults.follower_jump:
            followers *= 5
        if faults.negative_counts:
            followers = -followers
        values = {
            "id": foreign_id(account.account_id) if faults.wrong_account else account.account_id,
            "name": name,
            "username": handle.replace(".", ""),
            "link": f"https://www.facebook.com/{account.account_id}",
            "category": "Coffee Shop",
            "followers_count": followers,
            "fan_count": round(followers * 0.93),
            "website": BRAND_SITE,
        }
        requested = split_fields(request.query.get("fields", "id,name"))
        body = select_fields(lambda name: self.nonexisting_field(request, name, "Page"), values, requested)
        if faults.missing_keys:
            body.pop("followers_count", None)
        return body

    def _page_insights(self, request: Request, account: SocialAccount) -> Response:
        faults = request.faults
        metrics = [name for name in request.query.get("metric", "").split(",") if name]
        if not metrics:
            raise ApiError(graph_error(request, "(#100) The parameter metric is required", 100))
        for name in metrics:
            if name not in PAGE_METRICS or name in faults.retired_metrics:
                raise self.invalid_facebook_metric(request)
        period = request.query.get("period", "day")
        if period != "day":
            raise ApiError(
                graph_error(request, f"(#100) Invalid period: {period} for the requested metrics", 100)
            )
        asked = window_days(request, widest=MAX_PAGE_INSIGHTS_WINDOW)
        days = served_days(request, asked)
        paging = window_paging(request, asked)
        if not days:
            return json_response({"data": [], "paging": paging})
        owner_id = foreign_id(account.account_id) if faults.wrong_account else account.account_id
        data = []
        for name in metrics:
            title, description = PAGE_METRICS[name]
            values = []
            for day in days:
                value = page_metric(account, name, *pacific_bounds([day]))
                shown = -value - 1 if faults.negative_counts else value
                values.append({"value": shown, "end_time": end_time(request, day)})
            data.append(insights_element(name, "day", title, description, owner_id, values=values))
        if faults.missing_keys and data:
            data[0].pop("name")
        return json_response({"data": data, "paging": paging})

    # -- posts ---------------------------------------------------------------------------

    def _posts(self, request: Request, account: SocialAccount) -> Response:
        faults = request.faults
        fields = split_fields(request.query.get("fields", "id,message,created_time"))
        posts = account.posts_before(account.today)
        since = parse_graph_time(request, "since")
        until = parse_graph_time(request, "until")
        if since is not None:
            posts = [post for post in posts if post.published_at >= since]
        if until is not None:
            posts = [post for post in posts if post.published_at < until]

        def patch(data: list[dict[str, Any]]) -> None:
            if faults.dates_out_of_range and data and "created_time" in data[0]:
                data[0]["created_time"] = graph_time(midnight(account.today + timedelta(days=3), account.tz))
            if faults.missing_keys:
                for item in data[:1]:
                    item.pop("id", None)

        return cursor_page(
            request,
            posts,
            lambda post: post.post_id,
            lambda post: self._post_object(request, post, fields),
            patch=patch,
        )

    def _post_object(self, request: Request, post: Post, fields: list[str]) -> dict[str, Any]:
        faults = request.faults
        as_of = request.world.account_of(post).last_complete_day
        sign = -1 if faults.negative_counts else 1
        reactions = sign * post.lifetime("likes", as_of)
        comments = sign * post.lifetime("comments", as_of)
        shares = sign * post.lifetime("shares", as_of)
        rng = rng_for("fb-message", post.post_id)
        message = rng.choice(POST_MESSAGES)
        if post.campaign is not None:
            message = f"{post.campaign.theme}! {post.utm_url}"
        post_id = post.post_id
        if faults.wrong_account:
            post_id = f"{foreign_id(post.account_id)}_{post_number(post)}"
        values: dict[str, Any] = {
            "id": post_id,
            "message": message,
            "created_time": graph_time(post.published_at),
            "updated_time": graph_time(post.published_at),
            "permalink_url": f"https://www.facebook.com/{post.account_id}/posts/{post_number(post)}",
            "status_type": {"photo": "added_photos", "video": "added_video"}.get(post.kind, "shared_story"),
            "is_published": True,
            "from": {"name": brand_identity(PLATFORM, post.account_id)[1], "id": post.account_id},
        }
        body: dict[str, Any] = {}
        for spec in fields:
            name = field_base(spec)
            if name == "reactions":
                body["reactions"] = _edge_summary(spec, reactions, {"viewer_reaction": "NONE"})
            elif name == "likes":
                body["likes"] = _edge_summary(spec, reactions, {"can_like": True, "has_liked": False})
            elif name == "comments":
                body["comments"] = _edge_summary(spec, comments, {"order": "ranked", "can_comment": True})
            elif name == "shares":
                if shares:  # Graph leaves "shares" out of a post nobody shared
                    body["shares"] = {"count": shares}
            elif name in values:
                body[name] = values[name]
            else:
                raise self.nonexisting_field(request, name, "PagePost")
        body.setdefault("id", post_id)
        return body

    def _post_insights(self, request: Request, post: Post) -> Response:
        faults = request.faults
        metrics = [name for name in request.query.get("metric", "").split(",") if name]
        if not metrics:
            raise ApiError(graph_error(request, "(#100) The parameter metric is required", 100))
        for name in metrics:
            if name not in POST_METRICS or name in faults.retired_metrics:
                raise self.invalid_facebook_metric(request)
        if faults.is_empty_day(post.local_date.isoformat()):
            return json_response({"data": []})
        as_of = request.world.account_of(post).last_complete_day
        data = []
        for name in metrics:
            title, description = POST_METRICS[name]
            value: Any
            if name == "post_media_view":
                value = post.lifetime("views", as_of)
            elif name == "post_total_media_view_unique":
                value = post.lifetime("reach", as_of)
            elif name == "post_clicks":
                value = post.lifetime("clicks", as_of)
            elif name == "post_reactions_like_total":
                value = reactions_by_type(post, as_of)["like"]
            else:
                value = reactions_by_type(post, as_of)
            if faults.negative_counts and isinstance(value, int):
                value = -value - 1
            data.append(
                insights_element(
                    name, "lifetime", title, description, post.post_id, values=[{"value": value}]
                )
            )
        return json_response({"data": data, "paging": window_paging(request, window_days(request))})

    # -- comments --------------------------------------------------------------------

    def _comments(self, request: Request, post: Post) -> Response:
        faults = request.faults
        fields = split_fields(request.query.get("fields", "id,message,created_time"))
        threads = comment_threads.threads_for(request.world, post)
        return cursor_page(
            request,
            threads,
            lambda thread: thread.comment.comment_id,
            lambda thread: self._comment(post, thread.comment, thread.replies, fields, faults),
        )

    def _comment(self, post: Post, comment, replies, fields: list[str], faults) -> dict[str, Any]:
        brand_name = brand_identity(PLATFORM, post.account_id)[1]
        comment_id = f"{post_number(post)}_{comment.comment_id[-12:]}"
        author = (
            {"name": brand_name, "id": post.account_id}
            if comment.is_brand
            else {
                "name": comment.username.replace("_", " ").replace(".", " ").title(),
                "id": comment.author_id,
            }
        )
        values: dict[str, Any] = {
            "id": comment_id,
            "message": comment.text,
            "created_time": graph_time(comment.created_at),
            "from": author,
            "like_count": stable_int("fb-comment-likes", comment.comment_id) % 5,
            "comment_count": len(replies),
            "can_reply_privately": not comment.is_brand,
            "is_hidden": False,
        }
        body: dict[str, Any] = {}
        for spec in fields:
            name = field_base(spec)
            if name == "comments":
                reply_fields = nested_fields(spec) or ["id", "message", "created_time"]
                rendered = [self._comment(post, reply, [], reply_fields, faults) for reply in replies]
                if rendered:
                    body["comments"] = {"data": rendered}
            elif name == "parent" and comment.parent_id:
                body["parent"] = {"id": f"{post_number(post)}_{comment.parent_id[-12:]}"}
            elif name in values:
                body[name] = values[name]
        body.setdefault("id", comment_id)
        if faults.missing_keys:
            body.pop("created_time", None)
        return body


def _edge_summary(spec: str, total: int, extra: dict[str, Any]) -> dict[str, Any]:
    """``reactions.summary(true)``: an edge with an empty page and a summary total."""
    edge: dict[str, Any] = {"data": []}
    if "summary(true)" in spec or "summary(1)" in spec:
        edge["summary"] = {"total_count": total, **extra}
    return edge


def reactions_by_type(post: Post, as_of: date) -> dict[str, int]:
    """Split a post's reactions; like carries the remainder so the parts sum to the total."""
    total = post.lifetime("likes", as_of)
    love = total * 18 // 100
    wow = total * 3 // 100
    haha = total * 2 // 100
    return {"like": total - love - wow - haha, "love": love, "wow": wow, "haha": haha}


def page_metric(account: SocialAccount, name: str, start: datetime, end: datetime) -> int:
    """One Page metric over [start, end) (a Pacific day for the API)."""
    activity = account.activity_between(start, end)
    if name == "page_follows":
        return account.followers_at(end)
    if name == "page_daily_follows_unique":
        return activity.follows
    if name == "page_daily_unfollows_unique":
        return activity.unfollows
    if name == "page_media_view":
        return account.increase_between("views", start, end) + activity.extra_views
    if name == "page_total_media_view_unique":
        reach = round(account.increase_between("reach", start, end) * 0.9) + activity.extra_reach
        return min(reach, page_metric(account, "page_media_view", start, end))
    if name == "page_post_engagements":
        return sum(
            account.increase_between(metric, start, end)
            for metric in ("likes", "comments", "shares", "clicks")
        )
    if name == "page_views_total":
        return activity.extra_views // 5
    raise KeyError(name)


def daily_page_metric(account: SocialAccount, name: str, day: date) -> int:
    """One Page metric of Pacific ``day`` (Meta's day)."""
    return page_metric(account, name, midnight(day, PACIFIC), midnight(day + timedelta(days=1), PACIFIC))
