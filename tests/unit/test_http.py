"""The one HTTP client: retries, throttling, auth failures and token hygiene, over real HTTP."""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest
from socialkpi.errors import CredentialsError, ForeignHost, SourceError, TransientSourceError
from socialkpi.http import DEFAULT_TIMEOUT, REQUEST_DEADLINE_SECONDS, TRANSPORT_RETRIES, SourceClient, redact

from tests.support.replay import ReplayServer, Reply


def make_client(url: str, waits: list[float] | None = None, **options) -> SourceClient:
    return SourceClient(
        source="demo",
        base_url=url,
        token="secret-token-123",
        connection_id="socialkpi_demo",
        backoff_factor=0.01,
        sleep=(waits.append if waits is not None else lambda s: None),
        **options,
    )


class HangingServer:
    """Accepts connections, reads the request, and never answers (a platform's hung backend)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.connections: list[socket.socket] = []
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def __enter__(self) -> HangingServer:
        return self

    def __exit__(self, *exc) -> None:
        self.closed.set()
        self.listener.close()
        for connection in self.connections:
            connection.close()


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


def test_a_hung_request_is_cut_at_the_deadline_and_says_timed_out():
    with HangingServer() as server:
        client = make_client(server.url, timeout=(1.0, 1.0), deadline_seconds=3.5)
        began = time.monotonic()
        with pytest.raises(TransientSourceError) as error:
            client.get_json("/reports")
        elapsed = time.monotonic() - began
        attempts = len(server.connections)
    message = str(error.value)
    assert ("timed out" in message and "3s deadline" in message) or "4s deadline" in message
    assert "\n" not in message
    # Attempts were retried while they fit (not one try, not 6 x the read timeout) and none ran late.
    assert 2 <= attempts <= 3, attempts
    assert elapsed < 3.5 + 0.5, elapsed


def test_the_default_deadline_is_shorter_than_every_retry_waiting_its_full_read_timeout():
    assert (TRANSPORT_RETRIES + 1) * DEFAULT_TIMEOUT[1] > REQUEST_DEADLINE_SECONDS


def test_server_errors_that_outlast_the_client_retries_are_transient():
    with ReplayServer() as server:
        server.script("/thing", Reply(503, {"error": "busy"}))
        with pytest.raises(TransientSourceError, match="server error 503"):
            make_client(server.url).get_json("/thing")
        assert len(server.requests) == TRANSPORT_RETRIES + 1


def test_a_refused_connection_is_transient():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(TransientSourceError, match="failed after retries"):
        make_client(f"http://127.0.0.1:{port}").get_json("/thing")


def test_a_next_link_to_another_host_is_refused_and_gets_no_token():
    with ReplayServer() as home, ReplayServer() as foreign:
        home.script("/page1", Reply(200, {"data": [1], "paging": {"next": foreign.url + "/page2?after=x"}}))
        foreign.script("/page2", Reply(200, {"data": [2]}))
        client = make_client(home.url)
        first = client.get_json("/page1")
        with pytest.raises(ForeignHost) as error:
            client.get_json(first["paging"]["next"])
        assert foreign.requests == [], "the foreign host must not even be contacted"
    message = str(error.value)
    assert "refused to send the token" in message and "socialkpi_demo" in message
    assert "secret-token-123" not in message and "\n" not in message


def test_a_next_link_to_the_same_host_or_a_further_api_of_the_source_is_followed():
    with ReplayServer() as home, ReplayServer() as analytics:
        home.script("/page2", Reply(200, {"data": [2]}))
        analytics.script("/report", Reply(200, {"rows": []}))
        client = make_client(
            home.url.replace("127.0.0.1", "127.0.0.1") + "/v1", base_urls={"analytics": analytics.url}
        )
        assert client.get_json(home.url + "/page2") == {"data": [2]}
        assert client.get_json(analytics.url + "/report") == {"rows": []}
        with pytest.raises(ForeignHost):
            client.get_json(home.url.replace("http://", "https://") + "/page2")  # another scheme
