"""What a person does with a quarantined batch: look at it, release it, or drop it.

Release re-validates the batch where it lies (in `quarantine.<table>`) unless forced; a batch that
passes, or is forced, replaces its interval in raw exactly as a passing load would.
Every action is recorded in audit.loads and audit.events.
"""

from __future__ import annotations

import json

import psycopg
from psycopg import sql

from socialkpi import load
from socialkpi.errors import SocialKpiError
from socialkpi.quality.gate import batch_window, validate_batch
from socialkpi.report import table
from socialkpi.sources import SOURCES
from socialkpi.warehouse import current_url


def list_quarantined(conn: psycopg.Connection) -> str:
    rows = conn.execute(
        """select batch_id::text, source, stream, account_id, interval_start, row_count,
                  left(failed_expectations::text, 90), finished_at
           from audit.loads where status = 'quarantined' order by finished_at desc"""
    ).fetchall()
    return table(["batch", "source", "stream", "account", "day", "rows", "failed expectations", "at"], rows)


def _quarantined(conn: psycopg.Connection, batch_id: str):
    row = conn.execute(
        "select status, failed_expectations, data_docs_url from audit.loads where batch_id = %s", (batch_id,)
    ).fetchone()
    if row is None:
        raise SocialKpiError(
            f"no batch {batch_id}; list quarantined batches with `socialkpi quarantine list`"
        )
    if row[0] != "quarantined":
        raise SocialKpiError(f"batch {batch_id} is {row[0]}, not quarantined; nothing to do")
    return row


def show(conn: psycopg.Connection, batch_id: str, sample: int = 5) -> str:
    _, failed, docs = _quarantined(conn, batch_id)
    key = load.batch_key(conn, batch_id)
    records = conn.execute(
        sql.SQL("select record from {} where batch_id = %s order by record_index limit %s").format(
            sql.Identifier("quarantine", key.table)
        ),
        (batch_id, sample),
    ).fetchall()
    lines = [
        f"batch {batch_id}: {key.describe()}",
        "failed expectations:",
        *[f"  - {item}" for item in failed],
        f"data docs: {docs or '-'}",
        f"first {len(records)} records:",
        *[f"  {json.dumps(r[0])[:300]}" for r in records],
    ]
    return "\n".join(lines)


def release(conn: psycopg.Connection, batch_id: str, force: bool = False) -> str:
    _quarantined(conn, batch_id)
    key = load.batch_key(conn, batch_id)
    stream = SOURCES[key.source].stream(key.stream)
    if force:
        rows = load.publish(conn, batch_id, None, from_schema="quarantine", status="released")
        load.record_event(conn, batch_id, "released_forced", {"rows": rows})
        return f"batch {batch_id} released without validation: {rows} rows published to raw.{key.table}"
    timezone = conn.execute(
        "select timezone from raw.socialkpi__accounts where source = %s and account_id = %s",
        (key.source, key.account_id),
    ).fetchone()
    window = batch_window(conn, batch_id, timezone[0] if timezone else "UTC")
    outcome = validate_batch(current_url(), conn, stream, window, batch_id, schema="quarantine")
    if not outcome.success:
        load.record_event(conn, batch_id, "release_refused", {"failed": outcome.failed})
        raise SocialKpiError(
            f"batch {batch_id} still fails: {'; '.join(outcome.failed)}; fix the data or use --force"
        )
    rows = load.publish(
        conn,
        batch_id,
        outcome.result,
        from_schema="quarantine",
        status="released",
        data_docs_url=outcome.data_docs_url,
    )
    return f"batch {batch_id} passed re-validation: {rows} rows published to raw.{key.table}"


def drop(conn: psycopg.Connection, batch_id: str) -> str:
    _quarantined(conn, batch_id)
    rows = load.drop_quarantined(conn, batch_id)
    return f"batch {batch_id} dropped: {rows} quarantined rows deleted (the audit keeps its record)"
