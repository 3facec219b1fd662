"""What one ingest task does for one account: extract each stream once for a range of days, land,
guard, gate.

The DAG maps this over every configured (source, account). Each stream of the account is one batch
for the whole range (a daily run is a range of one day and its lookback) and its own transaction,
so a failure in one never undoes another. Every attempt is in `audit.loads`: a published or
quarantined batch, or an extraction that failed (`extract_failed`, with its reason). The task fails
at the end, after every stream had its chance, naming each batch that was not published.

Requests: each API is asked once for what it can give at once (see `MINIMUM_REQUESTS`).
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg

from socialkpi import connections, load
from socialkpi.config import Account, SourceConfig, load_config
from socialkpi.errors import (
    ConfigError,
    CredentialsError,
    QuotaExhausted,
    SourceError,
    TransientSourceError,
    ValidationFailed,
)
from socialkpi.extract import extract_stream
from socialkpi.http import SourceClient
from socialkpi.quality.gate import validate_batch
from socialkpi.sources import SOURCES
from socialkpi.sources.competitors import read_competitors
from socialkpi.streams import PACIFIC, Stream, StreamResult, Window
from socialkpi.warehouse import current_url

log = logging.getLogger(__name__)

# The fewest requests each API allows for one account over a range of N days, with P posts
# published in the range and the 28 days before it (C of them with comments), and that the
# extractor can make: the one count `benchmarks/run.py` and the tests hold the requests made to
# (pages of long lists add to these). Where the API documents a wider call than the extractor
# makes, the extractor was widened, not the minimum narrowed.
MINIMUM_REQUESTS = {
    # account 1 + follower_count ceil(N/30) (time_series: Graph refuses since/until more than 30
    # days apart) + total_value 2 per Pacific day (no multi-day total_value by day; the
    # follow_type breakdown needs its own call) + media ceil(P/100) + media insights P
    # + comments C (a media whose comments_count is 0 costs no request).
    "instagram": "1 + ceil(N/30) + 2N + ceil(P/100) + P + C",
    # page 1 + page insights ceil(N/90) ("Only 90 days of insights can be viewed at one time when
    # using the since and until parameters", Graph API Page Insights reference) + posts ceil(P/100)
    # + post insights P + comments C (a post whose comments summary is 0 costs no request).
    "facebook": "1 + ceil(N/90) + ceil(P/100) + P + C",
    # user 1 + posts ceil(P/100) + mentions (one paged list for the range).
    "x": "1 + ceil(P/100) + 1",
    # network size 1 + follower and share statistics 1 each for the range + posts ceil(P/50)
    # (the page size the extractor asks for) + post statistics ceil(P/20) (20 posts a request).
    "linkedin": "1 + 2 + ceil(P/50) + ceil(P/20)",
    # channel 1 + uploads ceil(P/50) + videos ceil(P/50) + channel_daily 1 for the range
    # + video_daily P: one report per video whose launch window (its Pacific publication day and
    # the 28 days after) overlaps the range; P counts those videos.
    "youtube": "1 + 2 ceil(P/50) + 1 + P",
    # user 1 + videos ceil(P/20).
    "tiktok": "1 + ceil(P/20)",
    # one paged report for the range.
    "ga4": "1",
    # traffic 1 + goals 1 for the range.
    "plausible": "2",
}


def minimum_requests(source: str, days: int, posts: int = 0, posts_with_comments: int = 0) -> int:
    """`MINIMUM_REQUESTS` as a number: the fewest calls one account's range of `days` needs, with
    `posts` posts (YouTube: videos whose launch window overlaps the range), `posts_with_comments`
    of them with comments."""
    n, p, c = days, posts, posts_with_comments
    minimum = {
        "instagram": 1 + math.ceil(n / 30) + 2 * n + math.ceil(p / 100) + p + c,
        "facebook": 1 + math.ceil(n / 90) + math.ceil(p / 100) + p + c,
        "x": 1 + math.ceil(p / 100) + 1,
        "linkedin": 1 + 2 + math.ceil(p / 50) + math.ceil(p / 20),
        "youtube": 1 + 2 * math.ceil(p / 50) + 1 + p,
        "tiktok": 1 + math.ceil(p / 20),
        "ga4": 1,
        "plausible": 2,
    }
    if source not in minimum:
        raise KeyError(f"no minimum known for source {source!r}")
    return minimum[source]


@dataclass
class BatchReport:
    stream: str
    day: str  # the first day of the batch's range
    status: str
    rows: int = 0
    batch_id: str | None = None
    unavailable_metrics: list[str] = field(default_factory=list)
    detail: str = ""
    last_day: str = ""
    reason: str | None = None
    requests: int = 0


@dataclass
class AccountReport:
    source: str
    account_id: str
    first_day: str = ""
    last_day: str = ""
    batches: list[BatchReport] = field(default_factory=list)
    requests: int = 0

    def problems(self) -> list[BatchReport]:
        return [b for b in self.batches if b.status not in ("published",)]


def targets(config=None) -> list[dict]:
    """One mapped task per configured (source, account): plain dicts, so they serialize as XCom."""
    config = config or load_config()
    return [
        {"source": name, "account_id": account.id}
        for name, source in config.sources.items()
        for account in source.accounts
    ]


def parse_share(share: str) -> tuple[int, int]:
    """An accounts share 'i/n' as (i, n), 1 <= i <= n."""
    try:
        index, count = (int(part) for part in share.split("/"))
    except ValueError:
        raise ConfigError(f"accounts_share {share!r}: write it as i/n, e.g. 1/2") from None
    if not 1 <= index <= count:
        raise ConfigError(f"accounts_share {share!r}: i must be between 1 and n, e.g. 1/2 and 2/2")
    return index, count


def share_of(targets: list[dict], share: str | None) -> list[dict]:
    """The targets of one range run when several share the accounts out: share 'i/n' (1-based)
    takes every n-th target from the i-th, so each source's accounts spread over the runs."""
    if not share:
        return targets
    index, count = parse_share(share)
    return targets[index - 1 :: count]


def ingest_account(
    source: str,
    account_id: str,
    first_day: date,
    last_day: date | None = None,
    lookback_days: int | None = None,
    dag_run_id: str | None = None,
) -> dict:
    """Extract, land, guard and gate every stream of one account for days first_day..last_day
    (inclusive; last_day defaults to first_day), the lookback extending first_day backwards."""
    last_day = first_day if last_day is None else last_day
    if last_day < first_day:
        raise ConfigError(f"range {first_day}..{last_day}: the end is before the start; swap them")
    config = load_config()
    if source not in config.sources:
        raise ConfigError(f"{config.path}: source {source!r} is not configured; add it under `sources:`")
    source_config = config.sources[source]
    account = _account(source_config, account_id, config.path)
    lookback = source_config.lookback_days if lookback_days is None else lookback_days
    endpoint = connections.resolve(source_config, account)
    definition = SOURCES[source]
    client = SourceClient(
        source=source,
        base_url=endpoint.base_url,
        token=endpoint.token,
        connection_id=source_config.connection_for(account),
        policy=definition.policy,
        headers={**definition.headers, **endpoint.headers},
        base_urls=endpoint.base_urls,
    )
    report = AccountReport(source, account_id, first_day.isoformat(), last_day.isoformat())
    competitor_outcomes: list[dict] = []
    url = current_url()
    run = _Run(
        account,
        first_day - timedelta(days=lookback),
        last_day,
        definition.lag_days,
        snapshot_day(account),
        streams=definition.streams,
    )
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            run.pending = load.pending_days(conn, source, account.id)
            results: dict[str, StreamResult] = {}
            for stream in definition.streams:  # parents before their children
                _ingest_stream(client, conn, url, stream, run, results, report, dag_run_id)
            # Competitors last, with the first account's token, never failing the account (#12).
            quota_left = not any(b.reason == "quota_exhausted" for b in report.batches)
            if quota_left and config.competitors.get(source) and account == source_config.accounts[0]:
                competitor_outcomes = read_competitors(
                    client, source, account, conn, url, config.competitors[source], dag_run_id
                )
    finally:
        report.requests = client.request_count
        client.close()
    _raise_for_problems(report)
    return {**asdict(report), "competitors": competitor_outcomes}


@dataclass
class _Run:
    """What one run of an account covers, per kind of stream."""

    account: Account
    first_day: date  # with the lookback
    last_day: date
    lag_days: int
    snapshot_day: date
    pending: dict[str, list[date]] = field(default_factory=dict)
    streams: tuple[Stream, ...] = ()

    def window(self, stream: Stream, parent: StreamResult | None = None) -> tuple[Window, load.BatchKey]:
        """The window to extract and the batch's range (`parent`: the parent's extraction, for a
        child whose days come from its parent records)."""
        account, zone = self.account.id, self.account.timezone
        if stream.kind == "snapshot":
            window = Window(account, self.snapshot_day, zone)
            return window, self._key(stream, self.snapshot_day, self.snapshot_day)
        if stream.kind == "lifetime":
            # The posts of the run's days and the `window_days_before` before them, as of now: a
            # later daily run the same day reads a subset, never fewer of the recent posts.
            first, last = self._list_start(stream), max(self.last_day, self.snapshot_day)
            window = Window(account, first, zone, last if last > first else None)
            return window, self._key(stream, self.snapshot_day, self.snapshot_day)
        # A platform whose days settle late (LinkedIn: 2 days) starts `lag_days` earlier, so that
        # a daily run reads the days that settled since the last one; the end of every window is
        # the newest finished (settled) day below, so a backfill of old days reads all of them.
        first, last = self.first_day - timedelta(days=self.lag_days), self.last_day
        missed = self.pending.get(stream.name, [])
        if missed:
            # Days an earlier run could not read (its quota ran out): read from the oldest on.
            log.info(
                "%s: reading %d day(s) an earlier run missed, from %s", stream.table, len(missed), missed[0]
            )
            first, last = min(first, missed[0]), max(last, missed[-1])
        if stream.history_days is not None:
            # A backfill reaching further back than the API serves: its older days can never be read.
            oldest = datetime.now(UTC).date() - timedelta(days=stream.history_days - 1)
            if first < oldest:
                log.warning(
                    "%s: days %s..%s are older than the API serves (%d days back); not asked for",
                    stream.table,
                    first,
                    min(last, oldest - timedelta(days=1)),
                    stream.history_days,
                )
                first = oldest
        # A day the platform has not finished (today, or a Pacific day still running) is not asked
        # for: its empty or partial answer would quarantine the whole range. The next run's
        # lookback reads it.
        last = min(last, complete_through(stream.source, self.account.tz, datetime.now(UTC)))
        if stream.parent_window and parent is not None:
            # A day whose parents the list may not hold whole is left to the next run's lookback.
            last = min(last, listed_through(stream, parent))
        if last < first:
            return None, self._key(stream, first, first)
        window = Window(account, first, zone, last if last > first else None)
        return window, self._key(stream, first, last)

    def _list_start(self, stream: Stream) -> date:
        """The first day of a lifetime list. A list whose children take their days from its
        records (`Stream.parent_window`) reaches back to the oldest day those children read
        (their lag, days an earlier run missed), and one day more: the children cut days in
        another zone (YouTube: Pacific), which can start up to a day before the account's.
        A lifetime child of such a list (YouTube's `videos` of `uploads`) holds the list's posts,
        so it starts there too: its gate bounds the posts' dates by its own window."""
        lists = {stream.name, stream.parent} - {None}
        children = [s for s in self.streams if s.parent in lists and s.parent_window]
        if not children:
            return self.first_day
        oldest = [self.first_day - timedelta(days=self.lag_days)]
        oldest += [self.pending[c.name][0] for c in children if self.pending.get(c.name)]
        return min(oldest) - timedelta(days=1)

    def _key(self, stream: Stream, first: date, last: date) -> load.BatchKey:
        return load.BatchKey(stream.source, stream.name, self.account.id, first, last + timedelta(days=1))


# The zone each platform cuts its days in, where it is not the account's own (contract of the raw
# layer): Meta and YouTube Analytics at US Pacific midnight, LinkedIn at UTC midnight.
PLATFORM_DAY_ZONES = {"instagram": PACIFIC, "facebook": PACIFIC, "youtube": PACIFIC, "linkedin": UTC}


def listed_through(stream: Stream, parent: StreamResult) -> date:
    """The newest day (in `stream.parent_window`'s zone) whose parent records the parent's list
    holds whole. A list cut at the account's midnight ends inside a Pacific day for an account
    east of Pacific (Tokyo's midnight is 07:00 or 08:00 in Los Angeles): the parents published
    later that Pacific day are not in it yet."""
    if parent.stream.cursor_field is None:  # the whole list, uncut
        return date.max
    return parent.window.end.astimezone(stream.parent_window.zone).date() - timedelta(days=1)


def complete_through(source: str, timezone: ZoneInfo, now: datetime) -> date:
    """The newest day of an account that its platform has complete at `now`.

    A day is over when it is over in the account's timezone (posts, GA4, Plausible) and in the
    zone the platform cuts its days in (Meta and YouTube: US Pacific; LinkedIn: UTC), and, for a
    platform whose numbers settle late (LinkedIn: 2 days), once they have settled.
    """
    zones = [timezone, PLATFORM_DAY_ZONES.get(source, timezone)]
    lag = SOURCES[source].lag_days if source in SOURCES else 0
    return min(now.astimezone(zone).date() for zone in zones) - timedelta(days=1 + lag)


def snapshot_day(account: Account, now: datetime | None = None) -> date:
    """The day a current total stands for: the end of yesterday in the account's timezone.

    Daily runs happen just after the day closes, so a total read now is yesterday's closing total.
    """
    now = now or datetime.now(UTC)
    return now.astimezone(account.tz).date() - timedelta(days=1)


def _account(source: SourceConfig, account_id: str, path) -> Account:
    for account in source.accounts:
        if account.id == account_id:
            return account
    raise ConfigError(f"{path}: account {account_id} is not listed under `sources.{source.name}.accounts`")


def failure_reason(exc: Exception) -> str:
    """A short name for why an extraction failed, for `audit.loads.reason` (the message keeps the
    detail). The client's errors are one-line messages; these are the phrases it uses."""
    if isinstance(exc, QuotaExhausted):
        return "quota_exhausted"
    if isinstance(exc, CredentialsError):
        return "credentials"
    text = str(exc).lower()
    for phrase, reason in (
        ("timed out", "timeout"),
        ("timeout", "timeout"),
        ("still failing after", "throttled"),
        ("server error", "server_error"),
        ("not json", "malformed_response"),
        ("failed after retries", "connection"),
    ):
        if phrase in text:
            return reason
    return "source_error"


def _ingest_stream(client, conn, url, stream: Stream, run: _Run, results, report: AccountReport, dag_run_id):
    window, key = run.window(stream, results.get(stream.parent))
    if window is None:
        log.info(
            "%s: no day of the run is complete on the platform (or listed) yet; the next run reads it",
            key.describe(),
        )
        return
    batch = BatchReport(stream.name, key.interval_start.isoformat(), "", last_day=key.last_day.isoformat())
    before = client.request_count

    def failed(reason: str, message: str, pending=()) -> None:
        load.record_extract_failed(conn, key, reason, message, pending, dag_run_id, stream.kind)
        batch.status, batch.reason, batch.detail = "extract_failed", reason, message
        batch.requests = client.request_count - before
        report.batches.append(batch)
        log.error("%s: extraction failed (%s): %s", key.describe(), reason, message)

    # Only daily streams can read a past day again; a missed snapshot is gone.
    days_left = key.days if stream.kind == "daily" else []
    if stream.parent and stream.parent not in results:
        failed("parent_failed", f"not extracted: its parent stream {stream.parent} has no batch", days_left)
        return
    parent_records = results[stream.parent].records if stream.parent else None
    try:
        result = extract_stream(client, stream, window, parent_records)
    except CredentialsError as exc:
        failed("credentials", str(exc))
        raise  # nothing else of this account can work; say which connection to renew
    except QuotaExhausted as exc:
        partial: StreamResult | None = getattr(exc, "partial", None)
        if partial is None or not partial.missing_days:
            failed("quota_exhausted", str(exc), days_left)
            return
        # The days read in full are a batch of their own; the rest wait for the next run.
        missing = partial.missing_days
        done_key = load.BatchKey(key.source, key.stream, key.account_id, key.interval_start, missing[0])
        rest_key = load.BatchKey(key.source, key.stream, key.account_id, missing[0], key.interval_end)
        results[stream.name] = partial
        done = Window(window.account_id, window.day, window.timezone, missing[0] - timedelta(days=1))
        report.batches.append(gate(conn, url, stream, done, partial, dag_run_id, done_key))
        key = rest_key
        batch = BatchReport(
            stream.name, key.interval_start.isoformat(), "", last_day=key.last_day.isoformat()
        )
        failed("quota_exhausted", f"{exc} ({len(missing)} day(s) left for the next run)", missing)
        return
    except SourceError as exc:
        failed(failure_reason(exc), str(exc))
        return
    results[stream.name] = result
    outcome = gate(conn, url, stream, window, result, dag_run_id, key)
    outcome.requests = result.requests_made
    report.batches.append(outcome)


def gate(
    conn, url: str, stream: Stream, window: Window, result: StreamResult, dag_run_id=None, key=None
) -> BatchReport:
    """Land one batch, guard and validate it, publish or quarantine it."""
    key = key or load.BatchKey(
        stream.source, stream.name, window.account_id, window.day, window.last + timedelta(days=1)
    )
    batch_id, rows = load.land(
        conn,
        key,
        result.records,
        result.extracted_at,
        result.unavailable_metrics,
        dag_run_id=dag_run_id,
        stream_kind=stream.kind,
        days=result.days,
        message="; ".join(result.notes) or None,
        window=(window.day, window.last + timedelta(days=1)),
    )
    if result.unavailable_metrics:
        log.warning(
            "%s: metrics unavailable and not landed: %s",
            key.describe(),
            ", ".join(result.unavailable_metrics),
        )
    report = BatchReport(
        stream.name,
        key.interval_start.isoformat(),
        "quarantined",
        rows=rows,
        batch_id=str(batch_id),
        unavailable_metrics=list(result.unavailable_metrics),
        last_day=key.last_day.isoformat(),
    )
    # A lifetime list's size follows its run's window (a backfill reaches back further than the daily
    # run of the same snapshot day), so only daily numbers are held to their published size.
    max_shrink = stream.max_shrink if stream.kind == "daily" else None
    refused = load.guard(conn, batch_id, empty_ok=stream.empty_ok, max_shrink=max_shrink)
    if refused is not None:
        # Valid records or not, publishing would lose published data: a person decides.
        load.quarantine(conn, batch_id, [f"{refused.reason}: {refused.detail}"], None, reason=refused.reason)
        report.reason, report.detail = refused.reason, refused.detail
        log.error(
            "%s: quarantined batch %s: %s: %s", key.describe(), batch_id, refused.reason, refused.detail
        )
        return report
    try:
        outcome = validate_batch(url, conn, stream, window, batch_id)
    except Exception as exc:
        # The batch stays in landing, recorded as failed: nothing is lost, nothing is published.
        load.mark_failed(conn, batch_id, f"validation could not run: {exc}")
        raise
    if outcome.success:
        load.publish(conn, batch_id, outcome.result, data_docs_url=outcome.data_docs_url)
        report.status = "published"
        log.info("%s: %d rows published (batch %s)", key.describe(), rows, batch_id)
    else:
        load.quarantine(conn, batch_id, outcome.failed, outcome.result, data_docs_url=outcome.data_docs_url)
        report.reason, report.detail = "failed_expectations", "; ".join(outcome.failed)
        log.error("%s: quarantined batch %s: %s", key.describe(), batch_id, report.detail)
    return report


def _raise_for_problems(report: AccountReport) -> None:
    """One error naming every batch that was not published. A quarantine needs a person
    (ValidationFailed), an exhausted quota waits for tomorrow (QuotaExhausted); anything else
    (5xx after the client's retries, timeouts) is worth a retry of the task (TransientSourceError)."""
    problems = report.problems()
    if not problems:
        return
    lines = [
        f"{p.stream} {p.day}..{p.last_day}: {p.status}"
        + (f" ({p.reason})" if p.reason else "")
        + (f" (batch {p.batch_id})" if p.batch_id else "")
        + f" {p.detail}"
        for p in problems
    ]
    message = (
        f"{report.source} account {report.account_id}: {len(problems)} batch(es) not published: "
        + " | ".join(lines)
    )
    statuses = {p.status for p in problems}
    reasons = {p.reason for p in problems}
    if "quarantined" in statuses:
        raise ValidationFailed(message)
    if reasons <= {"quota_exhausted", "parent_failed"}:
        raise QuotaExhausted(message)
    # Only extraction failures (timeouts, 5xx, resets): a later attempt of the task may succeed.
    raise TransientSourceError(message)
