"""What one ingest task does for one account: extract each stream for each day, land, gate.

The DAG maps this over every configured (source, account). Each (stream, day) is its own batch
and its own transaction, so a failure in one never undoes another. The task fails at the end,
after every stream had its chance, naming each quarantined batch and its failed expectations.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta

import psycopg

from socialkpi import connections, load
from socialkpi.config import Account, SourceConfig, load_config
from socialkpi.errors import ConfigError, CredentialsError, QuotaExhausted, SourceError, ValidationFailed
from socialkpi.http import SourceClient
from socialkpi.quality.gate import validate_batch
from socialkpi.sources import SOURCES
from socialkpi.sources.competitors import read_competitors
from socialkpi.streams import Stream, StreamResult, Window, extract_stream
from socialkpi.warehouse import current_url

log = logging.getLogger(__name__)


@dataclass
class BatchReport:
    stream: str
    day: str
    status: str
    rows: int = 0
    batch_id: str | None = None
    unavailable_metrics: list[str] = field(default_factory=list)
    detail: str = ""


@dataclass
class AccountReport:
    source: str
    account_id: str
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


def days_to_extract(day: date, lookback_days: int, lag_days: int = 0) -> list[date]:
    """The interval's day and, before it, the days the platform may still revise (oldest first).

    A platform whose numbers need `lag_days` to settle (LinkedIn) extracts `day - lag_days` instead.
    """
    newest = day - timedelta(days=lag_days)
    return [newest - timedelta(days=offset) for offset in range(lookback_days, -1, -1)]


def ingest_account(
    source: str,
    account_id: str,
    day: date,
    lookback_days: int | None = None,
    dag_run_id: str | None = None,
) -> dict:
    config = load_config()
    if source not in config.sources:
        raise ConfigError(f"{config.path}: source {source!r} is not configured; add it under `sources:`")
    source_config = config.sources[source]
    account = _account(source_config, account_id, config.path)
    lookback = source_config.lookback_days if lookback_days is None else lookback_days
    endpoint = connections.resolve(source_config)
    definition = SOURCES[source]
    client = SourceClient(
        source=source,
        base_url=endpoint.base_url,
        token=endpoint.token,
        connection_id=source_config.connection_id,
        policy=definition.policy,
        headers={**definition.headers, **endpoint.headers},
        base_urls=endpoint.base_urls,
    )
    report = AccountReport(source=source, account_id=account_id)
    competitor_outcomes: list[dict] = []
    url = current_url()
    snapshots = [s for s in definition.streams if s.kind == "snapshot"]
    daily = [s for s in definition.streams if s.kind != "snapshot"]
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            # A current total is a snapshot of now, whatever interval the run is for: it lands as
            # the day it stands for, so a backfill never overwrites the history of earlier days.
            window = Window(account_id=account.id, day=snapshot_day(account), timezone=account.timezone)
            snapshot_results: dict[str, StreamResult] = {}
            quota_left = _ingest_window(
                client, snapshots, window, conn, url, report, dag_run_id, snapshot_results
            )
            for extract_day in days_to_extract(day, lookback, definition.lag_days) if quota_left else []:
                window = Window(account_id=account.id, day=extract_day, timezone=account.timezone)
                # Daily streams may be children of a snapshot (YouTube's uploads playlist).
                results = dict(snapshot_results)
                if not _ingest_window(client, daily, window, conn, url, report, dag_run_id, results):
                    break  # the quota is gone for today: the other days would fail the same way
            # Competitors last, with the first account's token, never failing the account (#12).
            if quota_left and config.competitors.get(source) and account == source_config.accounts[0]:
                competitor_outcomes = read_competitors(
                    client, source, account, conn, url, config.competitors[source], dag_run_id
                )
    finally:
        report.requests = client.request_count
        client.close()
    problems = report.problems()
    summary = {**asdict(report), "competitors": competitor_outcomes}
    if problems:
        lines = [f"{p.stream} {p.day}: {p.status} (batch {p.batch_id}) {p.detail}" for p in problems]
        raise ValidationFailed(
            f"{source} account {account_id}: {len(problems)} batch(es) not published: " + " | ".join(lines)
        )
    return summary


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


def _ingest_window(
    client,
    streams,
    window: Window,
    conn,
    url,
    report: AccountReport,
    dag_run_id,
    results: dict[str, StreamResult],
) -> bool:
    """Every stream of one window, collecting `results` for child streams; False when the
    source's daily quota ran out."""
    for stream in streams:
        if stream.parent and stream.parent not in results:
            report.batches.append(
                BatchReport(stream.name, window.day.isoformat(), "skipped", detail=f"{stream.parent} failed")
            )
            continue
        parent_records = results[stream.parent].records if stream.parent else None
        try:
            result = extract_stream(client, stream, window, parent_records)
        except CredentialsError:
            raise  # nothing else of this account can work; say which connection to renew
        except QuotaExhausted as exc:
            log.error("%s", exc)
            report.batches.append(
                BatchReport(stream.name, window.day.isoformat(), "quota_exhausted", detail=str(exc))
            )
            return False  # the quota is per project: every later call today would fail the same way
        except SourceError as exc:
            log.error("%s", exc)
            report.batches.append(
                BatchReport(stream.name, window.day.isoformat(), "extract_failed", detail=str(exc))
            )
            continue
        results[stream.name] = result
        report.batches.append(gate(conn, url, stream, window, result, dag_run_id))
    return True


def gate(
    conn, url: str, stream: Stream, window: Window, result: StreamResult, dag_run_id=None
) -> BatchReport:
    """Land one batch, validate it, publish or quarantine it."""
    key = load.BatchKey(
        stream.source, stream.name, window.account_id, window.day, window.day + timedelta(days=1)
    )
    batch_id, rows = load.land(
        conn,
        key,
        result.records,
        result.extracted_at,
        result.unavailable_metrics,
        dag_run_id=dag_run_id,
        stream_kind=stream.kind,
    )
    if result.unavailable_metrics:
        log.warning(
            "%s: metrics unavailable and not landed: %s",
            key.describe(),
            ", ".join(result.unavailable_metrics),
        )
    try:
        outcome = validate_batch(url, conn, stream, window, batch_id)
    except Exception as exc:
        # The batch stays in landing, recorded as failed: nothing is lost, nothing is published.
        load.mark_failed(conn, batch_id, f"validation could not run: {exc}")
        raise
    report = BatchReport(
        stream.name,
        window.day.isoformat(),
        "published" if outcome.success else "quarantined",
        rows=rows,
        batch_id=str(batch_id),
        unavailable_metrics=list(result.unavailable_metrics),
    )
    if outcome.success:
        load.publish(conn, batch_id, outcome.result, data_docs_url=outcome.data_docs_url)
        log.info("%s: %d rows published (batch %s)", key.describe(), rows, batch_id)
    else:
        load.quarantine(conn, batch_id, outcome.failed, outcome.result, data_docs_url=outcome.data_docs_url)
        report.detail = "; ".join(outcome.failed)
        log.error("%s: quarantined batch %s: %s", key.describe(), batch_id, report.detail)
    return report
