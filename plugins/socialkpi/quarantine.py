"""What a person does with a quarantined batch: look at it, release it, or drop it.

Release re-validates the batch where it lies (in `quarantine.<table>`) unless forced; a batch that
passes, or is forced, replaces its interval in raw exactly as a passing load would.
Every action is recorded in audit.loads and audit.events.

Guard rails on `--force`: it refuses a batch older than one already published for the same
interval (a newer extraction would be overwritten by staler numbers) unless `replace_newer`;
and a forced value never becomes the baseline of the follower-jump check (`FORCED_EVENT`, read by
quality/gate.py), so a wrong value let through by hand cannot quarantine the correct ones after it.
"""

from __future__ import annotations

import json
import uuid

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


FORCED_EVENT = "released_forced"


def batch_id_of(text: str) -> str:
    """The canonical form of a batch id typed by a person, or one line saying what one looks like."""
    try:
        return str(uuid.UUID(text.strip()))
    except (ValueError, AttributeError):
        raise SocialKpiError(
            f"{text!r} is not a batch id (a UUID such as 3f2b9c1e-...); copy one from `socialkpi quarantine list`"
        ) from None


def _quarantined(conn: psycopg.Connection, batch_id: str):
    batch_id = batch_id_of(batch_id)
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
    batch_id = batch_id_of(batch_id)
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


def newer_published(conn: psycopg.Connection, batch_id: str) -> tuple[str, object] | None:
    """The newest batch already published for an interval overlapping this batch's, extracted
    after it (started later), or None."""
    return conn.execute(
        """select newer.batch_id::text, newer.started_at
           from audit.loads as this
           join audit.loads as newer
             on newer.source = this.source and newer.stream = this.stream
            and newer.account_id = this.account_id
            and newer.interval_start < this.interval_end and newer.interval_end > this.interval_start
            and newer.status in ('published', 'released') and newer.started_at > this.started_at
           where this.batch_id = %s
           order by newer.started_at desc limit 1""",
        (batch_id,),
    ).fetchone()


def release(conn: psycopg.Connection, batch_id: str, force: bool = False, replace_newer: bool = False) -> str:
    batch_id = batch_id_of(batch_id)
    _quarantined(conn, batch_id)
    key = load.batch_key(conn, batch_id)
    stream = SOURCES[key.source].stream(key.stream)
    if force:
        newer = newer_published(conn, batch_id)
        if newer and not replace_newer:
            load.record_event(conn, batch_id, "release_refused", {"newer_batch": newer[0]})
            raise SocialKpiError(
                f"batch {batch_id} is older than batch {newer[0]}, published for the same interval at "
                f"{newer[1]:%Y-%m-%d %H:%M}Z; drop it, or add --replace-newer to overwrite the newer data"
            )
        rows = load.publish(conn, batch_id, None, from_schema="quarantine", status="released")
        load.record_event(conn, batch_id, FORCED_EVENT, {"rows": rows, "replaced_newer": bool(newer)})
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
    batch_id = batch_id_of(batch_id)
    _quarantined(conn, batch_id)
    rows = load.drop_quarantined(conn, batch_id)
    return f"batch {batch_id} dropped: {rows} quarantined rows deleted (the audit keeps its record)"
