"""One HTTP client for every source: auth, retries, timeouts, throttling, and safe logging.

Transport faults (connection errors, read timeouts, 5xx) are retried by urllib3's `Retry` with
jittered exponential backoff. Platform throttling is not always a 429 (Meta throttles with HTTP 400
and error codes 4/17/32/613; X says when its window resets in `x-rate-limit-reset`), so each source
classifies its own responses (`ResponsePolicy`) and this module waits and retries accordingly.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from socialkpi.errors import CredentialsError, QuotaExhausted, SourceError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (5.0, 60.0)  # connect, read (seconds)
TRANSPORT_RETRIES = 5
THROTTLE_RETRIES = 6
MAX_WAIT_SECONDS = 120.0

_SECRET_PARAMS = re.compile(r"(access_token|token|key|client_secret)=([^&\s]+)", re.IGNORECASE)


def redact(url: str) -> str:
    """A URL safe to log: token-like query parameters are masked (Graph `next` links carry them)."""
    return _SECRET_PARAMS.sub(r"\1=***", url)


class _RedactTokens(logging.Filter):
    """urllib3 logs request URLs at DEBUG; Graph paging links carry the access token in them."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _SECRET_PARAMS.search(message):
            record.msg, record.args = redact(message), ()
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactTokens())


@dataclass(frozen=True)
class Verdict:
    """What a source's policy makes of a response."""

    kind: str  # "ok" | "retry" | "auth" | "quota" | "invalid_metric" | "no_data" | "error"
    wait_seconds: float | None = None
    message: str = ""
    metrics: tuple[str, ...] = ()

    @classmethod
    def ok(cls) -> Verdict:
        return cls("ok")


ResponsePolicy = Callable[[requests.Response], Verdict]


def default_policy(response: requests.Response) -> Verdict:
    """Status-code semantics shared by the Google, LinkedIn, TikTok and Plausible APIs."""
    status = response.status_code
    if status < 400:
        return Verdict.ok()
    if status == 401:
        return Verdict("auth", message=_short_body(response))
    if status == 429:
        return Verdict("retry", wait_seconds=retry_after(response), message="rate limited (429)")
    if status >= 500:  # urllib3 already retried it with backoff
        return Verdict("error", message=f"server error {status} after {TRANSPORT_RETRIES} retries")
    return Verdict("error", message=f"HTTP {status}: {_short_body(response)}")


def retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def json_object(response: requests.Response) -> dict | None:
    """The response body when it is a JSON object (every platform's error envelope is one), else None."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _short_body(response: requests.Response, limit: int = 300) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:limit]


class SourceClient:
    """A `requests.Session` bound to one source's base URL, token and response policy.

    `base_urls` names further hosts of the same source and token (YouTube Analytics next to the
    YouTube Data API); a stream picks one with `api=`.
    """

    def __init__(
        self,
        *,
        source: str,
        base_url: str,
        token: str,
        connection_id: str,
        policy: ResponsePolicy = default_policy,
        headers: dict[str, str] | None = None,
        base_urls: dict[str, str] | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        backoff_factor: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.base_urls = {name: url.rstrip("/") for name, url in (base_urls or {}).items()}
        self.connection_id = connection_id
        self.policy = policy
        self.timeout = timeout
        self.backoff_factor = backoff_factor
        self.sleep = sleep
        self.request_count = 0
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})
        self.session.headers.update(headers or {})
        retry = Retry(
            total=TRANSPORT_RETRIES,
            connect=TRANSPORT_RETRIES,
            read=TRANSPORT_RETRIES,
            status=TRANSPORT_RETRIES,
            status_forcelist=(500, 502, 503, 504),
            # Reads are POSTs on GA4, TikTok and Plausible; every call we make is side-effect free.
            allowed_methods=None,
            backoff_factor=backoff_factor,
            backoff_jitter=backoff_factor,
            backoff_max=30,
            # Retry-After on 429 is honoured below, with the platform's own throttling rules.
            respect_retry_after_header=False,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def url(self, path_or_url: str, api: str | None = None) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        if api is None:
            base = self.base_url
        elif api in self.base_urls:
            base = self.base_urls[api]
        else:
            raise SourceError(
                f"{self.source}: no base URL for its {api!r} API; set `base_urls` in the extra of the "
                f"Airflow connection {self.connection_id!r}"
            )
        return f"{base}/{path_or_url.lstrip('/')}"

    def request(
        self, method: str, path_or_url: str, api: str | None = None, **kwargs: Any
    ) -> requests.Response:
        """Send a request; wait out throttling; raise a one-line error for anything final."""
        url = self.url(path_or_url, api)
        for attempt in range(THROTTLE_RETRIES + 1):
            self.request_count += 1
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.RequestException as exc:
                raise SourceError(
                    f"{self.source}: {method} {redact(url)} failed after retries: {type(exc).__name__}"
                ) from None
            verdict = self.policy(response)
            if verdict.kind == "ok":
                return response
            if verdict.kind == "retry" and attempt < THROTTLE_RETRIES:
                wait = verdict.wait_seconds
                if wait is None:
                    wait = self.backoff_factor * (2**attempt) + random.uniform(0, self.backoff_factor)
                wait = min(wait, MAX_WAIT_SECONDS)
                log.warning(
                    "%s: %s; waiting %.1fs before retry %d of %d",
                    self.source,
                    verdict.message,
                    wait,
                    attempt + 1,
                    THROTTLE_RETRIES,
                )
                self.sleep(wait)
                continue
            self._raise(verdict, method, url)
        raise AssertionError("unreachable")

    def _raise(self, verdict: Verdict, method: str, url: str) -> None:
        if verdict.kind == "auth":
            raise CredentialsError(
                f"{self.source}: the token was rejected ({verdict.message[:120]}); renew it in the "
                f"Airflow connection {self.connection_id!r}"
            )
        if verdict.kind == "quota":
            raise QuotaExhausted(
                f"{self.source}: daily quota exhausted ({verdict.message[:120]}); the stream stops for "
                "today and resumes after the quota resets"
            )
        if verdict.kind == "invalid_metric":
            raise InvalidMetrics(verdict.metrics, verdict.message)
        if verdict.kind == "no_data":
            raise NoData(verdict.message)
        reason = verdict.message or "unexpected response"
        if verdict.kind == "retry":
            reason = f"still failing after {THROTTLE_RETRIES} retries: {reason}"
        raise SourceError(f"{self.source}: {method} {redact(url)}: {reason}")

    def get_json(self, path_or_url: str, params: dict | None = None, api: str | None = None) -> Any:
        return self._json(self.request("GET", path_or_url, api, params=params))

    def post_json(
        self, path_or_url: str, body: dict, params: dict | None = None, api: str | None = None
    ) -> Any:
        return self._json(self.request("POST", path_or_url, api, json=body, params=params))

    def _json(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise SourceError(
                f"{self.source}: {redact(response.url)} answered {response.status_code} with a body that is "
                "not JSON; the page is malformed, rerun the task later"
            ) from None

    def close(self) -> None:
        self.session.close()


class InvalidMetrics(SourceError):
    """The API rejected some requested metrics (retired or unknown); the caller drops them."""

    def __init__(self, metrics: tuple[str, ...], message: str):
        super().__init__(message)
        self.metrics = metrics


class NoData(SourceError):
    """The API says this object has no data to give (e.g. Instagram media posted before the
    account became a business account); the request yields no records and is not an error."""
