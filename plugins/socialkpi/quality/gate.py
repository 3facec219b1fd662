"""The load gate: validate one landed batch with Great Expectations, inside PostgreSQL.

One ephemeral GX context per process holds a PostgreSQL data source; each batch becomes a query
asset over `landing.<table>` (or `quarantine.<table>` on release), validated by the stream's
versioned suite through a checkpoint whose action writes the data docs under
`.socialkpi/gx/data_docs/` (build output, git-ignored).
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import cache

import psycopg
from psycopg import sql

from socialkpi.paths import STATE_DIR
from socialkpi.quality.suites import batch_query, column_name, load_suite
from socialkpi.streams import Stream, Window

log = logging.getLogger(__name__)

DATA_DOCS_DIR = STATE_DIR / "gx" / "data_docs"
SITE_NAME = "socialkpi"
# A follower total that moves more than this share from the previous published one needs a person
# to look (`socialkpi quarantine release --force` is the flag that accepts it).
DEFAULT_MAX_FOLLOWER_JUMP = float(os.environ.get("SOCIALKPI_MAX_FOLLOWER_JUMP", "0.5"))


@dataclass
class Outcome:
    success: bool
    failed: list[str] = field(default_factory=list)
    result: dict | None = None
    data_docs_url: str | None = None

    def summary(self) -> str:
        return "passed" if self.success else "failed: " + "; ".join(self.failed)


@cache
def _context(url: str):
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    DATA_DOCS_DIR.mkdir(parents=True, exist_ok=True)
    restrict_data_docs()
    context.add_data_docs_site(
        site_name=SITE_NAME,
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(DATA_DOCS_DIR),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    source = context.data_sources.add_postgres(
        name="warehouse", connection_string=url.replace("postgresql://", "postgresql+psycopg2://", 1)
    )
    return context, source


def suite_parameters(conn: psycopg.Connection, stream: Stream, window: Window, schema: str, batch_id) -> dict:
    low, high = stream.expected_rows
    lower = window.start - timedelta(days=stream.window_days_before)
    parameters = {
        "min_rows": low,
        "max_rows": high,
        "window_start_epoch": lower.timestamp(),
        "window_end_epoch": window.end.timestamp(),
        "day_compact": [window.day.strftime("%Y%m%d")],
        "day_iso": [window.day.isoformat()],
        "utc_day_ms": [str(int(datetime.combine(window.day, time(), tzinfo=UTC).timestamp()) * 1000)],
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
    """The newest published value of `jump_field` for this account up to the batch's day (a rerun
    of the same day compares with the value it is about to replace). Values a person released with
    `--force` are skipped: they were let through, not confirmed, so they are no baseline."""
    path = "{" + ",".join(stream.jump_field.split(".")) + "}"
    row = conn.execute(
        sql.SQL(
            "select (record #>> %s)::bigint from {} as r where account_id = %s and interval_start <= %s "
            "and record #>> %s ~ '^[0-9]+$' and not exists (select 1 from audit.events as e "
            "where e.batch_id = r.batch_id and e.kind = 'released_forced') "
            "order by interval_start desc, extracted_at desc limit 1"
        ).format(sql.Identifier("raw", stream.table)),
        (path, window.account_id, window.day, path),
    ).fetchone()
    return row[0] if row else None


def validate_batch(
    url: str,
    conn: psycopg.Connection,
    stream: Stream,
    window: Window,
    batch_id: uuid.UUID | str,
    schema: str = "landing",
) -> Outcome:
    """Validate one batch with its stream's suite through a checkpoint.

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


def _suite(context, stream: Stream, excused: frozenset[str]):
    """The stream's versioned suite, registered once per process (and per set of excused columns)."""
    import great_expectations as gx

    key = (id(context), stream.table, excused)
    if key not in _SUITES:
        suite_doc = load_suite(stream)
        expectations = [e for e in suite_doc["expectations"] if e["kwargs"].get("column") not in excused]
        name = suite_doc["name"] + (f" without {', '.join(sorted(excused))}" if excused else "")
        _SUITES[key] = context.suites.add_or_update(
            gx.ExpectationSuite(name=name, expectations=expectations, meta=suite_doc["meta"])
        )
    return _SUITES[key]


_SUITES: dict = {}


def _run_checkpoint(
    url, stream: Stream, batch_id, schema: str, parameters: dict, detailed: bool, excused=frozenset()
) -> Outcome:
    import great_expectations as gx

    context, source = _context(url)
    name = f"{stream.table}__{batch_id}"
    asset = source.add_query_asset(name=name, query=batch_query(stream, schema, str(batch_id)))
    batch_definition = asset.add_batch_definition_whole_table("batch")
    suite = _suite(context, stream, frozenset(excused))
    # Per-batch objects are new names: `add` skips the compare-with-stored work of add_or_update.
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
    )
    actions = (
        [gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[SITE_NAME])] if detailed else []
    )
    checkpoint = context.checkpoints.add(
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
        context.checkpoints.delete(name)
        context.validation_definitions.delete(name)
        source.delete_asset(name)
    result = next(iter(run.run_results.values()))
    return Outcome(
        success=bool(result.success),
        failed=[_describe(r) for r in result.results if not r.success],
        result=result.to_json_dict(),
        data_docs_url=_docs_url(run) if detailed else None,
    )


def _describe(result) -> str:
    config = result.expectation_config
    column = config.kwargs.get("column")
    detail = result.result or {}
    unexpected = detail.get("partial_unexpected_list") or detail.get("observed_value")
    where = f"({column})" if column else ""
    return (
        f"{config.type}{where}: {str(unexpected)[:120]}"
        if unexpected is not None
        else f"{config.type}{where}"
    )


def restrict_data_docs() -> None:
    """Data docs show sample records (unexpected values, rows of a quarantined batch): readable by
    their owner only, folders 0700 and files 0600, whatever the umask GX wrote them with."""
    for folder in (DATA_DOCS_DIR.parent, DATA_DOCS_DIR):
        if folder.exists():
            folder.chmod(0o700)
    for root, folders, files in os.walk(DATA_DOCS_DIR):
        for name in folders:
            path = os.path.join(root, name)
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o700)
        for name in files:
            path = os.path.join(root, name)
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)


def _docs_url(run) -> str | None:
    restrict_data_docs()  # called right after every checkpoint run that wrote data docs
    for validation_result in run.run_results.values():
        actions = validation_result.get("actions_results", {}) if isinstance(validation_result, dict) else {}
        for site in (actions.get("data_docs") or {}).values():
            if isinstance(site, str):
                return site
    index = DATA_DOCS_DIR / "index.html"
    return index.as_uri() if index.exists() else None
