"""The one HTTP client: retries, throttling, auth failures and token hygiene, over real HTTP."""

from __future__ import annotations

import logging

import pytest
from socialkpi.errors import CredentialsError, SourceError
from socialkpi.http import SourceClient, redact

from tests.support.replay import ReplayServer, Reply


def make_client(url: str, waits: list[float] | None = None) -> SourceClient:
    return SourceClient(
        source="demo",
        base_url=url,
        token="secret-token-123",
        connection_id="socialkpi_demo",
        backoff_factor=0.01,
        sleep=(waits.append if waits is not None else lambda s: None),
    )


def test_server_errors_are_retried_by_urllib3_with_backoff():
    with ReplayServer() as server:
        server.script("/thing", Reply(503, {"error": "busy"}), Reply(500, {}), Reply(200, {"ok": True}))
        assert make_client(server.url).get_json("/thing") == {"ok": True}
        assert len(server.requests) == 3


def test_429_waits_for_retry_after():
    waits: list[float] = []
    with ReplayServer() as server:
        server.script("/thing", Reply(429, {}, {"Retry-After": "7"}), Reply(200, {"ok": 1}))
        assert make_client(server.url, waits).get_json("/thing") == {"ok": 1}
    assert waits == [7.0]


def test_throttling_that_never_ends_is_an_error_after_bounded_retries():
    with ReplayServer() as server:
        server.script("/thing", Reply(429, {}))
        with pytest.raises(SourceError, match="still failing after 6 retries"):
            make_client(server.url).get_json("/thing")
        assert len(server.requests) == 7


def test_401_fails_at_once_and_names_the_connection():
    with ReplayServer() as server:
        server.script("/thing", Reply(401, {"error": "invalid token"}))
        with pytest.raises(CredentialsError, match="renew it in the Airflow connection 'socialkpi_demo'"):
            make_client(server.url).get_json("/thing")
        assert len(server.requests) == 1


def test_the_token_travels_in_a_header_and_never_in_messages_or_logs(caplog):
    caplog.set_level(logging.DEBUG)
    with ReplayServer() as server:
        server.script("/thing", Reply(429, {}), Reply(400, {"error": "bad"}))
        with pytest.raises(SourceError) as error:
            make_client(server.url).get_json("/thing?access_token=secret-token-123")
        assert server.requests[0]["headers"]["Authorization"] == "Bearer secret-token-123"
    assert "secret-token-123" not in str(error.value)
    assert "secret-token-123" not in caplog.text


def test_a_body_that_is_not_json_is_a_clear_error():
    with ReplayServer() as server:
        server.script("/thing", Reply(200, b"{not json"))
        with pytest.raises(SourceError, match="not JSON; the page is malformed"):
            make_client(server.url).get_json("/thing")


def test_redact_masks_tokens_in_urls():
    assert (
        redact("https://g/v25.0/1/media?access_token=EAAB&after=x")
        == "https://g/v25.0/1/media?access_token=***&after=x"
    )
