"""Raw batch suites: one Great Expectations suite per stream, derived from its declared fields.

The suites are versioned as JSON under `expectations/suites/` (`socialkpi quality write-suites`
regenerates them; a test keeps the files and the stream declarations in step). Values that
depend on the batch (its day, its account, yesterday's follower total) are suite parameters
(`{"$PARAMETER": ...}`), filled in at validation time.

Each suite validates a query that flattens one landed batch into columns (`batch_query`), so the
checks run inside PostgreSQL, not in pandas.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from psycopg import sql

from socialkpi.paths import EXPECTATIONS_DIR
from socialkpi.streams import Field, Stream

SUITES_DIR = EXPECTATIONS_DIR / "suites"
NON_NEGATIVE_INTEGER = r"^[0-9]+$"
INTEGER = r"^-?[0-9]+$"
NON_NEGATIVE_NUMBER = r"^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"  # GA4 may send 1.2e-05
ISO_TIMESTAMP = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T"


def column_name(path: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "__", path.lower()).strip("_")


def _json_path(path: str) -> sql.Composable:
    return sql.Literal("{" + ",".join(path.split(".")) + "}")


def batch_query(
    stream: Stream, schema: str, batch_id: str, nulls_as_empty: frozenset[str] = frozenset()
) -> str:
    """SQL selecting one batch's records as columns: each declared field, its epoch when it is a
    timestamp, the primary key joined, and the field that names the account. The columns named in
    `nulls_as_empty` read a missing value as '' (the quick pass's suite, `quick_suite`)."""
    record = sql.Identifier("record")
    columns: list[sql.Composable] = [sql.SQL("record_index")]
    for field in stream.fields:
        value = sql.SQL("{} #>> {}").format(record, _json_path(field.path))
        shown = (
            sql.SQL("coalesce({}, '')").format(value) if column_name(field.path) in nulls_as_empty else value
        )
        columns.append(sql.SQL("{} as {}").format(shown, sql.Identifier(column_name(field.path))))
        if field.kind in ("count", "number"):
            number = sql.SQL("case when {v} ~ {rx} then ({v})::numeric end").format(
                v=value, rx=sql.Literal(r"^-?[0-9]+(\.[0-9]+)?$")
            )
            columns.append(
                sql.SQL("{} as {}").format(number, sql.Identifier(column_name(field.path) + "__number"))
            )
        epoch = None
        if field.kind == "timestamp":
            epoch = sql.SQL("case when {v} ~ {rx} then extract(epoch from ({v})::timestamptz) end").format(
                v=value, rx=sql.Literal(ISO_TIMESTAMP)
            )
        elif field.kind in ("epoch_seconds", "epoch_ms"):
            divisor = sql.Literal(1000 if field.kind == "epoch_ms" else 1)
            epoch = sql.SQL("case when {v} ~ {rx} then ({v})::numeric / {d} end").format(
                v=value, rx=sql.Literal(INTEGER), d=divisor
            )
        if epoch is not None:
            columns.append(
                sql.SQL("{} as {}").format(epoch, sql.Identifier(column_name(field.path) + "__epoch"))
            )
    # A range batch holds one record per key and day: the row's day is part of its identity.
    key_parts = [sql.SQL("interval_start::text")]
    key_parts += [
        sql.SQL("coalesce({} #>> {}, '')").format(record, _json_path(p)) for p in stream.primary_key
    ]
    columns.append(sql.SQL("concat_ws('|', {}) as _primary_key").format(sql.SQL(", ").join(key_parts)))
    if stream.account_field:
        columns.append(sql.SQL("{} #>> {} as _account_ref").format(record, _json_path(stream.account_field)))
    query = sql.SQL("select {} from {} where batch_id = {}").format(
        sql.SQL(", ").join(columns), sql.Identifier(schema, stream.table), sql.Literal(str(batch_id))
    )
    return query.as_string(None)


def _expectation(kind: str, **kwargs) -> dict:
    return {"type": kind, "kwargs": kwargs, "meta": {}}


def field_expectations(field: Field) -> list[dict]:
    column = column_name(field.path)
    checks = []
    if field.required:
        checks.append(_expectation("expect_column_values_to_not_be_null", column=column))
    if field.kind == "count":
        checks.append(
            _expectation("expect_column_values_to_match_regex", column=column, regex=NON_NEGATIVE_INTEGER)
        )
    elif field.kind == "integer":
        checks.append(_expectation("expect_column_values_to_match_regex", column=column, regex=INTEGER))
    elif field.kind == "number":
        checks.append(
            _expectation("expect_column_values_to_match_regex", column=column, regex=NON_NEGATIVE_NUMBER)
        )
    elif field.kind in ("timestamp", "epoch_seconds", "epoch_ms"):
        pattern = ISO_TIMESTAMP if field.kind == "timestamp" else NON_NEGATIVE_INTEGER
        checks.append(_expectation("expect_column_values_to_match_regex", column=column, regex=pattern))
        checks.append(
            _expectation(
                "expect_column_values_to_be_between",
                column=column + "__epoch",
                min_value={"$PARAMETER": "window_start_epoch"},
                max_value={"$PARAMETER": "window_end_epoch"},
            )
        )
    elif field.kind in ("date_compact", "date", "utc_day_ms"):
        parameter = {"date_compact": "day_compact", "date": "day_iso", "utc_day_ms": "utc_day_ms"}[field.kind]
        checks.append(
            _expectation(
                "expect_column_values_to_be_in_set", column=column, value_set={"$PARAMETER": parameter}
            )
        )
    elif field.kind != "text":
        raise ValueError(f"field {field.path}: unknown kind {field.kind!r}")
    return checks


def suite_for(stream: Stream) -> dict:
    """The suite as GX 1.x ExpectationSuite JSON."""
    low, high = stream.expected_rows
    expectations = [
        _expectation(
            "expect_table_row_count_to_be_between",
            min_value={"$PARAMETER": "min_rows"},
            max_value={"$PARAMETER": "max_rows"},
        ),
        _expectation("expect_column_values_to_be_unique", column="_primary_key"),
    ]
    for field in stream.fields:
        expectations.extend(field_expectations(field))
    if stream.account_field:
        expectations.append(
            _expectation(
                "expect_column_values_to_match_regex",
                column="_account_ref",
                regex={"$PARAMETER": "account_regex"},
            )
        )
    if stream.jump_field:
        expectations.append(
            _expectation(
                "expect_column_values_to_be_between",
                column=column_name(stream.jump_field) + "__number",
                min_value={"$PARAMETER": "jump_min"},
                max_value={"$PARAMETER": "jump_max"},
            )
        )
    return {
        "name": f"raw.{stream.table}",
        "expectations": expectations,
        "meta": {
            "stream": f"{stream.source}.{stream.name}",
            "expected_rows": [low, high],
            "generated_by": "socialkpi quality write-suites (from the stream declaration)",
        },
    }


def quick_suite(suite_doc: dict) -> tuple[dict, frozenset[str]]:
    """The suite with the same verdict in fewer expectations, for the gate's first pass.

    A column that must not be null and must match a regex that the empty string does not match
    needs one expectation, not two, once its query reads null as '': the regex then fails exactly
    where a value is missing or malformed (GX's column checks skip nulls, so the full suite asks
    both). GX spends about 10 ms of Python per expectation and batch: a quarter of the raw
    suites' expectations are such not-null checks. The columns to read null as '' come with it.
    A failing batch is validated again with the full suite, which names what failed.
    """
    regex_checked = {
        e["kwargs"]["column"]
        for e in suite_doc["expectations"]
        if e["type"] == "expect_column_values_to_match_regex"
        and isinstance(e["kwargs"].get("regex"), str)
        and re.search(e["kwargs"]["regex"], "") is None
    }
    merged = frozenset(
        e["kwargs"]["column"]
        for e in suite_doc["expectations"]
        if e["type"] == "expect_column_values_to_not_be_null" and e["kwargs"]["column"] in regex_checked
    )
    expectations = [
        e
        for e in suite_doc["expectations"]
        if not (e["type"] == "expect_column_values_to_not_be_null" and e["kwargs"]["column"] in merged)
    ]
    return {**suite_doc, "expectations": expectations}, merged


def suite_path(stream: Stream) -> Path:
    return SUITES_DIR / f"raw.{stream.table}.json"


def write_suites(streams: list[Stream]) -> list[Path]:
    SUITES_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for stream in streams:
        path = suite_path(stream)
        path.write_text(json.dumps(suite_for(stream), indent=2) + "\n")
        written.append(path)
    return written


def load_suite(stream: Stream) -> dict:
    path = suite_path(stream)
    if not path.exists():
        raise FileNotFoundError(f"no suite at {path}; run `socialkpi quality write-suites` and commit it")
    return json.loads(path.read_text())
