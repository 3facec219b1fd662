"""Raw landing behind a validation gate.

A batch is one (source, stream, account, interval). It is written with COPY into
`landing.<table>` (invisible to dbt), validated there, and then, in one transaction:
- passing: replaces the interval's rows in `raw.<table>` and records `published` in `audit.loads`;
- failing: moves to `quarantine.<table>` and records `quarantined` with the failed expectations.
Nothing already published is touched by a failing batch, and nothing landed is ever deleted
without a person saying so (`socialkpi quarantine drop`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

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

    def describe(self) -> str:
        return f"{self.source}.{self.stream} account {self.account_id} {self.interval_start}"


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
) -> tuple[uuid.UUID, int]:
    """COPY the records into the landing area in one transaction; returns (batch_id, rows)."""
    batch_id = uuid.uuid4()
    with conn.transaction():
        ensure_tables(conn, key.table)
        conn.execute(
            """insert into audit.loads (batch_id, source, stream, account_id, interval_start, interval_end,
                                        dag_run_id, status, unavailable_metrics, stream_kind)
               values (%s, %s, %s, %s, %s, %s, %s, 'landing', %s, %s)""",
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
            ),
        )
        copy_sql = sql.SQL("copy {} ({}) from stdin").format(
            qualified("landing", key.table), sql.SQL(", ").join(map(sql.Identifier, RAW_COLUMNS))
        )
        # COPY's text format, written in blocks: the batch columns are the same on every line, so
        # they are rendered once (3x the rows/s of write_row per record, see benchmarks/).
        prefix = "\t".join(
            _copy_text(value)
            for value in (
                batch_id,
                key.source,
                key.stream,
                key.account_id,
                key.interval_start,
                key.interval_end,
            )
        )
        prefix += "\t" + _copy_text(extracted_at.isoformat()) + "\t"
        rows = 0
        with conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
            block: list[str] = []
            for index, record in enumerate(records):
                # JSON text has no raw tabs or newlines (they are escaped), only backslashes to double.
                document = _encode(record).decode().replace("\\", "\\\\")
                block.append(f"{prefix}{index}\t{document}\n")
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
    """Replace the interval's rows in raw with this batch, atomically; returns rows published."""
    key = batch_key(conn, batch_id)
    raw_table = qualified("raw", key.table)
    with conn.transaction():
        # Two runs of the same interval must not interleave their delete and insert.
        conn.execute(
            "select pg_advisory_xact_lock(hashtext(%s))",
            (f"{key.table}|{key.account_id}|{key.interval_start}|{key.interval_end}",),
        )
        conn.execute(
            sql.SQL(
                "delete from {} where account_id = %s and interval_start = %s and interval_end = %s"
            ).format(raw_table),
            (key.account_id, key.interval_start, key.interval_end),
        )
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


def quarantine(
    conn: psycopg.Connection,
    batch_id: uuid.UUID | str,
    failed_expectations: list[str],
    validation: dict | None,
    data_docs_url: str | None = None,
    message: str | None = None,
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
                      validation_result = %s, data_docs_url = %s, message = %s
               where batch_id = %s""",
            (
                json.dumps(failed_expectations),
                json.dumps(validation) if validation is not None else None,
                data_docs_url,
                message,
                batch_id,
            ),
        )
        record_event(conn, batch_id, "quarantined", {"rows": moved, "failed": failed_expectations})
    return moved


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
