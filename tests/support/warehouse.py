"""Resetting the session's warehouse between test modules that load their own data."""

from __future__ import annotations

import psycopg

LOAD_SCHEMAS = ("raw", "landing", "quarantine", "audit")


def empty_warehouse(url: str) -> None:
    """Empty every load table (raw, landing, quarantine, audit) and drop incremental mart state,
    so that the next transform builds from this test's data alone.

    Incremental marts keep rows across runs by design; once raw is emptied under them, their rows
    no longer match what a full refresh would build (dbt's assert_*_matches_full_refresh test)."""
    from socialkpi.transform import LIVE_SCHEMA, SHADOW_SCHEMA, incremental_marts

    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            """select format('%%I.%%I', table_schema, table_name) from information_schema.tables
               where table_schema = any(%s) and table_type = 'BASE TABLE'""",
            (list(LOAD_SCHEMAS),),
        ).fetchall()
        if tables:
            conn.execute("truncate " + ", ".join(t[0] for t in tables))
        for schema in (LIVE_SCHEMA, SHADOW_SCHEMA):
            for mart in incremental_marts():
                conn.execute(f'drop table if exists "{schema}"."{mart}"')
