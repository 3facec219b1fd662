"""Paging styles, templates and windows: each small piece on its own."""

from datetime import UTC, date, datetime

import pytest
from socialkpi.extract import extract_stream, fill, fill_path, meta_day, parse_timestamp
from socialkpi.http import InvalidMetrics
from socialkpi.paging import BodyCursor, NextUrl, OffsetLimit, Page, TokenParam, dig
from socialkpi.streams import Request, Stream, Window


def test_window_is_the_local_day_in_the_accounts_timezone():
    window = Window("1", date(2026, 11, 1), "Europe/Berlin")
    values = window.template_values()
    assert values["since"] == int(datetime(2026, 10, 31, 23, tzinfo=UTC).timestamp())
    assert values["until"] == int(datetime(2026, 11, 1, 23, tzinfo=UTC).timestamp())
    assert values["date_compact"] == "20261101"
    assert values["since_iso"] == "2026-10-31T23:00:00Z"


def test_a_daylight_saving_day_has_25_hours():
    window = Window("1", date(2026, 10, 25), "Europe/Berlin")
    values = window.template_values()
    assert values["until"] - values["since"] == 25 * 3600


def test_fill_templates_recursively():
    body = {"dateRanges": [{"startDate": "{date}"}], "limit": 5}
    assert fill(body, {"date": "2026-11-01"}) == {"dateRanges": [{"startDate": "2026-11-01"}], "limit": 5}


def test_dig_walks_dotted_paths_and_tolerates_gaps():
    body = {"paging": {"cursors": {"after": "abc"}}}
    assert dig(body, "paging.cursors.after") == "abc"
    assert dig(body, "paging.next") is None
    assert dig({"a": 1}, "a.b") is None


def test_next_url_follows_the_link_until_there_is_none():
    paginator = NextUrl("paging.next")
    page = Page("/me/media", {"limit": 2}, None)
    following = paginator.next_page(page, {"paging": {"next": "https://x/next?after=1"}}, 2)
    assert following.url == "https://x/next?after=1"
    assert following.params is None
    assert paginator.next_page(page, {"paging": {}}, 2) is None


def test_token_param_passes_the_token_back():
    paginator = TokenParam("meta.next_token", "pagination_token")
    page = Page("/2/users/1/tweets", {"max_results": 100}, None)
    following = paginator.next_page(page, {"meta": {"next_token": "t2"}}, 100)
    assert following.params == {"max_results": 100, "pagination_token": "t2"}
    assert paginator.next_page(page, {"meta": {"result_count": 0}}, 0) is None


def test_body_cursor_pages_while_has_more():
    paginator = BodyCursor()
    page = Page("/v2/video/list/", None, {"max_count": 20})
    following = paginator.next_page(page, {"data": {"cursor": 1700, "has_more": True}}, 20)
    assert following.body == {"max_count": 20, "cursor": 1700}
    assert paginator.next_page(page, {"data": {"cursor": 1, "has_more": False}}, 3) is None


def test_offset_limit_stops_at_the_reported_total():
    paginator = OffsetLimit(limit=2, total_path="rowCount")
    first = paginator.first(Page("/r", None, {}))
    assert first.body == {"offset": 0, "limit": 2}
    second = paginator.next_page(first, {"rowCount": 3}, 2)
    assert second.body["offset"] == 2
    assert paginator.next_page(second, {"rowCount": 3}, 1) is None


def test_offset_limit_without_total_stops_on_a_short_page():
    paginator = OffsetLimit(limit=10, offset_field="start", limit_field="count", in_body=False)
    first = paginator.first(Page("/rest/posts", {"q": "author"}, None))
    assert first.params == {"q": "author", "start": 0, "count": 10}
    assert paginator.next_page(first, {}, 10).params["start"] == 10
    assert paginator.next_page(first, {}, 4) is None


def test_timestamps_in_every_platform_format():
    expected = datetime(2026, 11, 1, 9, 15, tzinfo=UTC)
    assert parse_timestamp("2026-11-01T09:15:00+0000") == expected  # Graph API
    assert parse_timestamp("2026-11-01T09:15:00Z") == expected  # X, YouTube
    assert parse_timestamp("2026-11-01T09:15:00+00:00") == expected
    assert parse_timestamp(int(expected.timestamp())) == expected  # TikTok create_time
    assert parse_timestamp("yesterday") is None
    assert parse_timestamp(None) is None


def test_window_gives_the_utc_calendar_day_and_the_recent_window():
    window = Window("1", date(2026, 11, 1), "Europe/Berlin")
    values = window.template_values(days_before=28)
    assert values["utc_day_since_ms"] == int(datetime(2026, 11, 1, tzinfo=UTC).timestamp()) * 1000
    assert values["utc_day_until_ms"] - values["utc_day_since_ms"] == 86_400_000
    assert values["recent_since_iso"] == "2026-10-03T22:00:00Z"  # 28 days earlier, still summer time
    assert values["recent_since"] == int(datetime(2026, 10, 3, 22, tzinfo=UTC).timestamp())


def test_fill_leaves_graph_field_expansions_alone():
    fields = "id,text,replies{id,text}"
    assert fill({"fields": fields, "id": "{parent_id}"}, {"parent_id": "7"}) == {"fields": fields, "id": "7"}
    with pytest.raises(KeyError):
        fill("/{acount_id}", {"account_id": "1"})


def test_offset_limit_nests_its_fields_and_counts_from_one():
    plausible = OffsetLimit(
        limit=2,
        offset_field="pagination.offset",
        limit_field="pagination.limit",
        total_path="meta.total_rows",
    )
    first = plausible.first(Page("/api/v2/query", None, {"site_id": "s"}))
    assert first.body == {"site_id": "s", "pagination": {"offset": 0, "limit": 2}}
    second = plausible.next_page(first, {"meta": {"total_rows": 3}}, 2)
    assert second.body["pagination"] == {"offset": 2, "limit": 2}
    assert plausible.next_page(second, {"meta": {"total_rows": 3}}, 1) is None
    youtube = OffsetLimit(
        limit=200, offset_field="startIndex", limit_field="maxResults", in_body=False, start=1
    )
    first = youtube.first(Page("/v2/reports", {"ids": "channel==MINE"}, None))
    assert first.params == {"ids": "channel==MINE", "startIndex": 1, "maxResults": 200}
    assert youtube.next_page(first, {}, 200).params["startIndex"] == 201
    assert youtube.next_page(first, {}, 17) is None


def test_a_single_object_at_the_records_path_is_one_record():
    stream = Stream("x", "user", "/2/users/1", records_path="data")
    assert stream.records_from({"data": {"id": "1"}}) == [{"id": "1"}]
    assert stream.records_from({"errors": []}) == []


def test_epoch_milliseconds_are_read_as_milliseconds():
    expected = datetime(2026, 11, 1, 9, 15, tzinfo=UTC)
    assert parse_timestamp(int(expected.timestamp()) * 1000) == expected  # LinkedIn publishedAt
    assert parse_timestamp(True) is None


class ScriptedClient:
    """Answers each request from `answer(url, params, body)`; records what was asked."""

    def __init__(self, answer):
        self.answer = answer
        self.calls: list[tuple] = []
        self.request_count = 0

    def get_json(self, url, params=None, api=None):
        return self._call(url, params, None, api)

    def post_json(self, url, body, params=None, api=None):
        return self._call(url, params, body, api)

    def _call(self, url, params, body, api):
        self.request_count += 1
        self.calls.append((url, params, body, api))
        return self.answer(url, params, body)


WINDOW = Window("1", date(2026, 11, 1), "UTC")


def test_child_streams_take_batches_of_parent_ids_or_values_derived_from_them():
    parents = [{"v": {"id": f"a{n}"}} for n in range(5)]
    client = ScriptedClient(lambda url, params, body: {"items": [{"ids": params["id"]}]})
    batched = Stream(
        "yt",
        "videos",
        "/videos",
        requests=(Request(params={"id": "{parent_id}"}),),
        records_path="items",
        parent="uploads",
        parent_key="v.id",
        parent_batch=2,
        api="second",
    )
    result = extract_stream(client, batched, WINDOW, parents)
    assert [r["ids"] for r in result.records] == ["a0,a1", "a2,a3", "a4"]
    assert {call[3] for call in client.calls} == {"second"}
    derived = Stream(
        "li",
        "stats",
        "/s?{kind}=List({parent_id})",
        parent="posts",
        parent_values=lambda p: {"kind": p["kind"]},
        tag_parent=True,
        records_path=None,
    )
    client = ScriptedClient(lambda url, params, body: {"url": url})
    result = extract_stream(
        client, derived, WINDOW, [{"id": "1", "kind": "shares"}, {"id": "2", "kind": "ugcPosts"}]
    )
    assert result.records == [
        {"url": "/s?shares=List(1)", "_parent_id": "1"},
        {"url": "/s?ugcPosts=List(2)", "_parent_id": "2"},
    ]


def test_a_metric_rejected_without_its_name_is_found_by_asking_for_each_alone():
    def answer(url, params, body):
        if "retired" in params["metric"]:
            raise InvalidMetrics((), "(#100) The value must be a valid insights metric")
        return {"data": [{"name": name} for name in params["metric"].split(",")]}

    stream = Stream(
        "facebook",
        "page_insights",
        "/1/insights",
        requests=(Request(params={"metric": "a,retired,b"}, metrics_param="metric"),),
    )
    client = ScriptedClient(answer)
    result = extract_stream(client, stream, WINDOW)
    assert [r["name"] for r in result.records] == ["a", "b"]
    assert result.unavailable_metrics == ["retired"]
    assert [call[1]["metric"] for call in client.calls] == ["a,retired,b", "a", "retired", "b"]


@pytest.mark.parametrize(
    ("metrics", "remaining"),
    [
        (["visits", "pageviews", "events"], ["visits", "events"]),  # Plausible: a list of names
        ([{"name": "visits"}, {"name": "pageviews"}], [{"name": "visits"}]),  # GA4: a list of objects
    ],
)
def test_a_named_retired_metric_is_dropped_from_a_metric_list_in_the_body(metrics, remaining):
    def answer(url, params, body):
        names = [m["name"] if isinstance(m, dict) else m for m in body["metrics"]]
        if "pageviews" in names:
            raise InvalidMetrics(("pageviews",), 'Invalid metric "pageviews"')
        return {"data": [{"metrics": body["metrics"]}]}

    stream = Stream(
        "web",
        "q",
        "/q",
        method="POST",
        requests=(Request(body={"metrics": metrics}, metrics_param="metrics"),),
    )
    result = extract_stream(ScriptedClient(answer), stream, WINDOW)
    assert result.records == [{"metrics": remaining}]
    assert result.unavailable_metrics == ["pageviews"]


# ---- ranges, days, paths --------------------------------------------------------------------------
def test_a_range_window_spans_its_days_and_splits_into_chunks():
    window = Window("1", date(2026, 11, 1), "Europe/Berlin", date(2026, 12, 15))
    values = window.template_values()
    assert (values["date"], values["end_date"]) == ("2026-11-01", "2026-12-15")
    assert values["until"] == int(datetime(2026, 12, 15, 23, tzinfo=UTC).timestamp())
    assert values["utc_day_until_ms"] == int(datetime(2026, 12, 16, tzinfo=UTC).timestamp()) * 1000
    chunks = window.chunks(30)
    assert [(c.day, c.last) for c in chunks] == [
        (date(2026, 11, 1), date(2026, 11, 30)),
        (date(2026, 12, 1), date(2026, 12, 15)),
    ]
    assert sum(len(c.days) for c in chunks) == len(window.days) == 45


def test_pacific_bounds_do_not_depend_on_the_accounts_timezone():
    tehran = Window("1", date(2026, 3, 8), "Asia/Tehran").template_values()
    sydney = Window("1", date(2026, 3, 8), "Australia/Sydney").template_values()
    # 2026-03-08 is the US switch to daylight time: a 23-hour Pacific day, 08:00 UTC to 07:00 UTC.
    assert (
        tehran["pacific_since"]
        == sydney["pacific_since"]
        == int(datetime(2026, 3, 8, 8, tzinfo=UTC).timestamp())
    )
    assert tehran["pacific_until"] - tehran["pacific_since"] == 23 * 3600
    assert tehran["since"] != sydney["since"]


@pytest.mark.parametrize(
    ("end_time", "day", "on_midnight"),
    [
        ("2026-11-02T08:00:00+0000", date(2026, 11, 1), True),  # winter: Pacific midnight is 08:00 UTC
        ("2026-07-02T07:00:00+0000", date(2026, 7, 1), True),  # summer: 07:00 UTC
        ("2026-11-01T23:00:00+0000", date(2026, 10, 31), False),  # Berlin midnight: filed, not shifted
    ],
)
def test_a_graph_value_stands_for_the_pacific_day_before_its_end_time(end_time, day, on_midnight):
    assert meta_day(end_time) == (day, on_midnight)


def test_ids_are_percent_encoded_in_paths_and_derived_query_fragments_are_not():
    values = {"account_id": "17841/../me?x=1#y", "post_list": "shares=List(urn%3Ali%3Ashare%3A1)"}
    assert fill_path("/{account_id}/insights", values) == "/17841%2F..%2Fme%3Fx%3D1%23y/insights"
    assert (
        fill_path("/rest/stats?{post_list}", values, frozenset({"post_list"}))
        == "/rest/stats?shares=List(urn%3Ali%3Ashare%3A1)"
    )


def test_linkedin_post_statistics_ask_for_each_urn_under_its_type_many_at_once():
    from socialkpi.sources.linkedin import post_lists

    fragment = post_lists([{"id": "urn:li:share:1"}, {"id": "urn:li:ugcPost:2"}, {"id": "urn:li:share:3"}])[
        "post_list"
    ]
    assert (
        fragment
        == "shares=List(urn%3Ali%3Ashare%3A1,urn%3Ali%3Ashare%3A3)&ugcPosts=List(urn%3Ali%3AugcPost%3A2)"
    )
