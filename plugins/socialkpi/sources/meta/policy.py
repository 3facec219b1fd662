"""How to read Graph API responses (Facebook Pages and Instagram alike).

Graph errors arrive as `{"error": {"code", "error_subcode", "is_transient", "message"}}`, and
throttling is HTTP 400 (not 429) with codes 4 (app), 17 (user), 32 (page), 613 (custom) or the
Business Use Case codes 80001-80014. See ../shared/fixtures/api/meta_*/error_*.json.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import requests

from socialkpi.http import Verdict, default_policy, json_object

THROTTLE_CODES = {4, 17, 32, 613} | set(range(80001, 80015))
AUTH_CODES = {190, 102}
_METRIC_INDEX = re.compile(r"metric\[(\d+)\]")


def graph_policy(response: requests.Response) -> Verdict:
    if response.status_code < 400:
        return Verdict.ok()
    body = json_object(response)
    if body is None:
        return default_policy(response)
    error = body.get("error") or {}
    code = error.get("code")
    subcode = error.get("error_subcode")
    message = str(error.get("message", ""))[:200]
    if code in AUTH_CODES:
        return Verdict("auth", message=f"Graph error {code}/{subcode}: {message}")
    if code in THROTTLE_CODES or error.get("is_transient"):
        return Verdict(
            "retry", wait_seconds=_regain_access_seconds(response), message=f"Graph throttle {code}"
        )
    if code == 100 and "metric" in message:
        return Verdict("invalid_metric", message=message, metrics=_rejected_metrics(response, message))
    # Insights that do not exist for one object: media from before the business conversion
    # (100/2108006), too few viewers (10). The rest of the stream goes on.
    if subcode == 2108006 or (code == 10 and "viewers" in message):
        return Verdict("no_data", message=message)
    if response.status_code >= 500:
        return default_policy(response)
    return Verdict("error", message=f"Graph error {code}: {message}")


def _rejected_metrics(response: requests.Response, message: str) -> tuple[str, ...]:
    """`(#100) metric[1] must be one of ...` names the position in the request's metric list."""
    requested = parse_qs(urlsplit(response.request.url or "").query).get("metric", [""])[0].split(",")
    rejected = []
    for index in _METRIC_INDEX.findall(message):
        position = int(index)
        if position < len(requested):
            rejected.append(requested[position])
    named = [m for m in requested if m and re.search(rf"\b{re.escape(m)}\b", message.split("must be")[0])]
    return tuple(dict.fromkeys(rejected + named))


def _regain_access_seconds(response: requests.Response) -> float | None:
    """BUC throttles say when access returns, in minutes, in X-Business-Use-Case-Usage."""
    header = response.headers.get("X-Business-Use-Case-Usage")
    if not header:
        return None
    try:
        usage = json.loads(header)
        minutes = max(
            entry.get("estimated_time_to_regain_access", 0) for entries in usage.values() for entry in entries
        )
    except (ValueError, AttributeError, TypeError):
        return None
    return float(minutes) * 60 if minutes else None
