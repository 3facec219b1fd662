"""Plausible Stats API v2 (`POST /api/v2/query`): visits by day, source and UTM campaign, and goal
conversions. The account id is the site id (the domain, e.g. `northwind.example`).

Results are positional (`{"dimensions": [...], "metrics": [...]}`), so the extractor names each
value by the query's own dimension and metric names, echoed in the response's `query`.
Records and their meaning: docs/raw_layer.md.
"""

from __future__ import annotations

import re

import requests

from socialkpi.http import Verdict, default_policy, json_object, retry_after
from socialkpi.paging import OffsetLimit
from socialkpi.sources.base import Source
from socialkpi.streams import Field, Request, Stream

DIMENSIONS = ["time:day", "visit:source", "visit:utm_medium", "visit:utm_campaign"]
TRAFFIC_METRICS = ["visitors", "visits", "pageviews", "events"]
# With the goal as a dimension, visitors are unique conversions and events all completions.
GOAL_METRICS = ["visitors", "events", "conversion_rate"]
PAGE_SIZE = 10_000
_INVALID_METRIC = re.compile(r'Invalid metric "([^"]+)"')


def results_by_query(body: dict) -> list[dict]:
    query = body.get("query") or {}
    dimensions, metrics = query.get("dimensions") or [], query.get("metrics") or []
    records = []
    for result in body.get("results", []):
        record = dict(zip(dimensions, result.get("dimensions", []), strict=False))
        record.update(zip(metrics, result.get("metrics", []), strict=False))
        records.append(record)
    return records


def plausible_policy(response: requests.Response) -> Verdict:
    """Plausible errors: `{"error": "..."}`."""
    status = response.status_code
    if status < 400:
        return Verdict.ok()
    body = json_object(response)
    if body is None:
        return default_policy(response)
    message = str(body.get("error", ""))[:250]
    if status == 401:
        return Verdict("auth", message=f"{message} (a Stats API key with access to the site)")
    if status == 429:
        return Verdict("retry", wait_seconds=retry_after(response), message=f"rate limited: {message}")
    if status == 400:
        invalid = tuple(_INVALID_METRIC.findall(message))
        if invalid:
            return Verdict("invalid_metric", message=message, metrics=invalid)
    if status >= 500:
        return default_policy(response)
    return Verdict("error", message=f"HTTP {status}: {message}")


def query(dimensions: list[str], metrics: list[str]) -> Request:
    return Request(
        body={
            "site_id": "{account_id}",
            "metrics": metrics,
            "date_range": ["{date}", "{end_date}"],  # the whole range, rows by `time:day`
            "dimensions": dimensions,
            "include": {"total_rows": True},
        },
        metrics_param="metrics",
    )


PAGING = OffsetLimit(
    limit=PAGE_SIZE,
    offset_field="pagination.offset",
    limit_field="pagination.limit",
    total_path="meta.total_rows",
)

traffic_daily = Stream(
    source="plausible",
    name="traffic_daily",
    path="/api/v2/query",
    method="POST",
    requests=(query(DIMENSIONS, TRAFFIC_METRICS),),
    paginator=PAGING,
    parse=results_by_query,
    day_field="time:day",
    # A day without a visit has no row (Stats API v2 returns only groups with data): a small site
    # has such days, so an empty day is a quiet day, not a lost one. A day that had rows and comes
    # back empty is still refused (load.guard).
    empty_ok=True,
    primary_key=tuple(DIMENSIONS),
    fields=(
        Field("time:day", "date"),
        Field("visit:source"),
        Field("visit:utm_campaign"),
        *(Field(name, "count") for name in TRAFFIC_METRICS),
    ),
)

goals_daily = Stream(
    source="plausible",
    name="goals_daily",
    path="/api/v2/query",
    method="POST",
    requests=(query([*DIMENSIONS, "event:goal"], GOAL_METRICS),),
    paginator=PAGING,
    parse=results_by_query,
    day_field="time:day",  # a day without conversions has no rows: zero
    primary_key=(*DIMENSIONS, "event:goal"),
    fields=(
        Field("time:day", "date"),
        Field("event:goal"),
        Field("visitors", "count"),
        Field("events", "count"),
        Field("conversion_rate", "number"),
    ),
)

SOURCE = Source(
    name="plausible",
    platform="web",
    default_base_url="https://plausible.io",
    simulator_path="/plausible",
    streams=(traffic_daily, goals_daily),
    policy=plausible_policy,
)
