"""Extraction: read every page of every request of a declared stream for a window, and date
each record.

One loop for every platform: fill the templates, walk the pages (`paging.py`), keep what lies in
the window, drop retired metrics and ask again, split per-day values, and file each record under
the day it stands for (`Stream.kind`, `Stream.day_field`, `Request.per_day`).

How many calls a window costs is decided here, from the declaration: a range request is one call
(plus pages) for the whole window, `Request.max_days` splits it into the widest windows the API
takes, `Request.per_day` asks one day at a time where the API forces it, and
`Stream.parent_window` asks each parent once, for its own days within the window.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from socialkpi.errors import QuotaExhausted, SourceError
from socialkpi.http import InvalidMetrics, NoData, SourceClient
from socialkpi.paging import Page, dig
from socialkpi.streams import PACIFIC, Request, Stream, StreamResult, Window

log = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
MAX_PAGES = 10_000
MAX_NOTES = 5


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


def fill_path(template: str, values: dict[str, Any], verbatim: frozenset[str] = frozenset()) -> str:
    """A request path with every filled value percent-encoded (an id with `/`, `?` or `#` must not
    reach another endpoint); `verbatim` names values that are already encoded query fragments."""

    def encoded(match: re.Match) -> str:
        name = match.group(1)
        text = str(values[name])
        return text if name in verbatim else quote(text, safe="")

    return _PLACEHOLDER.sub(encoded, template)


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


def meta_day(end_time: Any) -> tuple[date | None, bool]:
    """The Pacific day a Graph insights value stands for: the day before its `end_time`, and
    whether `end_time` is a Pacific midnight as Meta documents (a value that is not is filed the
    same way, never shifted, and reported)."""
    stamp = parse_timestamp(end_time)
    if stamp is None:
        return None, True
    local = stamp.astimezone(PACIFIC)
    on_midnight = (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
    return local.date() - timedelta(days=1), on_midnight


def record_day(stream: Stream, record: dict, window: Window) -> tuple[date | None, str | None]:
    """(the day a record names, a note when its day is suspicious)."""
    value = dig(record, stream.day_field) if stream.day_field else None
    if value is None:
        return None, None
    try:
        if stream.day_format == "date":
            return date.fromisoformat(str(value)[:10]), None
        if stream.day_format == "date_compact":
            return datetime.strptime(str(value), "%Y%m%d").date(), None
        if stream.day_format == "utc_day_ms":
            return datetime.fromtimestamp(int(value) / 1000, UTC).date(), None
        if stream.day_format == "local_timestamp":
            stamp = parse_timestamp(value)
            return (stamp.astimezone(ZoneInfo(window.timezone)).date() if stamp else None), None
        day, on_midnight = meta_day(value)
        note = None
        if not on_midnight:
            note = (
                f"{stream.source}.{stream.name}: end_time {value} of {record.get('name')} is not a US "
                f"Pacific midnight; filed under {day} (the Pacific day before it), not shifted"
            )
        return day, note
    except (TypeError, ValueError):
        return None, None  # the gate names the malformed field


def extract_stream(
    client: SourceClient,
    stream: Stream,
    window: Window,
    parent_records: list[dict] | None = None,
) -> StreamResult:
    """Read every page of every request of `stream` for `window`, each record with its day.

    A quota that runs out after some days of a per-day stream was read raises `QuotaExhausted`
    with `.partial`: the days read in full, and the days it did not reach.
    """
    result = StreamResult(
        stream=stream,
        window=window,
        records=[],
        extracted_at=datetime.now(UTC),
        unavailable_metrics=[],
        days=[] if stream.kind == "daily" else None,
    )
    before = client.request_count
    range_requests = [r for r in stream.requests if not r.per_day]
    day_requests = [r for r in stream.requests if r.per_day]
    if stream.kind == "daily" and range_requests and not stream.day_field and len(window.days) > 1:
        raise SourceError(
            f"{stream.source}.{stream.name}: a range request needs `day_field` to date its records"
        )
    for request in range_requests:
        for part in window.chunks(request.max_days) if request.max_days else [window]:
            _collect(client, stream, request, part, parent_records, result, None)
    done: list[date] = []
    for day in window.days if day_requests else []:
        try:
            for request in day_requests:
                _collect(client, stream, request, window.only(day), parent_records, result, day)
        except QuotaExhausted as exc:
            if done and stream.kind == "daily":
                kept = [(r, d) for r, d in zip(result.records, result.days, strict=True) if d <= done[-1]]
                result.records = [r for r, _ in kept]
                result.days = [d for _, d in kept]
                result.missing_days = [d for d in window.days if d > done[-1]]
                result.requests_made = client.request_count - before
                exc.partial = result
            raise
        done.append(day)
    result.requests_made = client.request_count - before
    return result


def _collect(client, stream, request, window, parent_records, result: StreamResult, day) -> None:
    """One request shape over one window (or one day): its records appended to `result`."""
    for part, scoped in _scopes(stream, window, parent_records):
        got, dropped = _extract_request(client, stream, request, part, scoped)
        if stream.tag_parent:
            got = [{**record, "_parent_id": scoped["parent_id"]} for record in got]
        if stream.split_values:
            got = [piece for record in got for piece in _split(record)]
        result.unavailable_metrics.extend(m for m in dropped if m not in result.unavailable_metrics)
        result.records.extend(got)
        if result.days is None:
            continue
        for record in got:
            named, note = (None, None) if day is not None else record_day(stream, record, part)
            if note and note not in result.notes:
                log.warning("%s", note)
                if len(result.notes) < MAX_NOTES:
                    result.notes.append(note)
            result.days.append(day or named or part.day)


def _split(record: dict) -> list[dict]:
    """A Graph insights entry with n daily `values` -> n entries with one value each (an entry with
    `total_value` and no `values` stays whole)."""
    values = record.get("values")
    if not isinstance(values, list):
        return [record]
    return [{**record, "values": [value]} for value in values]


def _scopes(stream: Stream, window: Window, parent_records: list[dict] | None) -> list[tuple[Window, dict]]:
    """The window and template values of each request group. A child with a `parent_window`
    asks each parent for its own days within `window`, and nothing of a parent outside it."""
    if stream.parent_window is None:
        values = window.template_values(stream.window_days_before)
        return [(window, scoped) for scoped in _parent_scopes(stream, values, parent_records)]
    scopes = []
    for parent in parent_records or []:
        part = parent_days(stream, parent, window)
        if part is None:
            continue
        values = part.template_values(stream.window_days_before)
        scopes.extend((part, scoped) for scoped in _parent_scopes(stream, values, [parent]))
    return scopes


def parent_days(stream: Stream, parent: dict, window: Window) -> Window | None:
    """The days of `window` a parent's `ParentWindow` covers (None: none, or no timestamp: the
    gate reports the parent's missing field)."""
    spec = stream.parent_window
    stamp = parse_timestamp(dig(parent, spec.field))
    if stamp is None:
        return None
    first = stamp.astimezone(spec.zone).date()
    start, last = max(first, window.day), min(first + timedelta(days=spec.days), window.last)
    if last < start:
        return None
    return Window(window.account_id, start, window.timezone, last if last > start else None)


def _parent_scopes(stream: Stream, values: dict, parent_records: list[dict] | None) -> list[dict]:
    """The template values of each request group: one, or one per parent (group of parents)."""
    if stream.parent is None:
        return [dict(values, parent_id=None)]
    # A parent without its key (the gate quarantines that parent batch) has nothing to ask for.
    parents = [
        p
        for p in parent_records or []
        if dig(p, stream.parent_key) is not None and not _nothing_to_read(stream, p)
    ]
    if stream.parent_batch > 1:
        scopes = []
        for start in range(0, len(parents), stream.parent_batch):
            group = parents[start : start + stream.parent_batch]
            derived = stream.group_values(group) if stream.group_values else {}
            keys = ",".join(str(dig(p, stream.parent_key)) for p in group)
            scopes.append(dict(values, parent_id=keys, **derived))
        return scopes
    scopes = []
    for parent in parents:
        derived = stream.parent_values(parent) if stream.parent_values else {}
        scopes.append(dict(values, parent_id=dig(parent, stream.parent_key), **derived))
    return scopes


def _nothing_to_read(stream: Stream, parent: dict) -> bool:
    if not stream.parent_count:
        return False
    count = dig(parent, stream.parent_count)
    return count is not None and str(count) == "0"


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
    verbatim = frozenset(values) - frozenset(window.template_values()) - {"parent_id"}
    page = Page(
        fill_path(stream.path, values, verbatim),
        fill(request.params, values) or None,
        fill(request.body, values) if request.body is not None else None,
    )
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
        if seen_pages > MAX_PAGES:
            raise SourceError(f"{stream.source}.{stream.name}: more than 10,000 pages; the paging loops")
