"""Google Analytics 4 Data API v1beta: sessions, key events and revenue by traffic source."""

from __future__ import annotations

import requests

from socialkpi.http import Verdict, default_policy, json_object
from socialkpi.paging import OffsetLimit
from socialkpi.sources.base import Source
from socialkpi.streams import Field, Request, Stream

DIMENSIONS = ["date", "sessionSource", "sessionMedium", "sessionCampaignName", "landingPage"]
# sessionKeyEventRate = sessions with a key event / sessions: with sessions it gives the sessions that
# converted, which keyEvents (a count of events, several per session possible) does not.
METRICS = ["sessions", "engagedSessions", "keyEvents", "totalRevenue", "sessionKeyEventRate"]
PAGE_SIZE = 10_000


def rows_by_header(body: dict) -> list[dict]:
    """GA4 rows are positional; name every value by its header (values stay strings as sent)."""
    dimensions = [header["name"] for header in body.get("dimensionHeaders", [])]
    metrics = [header["name"] for header in body.get("metricHeaders", [])]
    records = []
    for row in body.get("rows", []):  # `rows` is absent when there is no data
        record = {
            name: cell.get("value")
            for name, cell in zip(dimensions, row.get("dimensionValues", []), strict=False)
        }
        record.update(
            {
                name: cell.get("value")
                for name, cell in zip(metrics, row.get("metricValues", []), strict=False)
            }
        )
        records.append(record)
    return records


def ga4_policy(response: requests.Response) -> Verdict:
    """Google errors: `{"error": {"code", "status", "message", "details"}}`."""
    if response.status_code < 400:
        return Verdict.ok()
    body = json_object(response)
    if body is None:
        return default_policy(response)
    error = body.get("error") or {}
    status = error.get("status", "")
    message = str(error.get("message", ""))[:200]
    if response.status_code == 401 or status == "UNAUTHENTICATED":
        return Verdict("auth", message=message)
    if response.status_code == 403:
        return Verdict(
            "auth", message=f"{status}: {message} (grant the analytics.readonly scope and property access)"
        )
    if response.status_code == 429 or status == "RESOURCE_EXHAUSTED":
        return Verdict("retry", message=f"quota: {message}")
    if status == "INVALID_ARGUMENT" and "metric" in message.lower():
        named = tuple(m for m in METRICS if m in message)
        return Verdict("invalid_metric", message=message, metrics=named)
    return default_policy(response)


traffic_daily = Stream(
    source="ga4",
    name="traffic_daily",
    path="/properties/{account_id}:runReport",
    method="POST",
    requests=(
        Request(
            body={
                "dateRanges": [{"startDate": "{date}", "endDate": "{end_date}"}],
                "dimensions": [{"name": name} for name in DIMENSIONS],
                "metrics": [{"name": name} for name in METRICS],
                "keepEmptyRows": False,
            },
            metrics_param="metrics",
        ),
    ),
    # The whole range in one paged report; each row carries its date (the property's timezone).
    paginator=OffsetLimit(limit=PAGE_SIZE, total_path="rowCount"),
    parse=rows_by_header,
    day_field="date",
    day_format="date_compact",
    # keepEmptyRows=false drops rows whose metrics are all 0: a day without a session has no row
    # (a small property has such days). A day that had rows and comes back empty is still refused.
    empty_ok=True,
    primary_key=("date", "sessionSource", "sessionMedium", "sessionCampaignName", "landingPage"),
    fields=(
        Field("date", "date_compact"),
        Field("sessionSource"),
        Field("sessionMedium"),
        Field("sessions", "count"),
        Field("engagedSessions", "count"),
        Field("keyEvents", "count"),
        Field("totalRevenue", "number"),
        Field("sessionKeyEventRate", "number", required=False),
    ),
)

SOURCE = Source(
    name="ga4",
    platform="web",
    default_base_url="https://analyticsdata.googleapis.com/v1beta",
    simulator_path="/ga4/v1beta",
    streams=(traffic_daily,),
    policy=ga4_policy,
    default_lookback_days=2,
)
