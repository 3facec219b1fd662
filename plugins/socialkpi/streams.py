"""Streams are declared as data: endpoint, parameters, paging style, keys, fields.

What differs between platforms is a `Stream` value; the code that walks pages, drops retired
metrics and collects records is written once here (`extract_stream`).

Parameters and paths are templates filled from the `Window` being extracted:
`{account_id}`, `{since}` / `{until}` (unix seconds of the local day's bounds), `{date}` (ISO),
`{date_compact}` (YYYYMMDD), `{since_ms}` / `{until_ms}`, `{since_iso}` / `{until_iso}` (RFC 3339, UTC),
`{utc_day_since_ms}` / `{utc_day_until_ms}` (the same calendar day in UTC, for APIs that bucket days
in UTC), `{recent_since}` / `{recent_since_iso}` (the day's start minus the stream's
`window_days_before`: the oldest post a "recent posts" list keeps), `{parent_id}` for child streams,
and whatever the stream's `parent_values` derives from the parent record.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from socialkpi.errors import SourceError
from socialkpi.http import InvalidMetrics, NoData, SourceClient

log = logging.getLogger(__name__)


# ---- the window being extracted --------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    """One reporting day of one account, in the account's timezone."""

    account_id: str
    day: date
    timezone: str = "UTC"

    @property
    def start(self) -> datetime:
        return datetime.combine(self.day, time(), tzinfo=ZoneInfo(self.timezone))

    @property
    def end(self) -> datetime:
        return datetime.combine(self.day + timedelta(days=1), time(), tzinfo=ZoneInfo(self.timezone))

    def template_values(self, days_before: int = 0) -> dict[str, Any]:
        start_utc, end_utc = self.start.astimezone(UTC), self.end.astimezone(UTC)
        recent = (self.start - timedelta(days=days_before)).astimezone(UTC)
        utc_day = int(datetime.combine(self.day, time(), tzinfo=UTC).timestamp())
        return {
            "account_id": self.account_id,
            "date": self.day.isoformat(),
            "date_compact": self.day.strftime("%Y%m%d"),
            "since": int(start_utc.timestamp()),
            "until": int(end_utc.timestamp()),
            "since_ms": int(start_utc.timestamp()) * 1000,
            "until_ms": int(end_utc.timestamp()) * 1000,
            "since_iso": start_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "until_iso": end_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "utc_day_since_ms": utc_day * 1000,
            "utc_day_until_ms": (utc_day + 86_400) * 1000,
            "recent_since": int(recent.timestamp()),
            "recent_since_iso": recent.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill(template: Any, values: dict[str, Any]) -> Any:
    """Fill `{name}` placeholders in strings, recursively through dicts and lists.

    Only `{identifier}` is a placeholder (an unknown one is a KeyError): Graph API field
    expansions such as `replies{id,text}` pass through as written.
    """
    if isinstance(template, str):
        return _PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), template)
    if isinstance(template, dict):
        return {key: fill(value, values) for key, value in template.items()}
    if isinstance(template, list | tuple):
        return [fill(item, values) for item in template]
    return template


def dig(document: Any, path: str) -> Any:
    """`dig(body, "paging.cursors.after")`; None where any step is missing."""
    current = document
    for step in path.split(".") if path else []:
        if isinstance(current, dict):
            current = current.get(step)
        else:
            return None
    return current


def with_value(document: dict | None, path: str, value: Any) -> dict:
    """A copy of `document` with `value` at the dotted `path` (nested dicts created as needed)."""
    head, _, rest = path.partition(".")
    copy = dict(document or {})
    if rest:
        inner = copy.get(head)
        copy[head] = with_value(inner if isinstance(inner, dict) else None, rest, value)
    else:
        copy[head] = value
    return copy


# ---- paging styles, each written once ---------------------------------------------------------
@dataclass(frozen=True)
class Page:
    """One request to make: a path or absolute URL, query parameters and an optional JSON body."""

    url: str
    params: dict[str, Any] | None
    body: dict[str, Any] | None


class Paginator:
    """Given the page just read, return the next request or None when done."""

    def next_page(self, page: Page, body: Any, records_seen: int) -> Page | None:
        return None


@dataclass(frozen=True)
class SinglePage(Paginator):
    pass


@dataclass(frozen=True)
class NextUrl(Paginator):
    """Graph API cursors and LinkedIn links: the response names the next page's full URL."""

    next_path: str = "paging.next"

    def next_page(self, page, body, records_seen):
        next_url = dig(body, self.next_path)
        return Page(next_url, None, page.body) if next_url else None


@dataclass(frozen=True)
class TokenParam(Paginator):
    """X `meta.next_token` -> `pagination_token`; YouTube `nextPageToken` -> `pageToken`."""

    token_path: str
    param: str

    def next_page(self, page, body, records_seen):
        token = dig(body, self.token_path)
        if not token:
            return None
        return Page(page.url, {**(page.params or {}), self.param: token}, page.body)


@dataclass(frozen=True)
class BodyCursor(Paginator):
    """TikTok: POST body `cursor` from `data.cursor` while `data.has_more`."""

    cursor_path: str = "data.cursor"
    has_more_path: str = "data.has_more"
    body_field: str = "cursor"

    def next_page(self, page, body, records_seen):
        if not dig(body, self.has_more_path):
            return None
        return Page(
            page.url, page.params, {**(page.body or {}), self.body_field: dig(body, self.cursor_path)}
        )


@dataclass(frozen=True)
class OffsetLimit(Paginator):
    """GA4 runReport and Plausible: `offset` += `limit` until `total_path` rows were read.

    `in_body` places offset/limit in the JSON body (GA4; Plausible v2 nests them, so the field names
    are dotted paths: `pagination.offset`), else in the query (LinkedIn start/count, YouTube Analytics
    startIndex/maxResults). `start` is the first offset (1 for 1-based APIs). Without `total_path`,
    a short page ends the walk.
    """

    limit: int
    offset_field: str = "offset"
    limit_field: str = "limit"
    total_path: str | None = None
    in_body: bool = True
    start: int = 0

    def first(self, page: Page) -> Page:
        return self._with(page, self.start)

    def next_page(self, page, body, records_seen):
        holder = page.body if self.in_body else page.params
        offset = (
            dig(holder or {}, self.offset_field) if self.in_body else (holder or {}).get(self.offset_field)
        )
        offset = int(self.start if offset is None else offset)
        total = dig(body, self.total_path) if self.total_path else None
        next_offset = offset + self.limit
        if total is not None:
            return self._with(page, next_offset) if next_offset - self.start < int(total) else None
        return self._with(page, next_offset) if records_seen >= self.limit else None

    def _with(self, page: Page, offset: int) -> Page:
        if self.in_body:
            body = with_value(page.body, self.offset_field, offset)
            return Page(page.url, page.params, with_value(body, self.limit_field, self.limit))
        fields = {self.offset_field: offset, self.limit_field: self.limit}
        return Page(page.url, {**(page.params or {}), **fields}, page.body)


# ---- the stream declaration -------------------------------------------------------------------
@dataclass(frozen=True)
class Request:
    """One request shape of a stream. A stream may need several (e.g. time-series and
    total_value insights cannot share one call); their records land in the same batch."""

    params: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    # The query/body key holding the metric list (a comma-separated string, a list of names, or
    # GA4's list of `{"name": ...}`), so a retired metric can be dropped and the request retried
    # with the rest.
    metrics_param: str | None = None


@dataclass(frozen=True)
class Field:
    """A record field the staging models need, and how the load gate checks it."""

    path: str  # JSON path inside the record, dotted
    # text | count (non-negative integer) | integer (signed: net gains) | number (non-negative) |
    # timestamp (ISO 8601) | epoch_seconds | epoch_ms (both: inside the window) |
    # date (ISO, the batch's day) | date_compact (YYYYMMDD, the batch's day) |
    # utc_day_ms (epoch ms of the UTC midnight starting the batch's day: APIs with UTC day buckets)
    kind: str = "text"
    required: bool = True


@dataclass(frozen=True)
class Stream:
    source: str
    name: str
    path: str
    method: str = "GET"
    requests: tuple[Request, ...] = (Request(),)
    paginator: Paginator = SinglePage()
    records_path: str | None = "data"  # None: the whole body is one record
    primary_key: tuple[str, ...] = ("id",)
    fields: tuple[Field, ...] = ()
    # For lists that are read newest first: keep records whose `cursor_field` lies inside
    # [window start - `window_days_before`, window end), and stop paging once past it.
    cursor_field: str | None = None
    window_days_before: int = 0
    # Child streams run once per record of the parent (e.g. insights per media).
    parent: str | None = None
    parent_key: str = "id"  # dotted path in the parent record -> `{parent_id}`
    # APIs that take many ids at once (YouTube videos.list): `{parent_id}` is up to this many
    # parent keys joined by commas, one request per group.
    parent_batch: int = 1
    # More template values derived from the parent record (LinkedIn: the URN's query parameter).
    parent_values: Callable[[dict], dict[str, Any]] | None = None
    # For child records that do not name their parent (comments): the extractor adds the parent
    # key as `_parent_id`, the one field of a raw record the API did not send.
    tag_parent: bool = False
    # A named second base URL of the source (`Source.apis`); None: the connection's host.
    api: str | None = None
    # Turns the raw response body into records when they are not a plain list (GA4 rows).
    parse: Callable[[Any], list[dict]] | None = None
    # "snapshot": current values (follower totals), not bound to the requested day.
    kind: str = "daily"
    expected_rows: tuple[int, int | None] = (0, None)
    # A record field that names the account (the gate checks it is the account requested):
    # its value must be the account id, or start with `<account id>/`.
    account_field: str | None = None
    # A total that must not jump beyond a share of the previous published value (followers).
    jump_field: str | None = None

    @property
    def table(self) -> str:
        return f"{self.source}__{self.name}"

    def records_from(self, body: Any) -> list[dict]:
        if self.parse is not None:
            return self.parse(body)
        if self.records_path is None:
            return [body] if isinstance(body, dict) else []
        records = dig(body, self.records_path)
        if records is None:
            return []
        if isinstance(records, dict):  # one object (X `data` of a user, TikTok `data.user`)
            return [records]
        if not isinstance(records, list):
            raise SourceError(f"{self.source}.{self.name}: `{self.records_path}` is not a list")
        return records


@dataclass
class StreamResult:
    stream: Stream
    window: Window
    records: list[dict]
    extracted_at: datetime
    unavailable_metrics: list[str]
    requests_made: int = 0


def extract_stream(
    client: SourceClient,
    stream: Stream,
    window: Window,
    parent_records: list[dict] | None = None,
) -> StreamResult:
    """Read every page of every request of `stream` for `window`."""
    extracted_at = datetime.now(UTC)
    before = client.request_count
    values = window.template_values(stream.window_days_before)
    records: list[dict] = []
    unavailable: list[str] = []
    for scoped in _parent_scopes(stream, values, parent_records):
        for request in stream.requests:
            got, dropped = _extract_request(client, stream, request, window, scoped)
            if stream.tag_parent:
                got = [{**record, "_parent_id": scoped["parent_id"]} for record in got]
            records.extend(got)
            unavailable.extend(m for m in dropped if m not in unavailable)
    return StreamResult(
        stream=stream,
        window=window,
        records=records,
        extracted_at=extracted_at,
        unavailable_metrics=unavailable,
        requests_made=client.request_count - before,
    )


def _parent_scopes(stream: Stream, values: dict, parent_records: list[dict] | None) -> list[dict]:
    """The template values of each request group: one, or one per parent (group of parents)."""
    if stream.parent is None:
        return [dict(values, parent_id=None)]
    parents = parent_records or []
    if stream.parent_batch > 1:
        keys = [str(dig(p, stream.parent_key)) for p in parents]
        groups = [keys[i : i + stream.parent_batch] for i in range(0, len(keys), stream.parent_batch)]
        return [dict(values, parent_id=",".join(group)) for group in groups]
    scopes = []
    for parent in parents:
        derived = stream.parent_values(parent) if stream.parent_values else {}
        scopes.append(dict(values, parent_id=dig(parent, stream.parent_key), **derived))
    return scopes


def _extract_request(client, stream, request, window, values) -> tuple[list[dict], list[str]]:
    """One request shape; retired metrics are dropped and recorded, never fatal."""
    dropped: list[str] = []
    while True:
        try:
            return list(_walk_pages(client, stream, request, window, values)), dropped
        except NoData as exc:
            log.info("%s.%s: no data for %s: %s", stream.source, stream.name, values.get("parent_id"), exc)
            return [], dropped
        except InvalidMetrics as exc:
            names = _metric_names(request, stream, exc)
            rejected = [m for m in names if m in exc.metrics]
            if not rejected and len(names) > 1:
                # The API did not say which metric it rejects (Facebook Pages: "The value must be a
                # valid insights metric"): ask for each metric alone, keep what answers.
                log.warning(
                    "%s.%s: a metric of %s was rejected without its name (%s); asking for each alone",
                    stream.source,
                    stream.name,
                    ",".join(names),
                    str(exc)[:160],
                )
                records: list[dict] = []
                for name in names:
                    got, lost = _extract_request(
                        client, stream, _with_metrics(request, [name]), window, values
                    )
                    records.extend(got)
                    dropped.extend(lost)
                return records, dropped
            rejected = rejected or names
            dropped.extend(rejected)
            log.warning(
                "%s.%s: metric(s) %s unavailable (%s); landing the other metrics",
                stream.source,
                stream.name,
                ", ".join(rejected),
                str(exc)[:160],
            )
            remaining = [m for m in names if m not in rejected]
            if not remaining:
                return [], dropped
            request = _with_metrics(request, remaining)


def _metric_holder(request: Request) -> dict:
    if request.body and request.metrics_param in request.body:
        return request.body
    return request.params


def _metric_names(request: Request, stream: Stream, exc: InvalidMetrics) -> list[str]:
    if not request.metrics_param:
        raise SourceError(
            f"{stream.source}.{stream.name}: the API rejected the request: metrics {exc.metrics}: {exc}"
        )
    value = _metric_holder(request)[request.metrics_param]
    if isinstance(value, list):
        return [item["name"] if isinstance(item, dict) else str(item) for item in value]
    return [m.strip() for m in str(value).split(",") if m.strip()]


def _with_metrics(request: Request, names: list[str]) -> Request:
    """The request asking only for `names`, its metric list kept in the form the API takes."""
    holder = _metric_holder(request)
    value = holder[request.metrics_param]
    if isinstance(value, list):
        kept = [item for item in value if (item["name"] if isinstance(item, dict) else str(item)) in names]
    else:
        kept = ",".join(names)
    changed = {**holder, request.metrics_param: kept}
    if holder is request.params:
        return replace(request, params=changed)
    return replace(request, body=changed)


def _walk_pages(client, stream: Stream, request: Request, window: Window, values) -> Iterator[dict]:
    page = Page(
        fill(stream.path, values),
        fill(request.params, values) or None,
        fill(request.body, values) if request.body is not None else None,
    )
    if isinstance(stream.paginator, OffsetLimit):
        page = stream.paginator.first(page)
    lower = window.start - timedelta(days=stream.window_days_before)
    seen_pages = 0
    while page is not None:
        seen_pages += 1
        if stream.method == "POST":
            body = client.post_json(page.url, page.body or {}, params=page.params, api=stream.api)
        else:
            body = client.get_json(page.url, params=page.params, api=stream.api)
        records = stream.records_from(body)
        past_window = False
        for record in records:
            if stream.cursor_field:
                stamp = parse_timestamp(dig(record, stream.cursor_field))
                if stamp is None:
                    yield record  # the gate reports the missing cursor; never drop silently
                    continue
                if stamp < lower:
                    past_window = True
                    continue
                if stamp >= window.end:
                    continue
            yield record
        if past_window:
            return
        page = stream.paginator.next_page(page, body, len(records))
        if seen_pages > 10_000:
            raise SourceError(f"{stream.source}.{stream.name}: more than 10,000 pages; the paging loops")


def parse_timestamp(value: Any) -> datetime | None:
    """ISO 8601 (with `Z`, `+0000` or `+00:00`), unix seconds or unix milliseconds (LinkedIn),
    as an aware datetime."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        # No post is from the year 5138: a number this large is milliseconds.
        return datetime.fromtimestamp(value / 1000 if abs(value) >= 100_000_000_000 else value, UTC)
    text = str(value)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    elif len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
