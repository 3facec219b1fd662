"""Raw landing behind a validation gate, and the audit of every attempt.

A batch is one (source, stream, account, range of days). Each of its rows carries the day its
record stands for (`interval_start`/`interval_end` = [d, d + 1)); `audit.loads` holds the batch's
whole range. A batch is written with COPY into `landing.<table>` (invisible to dbt), guarded and
validated there, and then, in one transaction:
- passing: replaces every raw row of the account whose day lies inside the batch's range, and
  records `published` in `audit.loads`;
- failing: moves to `quarantine.<table>` and records `quarantined` with the failed expectations,
  or the guard's reason (`empty_interval`, `shrunk_interval`, `outside_range`).
An extraction that never produced a batch is recorded too (`extract_failed`, with its reason and
the days still to read). Nothing already published is touched by a failing batch, and nothing
landed is ever deleted without a person saying so (`socialkpi quarantine drop`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import msgspec
import psycopg
from psycopg import sql

# msgspec serialises records ~10x faster than json.dumps, which dominated landing time.
_encode = msgspec.json.Encoder().encode

RAW_COLUMNS = (
    "batch_id",
    "source",
    "stream",
    "account_id",
    "interval_start",
    "interval_end",
    "extracted_at",
    "record_index",
    "record",
)

TABLE_DDL = """
create table if not exists {table} (
    batch_id uuid not null,
    source text not null,
    stream text not null,
    account_id text not null,
    interval_start date not null,
    interval_end date not null,
    extracted_at timestamptz not null,
    record_index integer not null,
    record jsonb not null,
    primary key (batch_id, record_index)
)
"""


# The audit of every batch and every failed extraction, and the account list, live next to the code
# that writes them; `warehouse.bootstrap` runs this DDL (idempotent, upgrades older warehouses).
AUDIT_DDL = """
create table if not exists audit.loads (
    batch_id uuid primary key,
    source text not null,
    stream text not null,
    account_id text not null,
    interval_start date not null,
    interval_end date not null,
    dag_run_id text,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    status text not null,
    row_count integer,
    unavailable_metrics text[] not null default '{}',
    failed_expectations jsonb not null default '[]',
    validation_result jsonb,
    data_docs_url text,
    message text
);
-- added after the first release: existing warehouses get them here
alter table audit.loads add column if not exists stream_kind text not null default 'daily';
-- why a batch was quarantined or an extraction failed (empty_interval, shrunk_interval, quota, ...)
alter table audit.loads add column if not exists reason text;
-- days an extraction did not reach (a quota ran out): the next run of the account reads them
alter table audit.loads add column if not exists pending_days date[] not null default '{}';
-- the days the extraction asked for (a post list reaches back before the batch's snapshot day)
alter table audit.loads add column if not exists window_start date;
alter table audit.loads add column if not exists window_end date;
do $$
begin
    if not exists (
        select 1 from pg_constraint
        where conname = 'loads_status_check' and pg_get_constraintdef(oid) like '%extract_failed%'
    ) then
        alter table audit.loads drop constraint if exists loads_status_check;
        alter table audit.loads add constraint loads_status_check check (status in (
            'landing', 'validating', 'published', 'quarantined', 'released', 'dropped', 'failed',
            'extract_failed', 'abandoned'));
    end if;
end
$$;
create index if not exists loads_by_interval
    on audit.loads (source, stream, account_id, interval_start);
create table if not exists audit.events (
    event_id bigint generated always as identity primary key,
    occurred_at timestamptz not null default now(),
    batch_id uuid,
    kind text not null,
    detail jsonb not null default '{}'
);
-- one row per `socialkpi run`: who holds the run lock, and how each run ended (pipeline.py)
create table if not exists audit.runs (
    run_id bigint generated always as identity primary key,
    pid integer not null,
    host text not null,
    first_day date not null,
    last_day date not null,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    status text
);
create table if not exists raw.socialkpi__accounts (
    source text not null,
    account_id text not null,
    account_name text not null,
    timezone text not null,
    updated_at timestamptz not null default now(),
    primary key (source, account_id)
);
"""


@dataclass(frozen=True)
class BatchKey:
    source: str
    stream: str
    account_id: str
    interval_start: date
    interval_end: date

    @property
    def table(self) -> str:
        return f"{self.source}__{self.stream}"

    @property
    def last_day(self) -> date:
        return self.interval_end - timedelta(days=1)

    @property
    def days(self) -> list[date]:
        return [
            self.interval_start + timedelta(days=n)
            for n in range((self.interval_end - self.interval_start).days)
        ]

    def describe(self) -> str:
        days = (
            str(self.interval_start)
            if self.last_day == self.interval_start
            else f"{self.interval_start}..{self.last_day}"
        )
        return f"{self.source}.{self.stream} account {self.account_id} {days}"


def qualified(schema: str, table: str) -> sql.Composed:
    return sql.Identifier(schema, table)


def ensure_tables(conn: psycopg.Connection, table: str) -> None:
    """The stream's landing, raw and quarantine tables. Parallel runs may meet here on a new
    warehouse, and concurrent `create table if not exists` can still collide in PostgreSQL's
    catalog, so creation is serialised by an advisory lock (taken only when something is missing)."""
    present = conn.execute(
        "select to_regclass(%s) is not null and to_regclass(%s) is not null and to_regclass(%s) is not null",
        (f"landing.{table}", f"raw.{table}", f"quarantine.{table}"),
    ).fetchone()[0]
    if present:
        return
    conn.execute("select pg_advisory_xact_lock(hashtext('socialkpi: create raw tables'))")
    for schema in ("landing", "raw", "quarantine"):
        conn.execute(sql.SQL(TABLE_DDL).format(table=qualified(schema, table)))
    conn.execute(
        sql.SQL("create index if not exists {} on {} (account_id, interval_start)").format(
            sql.Identifier(f"{table}_by_interval"), qualified("raw", table)
        )
    )


def land(
    conn: psycopg.Connection,
    key: BatchKey,
    records: Iterable[dict],
    extracted_at: datetime,
    unavailable_metrics: list[str] | None = None,
    dag_run_id: str | None = None,
    stream_kind: str = "daily",
    days: Sequence[date] | None = None,
    message: str | None = None,
    window: tuple[date, date] | None = None,
) -> tuple[uuid.UUID, int]:
    """COPY the records into the landing area in one transaction; returns (batch_id, rows).

    `days[i]` is the day record i stands for (its row's interval is [day, day + 1)); without
    `days` every record stands for the batch's first day. `window` is the [first, last + 1) the
    extraction asked for when it differs from the batch's range (recent-post lists).
    """
    batch_id = uuid.uuid4()
    window_start, window_end = window or (key.interval_start, key.interval_end)
    with conn.transaction():
        ensure_tables(conn, key.table)
        conn.execute(
            """insert into audit.loads (batch_id, source, stream, account_id, interval_start, interval_end,
                                        dag_run_id, status, unavailable_metrics, stream_kind, message,
                                        window_start, window_end)
               values (%s, %s, %s, %s, %s, %s, %s, 'landing', %s, %s, %s, %s, %s)""",
            (
                batch_id,
                key.source,
                key.stream,
                key.account_id,
                key.interval_start,
                key.interval_end,
                dag_run_id,
                unavailable_metrics or [],
                stream_kind,
                message[:2000] if message else None,
                window_start,
                window_end,
            ),
        )
        copy_sql = sql.SQL("copy {} ({}) from stdin").format(
            qualified("landing", key.table), sql.SQL(", ").join(map(sql.Identifier, RAW_COLUMNS))
        )
        # COPY's text format, written in blocks: the batch columns are the same on every line, so
        # they are rendered once, and each day's interval once (3x the rows/s of write_row).
        head = "\t".join(_copy_text(value) for value in (batch_id, key.source, key.stream, key.account_id))
        tail = "\t" + _copy_text(extracted_at.isoformat()) + "\t"
        prefixes: dict[date, str] = {}

        def prefix(day: date) -> str:
            if day not in prefixes:
                prefixes[day] = f"{head}\t{day.isoformat()}\t{(day + timedelta(days=1)).isoformat()}{tail}"
            return prefixes[day]

        rows = 0
        with conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
            block: list[str] = []
            for index, record in enumerate(records):
                # JSON text has no raw tabs or newlines (they are escaped), only backslashes to double.
                document = _encode(record).decode().replace("\\", "\\\\")
                day = days[index] if days is not None else key.interval_start
                block.append(f"{prefix(day)}{index}\t{document}\n")
                if len(block) >= 5_000:
                    copy.write("".join(block))
                    block.clear()
                rows += 1
            if block:
                copy.write("".join(block))
        conn.execute(
            "update audit.loads set status = 'validating', row_count = %s where batch_id = %s",
            (rows, batch_id),
        )
    return batch_id, rows


def _copy_text(value) -> str:
    """A value in COPY's text format: backslash, tab, newline and carriage return escaped."""
    text = str(value)
    if any(ch in text for ch in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def batch_key(conn: psycopg.Connection, batch_id: uuid.UUID | str) -> BatchKey:
    row = conn.execute(
        "select source, stream, account_id, interval_start, interval_end from audit.loads where batch_id = %s",
        (batch_id,),
    ).fetchone()
    if row is None:
        raise LookupError(f"no batch {batch_id} in audit.loads; list batches with `socialkpi loads`")
    return BatchKey(*row)


def publish(
    conn: psycopg.Connection,
    batch_id: uuid.UUID | str,
    validation: dict | None,
    from_schema: str = "landing",
    status: str = "published",
    data_docs_url: str | None = None,
) -> int:
    """Replace the account's raw rows whose day lies inside the batch's range with this batch,
    atomically; returns rows published."""
    key = batch_key(conn, batch_id)
    raw_table = qualified("raw", key.table)
    with conn.transaction():
        # Two runs whose ranges overlap (a backfill and a daily run of one of its days) must not
        # interleave their deletes and inserts: the lock covers every range of the account's stream.
        conn.execute(
            "select pg_advisory_xact_lock(hashtext(%s))",
            (f"{key.table}|{key.account_id}",),
        )
        replaced = sql.SQL(
            "delete from {} where account_id = %s and interval_start >= %s and interval_end <= %s"
        ).format(raw_table)
        parameters: tuple = (key.account_id, key.interval_start, key.interval_end)
        record_key = _lifetime_record_key(key)
        if record_key is not None:
            # A lifetime list read by a narrower run the same day (a daily run after a backfill, or
            # the other half of a backfill) is a subset of the posts: it replaces the records it
            # holds and leaves the others, so no post loses its latest observation.
            replaced += sql.SQL(" and {k} in (select {k} from {src} where batch_id = %s)").format(
                k=record_key, src=qualified(from_schema, key.table)
            )
            parameters += (batch_id,)
        conn.execute(replaced, parameters)
        moved = conn.execute(
            sql.SQL(
                "with moved as (delete from {src} where batch_id = %s returning *) "
                "insert into {dst} select * from moved"
            ).format(src=qualified(from_schema, key.table), dst=raw_table),
            (batch_id,),
        ).rowcount
        conn.execute(
            """update audit.loads set status = %s, finished_at = now(), validation_result = %s,
                      failed_expectations = '[]', data_docs_url = coalesce(%s, data_docs_url)
               where batch_id = %s""",
            (status, json.dumps(validation) if validation is not None else None, data_docs_url, batch_id),
        )
        record_event(conn, batch_id, status, {"rows": moved, "from": from_schema})
    return moved


def _lifetime_record_key(key: BatchKey) -> sql.Composable | None:
    """For a lifetime stream, the SQL expression of a record's primary key; None otherwise."""
    from socialkpi.sources import SOURCES

    source = SOURCES.get(key.source)
    stream = next((s for s in source.streams if s.name == key.stream), None) if source else None
    if stream is None or stream.kind != "lifetime":
        return None
    parts = [
        sql.SQL("(record #>> {})").format(sql.Literal("{" + ",".join(path.split(".")) + "}"))
        for path in stream.primary_key
    ]
    return sql.SQL("concat_ws('|', {})").format(sql.SQL(", ").join(parts))


def quarantine(
    conn: psycopg.Connection,
    batch_id: uuid.UUID | str,
    failed_expectations: list[str],
    validation: dict | None,
    data_docs_url: str | None = None,
    message: str | None = None,
    reason: str = "failed_expectations",
) -> int:
    """Move a failing batch aside with its validation result; raw is untouched."""
    key = batch_key(conn, batch_id)
    with conn.transaction():
        moved = conn.execute(
            sql.SQL(
                "with moved as (delete from {src} where batch_id = %s returning *) "
                "insert into {dst} select * from moved"
            ).format(src=qualified("landing", key.table), dst=qualified("quarantine", key.table)),
            (batch_id,),
        ).rowcount
        conn.execute(
            """update audit.loads set status = 'quarantined', finished_at = now(), failed_expectations = %s,
                      validation_result = %s, data_docs_url = %s, reason = %s,
                      message = coalesce(%s, message)
               where batch_id = %s""",
            (
                json.dumps(failed_expectations),
                json.dumps(validation) if validation is not None else None,
                data_docs_url,
                reason,
                message,
                batch_id,
            ),
        )
        record_event(
            conn, batch_id, "quarantined", {"rows": moved, "failed": failed_expectations, "reason": reason}
        )
    return moved


@dataclass(frozen=True)
class Guard:
    """Why a batch must not be published although its records may be valid."""

    reason: str  # empty_interval | shrunk_interval | outside_range
    detail: str


def guard(
    conn: psycopg.Connection,
    batch_id: uuid.UUID | str,
    empty_ok: bool = True,
    max_shrink: float | None = 0.5,
    schema: str = "landing",
) -> Guard | None:
    """What publishing this batch would do to each day of its range, compared with raw.

    A batch must not empty a day that has published rows (an API answering nothing for a day it
    answered before lost data, it did not delete it), nor leave a day where the stream always has
    rows (`empty_ok=False`) without any, nor cut a published day to less than (1 - max_shrink) of
    its rows. Rows dated outside the range would escape the range's replacement: refused too.
    """
    key = batch_key(conn, batch_id)
    rows = conn.execute(
        sql.SQL(
            """with new as (
                   select interval_start as day, count(*) as n from {landing} where batch_id = %(batch)s
                   group by 1),
               old as (
                   select interval_start as day, count(*) as n from {raw}
                   where account_id = %(account)s and interval_start >= %(start)s
                     and interval_end <= %(end)s
                   group by 1)
               select days.day::date, coalesce(new.n, 0), coalesce(old.n, 0)
               from generate_series(%(start)s::date, %(end)s::date - 1, interval '1 day') as days (day)
               left join new on new.day = days.day
               left join old on old.day = days.day
               order by 1"""
        ).format(landing=qualified(schema, key.table), raw=qualified("raw", key.table)),
        {"batch": batch_id, "account": key.account_id, "start": key.interval_start, "end": key.interval_end},
    ).fetchall()
    outside = conn.execute(
        sql.SQL(
            "select min(interval_start), count(*) from {} where batch_id = %s "
            "and (interval_start < %s or interval_end > %s)"
        ).format(qualified(schema, key.table)),
        (batch_id, key.interval_start, key.interval_end),
    ).fetchone()
    if outside[1]:
        return Guard(
            "outside_range",
            f"{outside[1]} row(s) dated outside {key.interval_start}..{key.last_day} (first {outside[0]})",
        )
    emptied = [day for day, new, old in rows if new == 0 and old > 0]
    if emptied:
        return Guard("empty_interval", f"no rows for published day(s) {_days_text(emptied)}")
    if not empty_ok:
        empty = [day for day, new, _ in rows if new == 0]
        if empty:
            return Guard(
                "empty_interval", f"no rows for day(s) {_days_text(empty)}; the platform always reports them"
            )
    if max_shrink is not None:
        shrunk = [(day, new, old) for day, new, old in rows if 0 < new < old * (1 - max_shrink)]
        if shrunk:
            listed = ", ".join(f"{day}: {old} -> {new}" for day, new, old in shrunk[:5])
            return Guard(
                "shrunk_interval", f"published rows would shrink by more than {max_shrink:.0%} ({listed})"
            )
    return None


def _days_text(days: list[date]) -> str:
    shown = ", ".join(str(day) for day in days[:5])
    return shown + (f" and {len(days) - 5} more" if len(days) > 5 else "")


def record_extract_failed(
    conn: psycopg.Connection,
    key: BatchKey,
    reason: str,
    message: str,
    pending_days: Sequence[date] = (),
    dag_run_id: str | None = None,
    stream_kind: str = "daily",
) -> uuid.UUID:
    """An extraction that produced no batch, so `socialkpi loads` can say what happened to it;
    `pending_days` are the days the next run of the account must read again."""
    batch_id = uuid.uuid4()
    with conn.transaction():
        conn.execute(
            """insert into audit.loads (batch_id, source, stream, account_id, interval_start, interval_end,
                                        dag_run_id, status, finished_at, row_count, reason, message,
                                        pending_days, stream_kind)
               values (%s, %s, %s, %s, %s, %s, %s, 'extract_failed', now(), 0, %s, %s, %s, %s)""",
            (
                batch_id,
                key.source,
                key.stream,
                key.account_id,
                key.interval_start,
                key.interval_end,
                dag_run_id,
                reason,
                message[:2000],
                list(pending_days),
                stream_kind,
            ),
        )
        record_event(conn, batch_id, "extract_failed", {"reason": reason, "message": message[:500]})
    return batch_id


def pending_days(conn: psycopg.Connection, source: str, account_id: str) -> dict[str, list[date]]:
    """Per stream, the days earlier runs could not read (a quota ran out) and no later batch of the
    stream has covered since: the next run of the account reads them."""
    rows = conn.execute(
        """select failed.stream, day::date
           from audit.loads as failed
           cross join lateral unnest(failed.pending_days) as day
           where failed.source = %s and failed.account_id = %s and failed.status = 'extract_failed'
             and not exists (
                 select 1 from audit.loads as later
                 where later.source = failed.source and later.account_id = failed.account_id
                   and later.stream = failed.stream
                   and later.status in ('published', 'released', 'quarantined', 'validating')
                   and later.started_at > failed.started_at
                   and day >= later.interval_start and day < later.interval_end)
           group by 1, 2
           order by 1, 2""",
        (source, account_id),
    ).fetchall()
    pending: dict[str, list[date]] = {}
    for stream, day in rows:
        pending.setdefault(stream, []).append(day)
    return pending


def drop_quarantined(conn: psycopg.Connection, batch_id: uuid.UUID | str) -> int:
    key = batch_key(conn, batch_id)
    with conn.transaction():
        dropped = conn.execute(
            sql.SQL("delete from {} where batch_id = %s").format(qualified("quarantine", key.table)),
            (batch_id,),
        ).rowcount
        conn.execute(
            "update audit.loads set status = 'dropped', finished_at = now() where batch_id = %s", (batch_id,)
        )
        record_event(conn, batch_id, "dropped", {"rows": dropped})
    return dropped


def mark_failed(conn: psycopg.Connection, batch_id: uuid.UUID | str, message: str) -> None:
    with conn.transaction():
        conn.execute(
            "update audit.loads set status = 'failed', finished_at = now(), message = %s where batch_id = %s",
            (message[:2000], batch_id),
        )
        record_event(conn, batch_id, "failed", {"message": message[:2000]})


def record_event(conn: psycopg.Connection, batch_id, kind: str, detail: dict) -> None:
    conn.execute(
        "insert into audit.events (batch_id, kind, detail) values (%s, %s, %s)",
        (batch_id, kind, json.dumps(detail, default=str)),
    )


def upsert_accounts(conn: psycopg.Connection, rows: list[tuple[str, str, str, str]]) -> None:
    """(source, account_id, account_name, timezone) for every configured account.

    An upsert, not delete-and-insert: runs of several days may sync the list at the same time.
    """
    with conn.transaction():
        with conn.cursor() as cursor:
            cursor.executemany(
                """insert into raw.socialkpi__accounts (source, account_id, account_name, timezone)
                   values (%s, %s, %s, %s)
                   on conflict (source, account_id) do update
                   set account_name = excluded.account_name, timezone = excluded.timezone, updated_at = now()""",
                rows,
            )
        configured = [f"{source}|{account}" for source, account, _, _ in rows]
        conn.execute(
            "delete from raw.socialkpi__accounts where source || '|' || account_id <> all(%s)", (configured,)
        )
