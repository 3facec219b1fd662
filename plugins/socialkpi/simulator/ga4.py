"""Google Analytics 4 Data API v1beta: ``POST /properties/{id}:runReport``."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from socialkpi.simulator.base import Platform, occurrence, wants_503
from socialkpi.simulator.paging import slice_page
from socialkpi.simulator.traffic import WebTraffic
from socialkpi.simulator.wire import ApiError, Request, Response, json_response, malformed_json_response
from socialkpi.simulator.world import days_between

PLATFORM = "ga4"
CURRENCY = "EUR"
DEFAULT_LIMIT = 10_000
MAX_LIMIT = 250_000
SCHEMA_URL = "https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema"

DIMENSIONS = {
    "date": lambda row: row.day.strftime("%Y%m%d"),
    "sessionSource": lambda row: row.source,
    "sessionMedium": lambda row: row.medium,
    "sessionCampaignName": lambda row: row.campaign,
    "landingPage": lambda row: row.landing_page,
    "sessionDefaultChannelGroup": lambda row: row.channel_group,
    "sessionSourceMedium": lambda row: f"{row.source} / {row.medium}",
}
# name -> (metricHeaders type, value of a row in the smallest unit)
METRICS = {
    "sessions": ("TYPE_INTEGER", lambda row: row.sessions),
    "engagedSessions": ("TYPE_INTEGER", lambda row: row.engaged_sessions),
    "keyEvents": ("TYPE_INTEGER", lambda row: row.key_events),
    "totalUsers": ("TYPE_INTEGER", lambda row: row.total_users),
    "totalRevenue": ("TYPE_CURRENCY", lambda row: row.revenue_cents),
}
# Rates are not summable: name -> (numerator metric, denominator metric), divided after aggregation.
# Every simulated key event happens in its own session, so sessions with a key event = keyEvents.
RATE_METRICS = {"sessionKeyEventRate": ("keyEvents", "sessions")}
RELATIVE_DATE = re.compile(r"^(\d+)daysAgo$")


def google_error(code: int, status: str, message: str, **extra: Any) -> Response:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    error.update(extra)
    return json_response({"error": error}, status=code)


def format_metric(name: str, value: float) -> str:
    if name in RATE_METRICS:
        return f"{value:.12f}".rstrip("0").rstrip(".") if value else "0"
    if name == "totalRevenue":
        text = f"{value / 100:.2f}".rstrip("0").rstrip(".")
        return text or "0"
    return str(value)


class GoogleAnalytics(Platform):
    source = PLATFORM
    mounts = ("/ga4/v1beta",)

    def __init__(self) -> None:
        self._traffic: dict[tuple[int, str], WebTraffic] = {}

    def missing_token(self, request: Request) -> Response:
        return google_error(
            401,
            "UNAUTHENTICATED",
            "Request is missing required authentication credential. Expected OAuth 2 access "
            "token, login cookie or other valid authentication credential. See "
            "https://developers.google.com/identity/sign-in/web/devconsole-project.",
        )

    def expired_token(self, request: Request) -> Response:
        response = google_error(
            401,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token, "
            "login cookie or other valid authentication credential. See "
            "https://developers.google.com/identity/sign-in/web/devconsole-project.",
        )
        response.headers["WWW-Authenticate"] = (
            'Bearer realm="https://accounts.google.com/", error="invalid_token"'
        )
        return response

    def throttled(self, request: Request) -> Response:
        messages = (
            "Exhausted property tokens per hour for a project per property. These quota "
            "tokens will return in under an hour. To learn more, see "
            "https://developers.google.com/analytics/devguides/reporting/data/v1/quotas",
            "Exhausted concurrent requests quota. The number of concurrent requests has exceeded the limit.",
        )
        nth = occurrence(request.verdict.call_number, request.faults.rate_limit_every)
        return google_error(429, "RESOURCE_EXHAUSTED", messages[nth % len(messages)])

    def server_error(self, request: Request) -> Response:
        if wants_503(request):
            return google_error(503, "UNAVAILABLE", "The service is currently unavailable.")
        return google_error(500, "INTERNAL", "Internal error encountered.")

    def not_found(self, request: Request) -> Response:
        return google_error(
            404, "NOT_FOUND", f"The requested URL {request.path} was not found on this server."
        )

    def handle(self, request: Request) -> Response:
        match = re.fullmatch(r"/properties/([^/:]+):runReport", request.path)
        if match is None or request.method != "POST":
            return self.not_found(request)
        property_id = match.group(1)
        if not request.world.has_account(PLATFORM, property_id):
            return google_error(
                403,
                "PERMISSION_DENIED",
                "User does not have sufficient permissions for this property. To learn more "
                "about Property ID, see https://developers.google.com/analytics/devguides/"
                "reporting/data/v1/property-id.",
            )
        try:
            body = request.json_body() or {}
        except ValueError:
            raise ApiError(google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")) from None
        return self._run_report(request, property_id, body)

    def _traffic_for(self, request: Request, property_id: str) -> WebTraffic:
        key = (id(request.world), property_id)
        if key not in self._traffic:
            self._traffic[key] = WebTraffic(request.world, property_id, "ga4")
        return self._traffic[key]

    def _run_report(self, request: Request, property_id: str, body: dict[str, Any]) -> Response:
        faults = request.faults
        dimension_names = [item.get("name", "") for item in body.get("dimensions", [])]
        metric_names = [item.get("name", "") for item in body.get("metrics", [])]
        for name in dimension_names:
            if name not in DIMENSIONS and name != "dateRange":
                raise _invalid_field(name, "dimension")
        for name in metric_names:
            if (name not in METRICS and name not in RATE_METRICS) or name in faults.retired_metrics:
                raise _invalid_field(name, "metric")
        if not metric_names and not dimension_names:
            raise ApiError(
                google_error(400, "INVALID_ARGUMENT", "At least one dimension or metric is required.")
            )
        ranges = self._date_ranges(request, body.get("dateRanges"))
        limit = _bounded_int(body.get("limit"), DEFAULT_LIMIT, "limit", MAX_LIMIT)
        offset = _bounded_int(body.get("offset"), 0, "offset", None)

        traffic = self._traffic_for(request, property_id)
        aggregated: dict[tuple[str, ...], list[float]] = {}
        rate_parts: dict[tuple[str, ...], dict[str, int]] = {}
        for range_name, start, end in ranges:
            for day in days_between(start, end + timedelta(days=1)):
                if faults.is_empty_day(day.isoformat()):
                    continue
                for row in traffic.rows(day):
                    key = tuple(
                        range_name if name == "dateRange" else DIMENSIONS[name](row)
                        for name in dimension_names
                    )
                    totals = aggregated.setdefault(key, [0] * len(metric_names))
                    parts = rate_parts.setdefault(key, {})
                    for index, name in enumerate(metric_names):
                        if name in RATE_METRICS:
                            for part in RATE_METRICS[name]:
                                parts[part] = parts.get(part, 0) + METRICS[part][1](row)
                        else:
                            totals[index] += METRICS[name][1](row)
        for key, totals in aggregated.items():
            for index, name in enumerate(metric_names):
                if name in RATE_METRICS:
                    numerator, denominator = (rate_parts[key].get(part, 0) for part in RATE_METRICS[name])
                    totals[index] = numerator / denominator if denominator else 0
        # GA4 leaves out rows whose metrics are all zero unless keepEmptyRows is true
        # (RunReportRequest reference: "keepEmptyRows ... If false, rows with each metric equal
        # to 0 will not be returned"); a day with no row is zero, not unknown.
        keep_empty = body.get("keepEmptyRows") is True
        rows = [
            (key, values) for key, values in aggregated.items() if any(values) or not values or keep_empty
        ]
        rows = self._ordered(rows, body.get("orderBys"), dimension_names, metric_names)

        page = slice_page(rows, offset, limit, faults)
        response: dict[str, Any] = {
            "dimensionHeaders": [{"name": name} for name in dimension_names],
            "metricHeaders": [
                {"name": name, "type": "TYPE_FLOAT" if name in RATE_METRICS else METRICS[name][0]}
                for name in metric_names
            ],
        }
        rendered = [
            self._render_row(request, key, values, dimension_names, metric_names, ranges)
            for key, values in page.items
        ]
        if faults.missing_keys and rendered:
            rendered[0].pop("metricValues")
        if rendered:
            response["rows"] = rendered
        if rows:
            response["rowCount"] = len(rows)
        response["metadata"] = {"currencyCode": CURRENCY, "timeZone": traffic.timezone_name}
        response["kind"] = "analyticsData#runReport"
        if page.is_malformed(faults):
            return malformed_json_response(response)
        return json_response(response)

    def _render_row(
        self,
        request: Request,
        key: tuple[str, ...],
        values: list[int],
        dimension_names: list[str],
        metric_names: list[str],
        ranges: list[tuple[str, date, date]],
    ) -> dict[str, Any]:
        faults = request.faults
        dimension_values = list(key)
        if faults.dates_out_of_range and "date" in dimension_names:
            position = dimension_names.index("date")
            last_end = max(end for _, _, end in ranges)
            dimension_values[position] = (last_end + timedelta(days=7)).strftime("%Y%m%d")
        metric_values = [-value - 1 if faults.negative_counts else value for value in values]
        return {
            "dimensionValues": [{"value": value} for value in dimension_values],
            "metricValues": [
                {"value": format_metric(name, value)}
                for name, value in zip(metric_names, metric_values, strict=True)
            ],
        }

    def _ordered(
        self,
        rows: list[tuple[tuple[str, ...], list[int]]],
        order_bys: list[dict[str, Any]] | None,
        dimension_names: list[str],
        metric_names: list[str],
    ) -> list[tuple[tuple[str, ...], list[int]]]:
        # Stable base order, then GA4's default (first metric descending) or the orderBys.
        rows = sorted(rows, key=lambda row: row[0])
        if not order_bys:
            if metric_names:
                rows.sort(key=lambda row: row[1][0], reverse=True)
            return rows
        for order in reversed(order_bys):
            descending = bool(order.get("desc"))
            if "metric" in order:
                name = order["metric"].get("metricName", "")
                if name not in metric_names:
                    raise _invalid_order(name)
                index = metric_names.index(name)
                rows.sort(key=lambda row, index=index: row[1][index], reverse=descending)
            elif "dimension" in order:
                name = order["dimension"].get("dimensionName", "")
                if name not in dimension_names:
                    raise _invalid_order(name)
                index = dimension_names.index(name)
                rows.sort(key=lambda row, index=index: row[0][index], reverse=descending)
        return rows

    def _date_ranges(self, request: Request, raw: Any) -> list[tuple[str, date, date]]:
        if not raw:
            raise ApiError(google_error(400, "INVALID_ARGUMENT", "Must specify at least one date range."))
        ranges = []
        for index, item in enumerate(raw):
            start = _parse_date(request, item.get("startDate"), "startDate")
            end = _parse_date(request, item.get("endDate"), "endDate")
            if start > end:
                raise ApiError(
                    google_error(
                        400,
                        "INVALID_ARGUMENT",
                        f"Invalid date range. The start date {start.isoformat()} is after the "
                        f"end date {end.isoformat()}.",
                    )
                )
            ranges.append((item.get("name") or f"date_range_{index}", start, end))
        return ranges


def _parse_date(request: Request, text: Any, field: str) -> date:
    today = request.world.today
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    if isinstance(text, str):
        relative = RELATIVE_DATE.match(text)
        if relative:
            return today - timedelta(days=int(relative.group(1)))
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ApiError(
        google_error(
            400,
            "INVALID_ARGUMENT",
            f"Invalid {field}: {text}. Dates must be YYYY-MM-DD, NdaysAgo, yesterday, or today.",
        )
    )


def _bounded_int(raw: Any, default: int, field: str, maximum: int | None) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = -1
    if value < 0 or (field == "limit" and value == 0):
        raise ApiError(google_error(400, "INVALID_ARGUMENT", f"{field} must be positive. Received {raw}."))
    return min(value, maximum) if maximum else value


def _invalid_field(name: str, kind: str) -> ApiError:
    return ApiError(
        google_error(
            400,
            "INVALID_ARGUMENT",
            f"Field {name} is not a valid {kind}. For a list of valid dimensions and metrics, "
            f"see {SCHEMA_URL} ",
        )
    )


def _invalid_order(name: str) -> ApiError:
    return ApiError(
        google_error(
            400,
            "INVALID_ARGUMENT",
            f"Field {name} in orderBys is not a dimension or metric of this request.",
        )
    )
