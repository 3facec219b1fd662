"""X API v2: user metrics, timeline paging with next_token, mentions, rate-limit headers."""

from __future__ import annotations

import time

import requests
from socialkpi.simulator import Faults

from .support import X_USER


def timeline(http, server, path="tweets", **params):
    items, token = [], None
    while True:
        query = {"tweet.fields": "created_at,public_metrics", "max_results": 100, **params}
        if token:
            query["pagination_token"] = token
        response = http.get(f"{server.base_url('x')}/2/users/{X_USER}/{path}", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["meta"]["result_count"] == len(body.get("data", []))
        items.extend(body.get("data", []))
        token = body["meta"].get("next_token")
        if not token:
            return items


def test_user_public_metrics(http, server):
    body = http.get(
        f"{server.base_url('x')}/2/users/{X_USER}", params={"user.fields": "public_metrics"}
    ).json()
    metrics = body["data"]["public_metrics"]
    assert set(metrics) == {"followers_count", "following_count", "tweet_count", "listed_count"}
    assert body["data"]["id"] == X_USER
    tweets = timeline(http, server)
    assert len(tweets) == metrics["tweet_count"]


def test_timeline_pages_newest_first_without_duplicates(http, server):
    tweets = timeline(http, server, max_results=37)
    ids = [tweet["id"] for tweet in tweets]
    assert len(ids) == len(set(ids))
    created = [tweet["created_at"] for tweet in tweets]
    assert created == sorted(created, reverse=True)
    assert set(tweets[0]["public_metrics"]) == {
        "retweet_count",
        "reply_count",
        "like_count",
        "quote_count",
        "bookmark_count",
        "impression_count",
    }


def test_start_and_end_time_bound_the_timeline(http, server):
    tweets = timeline(
        http, server, start_time="2026-11-10T00:00:00Z", end_time="2026-11-17T00:00:00Z", max_results=5
    )
    assert tweets
    assert all("2026-11-10" <= tweet["created_at"] < "2026-11-17" for tweet in tweets)


def test_max_results_out_of_range_is_an_invalid_request(http, server):
    response = http.get(f"{server.base_url('x')}/2/users/{X_USER}/tweets", params={"max_results": 1})
    assert response.status_code == 400
    assert response.json()["title"] == "Invalid Request"


def test_mentions_with_author_expansion(http, server):
    response = http.get(
        f"{server.base_url('x')}/2/users/{X_USER}/mentions",
        params={"tweet.fields": "created_at,author_id", "expansions": "author_id", "max_results": 10},
    )
    body = response.json()
    authors = {user["id"] for user in body["includes"]["users"]}
    assert {tweet["author_id"] for tweet in body["data"]} <= authors
    assert all(tweet["text"].startswith("@") for tweet in body["data"])


def test_unknown_user_is_a_not_found_error(http, server):
    body = http.get(f"{server.base_url('x')}/2/users/1").json()
    assert body["errors"][0]["title"] == "Not Found Error"


def test_rate_limit_headers_and_429(http, server):
    response = http.get(f"{server.base_url('x')}/2/users/{X_USER}")
    assert {"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} <= set(response.headers)
    server.set_faults("x", Faults(rate_limit_every=1))
    try:
        throttled = http.get(f"{server.base_url('x')}/2/users/{X_USER}/tweets")
    finally:
        server.clear_faults()
    assert throttled.status_code == 429
    assert throttled.json() == {
        "title": "Too Many Requests",
        "type": "about:blank",
        "status": 429,
        "detail": "Too Many Requests",
    }
    assert throttled.headers["x-rate-limit-remaining"] == "0"
    assert 0 < int(throttled.headers["x-rate-limit-reset"]) - time.time() <= 3


def test_missing_token_is_unauthorized(server):
    response = requests.get(f"{server.base_url('x')}/2/users/{X_USER}")
    assert response.status_code == 401
    assert response.json()["title"] == "Unauthorized"
