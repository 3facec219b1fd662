"""Plausible Stats API v2: ``POST /api/v2/query`` over the same website traffic as GA4."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from socialkpi.simulator.base import Platform, wants_503
from socialkpi.simulator.paging import slice_page
from socialkpi.simulator.traffic import TrafficRow, WebTraffic
from socialkpi.simulator.wire import ApiError, Request, Response, json_response, malformed_json_response
from socialkpi.simulator.world import HISTORY_START, days_between, stable_int, zone

PLATFORM = "plausible"
METRICS = (
    "visitors",
    "visits",
    "pageviews",
    "events",
    "bounce_rate",
    "visit_duration",
    "views_per_visit",
    "conversion_rate",
)
DIMENSIONS = (
    "time:day",
    "visit:source",
    "visit:utm_source",
    "visit:utm_medium",
    "visit:utm_campaign",
    "visit:entry_page",
    "event:goal",
)
GOALS = ("Purchase", "Newsletter Signup")
DEFAULT_LIMIT = 10_000
# How Plausible names a referrer or utm_source.
SOURCE_NAMES = {
    "google": "Google",
    "bing": "Bing",
    "(direct)": "Direct / None",
    "instagram": "Instagram",
    "ig": "Instagram",
    "l.instagram.com": "Instagram",
    "instagram.com": "Instagram",
    "facebook": "Facebook",
    "l.facebook.com": "Facebook",
    "m.facebook.com": "Facebook",
    "facebook.com": "Facebook",
    "x": "Twitter",
    "t.co": "Twitter",
    "linkedin": "LinkedIn",
    "linkedin.com": "LinkedIn",
    "lnkd.in": "LinkedIn",
    "youtube": "Youtube",
    "youtube.com": "Youtube",
    "m.youtube.com": "Youtube",
    "tiktok": "TikTok",
    "tiktok.com": "TikTok",
    "news.ycombinator.com": "Hacker News",
    "newsletter": "newsletter",
}
# GA4 puts these in the campaign of untagged traffic; Plausible has no utm value there.
UNTAGGED_CAMPAIGNS = {"(organic)", "(direct)", "(referral)", "(not set)"}


@dataclass
class Visit:
    """One GA4 traffic row seen through Plausible's eyes, optionally narrowed to one goal."""

    values: dict[str, str]
    visitors: int
    visits: int
    pageviews: int
    bounces: int
    duration: int
    goal_completions: dict[str, int]


def to_visit(row: TrafficRow) -> Visit:
    tagged = row.campaign not in UNTAGGED_CAMPAIGNS and row.medium not in ("referral", "(none)", "organic")
    pages_per_visit = (
        1.6 + (stable_int("pv", row.day, row.source, row.campaign, row.landing_page) % 150) / 100
    )
    return Visit(
        values={
            "time:day": row.day.isoformat(),
            "visit:source": SOURCE_NAMES.get(row.source, row.source),
            "visit:utm_source": row.source if tagged else "(none)",
            "visit:utm_medium": row.medium if tagged else "(none)",
            "visit:utm_campaign": row.campaign if tagged else "(none)",
            "visit:entry_page": row.landing_page,
        },
        visitors=row.total_users,
        visits=row.sessions,
        pageviews=round(row.sessions * pages_per_visit),
        bounces=row.sessions - row.engaged_sessions,
        duration=row.sessions * (45 + stable_int("dur", row.day, row.source, row.landing_page) % 180),
        goal_completions={"Purchase": row.purchases, "Newsletter Signup": row.key_events - row.purchases},
    )


def plausible_error(message: str, status: int = 400) -> ApiError:
    return ApiError(json_response({"error": message}, status))


class Plausible(Platform):
    source = PLATFORM
    mounts = ("/plausible",)

    def __init__(self) -> None:
        self._traffic: dict[tuple[int, str], WebTraffic] = {}

    def missing_token(self, request: Request) -> Response:
        return json_response(
            {
                "error": "Missing API key. Please use a valid Plausible API key as a Bearer Token.",
            },
            401,
        )

    def expired_token(self, request: Request) -> Response:
        return json_response(
            {
                "error": "Invalid API key or site ID. Please make sure you're using a valid API key with access to "
                "the site you've requested."
            },
            401,
        )

    def throttled(self, request: Request) -> Response:
        return json_response(
            {
                "error": "Too many API requests. Your API key is limited to 600 requests per hour. Please contact "
                "us to request more capacity."
            },
            429,
        )

    def server_error(self, request: Request) -> Response:
        if wants_503(request):
            return json_response({"error": "Service unavailable"}, 503)
        return json_response({"error": "Internal server error"}, 500)

    def not_found(self, request: Request) -> Response:
        return json_response({"error": "Not found"}, 404)

    def handle(self, request: Request) -> Response:
        if request.path != "/api/v2/query" or request.method != "POST":
            return self.not_found(request)
        try:
            query = request.json_body() or {}
        except ValueError:
            raise plausible_error("Invalid JSON body") from None
        site_id = query.get("site_id")
        if not request.world.has_account(PLATFORM, site_id or ""):
            raise ApiError(self.expired_token(request))
        return self._query(request, site_id, query)

    def _query(self, request: Request, site_id: str, query: dict[str, Any]) -> Response:
        faults = request.faults
        metrics = list(query.get("metrics") or [])
        dimensions = list(query.get("dimensions") or [])
        filters = list(query.get("filters") or [])
        if not metrics:
            raise plausible_error("#/metrics: Expected a minimum of 1 items")
        for index, name in enumerate(metrics):
            if name not in METRICS or name in faults.retired_metrics:
                raise plausible_error(f'#/metrics/{index}: Invalid metric "{name}"')
        for index, name in enumerate(dimensions):
            if name not in DIMENSIONS:
                raise plausible_error(f'#/dimensions/{index}: Invalid dimension "{name}"')
        goal_filter = [f for f in filters if len(f) == 3 and f[1] == "event:goal"]
        if "conversion_rate" in metrics and "event:goal" not in dimensions and not goal_filter:
            raise plausible_error(
                "Metric `conversion_rate` can only be queried with event:goal filters or dimensions."
            )
        start, end = self._date_range(request, query.get("date_range"))

        traffic = self._traffic_for(request, site_id)
        visits = [
            to_visit(row)
            for day in days_between(start, end + timedelta(days=1))
            if not faults.is_empty_day(day.isoformat())
            for row in traffic.rows(day)
        ]
        visits = [visit for visit in visits if _matches(visit, filters)]
        groups = self._aggregate(visits, metrics, dimensions, filters)
        order_by = query.get("order_by") or self._default_order(metrics, dimensions)
        for name, direction in reversed(order_by):
            position = dimensions.index(name) if name in dimensions else None
            if position is None and name not in metrics:
                raise plausible_error(f"Invalid order_by entry: {name} is not a queried metric or dimension")

            def key(result: dict[str, Any], name: str = name, position: int | None = position) -> Any:
                if position is not None:
                    return result["dimensions"][position]
                return result["metrics"][metrics.index(name)] or 0

            groups.sort(key=key, reverse=direction == "desc")
        pagination = query.get("pagination") or {}
        limit = int(pagination.get("limit", DEFAULT_LIMIT))
        offset = int(pagination.get("offset", 0))
        page = slice_page(groups, offset, limit, faults)
        results = [dict(result) for result in page.items]
        if faults.negative_counts:
            results = [
                {**r, "metrics": [-v - 1 if isinstance(v, int) else v for v in r["metrics"]]} for r in results
            ]
        if faults.dates_out_of_range and "time:day" in dimensions:
            position = dimensions.index("time:day")
            for result in results:
                shifted = list(result["dimensions"])
                shifted[position] = (end + timedelta(days=7)).isoformat()
                result["dimensions"] = shifted
        if faults.missing_keys and results:
            results[0] = {"dimensions": results[0]["dimensions"]}
        include = query.get("include") or {}
        meta: dict[str, Any] = {}
        if include.get("total_rows"):
            meta["total_rows"] = len(groups)
        body = {
            "results": results,
            "meta": meta,
            "query": {
                "site_id": site_id,
                "metrics": metrics,
                "date_range": [
                    _bound(start, time(0, 0, 0), traffic.timezone_name),
                    _bound(end, time(23, 59, 59), traffic.timezone_name),
                ],
                "filters": filters,
                "dimensions": dimensions,
                "order_by": order_by,
                "include": include,
                "pagination": {"offset": offset, "limit": limit},
            },
        }
        if page.is_malformed(faults):
            return malformed_json_response(body)
        return json_response(body)

    def _traffic_for(self, request: Request, site_id: str) -> WebTraffic:
        key = (id(request.world), site_id)
        if key not in self._traffic:
            self._traffic[key] = WebTraffic(request.world, site_id, "plausible")
        return self._traffic[key]

    def _default_order(self, metrics: list[str], dimensions: list[str]) -> list[list[str]]:
        order = [["time:day", "asc"]] if "time:day" in dimensions else []
        return [*order, [metrics[0], "desc"]]

    def _date_range(self, request: Request, raw: Any) -> tuple[date, date]:
        today = request.world.today
        if isinstance(raw, list) and len(raw) == 2:
            try:
                return date.fromisoformat(str(raw[0])[:10]), date.fromisoformat(str(raw[1])[:10])
            except ValueError:
                raise plausible_error(f"#/date_range: Invalid date range {raw}") from None
        if raw == "day":
            return today, today
        if raw == "month":
            return today.replace(day=1), today
        if raw == "year":
            return today.replace(month=1, day=1), today
        if raw == "all":
            return HISTORY_START, today
        match = re.fullmatch(r"(\d+)(d|mo)", str(raw))
        if match:
            days = int(match.group(1)) * (30 if match.group(2) == "mo" else 1)
            return today - timedelta(days=days), today - timedelta(days=1)
        raise plausible_error(f"#/date_range: Invalid date range {raw!r}")

    def _aggregate(
        self, visits: list[Visit], metrics: list[str], dimensions: list[str], filters: list[Any]
    ) -> list[dict[str, Any]]:
        by_goal = "event:goal" in dimensions
        goal_names = [
            name for f in filters if len(f) == 3 and f[1] == "event:goal" and f[0] == "is" for name in f[2]
        ]
        sums: dict[tuple[str, ...], dict[str, int]] = {}
        # conversion rates divide by all visitors of the group, whatever the goal
        base_visitors: dict[tuple[str, ...], int] = {}
        for visit in visits:
            base_key = tuple(visit.values[d] for d in dimensions if d != "event:goal")
            base_visitors[base_key] = base_visitors.get(base_key, 0) + visit.visitors
            goals = [
                g for g in GOALS if visit.goal_completions[g] > 0 and (not goal_names or g in goal_names)
            ]
            narrowed = by_goal or bool(goal_names)
            for goal in goals if narrowed else [None]:
                key = tuple(goal if d == "event:goal" else visit.values[d] for d in dimensions)
                total = sums.setdefault(
                    key,
                    {"visitors": 0, "visits": 0, "pageviews": 0, "events": 0, "bounces": 0, "duration": 0},
                )
                if goal is None:
                    completions = sum(visit.goal_completions.values())
                    total["visitors"] += visit.visitors
                    total["visits"] += visit.visits
                    total["pageviews"] += visit.pageviews
                    total["events"] += visit.pageviews + completions
                    total["bounces"] += visit.bounces
                    total["duration"] += visit.duration
                else:
                    completions = visit.goal_completions[goal]
                    total["visitors"] += completions
                    total["visits"] += completions
                    total["events"] += completions
        results = []
        for key, total in sums.items():
            base_key = tuple(
                value for value, name in zip(key, dimensions, strict=True) if name != "event:goal"
            )
            values = []
            for name in metrics:
                if name == "bounce_rate":
                    values.append(round(100 * total["bounces"] / total["visits"]) if total["visits"] else 0)
                elif name == "visit_duration":
                    values.append(round(total["duration"] / total["visits"]) if total["visits"] else 0)
                elif name == "views_per_visit":
                    values.append(round(total["pageviews"] / total["visits"], 2) if total["visits"] else 0.0)
                elif name == "conversion_rate":
                    base = base_visitors.get(base_key, 0)
                    values.append(round(100 * total["visitors"] / base, 2) if base else 0.0)
                else:
                    values.append(total[name])
            results.append({"metrics": values, "dimensions": list(key)})
        return results


def _matches(visit: Visit, filters: list[Any]) -> bool:
    for item in filters:
        if not isinstance(item, list) or len(item) != 3:
            raise plausible_error(f"#/filters: Invalid filter {item}")
        operator, dimension, values = item
        if dimension == "event:goal":
            continue  # goal filters narrow the counted events, not the visits
        if dimension not in visit.values:
            raise plausible_error(f"#/filters: Invalid filter dimension {dimension}")
        if operator == "is" and visit.values[dimension] not in values:
            return False
        if operator == "is_not" and visit.values[dimension] in values:
            return False
        if operator == "contains" and not any(v in visit.values[dimension] for v in values):
            return False
    return True


def _bound(day: date, moment: time, timezone_name: str) -> str:
    """Plausible reports in the site's timezone and echoes the range in it."""
    return datetime.combine(day, moment, tzinfo=zone(timezone_name)).isoformat()
