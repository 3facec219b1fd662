"""One HTTP client for every source: auth, retries, timeouts, throttling, and safe logging.

Transport faults (connection errors, read timeouts, 5xx) are retried by urllib3's `Retry` with
jittered exponential backoff, within a total deadline per request (`REQUEST_DEADLINE_SECONDS`):
no attempt starts that could end after it, so a hung server costs at most the deadline, not
retries x read timeout. What still fails then is a `TransientSourceError` (the task fails and
Airflow retries it later); a rejected token, a spent quota or a link to a foreign host fail for good.

The token goes only to the source's configured hosts (`base_url` and `base_urls`): a paging link
to any other host is refused before a request is made. Platform throttling is not always a 429 (Meta throttles with HTTP 400
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
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from socialkpi.errors import CredentialsError, ForeignHost, QuotaExhausted, SourceError, TransientSourceError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (5.0, 30.0)  # connect, read (seconds), per attempt
# Every attempt of one request (transport retries and their backoff included) ends within this.
REQUEST_DEADLINE_SECONDS = 90.0
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

    # "ok" | "retry" | "auth" | "quota" | "invalid_metric" | "no_data" | "transient" | "error"
    kind: str
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
    if status >= 500:  # urllib3 already retried it with backoff, within the deadline
        return Verdict("transient", message=f"server error {status} after the client's retries")
    return Verdict("error", message=f"HTTP {status}: {_short_body(response)}")


class _DeadlineRetry(Retry):
    """urllib3's Retry, bounded by a deadline: exhausted once the next attempt (its backoff plus
    the longest it may take) could end after `deadline` (time.monotonic())."""

    def __init__(
        self, *args: Any, deadline: float | None = None, attempt_seconds: float = 0.0, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.deadline = deadline
        self.attempt_seconds = attempt_seconds

    def new(self, **kwargs: Any) -> _DeadlineRetry:
        retry = super().new(**kwargs)
        retry.deadline = self.deadline
        retry.attempt_seconds = self.attempt_seconds
        return retry

    def is_exhausted(self) -> bool:
        if super().is_exhausted():
            return True
        if self.deadline is None:
            return False
        return time.monotonic() + self._longest_backoff() + self.attempt_seconds > self.deadline

    def _longest_backoff(self) -> float:
        """The most urllib3's get_backoff_time() may return next (its jitter at the maximum)."""
        consecutive = len(self.history)
        if consecutive <= 1:
            return 0.0
        return min(self.backoff_max, self.backoff_factor * 2 ** (consecutive - 1) + self.backoff_jitter)


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
        deadline_seconds: float = REQUEST_DEADLINE_SECONDS,
        backoff_factor: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.base_urls = {name: url.rstrip("/") for name, url in (base_urls or {}).items()}
        self.connection_id = connection_id
        self.policy = policy
        self.timeout = timeout
        self.deadline_seconds = deadline_seconds
        self.backoff_factor = backoff_factor
        self.sleep = sleep
        self.request_count = 0
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})
        self.session.headers.update(headers or {})
        self.retry = _DeadlineRetry(
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
        self.adapter = HTTPAdapter(max_retries=self.retry)
        self.session.mount("http://", self.adapter)
        self.session.mount("https://", self.adapter)
        self.hosts = {_origin(url) for url in [self.base_url, *self.base_urls.values()]}

    def url(self, path_or_url: str, api: str | None = None) -> str:
        if path_or_url.startswith(("http://", "https://")):
            # A paging link comes from the response: the token must not follow it anywhere else.
            if _origin(path_or_url) not in self.hosts:
                raise ForeignHost(
                    f"{self.source}: refused to send the token to {_origin(path_or_url)} (a link in the "
                    f"response); only {', '.join(sorted(self.hosts))} are this source's hosts. If the "
                    f"platform moved, set the host of the Airflow connection {self.connection_id!r}"
                )
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
            response = self._send(method, url, **kwargs)
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
            if verdict.kind == "error" and response.status_code >= 500:
                # Whatever the platform's envelope says, urllib3's retries did not get past it.
                verdict = Verdict("transient", message=verdict.message)
            self._raise(verdict, method, url)
        raise AssertionError("unreachable")

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One request with urllib3's transport retries, all of them within the deadline."""
        began = time.monotonic()
        connect, read = self.timeout
        attempt = min(connect + read, self.deadline_seconds)
        self.adapter.max_retries = self.retry.new(total=self.retry.total)
        self.adapter.max_retries.deadline = began + self.deadline_seconds
        self.adapter.max_retries.attempt_seconds = attempt
        # No single attempt may outlast the deadline either.
        timeout = (min(connect, self.deadline_seconds), min(read, self.deadline_seconds))
        try:
            return self.session.request(method, url, timeout=timeout, **kwargs)
        except requests.RequestException as exc:
            elapsed = time.monotonic() - began
            if _is_timeout(exc):
                raise TransientSourceError(
                    f"{self.source}: {method} {redact(url)} timed out: no answer within the "
                    f"{self.deadline_seconds:.0f}s deadline per request ({elapsed:.0f}s spent, "
                    f"{read:.0f}s per attempt); the task fails so Airflow retries it later"
                ) from None
            raise TransientSourceError(
                f"{self.source}: {method} {redact(url)} failed after retries ({elapsed:.0f}s): "
                f"{type(exc).__name__}; the task fails so Airflow retries it later"
            ) from None

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
        if verdict.kind in ("retry", "transient"):
            raise TransientSourceError(f"{self.source}: {method} {redact(url)}: {reason}")
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


def _origin(url: str) -> str:
    """scheme://host[:port] of a URL, lower case: what decides where a request (and its token) goes."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    port = parts.port if parts.port is not None and parts.port != default else None
    host = (parts.hostname or "").lower()
    return f"{parts.scheme.lower()}://{host}" + (f":{port}" if port else "")


def _is_timeout(exc: BaseException) -> bool:
    """requests wraps urllib3's retry exhaustion; the cause says whether the attempts timed out."""
    from urllib3.exceptions import MaxRetryError, NewConnectionError
    from urllib3.exceptions import TimeoutError as Urllib3Timeout

    if isinstance(exc, requests.Timeout):
        return True
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    # urllib3 files a refused connection under its timeouts; it did not time out.
    return isinstance(reason, Urllib3Timeout) and not isinstance(reason, NewConnectionError)


class InvalidMetrics(SourceError):
    """The API rejected some requested metrics (retired or unknown); the caller drops them."""

    def __init__(self, metrics: tuple[str, ...], message: str):
        super().__init__(message)
        self.metrics = metrics


class NoData(SourceError):
    """The API says this object has no data to give (e.g. Instagram media posted before the
    account became a business account); the request yields no records and is not an error."""
