"""Facebook Pages: page insights arithmetic, published posts paging, post insights, comments."""

from __future__ import annotations

from datetime import timedelta

from socialkpi.simulator.world import PACIFIC, midnight

from .support import FB_PAGE, TODAY, day_bounds, follow_pages

YESTERDAY = TODAY - timedelta(days=1)
POST_FIELDS = (
    "id,message,created_time,reactions.summary(true).limit(0),comments.summary(true).limit(0),shares"
)


def page_series(http, server, metrics, first_day, last_day):
    response = http.get(
        f"{server.base_url('facebook')}/{FB_PAGE}/insights",
        params={
            "metric": metrics,
            "period": "day",
            "since": day_bounds(first_day)["since"],
            "until": day_bounds(last_day)["until"],
        },
    )
    assert response.status_code == 200, response.text
    return {e["name"]: [v["value"] for v in e["values"]] for e in response.json()["data"]}


def test_page_follows_move_by_daily_follows_minus_unfollows(http, server):
    series = page_series(
        http,
        server,
        "page_follows,page_daily_follows_unique,page_daily_unfollows_unique",
        TODAY - timedelta(days=7),
        YESTERDAY,
    )
    totals = series["page_follows"]
    for i in range(1, len(totals)):
        net = series["page_daily_follows_unique"][i] - series["page_daily_unfollows_unique"][i]
        assert totals[i] - totals[i - 1] == net
    page = http.get(f"{server.base_url('facebook')}/{FB_PAGE}", params={"fields": "followers_count"}).json()
    # followers_count is live (read at the page's local midnight), page_follows closes each
    # Pacific day: they differ by the hours between the two midnights, as on Meta.
    account = server.world.account("facebook", FB_PAGE)
    assert page["followers_count"] == account.followers_at(account.read_at)
    assert totals[-1] == account.followers_at(midnight(TODAY, PACIFIC))


def test_page_views_and_viewers(http, server):
    series = page_series(
        http,
        server,
        "page_media_view,page_total_media_view_unique,page_post_engagements,page_views_total",
        TODAY - timedelta(days=7),
        YESTERDAY,
    )
    for views, viewers in zip(series["page_media_view"], series["page_total_media_view_unique"], strict=True):
        assert 0 <= viewers <= views


def test_retired_page_metric_is_an_invalid_insights_metric(http, server):
    response = http.get(
        f"{server.base_url('facebook')}/{FB_PAGE}/insights",
        params={"metric": "page_impressions", "period": "day", **day_bounds(YESTERDAY)},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 100
    assert error["message"] == "(#100) The value must be a valid insights metric"


def test_published_posts_paging_and_post_insights(http, server):
    base = server.base_url("facebook")
    posts = follow_pages(http, f"{base}/{FB_PAGE}/published_posts", {"fields": POST_FIELDS, "limit": 25})
    ids = [post["id"] for post in posts]
    assert len(ids) == len(set(ids)) > 25
    assert all(post_id.startswith(f"{FB_PAGE}_") for post_id in ids)
    post = posts[0]
    response = http.get(
        f"{base}/{post['id']}/insights",
        params={
            "metric": "post_media_view,post_total_media_view_unique,post_clicks,post_reactions_by_type_total"
        },
    )
    values = {e["name"]: e["values"][0]["value"] for e in response.json()["data"]}
    assert values["post_total_media_view_unique"] <= values["post_media_view"]
    assert sum(values["post_reactions_by_type_total"].values()) == post["reactions"]["summary"]["total_count"]


def test_published_posts_since_until(http, server):
    window = {
        "since": day_bounds(TODAY - timedelta(days=14))["since"],
        "until": day_bounds(YESTERDAY)["until"],
    }
    posts = follow_pages(
        http,
        f"{server.base_url('facebook')}/{FB_PAGE}/published_posts",
        {"fields": "id,created_time", "limit": 5, **window},
    )
    assert posts
    assert all(post["created_time"] >= "2026-11-11" for post in posts)


def test_comments_carry_page_replies(http, server):
    base = server.base_url("facebook")
    posts = follow_pages(http, f"{base}/{FB_PAGE}/published_posts", {"fields": POST_FIELDS, "limit": 50})[:30]
    fields = "id,message,created_time,from,comment_count,comments{id,message,created_time,from}"
    page_replies = 0
    for post in posts:
        comments = follow_pages(http, f"{base}/{post['id']}/comments", {"fields": fields})
        events = len(comments) + sum(c["comment_count"] for c in comments)
        assert events == post["comments"]["summary"]["total_count"]
        for comment in comments:
            for reply in comment.get("comments", {}).get("data", []):
                assert reply["from"]["id"] == FB_PAGE
                assert reply["created_time"] > comment["created_time"]
                page_replies += 1
    assert page_replies > 0


def test_page_insights_take_90_days_a_call_and_refuse_more(http, server):
    """The Graph API Page Insights reference: "Only 90 days of insights can be viewed at one time
    when using the since and until parameters" (Instagram's user insights stop at 30)."""
    series = page_series(http, server, "page_views_total", YESTERDAY - timedelta(days=89), YESTERDAY)
    assert len(series["page_views_total"]) == 90
    response = http.get(
        f"{server.base_url('facebook')}/{FB_PAGE}/insights",
        params={
            "metric": "page_views_total",
            "period": "day",
            "since": day_bounds(YESTERDAY - timedelta(days=95))["since"],
            "until": day_bounds(YESTERDAY)["until"],
        },
    )
    assert response.status_code == 400
    assert "90 days" in response.json()["error"]["message"]
