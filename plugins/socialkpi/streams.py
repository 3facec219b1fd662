"""Streams are declared as data: endpoint, parameters, paging style, keys, fields, days.

What differs between platforms is a `Stream` value; paging is written once in `paging.py` and the
loop that walks pages, drops retired metrics and dates records once in `extract.py`.

Parameters and paths are templates filled from the `Window` being extracted (a range of days of
one account, one day for a daily run):
`{account_id}`; `{date}` / `{end_date}` (ISO, first and last day), `{date_compact}` /
`{end_date_compact}` (YYYYMMDD); `{since}` / `{until}` (unix seconds of the local bounds:
the first day's midnight and the midnight after the last day), `{since_ms}` / `{until_ms}`,
`{since_iso}` / `{until_iso}` (RFC 3339, UTC); `{pacific_since}` / `{pacific_until}` (unix seconds
of the US Pacific midnights of the same dates: Meta and YouTube cut days there);
`{utc_day_since_ms}` / `{utc_day_until_ms}` (the same dates' UTC midnights, for APIs that bucket
days in UTC); `{recent_since}` / `{recent_since_iso}` (the first day's start minus the stream's
`window_days_before`: the oldest post a "recent posts" list keeps); `{parent_id}` for child
streams, and whatever the stream's `parent_values` derives from the parent record. A child with a
`parent_window` fills the day templates with each parent's own days (`ParentWindow`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from socialkpi.errors import SourceError
from socialkpi.paging import Paginator, SinglePage, dig

# Meta (Instagram, Facebook) and YouTube Analytics cut their days at US Pacific midnight.
PACIFIC = ZoneInfo("America/Los_Angeles")

# How a stream's records are filed (`Stream.kind`):
# - "snapshot": a current total (followers), read once per run, filed under the day it closes;
# - "lifetime": posts and what hangs off them (lifetime counters, comments as of now), read once per
#   run over the run's recent-post window, filed under the same snapshot day;
# - "daily": one record per day the platform reports, filed under that day (`Stream.day_field`, or
#   the day a one-day request asked for);
# - "competitor": another brand's public numbers (sources/competitors.py), read at most once a day
#   with the user's token and filed under that day.
KINDS = ("snapshot", "lifetime", "daily", "competitor")

# How `Stream.day_field` names a record's day:
# "date" (ISO), "date_compact" (YYYYMMDD), "utc_day_ms" (epoch ms of the UTC midnight starting it),
# "local_timestamp" (a timestamp, dated in the account's timezone), "meta_end_time" (a Graph
# insights `end_time`: the value stands for the Pacific day before it).
DAY_FORMATS = ("date", "date_compact", "utc_day_ms", "local_timestamp", "meta_end_time")


def midnight(day: date, zone: ZoneInfo | str) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(zone) if isinstance(zone, str) else zone)


# ---- the window being extracted --------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    """Days `day`..`last_day` (inclusive; one day when `last_day` is None) of one account, in the
    account's timezone."""

    account_id: str
    day: date
    timezone: str = "UTC"
    last_day: date | None = None

    def __post_init__(self):
        if self.last_day is not None and self.last_day < self.day:
            raise ValueError(f"window {self.day}..{self.last_day}: the last day is before the first")

    @property
    def last(self) -> date:
        return self.last_day or self.day

    @property
    def days(self) -> list[date]:
        return [self.day + timedelta(days=n) for n in range((self.last - self.day).days + 1)]

    @property
    def start(self) -> datetime:
        return midnight(self.day, self.timezone)

    @property
    def end(self) -> datetime:
        return midnight(self.last + timedelta(days=1), self.timezone)

    def only(self, day: date) -> Window:
        return Window(self.account_id, day, self.timezone)

    def chunks(self, size: int) -> list[Window]:
        """Consecutive windows of at most `size` days, oldest first."""
        days = self.days
        return [
            Window(self.account_id, days[i], self.timezone, days[min(i + size, len(days)) - 1])
            for i in range(0, len(days), size)
        ]

    def template_values(self, days_before: int = 0) -> dict[str, Any]:
        start_utc, end_utc = self.start.astimezone(UTC), self.end.astimezone(UTC)
        recent = (self.start - timedelta(days=days_before)).astimezone(UTC)
        utc_since = int(midnight(self.day, UTC).timestamp())
        utc_until = int(midnight(self.last + timedelta(days=1), UTC).timestamp())
        return {
            "account_id": self.account_id,
            "date": self.day.isoformat(),
            "end_date": self.last.isoformat(),
            "date_compact": self.day.strftime("%Y%m%d"),
            "end_date_compact": self.last.strftime("%Y%m%d"),
            "since": int(start_utc.timestamp()),
            "until": int(end_utc.timestamp()),
            "since_ms": int(start_utc.timestamp()) * 1000,
            "until_ms": int(end_utc.timestamp()) * 1000,
            "since_iso": start_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "until_iso": end_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "pacific_since": int(midnight(self.day, PACIFIC).timestamp()),
            "pacific_until": int(midnight(self.last + timedelta(days=1), PACIFIC).timestamp()),
            "utc_day_since_ms": utc_since * 1000,
            "utc_day_until_ms": utc_until * 1000,
            "recent_since": int(recent.timestamp()),
            "recent_since_iso": recent.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


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
    # The API answers one day per call (Meta `total_value`): one call per day of
    # the window, its records filed under that day.
    per_day: bool = False
    # The widest window the API takes in one call (Meta `time_series`: 30 days); None: any.
    max_days: int | None = None


@dataclass(frozen=True)
class ParentWindow:
    """A child request whose days come from its parent record: the day `field` (a timestamp)
    falls on in `zone` and the `days` days after it, cut to the window being extracted. A parent
    whose days miss the window costs no request.

    Why: YouTube Analytics reports a video by day one video at a time. Asking every listed video
    for every day of a range costs a request per video and run, and reads old videos that a daily
    run no longer lists; asking each video for its own first days costs one request per video, and
    a range run and the daily runs of the same days ask the same questions."""

    field: str  # dotted path in the parent record
    days: int
    zone: ZoneInfo = PACIFIC


@dataclass(frozen=True)
class Field:
    """A record field the staging models need, and how the load gate checks it."""

    path: str  # JSON path inside the record, dotted
    # text | count (non-negative integer) | integer (signed: net gains) | number (non-negative) |
    # timestamp (ISO 8601) | epoch_seconds | epoch_ms (both: inside the window) |
    # date (ISO, a day of the batch) | date_compact (YYYYMMDD, a day of the batch) |
    # utc_day_ms (epoch ms of the UTC midnight starting a day of the batch: APIs with UTC day buckets)
    kind: str = "text"
    required: bool = True


@dataclass(frozen=True)
class Stream:
    source: str
    name: str
    path: str
    method: str = "GET"
    requests: tuple[Request, ...] = (Request(),)
    paginator: Paginator = field(default_factory=SinglePage)
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
    # More template values derived from the parent record (LinkedIn: the URN's query parameter),
    # or, with `parent_batch`, from each group of parent records. They are query fragments already
    # encoded as the API wants them, so they are filled as given.
    parent_values: Callable[[dict], dict[str, Any]] | None = None
    group_values: Callable[[list[dict]], dict[str, Any]] | None = None
    # Each parent's own days (`ParentWindow`): one request per parent over the part of the window
    # they cover, its `{date}`/`{end_date}` (and the other day templates) those days.
    parent_window: ParentWindow | None = None
    # A count in the parent record that says the child has nothing to read (comments of a post
    # whose comments count is 0): such parents cost no request.
    parent_count: str | None = None
    # For child records that do not name their parent (comments): the extractor adds the parent
    # key as `_parent_id`, the one field of a raw record the API did not send.
    tag_parent: bool = False
    # A named second base URL of the source (`Source.apis`); None: the connection's host.
    api: str | None = None
    # Turns the raw response body into records when they are not a plain list (GA4 rows).
    parse: Callable[[Any], list[dict]] | None = None
    kind: str = "daily"  # see KINDS
    # How far back the API serves days, counted from today (UTC), for daily streams: older days of
    # a backfill are not asked for (LinkedIn share statistics: the past 12 months only).
    history_days: int | None = None
    # The record field holding its day, and its format (DAY_FORMATS), for daily streams.
    day_field: str | None = None
    day_format: str = "date"
    # Graph insights entries hold a list of `values`, one per day: land one record per value.
    split_values: bool = False
    expected_rows: tuple[int, int | None] = (0, None)
    # Publishing guards (load.guard): may a day of this stream have no rows at all (a day without
    # posts or mentions)? False where the platform always reports something for a day it covers.
    empty_ok: bool = True
    # A batch with fewer than (1 - max_shrink) x the rows already published for one of its days is
    # quarantined as `shrunk_interval`; None: no limit (lists that legitimately shrink).
    max_shrink: float | None = 0.5
    # A record field that names the account (the gate checks it is the account requested):
    # its value must be the account id, or start with `<account id>/`.
    account_field: str | None = None
    # A total that must not jump beyond a share of the previous published value (followers).
    jump_field: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.source}.{self.name}: kind {self.kind!r} is not one of {KINDS}")
        if self.day_format not in DAY_FORMATS:
            raise ValueError(f"{self.source}.{self.name}: day_format {self.day_format!r} is unknown")

    @property
    def table(self) -> str:
        return f"{self.source}__{self.name}"

    @property
    def per_day(self) -> bool:
        """Every request of the stream asks one day at a time."""
        return all(request.per_day for request in self.requests)

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
    # The day each record stands for (parallel to `records`); None where the stream files every
    # record under the run's snapshot day.
    days: list[date] | None = None
    # What a person should know about the answer (an `end_time` off the Pacific midnight).
    notes: list[str] = field(default_factory=list)
    # The days a stopped extraction did not reach (a quota ran out part way), oldest first.
    missing_days: list[date] = field(default_factory=list)
