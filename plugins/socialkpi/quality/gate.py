"""The load gate: validate one landed batch with Great Expectations, inside PostgreSQL.

Each batch (one stream of one account over a range of days) becomes a query asset over
`landing.<table>` (or `quarantine.<table>` on release), validated by the stream's versioned suite:
first for a verdict only, with the suite's not-null checks that a regex makes redundant folded into
it (`quick_suite`), and, when that fails, by the full suite through a checkpoint whose action writes
the data docs. The suite's parameters come from the batch's range: its days, the window its
timestamps must lie in, its row bounds. A failing batch is quarantined alone; the context, outcome
and docs helpers are shared with the mart checks (`context.py`).
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from datetime import UTC, date, datetime, timedelta

import psycopg
from psycopg import sql

from socialkpi.quality.context import DATA_DOCS_DIR, SITE_NAME, Outcome, context, describe, docs_url
from socialkpi.quality.suites import batch_query, column_name, load_suite, quick_suite
from socialkpi.streams import PACIFIC, Stream, Window, midnight

log = logging.getLogger(__name__)

__all__ = ["DATA_DOCS_DIR", "Outcome", "batch_window", "suite_parameters", "validate_batch"]

# A follower total that moves more than this share from the previous published one needs a person
# to look (`socialkpi quarantine release --force` is the flag that accepts it).
DEFAULT_MAX_FOLLOWER_JUMP = float(os.environ.get("SOCIALKPI_MAX_FOLLOWER_JUMP", "0.5"))


def suite_parameters(conn: psycopg.Connection, stream: Stream, window: Window, schema: str, batch_id) -> dict:
    """The suite's parameters for a batch over `window`: `expected_rows` is per day for daily
    streams (a range of n days may hold n times as many), per batch otherwise; timestamps may lie
    anywhere from the window's first local or Pacific midnight (less the recent-post reach) to its
    last (Meta's `end_time` of the last day is the Pacific midnight after it)."""
    low, high = stream.expected_rows
    days = window.days
    per = len(days) if stream.kind == "daily" else 1
    lower = min(window.start, midnight(window.day, PACIFIC)) - timedelta(days=stream.window_days_before)
    upper = max(window.end, midnight(window.last + timedelta(days=1), PACIFIC))
    parameters = {
        "min_rows": low * per,
        "max_rows": None if high is None else high * per,
        "window_start_epoch": lower.timestamp(),
        "window_end_epoch": upper.timestamp(),
        "day_compact": [day.strftime("%Y%m%d") for day in days],
        "day_iso": [day.isoformat() for day in days],
        "utc_day_ms": [str(int(midnight(day, UTC).timestamp()) * 1000) for day in days],
        # The account id itself, a URN ending in it (`urn:li:organization:<id>`), or a composite id
        # that starts with it (`<id>/insights/...`, Graph post ids `<id>_<post>`).
        "account_regex": f"^(urn:[^:]+:[^:]+:)?{re.escape(window.account_id)}([/_]|$)",
        "jump_min": 0,
        "jump_max": 10**12,
    }
    if stream.jump_field:
        previous = previous_total(conn, stream, window)
        if previous:
            share = DEFAULT_MAX_FOLLOWER_JUMP
            parameters["jump_min"] = int(previous * (1 - share))
            parameters["jump_max"] = int(previous * (1 + share)) + 1
    return parameters


def previous_total(conn: psycopg.Connection, stream: Stream, window: Window) -> int | None:
    """The newest published value of `jump_field` for this account up to the batch's last day (a
    rerun of the same day compares with the value it is about to replace). Values a person released
    with `--force` are skipped: they were let through, not confirmed, so they are no baseline."""
    path = "{" + ",".join(stream.jump_field.split(".")) + "}"
    row = conn.execute(
        sql.SQL(
            "select (record #>> %s)::bigint from {} as r where account_id = %s and interval_start <= %s "
            "and record #>> %s ~ '^[0-9]+$' and not exists (select 1 from audit.events as e "
            "where e.batch_id = r.batch_id and e.kind = 'released_forced') "
            "order by interval_start desc, extracted_at desc limit 1"
        ).format(sql.Identifier("raw", stream.table)),
        (path, window.account_id, window.last, path),
    ).fetchone()
    return row[0] if row else None


def batch_window(conn: psycopg.Connection, batch_id: uuid.UUID | str, timezone: str) -> Window:
    """The window a landed batch was extracted for, as recorded in `audit.loads` (a recent-post
    list reaches back before its snapshot day); the batch's range for batches from before that."""
    row = conn.execute(
        """select account_id, coalesce(window_start, interval_start), coalesce(window_end, interval_end)
           from audit.loads where batch_id = %s""",
        (batch_id,),
    ).fetchone()
    if row is None:
        raise LookupError(f"no batch {batch_id} in audit.loads; list batches with `socialkpi loads`")
    account_id, first, end = row
    last: date = end - timedelta(days=1)
    return Window(account_id, first, timezone, last if last > first else None)


def validate_batch(
    url: str,
    conn: psycopg.Connection,
    stream: Stream,
    window: Window,
    batch_id: uuid.UUID | str,
    schema: str = "landing",
) -> Outcome:
    """Validate one batch (a whole range) with its stream's suite through one checkpoint.

    Most batches pass, so the first run asks GX for booleans only (about 3x faster than a
    summary). A failing batch is validated again with the full summary, which names the
    unexpected values, and its data docs page is written for the person who inspects it.
    """
    parameters = suite_parameters(conn, stream, window, schema, batch_id)
    excused = excused_columns(conn, stream, batch_id)
    outcome = _run_checkpoint(url, stream, batch_id, schema, parameters, detailed=False, excused=excused)
    if outcome.success:
        return outcome
    return _run_checkpoint(url, stream, batch_id, schema, parameters, detailed=True, excused=excused)


def excused_columns(conn: psycopg.Connection, stream: Stream, batch_id) -> frozenset[str]:
    """Columns of fields the platform no longer serves for this batch: a metric recorded as
    unavailable in `audit.loads` (retired, dropped from the request) excuses every field whose
    path names it (`views`, `public_metrics.like_count` when `public_metrics` was refused)."""
    row = conn.execute(
        "select unavailable_metrics from audit.loads where batch_id = %s", (batch_id,)
    ).fetchone()
    unavailable = set(row[0] or []) if row else set()
    columns = set()
    for declared in stream.fields:
        if unavailable & set(declared.path.split(".")):
            base = column_name(declared.path)
            columns |= {base, f"{base}__number", f"{base}__epoch"}
    return frozenset(columns)


def _suite(context, stream: Stream, excused: frozenset[str], quick: bool = False):
    """The stream's versioned suite, registered once per process (and per set of excused columns),
    with the columns its query reads null as '' (none but for the quick pass's, `quick_suite`)."""
    import great_expectations as gx

    key = (id(context), stream.table, excused, quick)
    if key not in _SUITES:
        suite_doc = load_suite(stream)
        expectations = [e for e in suite_doc["expectations"] if e["kwargs"].get("column") not in excused]
        suite_doc = {**suite_doc, "expectations": expectations}
        nulls_as_empty: frozenset[str] = frozenset()
        if quick:
            suite_doc, nulls_as_empty = quick_suite(suite_doc)
        name = (
            suite_doc["name"]
            + (f" without {', '.join(sorted(excused))}" if excused else "")
            + (" (quick pass)" if quick else "")
        )
        suite = context.suites.add_or_update(
            gx.ExpectationSuite(name=name, expectations=suite_doc["expectations"], meta=suite_doc["meta"])
        )
        _SUITES[key] = (suite, nulls_as_empty)
    return _SUITES[key]


_SUITES: dict = {}


def _run_checkpoint(
    url, stream: Stream, batch_id, schema: str, parameters: dict, detailed: bool, excused=frozenset()
) -> Outcome:
    import great_expectations as gx

    gx_context, source = context(url)
    if not detailed:
        return _validate_quickly(
            gx_context, source, stream, schema, str(batch_id), parameters, frozenset(excused)
        )
    name = f"{stream.table}__{batch_id}"
    asset = source.add_query_asset(name=name, query=batch_query(stream, schema, str(batch_id)))
    batch_definition = asset.add_batch_definition_whole_table("batch")
    suite, _ = _suite(gx_context, stream, frozenset(excused))
    # Per-batch objects are new names: `add` skips the compare-with-stored work of add_or_update.
    definition = gx_context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
    )
    actions = (
        [gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[SITE_NAME])] if detailed else []
    )
    checkpoint = gx_context.checkpoints.add(
        gx.Checkpoint(
            name=name,
            validation_definitions=[definition],
            actions=actions,
            result_format={"result_format": "SUMMARY" if detailed else "BOOLEAN_ONLY"},
        )
    )
    try:
        run = checkpoint.run(
            expectation_parameters=parameters,
            run_id=gx.RunIdentifier(run_name=name, run_time=datetime.now(UTC)),
        )
    finally:
        # Per-batch objects live only in this process's memory; drop them so it does not grow.
        gx_context.checkpoints.delete(name)
        gx_context.validation_definitions.delete(name)
        source.delete_asset(name)
    result = next(iter(run.run_results.values()))
    return Outcome(
        success=bool(result.success),
        failed=[describe(r) for r in result.results if not r.success],
        result=result.to_json_dict(),
        data_docs_url=docs_url(run) if detailed else None,
    )


def _validate_quickly(
    context, source, stream: Stream, schema: str, batch_id: str, parameters: dict, excused
) -> Outcome:
    """The first, boolean-only pass: the batch validated directly, without a checkpoint, by the
    suite with the same verdict in fewer expectations (`quick_suite`).

    A checkpoint, a validation definition and a new asset per batch each make GX re-serialise its
    project config and check the stores for freshness: measured, more than half of the gate's
    time on small batches. Here one query asset per stream is registered once per process and
    pointed at the batch (tasks in a worker run one at a time); the failing case goes through the
    full checkpoint, which writes the data docs.
    """
    suite, nulls_as_empty = _suite(context, stream, excused, quick=True)
    query = batch_query(stream, schema, batch_id, nulls_as_empty)
    asset = _ASSETS.get((id(source), stream.table))
    if asset is None:
        asset = source.add_query_asset(name=f"{stream.table}__gate", query=query)
        _ASSETS[(id(source), stream.table)] = asset
    asset.query = query
    batch = asset.add_batch_definition_whole_table("batch") if not asset.batch_definitions else None
    batch = (batch or asset.batch_definitions[0]).get_batch()
    result = batch.validate(suite, expectation_parameters=parameters, result_format="BOOLEAN_ONLY")
    return Outcome(
        success=bool(result.success),
        failed=[describe(r) for r in result.results if not r.success],
        result=result.to_json_dict(),
    )


_ASSETS: dict = {}
