"""Pieces shared by the two Graph API platforms (Instagram and Facebook Pages)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from socialkpi.simulator.base import Platform, occurrence, wants_503
from socialkpi.simulator.paging import slice_page
from socialkpi.simulator.wire import ApiError, Request, Response, json_response, malformed_json_response
from socialkpi.simulator.world import PACIFIC, date_in, midnight, stable_int

GRAPH_VERSION = "v25.0"
# The throttling codes Graph answers with (HTTP 400, is_transient true); the simulator
# cycles through them so clients are exercised with each.
THROTTLE_ERRORS = (
    (4, "(#4) Application request limit reached"),
    (17, "(#17) User request limit reached"),
    (32, "(#32) Page request limit reached"),
    (613, "(#613) Calls to this api have exceeded the rate limit."),
)
# Instagram user insights refuse since/until more than 30 days apart; Facebook Page Insights take
# 90 ("Only 90 days of insights can be viewed at one time when using the since and until
# parameters", Graph API Page Insights reference).
MAX_INSIGHTS_WINDOW = timedelta(days=30)
MAX_PAGE_INSIGHTS_WINDOW = timedelta(days=90)


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
    """``since``/``until``: unix seconds, or a date (read as that date's Pacific midnight)."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        if raw.lstrip("-").isdigit():
            return datetime.fromtimestamp(int(raw), tz=UTC)
        return midnight(date.fromisoformat(raw[:10]), PACIFIC)
    except (ValueError, OverflowError):
        raise ApiError(
            graph_error(request, f"(#100) The parameter {name} must be a valid time", 100)
        ) from None


# Meta cuts insights days at US Pacific midnight whatever the account's timezone: every
# ``end_time`` in the published payloads is T07:00:00+0000 (PDT) or T08:00:00+0000 (PST)
# (tests/contract/fixtures/meta_instagram/airbyte_user_insights_day_follower_count_reach.json,
# user_insights_day_impressions_reach_profile_views_legacy.json,
# meta_facebook/docs_page_insights_multiple_metrics_2024.json). ``since`` and ``until`` are
# read as instants and floored to their Pacific date ("with daily metrics the first end_time is
# since + 1 day", Graph API Page Insights reference): the window holds the Pacific days
# date(since) <= d < date(until). A window drawn at another zone's midnights therefore
# answers the Pacific day that began before it (for zones east of Pacific: the previous day).
def window_days(
    request: Request, default_days: int = 2, widest: timedelta = MAX_INSIGHTS_WINDOW
) -> list[date]:
    """The Pacific days a ``since``/``until`` window asks for (over or not); wider than
    ``widest`` is refused."""
    since = parse_graph_time(request, "since")
    until = parse_graph_time(request, "until")
    pacific_today = date_in(request.world.now, PACIFIC)
    if since is None and until is None:
        return [pacific_today - timedelta(days=back) for back in range(default_days, 0, -1)]
    if until is None:
        until = midnight(pacific_today, PACIFIC)
    if since is None:
        since = until - timedelta(days=default_days)
    if since >= until:
        raise ApiError(graph_error(request, "(#100) The since parameter must be earlier than until", 100))
    if until - since > widest + timedelta(hours=2):
        raise ApiError(
            graph_error(
                request,
                f"(#100) There cannot be more than {widest.days} days ({int(widest.total_seconds())} s) "
                "between since and until",
                100,
            )
        )
    first, end = date_in(since, PACIFIC), date_in(until, PACIFIC)
    return [first + timedelta(days=n) for n in range(max(0, (end - first).days))]


def served_days(request: Request, days: Sequence[date]) -> list[date]:
    """The asked Pacific days Graph answers: over in Pacific time, not emptied by a fault."""
    return [
        day
        for day in days
        if request.world.is_over(day, PACIFIC) and not request.faults.is_empty_day(day.isoformat())
    ]


def pacific_bounds(days: Sequence[date]) -> tuple[datetime, datetime]:
    return midnight(days[0], PACIFIC), midnight(days[-1] + timedelta(days=1), PACIFIC)


def end_time(request: Request, day: date) -> str:
    """The ``end_time`` of Pacific ``day``: the next Pacific midnight, in +0000 form."""
    end = midnight(day + timedelta(days=1), PACIFIC)
    if request.faults.dates_out_of_range:
        end += timedelta(days=10)
    return graph_time(end)


def window_paging(request: Request, days: Sequence[date]) -> dict[str, str]:
    """Graph insights paging: the same query shifted one window back and forth."""
    width = timedelta(days=max(1, len(days)))
    links = {}
    for name, shift in (("previous", -width), ("next", width)):
        first = (days[0] if days else date_in(request.world.now, PACIFIC)) + shift
        query = dict(request.query)
        query["since"] = str(int(midnight(first, PACIFIC).timestamp()))
        query["until"] = str(int(midnight(first + width, PACIFIC).timestamp()))
        links[name] = request.url_for(request.path, query)
    return links


def insights_element(
    name: str, period: str, title: str, description: str, owner_id: str, **content: Any
) -> dict[str, Any]:
    """One entry of an insights ``data`` list, keys in Graph's order."""
    return {
        "name": name,
        "period": period,
        **content,
        "title": title,
        "description": description,
        "id": f"{owner_id}/insights/{name}/{period}",
    }


def breakdown(dimension: str, results: Sequence[tuple[str, int]]) -> dict[str, Any]:
    """A ``total_value.breakdowns`` item. Graph omits zero-valued results, so a breakdown of
    a quiet day has an empty ``results`` list (a computed zero, not missing data)."""
    return {
        "dimension_keys": [dimension],
        "results": [{"dimension_values": [key], "value": value} for key, value in results if value != 0],
    }


def select_fields(
    raise_unknown: Callable[[str], ApiError], values: dict[str, Any], requested: Sequence[str]
) -> dict[str, Any]:
    """Requested fields in the requested order (None values left out, as Graph leaves out
    empty fields); Graph appends ``id`` when not asked for."""
    body: dict[str, Any] = {}
    for spec in requested:
        name = field_base(spec)
        if name not in values:
            raise raise_unknown(name)
        if values[name] is not None:
            body[name] = values[name]
    body.setdefault("id", values["id"])
    return body


def cursor_page(
    request: Request,
    items: Sequence[Any],
    key: Callable[[Any], str],
    render: Callable[[Any], dict[str, Any]],
    *,
    with_previous: bool = False,
    patch: Callable[[list[dict[str, Any]]], None] | None = None,
) -> Response:
    """One page of a cursor-paged Graph edge (media, posts, comments): ``after``/``before``
    cursors, ``paging.cursors``, ``next`` only when there is more, ``previous`` (media lists)
    when not on the first page; a malformed_page fault cuts the body."""
    faults = request.faults
    limit = parse_limit(request, default=25, maximum=100)
    keys = [key(item) for item in items]
    offset = 0
    if "after" in request.query:
        marker = read_cursor(request.query["after"])
        offset = keys.index(marker) + 1 if marker in keys else len(keys)
    elif "before" in request.query:
        marker = read_cursor(request.query["before"])
        position = keys.index(marker) if marker in keys else len(keys)
        offset = max(0, position - limit)
    page = slice_page(list(items), offset, limit, faults)
    data = [render(item) for item in page.items]
    if patch is not None:
        patch(data)
    body: dict[str, Any] = {"data": data}
    if page.items:
        cursors = {"before": opaque_cursor(key(page.items[0])), "after": opaque_cursor(key(page.items[-1]))}
        paging: dict[str, Any] = {"cursors": cursors}
        query = {k: v for k, v in request.query.items() if k not in ("after", "before")}
        if with_previous and page.offset > 0:
            paging["previous"] = request.url_for(request.path, {**query, "before": cursors["before"]})
        if page.has_more:
            paging["next"] = request.url_for(request.path, {**query, "after": cursors["after"]})
        body["paging"] = paging
    if page.is_malformed(faults):
        return malformed_json_response(body)
    return json_response(body)


class GraphPlatform(Platform):
    """Auth, throttling and server errors exactly as graph.facebook.com sends them."""

    accepts_query_token = True

    def missing_token(self, request: Request) -> Response:
        return graph_error(request, "An access token is required to request this resource.", 104)

    def expired_token(self, request: Request) -> Response:
        now = request.world.now
        expired_at = now - timedelta(hours=14, minutes=27)
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
