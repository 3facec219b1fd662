"""Facebook, X, LinkedIn, YouTube, TikTok and Plausible: our streams read what the platforms send.

Each test serves published payloads (tests/contract/fixtures, provenance in the shared SOURCES.md)
over local HTTP and runs the declared stream through the real client, policy, paging and parser.
Several payloads predate today's metric names or use placeholder ids; they are shape examples.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, unquote

import pytest
from socialkpi.errors import CredentialsError, QuotaExhausted, SourceError
from socialkpi.extract import extract_stream
from socialkpi.http import SourceClient
from socialkpi.sources import SOURCES
from socialkpi.sources.plausible import results_by_query
from socialkpi.sources.x import reset_wait
from socialkpi.sources.youtube import report_rows
from socialkpi.streams import Window

from tests.support.replay import ReplayServer, Reply

FIXTURES = Path(__file__).parent / "fixtures"


def payload(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def client_for(source: str, url: str, waits: list[float] | None = None) -> SourceClient:
    definition = SOURCES[source]
    return SourceClient(
        source=source,
        base_url=url,
        token="test-token",
        connection_id=f"socialkpi_{source}",
        policy=definition.policy,
        headers=definition.headers,
        base_urls=dict.fromkeys(definition.apis, url),
        backoff_factor=0.01,
        sleep=(waits.append if waits is not None else lambda seconds: None),
    )


def run(source: str, stream: str, server: ReplayServer, window: Window, parents=None, waits=None):
    client = client_for(source, server.url, waits)
    return extract_stream(client, SOURCES[source].stream(stream), window, parents), client


# ---- Facebook Pages ------------------------------------------------------------------------------
def test_facebook_page_insights_land_one_record_per_metric_and_ignore_the_window_paging():
    body = payload("meta_facebook/docs_page_insights_multiple_metrics_2024.json")
    window = Window("PAGE_ID", date(2024, 3, 11), "America/Los_Angeles")
    with ReplayServer() as server:
        server.script("/PAGE_ID/insights", Reply(body=body))
        result, client = run("facebook", "page_insights", server, window)
        query = parse_qs(server.requests[0]["query"])
    # One record per metric and day (the entry with one value), filed under the Pacific day
    # before its end_time; `paging.next` is the next window, not read.
    assert result.records == [
        {**entry, "values": [value]} for entry in body["data"] for value in entry["values"]
    ]
    assert result.days == [date(2024, 3, 10), date(2024, 3, 11)] * len(body["data"])
    assert client.request_count == 1
    assert query["period"] == ["day"]
    assert query["since"] == [str(int(window.start.timestamp()))]
    assert "page_media_view" in query["metric"][0] and "page_impressions" not in query["metric"][0]


def test_facebook_post_insights_are_lifetime_values_per_post():
    body = payload("meta_facebook/docs_post_insights_reactions_lifetime.json")
    window = Window("4", date(2021, 7, 4), "UTC")
    with ReplayServer() as server:
        server.script("/4_10113477241177441/insights", Reply(body=body))
        result, _ = run("facebook", "post_insights", server, window, [{"id": "4_10113477241177441"}])
    assert result.records == body["data"]
    assert all(record["values"][0]["value"] >= 0 for record in result.records)


def test_facebook_posts_follow_the_next_link_within_the_recent_window():
    page1 = payload("meta_facebook/page_posts_fields_page1_time_paging.json")
    page2 = payload("meta_facebook/page_posts_fields_page2.json")
    window = Window("4", date(2021, 7, 4), "UTC")
    with ReplayServer() as server:
        page1["paging"]["next"] = f"{server.url}/page2"
        server.script("/4/published_posts", Reply(body=page1))
        server.script("/page2", Reply(body=page2))
        result, _ = run("facebook", "posts", server, window)
        first = parse_qs(server.requests[0]["query"])
    assert result.records == page1["data"] + page2["data"]
    assert "reactions.limit(0).summary(true)" in first["fields"][0]
    assert int(first["since"][0]) == int(window.start.timestamp()) - 28 * 86_400


# ---- X -------------------------------------------------------------------------------------------
X_WINDOW = Window("2244994945", date(2021, 2, 24), "UTC")


def test_x_user_is_one_snapshot_record():
    body = payload("x_twitter/user_public_metrics.json")
    with ReplayServer() as server:
        server.script("/2/users/2244994945", Reply(body=body))
        result, _ = run("x", "user", server, X_WINDOW)
    assert result.records == [body["data"]]
    assert result.records[0]["public_metrics"]["followers_count"] == 514020


def test_x_posts_page_with_next_token_and_keep_public_metrics():
    page1 = payload("x_twitter/users_id_tweets_public_metrics_next_token.json")
    page2 = payload("x_twitter/tweets_public_metrics_with_impression_bookmark_2023.json")
    page2 = {**page2, "meta": {"result_count": len(page2["data"])}}  # the last page has no next_token
    # A window around both pages' posts: 2021-02 and 2023-11 (the 2023 page is a shape example).
    stream = replace(SOURCES["x"].stream("posts"), cursor_field=None)
    with ReplayServer() as server:
        server.script("/2/users/2244994945/tweets", Reply(body=page1), Reply(body=page2))
        result = extract_stream(client_for("x", server.url), stream, X_WINDOW)
        queries = [parse_qs(r["query"]) for r in server.requests]
    assert result.records == page1["data"] + page2["data"]
    assert "pagination_token" not in queries[0]
    assert queries[1]["pagination_token"] == [page1["meta"]["next_token"]]
    assert queries[0]["start_time"] == ["2021-01-27T00:00:00Z"] and queries[0]["end_time"] == [
        "2021-02-25T00:00:00Z"
    ]
    assert set(result.records[-1]["public_metrics"]) == {
        "retweet_count",
        "reply_count",
        "like_count",
        "quote_count",
        "bookmark_count",
        "impression_count",
    }


def test_x_mentions_keep_the_posts_of_the_day():
    body = payload("x_twitter/docs_user_mentions_timeline_example.json")
    body = {**body, "meta": {**body["meta"]}}
    body["meta"].pop("next_token")
    with ReplayServer() as server:
        server.script("/2/users/2244994945/mentions", Reply(body=body))
        result, _ = run("x", "mentions", server, Window("2244994945", date(2024, 1, 15), "UTC"))
    assert result.records == body["data"]


def test_x_429_waits_until_x_rate_limit_reset():
    headers = payload("x_twitter/error_429_response_headers_user_limit_2022.json")
    problem = payload("x_twitter/error_429_too_many_requests.json")
    user = payload("x_twitter/user_public_metrics.json")
    reset_in = 7
    live = {**headers, "x-rate-limit-reset": str(int(time.time()) + reset_in)}
    waits: list[float] = []
    with ReplayServer() as server:
        server.script("/2/users/2244994945", Reply(429, problem, live), Reply(body=user))
        result, client = run("x", "user", server, X_WINDOW, waits=waits)
    assert result.records == [user["data"]]
    assert client.request_count == 2
    [wait] = waits
    assert reset_in - 1 <= wait <= reset_in + 1


def test_x_reset_in_the_past_retries_after_a_second():
    headers = payload("x_twitter/error_429_response_headers_user_limit_2022.json")

    class Response:
        pass

    response = Response()
    response.headers = headers  # 2022: long past
    assert reset_wait(response) == 1.0
    assert reset_wait(response, now=int(headers["x-rate-limit-reset"]) - 30) == 31.0


def test_x_unauthorized_fails_at_once_naming_the_connection():
    with ReplayServer() as server:
        server.script(
            "/2/users/2244994945",
            Reply(
                401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
            ),
        )
        with pytest.raises(CredentialsError, match="'socialkpi_x'"):
            run("x", "user", server, X_WINDOW)


@pytest.mark.parametrize(
    ("fixture", "status", "message"),
    [
        (
            "x_twitter/docs_error_invalid_request_problem.json",
            400,
            "Invalid Request: The 'query' parameter is required",
        ),
        ("x_twitter/docs_user_not_found_error_example.json", 200, "Could not find user with username"),
    ],
)
def test_x_problems_are_clear_errors(fixture, status, message):
    with ReplayServer() as server:
        server.script("/2/users/2244994945", Reply(status, payload(fixture)))
        with pytest.raises(SourceError, match=message):
            run("x", "user", server, X_WINDOW)


def test_x_partial_errors_next_to_data_keep_the_data():
    body = payload("x_twitter/docs_partial_error_resource_not_found.json")
    stream = replace(SOURCES["x"].stream("posts"), cursor_field=None)
    with ReplayServer() as server:
        server.script("/2/users/2244994945/tweets", Reply(body=body))
        result = extract_stream(client_for("x", server.url), stream, X_WINDOW)
    assert result.records == body["data"]


def test_x_refused_field_is_dropped_as_an_unavailable_metric():
    refused = {
        "errors": [
            {
                "parameters": {"tweet.fields": ["public_metrics"]},
                "message": "The `tweet.fields` query parameter value [public_metrics] is not one of [...]",
            }
        ],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.x.com/2/problems/invalid-request",
    }  # the documented invalid-request problem, with the `errors[].parameters` X adds
    body = payload("x_twitter/docs_partial_error_resource_not_found.json")
    stream = replace(SOURCES["x"].stream("posts"), cursor_field=None)
    with ReplayServer() as server:
        server.script("/2/users/2244994945/tweets", Reply(400, refused), Reply(body=body))
        result = extract_stream(client_for("x", server.url), stream, X_WINDOW)
        fields = [parse_qs(r["query"])["tweet.fields"][0] for r in server.requests]
    assert result.unavailable_metrics == ["public_metrics"]
    assert "public_metrics" in fields[0] and "public_metrics" not in fields[1]


# ---- LinkedIn ------------------------------------------------------------------------------------
LI_WINDOW = Window("90362860", date(2026, 11, 1), "Europe/Berlin")


def envelope(*elements):
    return {"paging": {"start": 0, "count": 100, "links": []}, "elements": list(elements)}


def test_linkedin_network_size_is_one_snapshot_record_with_versioned_headers():
    body = payload("linkedin/airbyte_record_network_sizes_first_degree_size.json")
    with ReplayServer() as server:
        server.script("/rest/networkSizes/urn%3Ali%3Aorganization%3A90362860", Reply(body=body))
        result, _ = run("linkedin", "network_size", server, LI_WINDOW)
        [request] = server.requests
    assert result.records == [body]
    assert request["headers"]["LinkedIn-Version"] == "202610"
    assert request["headers"]["X-Restli-Protocol-Version"] == "2.0.0"
    assert request["query"] == "edgeType=COMPANY_FOLLOWED_BY_MEMBER"


def test_linkedin_time_bound_statistics_send_rest_li_2_day_intervals():
    element = payload("linkedin/airbyte_record_share_statistics_lifetime_element.json")
    with ReplayServer() as server:
        server.script("/rest/organizationalEntityShareStatistics", Reply(body=envelope(element)))
        result, _ = run("linkedin", "share_statistics", server, LI_WINDOW)
        [request] = server.requests
    assert result.records == [element]
    # Structure characters stay unencoded; the URN inside is encoded; the day is the UTC day.
    assert (
        "timeIntervals=(timeRange:(start:1793491200000,end:1793577600000),timeGranularityType:DAY)"
        in request["query"]
    )
    assert "organizationalEntity=urn%3Ali%3Aorganization%3A90362860" in request["query"]
    assert "&start=0&count=100" in request["query"]


def test_linkedin_follower_statistics_read_the_elements_envelope():
    body = payload("linkedin/org_follower_statistics_lifetime_empty_2025.json")
    with ReplayServer() as server:
        server.script("/rest/organizationalEntityFollowerStatistics", Reply(body=body))
        result, _ = run("linkedin", "follower_statistics", server, LI_WINDOW)
    assert result.records == body["elements"]


def test_linkedin_429_resource_throttle_backs_off_and_retries():
    throttle = payload("linkedin/error_429_resource_level_throttle.json")
    body = payload("linkedin/airbyte_record_network_sizes_first_degree_size.json")
    waits: list[float] = []
    with ReplayServer() as server:
        server.script(
            "/rest/networkSizes/urn%3Ali%3Aorganization%3A90362860",
            Reply(429, throttle),
            Reply(429, throttle),
            Reply(body=body),
        )
        result, client = run("linkedin", "network_size", server, LI_WINDOW, waits=waits)
    assert result.records == [body]
    assert client.request_count == 3
    assert len(waits) == 2 and waits[1] > waits[0] * 1.2 - 0.02  # exponential backoff


def test_linkedin_post_statistics_name_the_urn_type_in_the_query_many_posts_at_once():
    element = payload("linkedin/airbyte_record_share_statistics_lifetime_element.json")
    posts = [{"id": "urn:li:share:7001"}, {"id": "urn:li:ugcPost:7002"}, {"id": "urn:li:share:7003"}]
    with ReplayServer() as server:
        server.script("/rest/organizationalEntityShareStatistics", Reply(body=envelope(element)))
        result, _ = run("linkedin", "post_statistics", server, LI_WINDOW, posts)
        queries = [unquote(r["query"]) for r in server.requests]
    assert len(queries) == 1 and len(result.records) == 1  # the scripted answer has one element
    assert "shares=List(urn:li:share:7001,urn:li:share:7003)" in queries[0]
    assert "ugcPosts=List(urn:li:ugcPost:7002)" in queries[0]


# ---- YouTube -------------------------------------------------------------------------------------
YT_WINDOW = Window("UC_x5XG1OV2P6uZZ5FSM9Ttw", date(2022, 1, 1), "UTC")


def test_youtube_channel_statistics_are_strings_and_one_snapshot_record():
    body = payload("youtube/channels_list_statistics_single_2024.json")
    with ReplayServer() as server:
        server.script("/youtube/v3/channels", Reply(body=body))
        result, _ = run("youtube", "channel", server, YT_WINDOW)
    assert result.records == body["items"]
    assert isinstance(result.records[0]["statistics"]["subscriberCount"], str)


def test_youtube_playlist_items_page_with_page_tokens():
    page1 = payload("youtube/playlist_items_page1_nextPageToken.json")
    page2 = {key: value for key, value in page1.items() if key != "nextPageToken"}
    with ReplayServer() as server:
        server.script("/youtube/v3/playlistItems", Reply(body=page1), Reply(body=page2))
        result, _ = run(
            "youtube",
            "uploads",
            server,
            YT_WINDOW,
            [{"contentDetails": {"relatedPlaylists": {"uploads": "UUx"}}}],
        )
        queries = [parse_qs(r["query"]) for r in server.requests]
    assert len(result.records) == 2 * len(page1["items"])
    assert queries[1]["pageToken"] == [page1["nextPageToken"]] and queries[0]["playlistId"] == ["UUx"]


def test_youtube_videos_are_read_fifty_ids_a_request():
    body = payload("youtube/videos_list_statistics_2019_with_dislikeCount.json")
    uploads = [{"contentDetails": {"videoId": f"v{n}"}} for n in range(51)]
    with ReplayServer() as server:
        server.script("/youtube/v3/videos", Reply(body=body))
        result, _ = run("youtube", "videos", server, YT_WINDOW, uploads)
        ids = [parse_qs(r["query"])["id"][0].split(",") for r in server.requests]
    assert [len(group) for group in ids] == [50, 1]
    assert result.records == body["items"] * 2


@pytest.mark.parametrize(
    "fixture",
    [
        "youtube/analytics_v2_reports_query_day_channel_metrics_2022.json",
        "youtube/analytics_v2_reports_query_day_views_likes_comments_grossRevenue.json",
    ],
)
def test_youtube_analytics_rows_are_named_by_their_column_headers(fixture):
    body = payload(fixture)
    records = report_rows(body)
    names = [header["name"] for header in body["columnHeaders"]]
    assert len(records) == len(body["rows"])
    assert list(records[0]) == names
    assert records[0]["day"] == body["rows"][0][0] and records[0]["views"] == body["rows"][0][1]


def test_youtube_analytics_without_rows_is_zero_records():
    body = payload("youtube/analytics_v2_reports_query_day_views_likes_comments_grossRevenue.json")
    with ReplayServer() as server:
        server.script("/v2/reports", Reply(body={k: v for k, v in body.items() if k != "rows"}))
        result, _ = run("youtube", "channel_daily", server, YT_WINDOW)
        query = parse_qs(server.requests[0]["query"])
    assert result.records == []
    assert query["ids"] == ["channel==UC_x5XG1OV2P6uZZ5FSM9Ttw"] and query["startDate"] == query[
        "endDate"
    ] == ["2022-01-01"]


def test_youtube_quota_exceeded_stops_without_retrying():
    with ReplayServer() as server:
        server.script("/youtube/v3/channels", Reply(403, payload("youtube/error_403_quotaExceeded.json")))
        with pytest.raises(
            QuotaExhausted, match=r"quotaExceeded: The request cannot be completed .*stops for today"
        ):
            run("youtube", "channel", server, YT_WINDOW)
        assert len(server.requests) == 1


def test_youtube_permission_denied_names_the_connection_and_the_scopes():
    with ReplayServer() as server:
        server.script("/youtube/v3/channels", Reply(403, payload("youtube/error_403_permission_denied.json")))
        with pytest.raises(CredentialsError, match=r"yt-analytics\.readonly.*'socialkpi_youtube'"):
            run("youtube", "channel", server, YT_WINDOW)


# ---- TikTok --------------------------------------------------------------------------------------
TT_WINDOW = Window("723f24d7-e717-40f8-a2b6-cb8464cd23b4", date(2022, 1, 28), "UTC")


def test_tiktok_user_info_is_one_snapshot_record():
    body = payload("tiktok/docs_display_api_v2_user_info_example.json")
    with ReplayServer() as server:
        server.script("/v2/user/info/", Reply(body=body))
        result, _ = run("tiktok", "user", server, TT_WINDOW)
    assert result.records == [body["data"]["user"]]


def test_tiktok_video_list_posts_the_cursor_until_has_more_is_false():
    last = payload("tiktok/docs_display_api_v2_video_list_example.json")
    first = json.loads(json.dumps(last))
    first["data"]["has_more"] = True
    stream = replace(SOURCES["tiktok"].stream("videos"), cursor_field=None)  # the example has no create_time
    with ReplayServer() as server:
        server.script("/v2/video/list/", Reply(body=first), Reply(body=last))
        result = extract_stream(client_for("tiktok", server.url), stream, TT_WINDOW)
        bodies = [json.loads(r["body"]) for r in server.requests]
    assert result.records == first["data"]["videos"] + last["data"]["videos"]
    assert bodies == [{"max_count": 20}, {"max_count": 20, "cursor": 1643332803000}]


def _tiktok_error(code: str, message: str) -> dict:
    """The published success envelope with the error object every TikTok error carries."""
    body = payload("tiktok/docs_display_api_v2_user_info_example.json")
    return {"data": {}, "error": {**body["error"], "code": code, "message": message}}


def test_tiktok_rate_limit_exceeded_backs_off_and_retries():
    body = payload("tiktok/docs_display_api_v2_user_info_example.json")
    waits: list[float] = []
    with ReplayServer() as server:
        server.script(
            "/v2/user/info/",
            Reply(429, _tiktok_error("rate_limit_exceeded", "The API rate limit was exceeded.")),
            Reply(body=body),
        )
        result, _ = run("tiktok", "user", server, TT_WINDOW, waits=waits)
    assert result.records == [body["data"]["user"]] and len(waits) == 1


def test_tiktok_invalid_token_fails_at_once_naming_the_connection():
    with ReplayServer() as server:
        server.script(
            "/v2/user/info/",
            Reply(401, _tiktok_error("access_token_invalid", "The access token is invalid.")),
        )
        with pytest.raises(CredentialsError, match=r"access_token_invalid.*'socialkpi_tiktok'"):
            run("tiktok", "user", server, TT_WINDOW)


def test_tiktok_any_other_error_code_is_an_error_even_with_http_200():
    with ReplayServer() as server:
        server.script("/v2/user/info/", Reply(200, _tiktok_error("internal_error", "Something went wrong.")))
        with pytest.raises(SourceError, match=r"internal_error: Something went wrong\. \(log_id 2022"):
            run("tiktok", "user", server, TT_WINDOW)


# ---- Plausible -----------------------------------------------------------------------------------
PL_WINDOW = Window("dummy.site", date(2024, 9, 4), "UTC")


@pytest.mark.parametrize(
    "fixture", ["plausible/v2_utm_response.json", "plausible/v2_timeseries_response.json"]
)
def test_plausible_results_are_named_by_the_query_dimensions_and_metrics(fixture):
    body = payload(fixture)
    records = results_by_query(body)
    names = body["query"]["dimensions"] + body["query"]["metrics"]
    assert len(records) == len(body["results"]) and all(list(r) == names for r in records)
    first = body["results"][0]
    assert [records[0][n] for n in names] == first["dimensions"] + first["metrics"]


def test_plausible_pages_by_offset_until_total_rows():
    response = payload("plausible/v2_pagination_response.json")
    query = payload("plausible/v2_pagination_query.json")
    stream = SOURCES["plausible"].stream("traffic_daily")
    small = replace(stream, paginator=replace(stream.paginator, limit=query["pagination"]["limit"]))
    with ReplayServer() as server:
        server.script("/api/v2/query", Reply(body=response))
        result = extract_stream(client_for("plausible", server.url), small, PL_WINDOW)
        bodies = [json.loads(r["body"]) for r in server.requests]
    assert [b["pagination"] for b in bodies] == [{"offset": 0, "limit": 3}, {"offset": 3, "limit": 3}]
    assert bodies[0]["include"] == query["include"] and bodies[0]["date_range"] == [
        "2024-09-04",
        "2024-09-04",
    ]
    assert bodies[0]["site_id"] == "dummy.site"
    assert len(result.records) == response["meta"]["total_rows"]


def test_plausible_invalid_metric_is_dropped_and_recorded():
    body = payload("plausible/v2_utm_response.json")
    with ReplayServer() as server:
        server.script(
            "/api/v2/query",
            Reply(400, {"error": '#/metrics/2: Invalid metric "pageviews"'}),
            Reply(body=body),
        )
        result, _ = run("plausible", "traffic_daily", server, PL_WINDOW)
        metrics = [json.loads(r["body"])["metrics"] for r in server.requests]
    assert result.unavailable_metrics == ["pageviews"]
    assert metrics == [["visitors", "visits", "pageviews", "events"], ["visitors", "visits", "events"]]


def test_plausible_invalid_key_names_the_connection():
    with ReplayServer() as server:
        server.script("/api/v2/query", Reply(401, {"error": "Invalid API key or site ID."}))
        with pytest.raises(CredentialsError, match="'socialkpi_plausible'"):
            run("plausible", "traffic_daily", server, PL_WINDOW)
