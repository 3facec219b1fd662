"""Pieces shared by the two Graph API platforms (Instagram and Facebook Pages)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, date, datetime, timedelta

from socialkpi.simulator.base import Platform, occurrence, wants_503
from socialkpi.simulator.wire import ApiError, Request, Response, json_response
from socialkpi.simulator.world import local_date_of, local_midnight_utc, stable_int

GRAPH_VERSION = "v25.0"
# The throttling codes Graph answers with (HTTP 400, is_transient true); the simulator
# cycles through them so clients are exercised with each.
THROTTLE_ERRORS = (
    (4, "(#4) Application request limit reached"),
    (17, "(#17) User request limit reached"),
    (32, "(#32) Page request limit reached"),
    (613, "(#613) Calls to this api have exceeded the rate limit."),
)
MAX_INSIGHTS_WINDOW = timedelta(days=30)


def fbtrace_id(request: Request) -> str:
    seed = f"{request.path}?{sorted(request.query.items())}#{request.verdict.call_number}"
    return base64.b64encode(hashlib.sha256(seed.encode()).digest()[:17]).decode()[:23]


def graph_error(
    request: Request,
    message: str,
    code: int,
    *,
    status: int = 400,
    error_type: str = "OAuthException",
    subcode: int | None = None,
    is_transient: bool | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    error: dict[str, object] = {"message": message, "type": error_type, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    if is_transient is not None:
        error["is_transient"] = is_transient
    error["fbtrace_id"] = fbtrace_id(request)
    return json_response({"error": error}, status=status, headers=headers)


def graph_time(instant: datetime) -> str:
    """Graph's timestamp format: ``2026-11-01T09:15:00+0000``."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def opaque_cursor(value: str) -> str:
    return base64.urlsafe_b64encode(f"cursor:{value}".encode()).decode().rstrip("=")


def read_cursor(cursor: str) -> str | None:
    try:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    prefix, _, value = decoded.partition(":")
    return value if prefix == "cursor" else None


def split_fields(text: str) -> list[str]:
    """Split a Graph ``fields`` list at top-level commas (``replies{id,text}`` stays whole)."""
    fields: list[str] = []
    depth = 0
    current = ""
    for char in text:
        if char in "{(":
            depth += 1
        elif char in "})":
            depth -= 1
        if char == "," and depth == 0:
            if current.strip():
                fields.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        fields.append(current.strip())
    return fields


def field_base(field_spec: str) -> str:
    """``comments.summary(true){id}`` -> ``comments``."""
    for separator in ".{(":
        field_spec = field_spec.split(separator, 1)[0]
    return field_spec


def nested_fields(field_spec: str) -> list[str]:
    """``replies{id,text}`` -> ``["id", "text"]`` (empty when nothing is nested)."""
    if "{" not in field_spec:
        return []
    return split_fields(field_spec[field_spec.index("{") + 1 : field_spec.rindex("}")])


def parse_limit(request: Request, default: int, maximum: int) -> int:
    raw = request.query.get("limit")
    if raw is None:
        return default
    if not raw.isdigit():
        raise ApiError(graph_error(request, "(#100) Param limit must be a number", 100))
    return max(1, min(int(raw), maximum))


def parse_graph_time(request: Request, name: str) -> datetime | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        if raw.lstrip("-").isdigit():
            return datetime.fromtimestamp(int(raw), tz=UTC)
        return local_midnight_utc(date.fromisoformat(raw[:10]))
    except (ValueError, OverflowError):
        raise ApiError(
            graph_error(request, f"(#100) The parameter {name} must be a valid time", 100)
        ) from None


def window_days(request: Request, default_days: int = 2) -> list[date]:
    """The local days fully inside ``since``..``until`` (the insights reporting days).

    Without since/until Graph answers the last ``default_days`` complete days.
    """
    since = parse_graph_time(request, "since")
    until = parse_graph_time(request, "until")
    last_day = request.world.last_complete_day
    if since is None and until is None:
        return [last_day - timedelta(days=back) for back in reversed(range(default_days))]
    if until is None:
        until = local_midnight_utc(request.world.today)
    if since is None:
        since = until - timedelta(days=default_days)
    if since >= until:
        raise ApiError(graph_error(request, "(#100) The since parameter must be earlier than until", 100))
    if until - since > MAX_INSIGHTS_WINDOW + timedelta(hours=2):
        raise ApiError(
            graph_error(
                request,
                "(#100) There cannot be more than 30 days (2592000 s) between since and until",
                100,
            )
        )
    first = local_date_of(since)
    if local_midnight_utc(first) < since:
        first += timedelta(days=1)
    end = local_date_of(until)  # exclusive: the day ``until`` falls in has not ended
    return [first + timedelta(days=n) for n in range(max(0, (end - first).days))]


def window_paging(request: Request) -> dict[str, str]:
    """Graph insights paging: the same query shifted one window back and forth."""
    since = parse_graph_time(request, "since")
    until = parse_graph_time(request, "until")
    if since is None or until is None:
        days = window_days(request)
        since = local_midnight_utc(days[0])
        until = local_midnight_utc(days[-1] + timedelta(days=1))
    width = until - since
    links = {}
    for name, shift in (("previous", -width), ("next", width)):
        query = dict(request.query)
        query["since"] = str(int((since + shift).timestamp()))
        query["until"] = str(int((until + shift).timestamp()))
        links[name] = request.url_for(request.path, query)
    return links


class GraphPlatform(Platform):
    """Auth, throttling and server errors exactly as graph.facebook.com sends them."""

    accepts_query_token = True

    def missing_token(self, request: Request) -> Response:
        return graph_error(request, "An access token is required to request this resource.", 104)

    def expired_token(self, request: Request) -> Response:
        expired_at = local_midnight_utc(request.world.today) - timedelta(hours=11, minutes=14)
        now = local_midnight_utc(request.world.today) + timedelta(hours=3, minutes=13)
        message = (
            "Error validating access token: Session has expired on "
            f"{_pacific(expired_at)}. The current time is {_pacific(now)}."
        )
        return graph_error(
            request,
            message,
            190,
            subcode=463,
            headers={"WWW-Authenticate": f'OAuth "Facebook Platform" "invalid_token" "{message}"'},
        )

    def throttled(self, request: Request) -> Response:
        nth = occurrence(request.verdict.call_number, request.faults.rate_limit_every)
        code, message = THROTTLE_ERRORS[nth % len(THROTTLE_ERRORS)]
        return graph_error(request, message, code, is_transient=True)

    def server_error(self, request: Request) -> Response:
        if wants_503(request):
            return graph_error(
                request, "(#2) Service temporarily unavailable", 2, status=503, is_transient=True
            )
        return graph_error(
            request,
            "An unknown error has occurred.",
            1,
            status=500,
            is_transient=False,
        )

    def response_headers(self, request: Request, response: Response) -> dict[str, str]:
        usage = request.verdict.call_number % 100
        return {
            "facebook-api-version": GRAPH_VERSION,
            "x-fb-trace-id": fbtrace_id(request),
            "x-app-usage": f'{{"call_count":{usage},"total_cputime":{usage // 4},"total_time":{usage // 3}}}',
        }

    def not_found(self, request: Request) -> Response:
        return graph_error(request, "Unknown path components: " + request.path, 2500, status=400)

    def unsupported_get(self, request: Request, object_id: str) -> ApiError:
        message = (
            f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this operation. Please "
            "read the Graph API documentation at https://developers.facebook.com/docs/graph-api"
        )
        return ApiError(graph_error(request, message, 100, error_type="GraphMethodException", subcode=33))

    def nonexisting_field(self, request: Request, name: str, node_type: str) -> ApiError:
        return ApiError(
            graph_error(
                request,
                f"(#100) Tried accessing nonexisting field ({name}) on node type ({node_type})",
                100,
            )
        )

    def invalid_metric(self, request: Request, position: int, valid: list[str]) -> ApiError:
        return ApiError(
            graph_error(
                request,
                f"(#100) metric[{position}] must be one of the following values: " + ", ".join(valid),
                100,
            )
        )


def _pacific(instant: datetime) -> str:
    """Graph prints token times in Pacific time, e.g. ``Sunday, 25-Dec-16 04:45:57 PST``."""
    from zoneinfo import ZoneInfo

    local = instant.astimezone(ZoneInfo("America/Los_Angeles"))
    return local.strftime("%A, %d-%b-%y %H:%M:%S ") + (local.tzname() or "PST")


def stable_shortcode(*parts: object) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    number = stable_int(*parts)
    return "C" + "".join(alphabet[(number >> (6 * i)) & 63] for i in range(10))
