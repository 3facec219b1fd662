"""Our parsers and response policies read what the platforms really send.

Each test serves a published payload (tests/contract/fixtures, provenance in its README) over
local HTTP and runs the real extractor path on it: client, policy, paging, record parsing.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from socialkpi.errors import CredentialsError, SourceError
from socialkpi.extract import extract_stream
from socialkpi.http import SourceClient
from socialkpi.paging import NextUrl
from socialkpi.sources import SOURCES
from socialkpi.sources.ga4 import rows_by_header
from socialkpi.streams import Request, Stream, Window

from tests.support.replay import ReplayServer, Reply

FIXTURES = Path(__file__).parent / "fixtures"


def payload(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def client_for(source: str, url: str) -> SourceClient:
    return SourceClient(
        source=source,
        base_url=url,
        token="test-token",
        connection_id=f"socialkpi_{source}",
        policy=SOURCES[source].policy,
        backoff_factor=0.01,
        sleep=lambda seconds: None,
    )


WINDOW = Window("17841400000000001", date(2021, 6, 1), "UTC")


def test_instagram_media_list_pages_through_graph_cursors():
    page1 = payload("meta_instagram/user_media_list_page1_cursors.json")
    page2 = payload("meta_instagram/user_media_list_page2.json")
    with ReplayServer() as server:
        page1["paging"]["next"] = f"{server.url}/page2"
        page2.get("paging", {}).pop("next", None)
        server.script("/17841400000000001/media", Reply(body=page1))
        server.script("/page2", Reply(body=page2))
        # The published pages are from 2021; a stream without a time window keeps them all.
        stream = Stream("instagram", "media", "/{account_id}/media", paginator=NextUrl("paging.next"))
        result = extract_stream(client_for("instagram", server.url), stream, WINDOW)
    ids = [record["id"] for record in result.records]
    assert len(ids) == len(page1["data"]) + len(page2["data"])
    assert len(set(ids)) == len(ids)
    assert result.records[0] == page1["data"][0]  # landed exactly as sent


def test_instagram_account_fields_are_one_snapshot_record():
    body = payload("meta_instagram/ig_user_fields_followers_count.json")
    with ReplayServer() as server:
        server.script(f"/{WINDOW.account_id}", Reply(body=body))
        result = extract_stream(
            client_for("instagram", server.url), SOURCES["instagram"].stream("account"), WINDOW
        )
    assert result.records == [body]
    assert isinstance(result.records[0]["followers_count"], int)


def test_instagram_insights_total_value_and_time_series_shapes_land_unchanged():
    total_value = payload("meta_instagram/user_insights_reach_total_value_breakdown_v18.json")
    time_series = payload("meta_instagram/airbyte_user_insights_day_follower_count_reach.json")
    stream = Stream(
        "instagram", "account_insights", "/{account_id}/insights", requests=(Request(), Request())
    )
    with ReplayServer() as server:
        server.script(f"/{WINDOW.account_id}/insights", Reply(body=total_value), Reply(body=time_series))
        result = extract_stream(client_for("instagram", server.url), stream, WINDOW)
    assert result.records == total_value["data"] + time_series["data"]
    assert "total_value" in result.records[0]
    assert "values" in result.records[-1]


def test_media_posted_before_the_business_conversion_yields_no_records_not_an_error():
    error = payload("meta_instagram/airbyte_error_100_subcode_2108006_media_posted_before_business.json")
    media = [{"id": "111"}, {"id": "222"}]
    insights = payload("meta_instagram/airbyte_media_insights_general_media.json")
    with ReplayServer() as server:
        server.script("/111/insights", Reply(400, error))
        server.script("/222/insights", Reply(body=insights))
        result = extract_stream(
            client_for("instagram", server.url), SOURCES["instagram"].stream("media_insights"), WINDOW, media
        )
    assert result.records == insights["data"]


@pytest.mark.parametrize(
    "fixture",
    [
        "meta_facebook/error_4_application_request_limit.json",
        "meta_facebook/error_17_user_request_limit.json",
    ],
)
def test_graph_throttling_is_http_400_and_is_retried(fixture):
    body = payload("meta_instagram/ig_user_fields_followers_count.json")
    with ReplayServer() as server:
        server.script(f"/{WINDOW.account_id}", Reply(400, payload(fixture)), Reply(body=body))
        client = client_for("instagram", server.url)
        result = extract_stream(client, SOURCES["instagram"].stream("account"), WINDOW)
    assert result.records == [body]
    assert client.request_count == 2


def test_an_expired_graph_token_fails_at_once_naming_the_connection():
    with ReplayServer() as server:
        server.script(
            f"/{WINDOW.account_id}",
            Reply(400, payload("meta_facebook/error_190_463_session_expired_bridgy.json")),
        )
        client = client_for("instagram", server.url)
        with pytest.raises(
            CredentialsError, match="renew it in the Airflow connection 'socialkpi_instagram'"
        ):
            extract_stream(client, SOURCES["instagram"].stream("account"), WINDOW)
        assert client.request_count == 1


@pytest.mark.parametrize(
    "fixture",
    [
        "meta_facebook/error_oauthexception_100_missing_permission.json",
        "meta_instagram/airbyte_error_code_10_permission.json",
    ],
)
def test_missing_permissions_are_a_clear_error(fixture):
    with ReplayServer() as server:
        server.script(f"/{WINDOW.account_id}", Reply(400, payload(fixture)))
        with pytest.raises(SourceError, match=r"Graph error (100|10)"):
            extract_stream(
                client_for("instagram", server.url), SOURCES["instagram"].stream("account"), WINDOW
            )


@pytest.mark.parametrize(
    "fixture",
    ["ga4/docs_quickstart_runreport_response.json", "ga4/airbyte_runreport_date_device_os_browser.json"],
)
def test_ga4_rows_are_named_by_their_headers(fixture):
    body = payload(fixture)
    records = rows_by_header(body)
    assert len(records) == len(body["rows"])
    names = [h["name"] for h in body["dimensionHeaders"]] + [h["name"] for h in body["metricHeaders"]]
    assert all(list(record) == names for record in records)
    first = body["rows"][0]
    assert records[0][names[0]] == first["dimensionValues"][0]["value"]
    assert records[0][names[-1]] == first["metricValues"][-1]["value"]


def test_ga4_report_without_rows_is_zero_records():
    assert rows_by_header({"dimensionHeaders": [{"name": "date"}], "metricHeaders": [], "rowCount": 0}) == []


@pytest.mark.parametrize(
    "fixture",
    ["ga4/error_403_permission_denied_property.json", "ga4/error_403_access_token_scope_insufficient.json"],
)
def test_ga4_permission_errors_name_the_connection(fixture):
    window = Window("345678901", date(2026, 11, 1), "UTC")
    with ReplayServer() as server:
        server.script("/properties/345678901:runReport", Reply(403, payload(fixture)))
        with pytest.raises(CredentialsError, match="socialkpi_ga4"):
            extract_stream(client_for("ga4", server.url), SOURCES["ga4"].stream("traffic_daily"), window)


def test_ga4_pages_by_offset_until_row_count():
    window = Window("345678901", date(2026, 11, 1), "UTC")
    headers = {
        "dimensionHeaders": [{"name": "date"}],
        "metricHeaders": [{"name": "sessions", "type": "TYPE_INTEGER"}],
    }

    def page(values):
        rows = [
            {"dimensionValues": [{"value": "20261101"}], "metricValues": [{"value": str(v)}]} for v in values
        ]
        return {**headers, "rows": rows, "rowCount": 3}

    stream = SOURCES["ga4"].stream("traffic_daily")
    small = Stream(**{**stream.__dict__, "paginator": type(stream.paginator)(limit=2, total_path="rowCount")})
    with ReplayServer() as server:
        server.script("/properties/345678901:runReport", Reply(body=page([1, 2])), Reply(body=page([3])))
        result = extract_stream(client_for("ga4", server.url), small, window)
        bodies = [json.loads(r["body"]) for r in server.requests]
    assert [r["sessions"] for r in result.records] == ["1", "2", "3"]
    assert [(b["offset"], b["limit"]) for b in bodies] == [(0, 2), (2, 2)]
    assert bodies[0]["dateRanges"] == [{"startDate": "2026-11-01", "endDate": "2026-11-01"}]
