"""Paging styles, templates and windows: each small piece on its own."""

from datetime import UTC, date, datetime

from socialkpi.streams import (
    BodyCursor,
    NextUrl,
    OffsetLimit,
    Page,
    TokenParam,
    Window,
    dig,
    fill,
    parse_timestamp,
)


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
