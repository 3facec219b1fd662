"""The transform DAG's work: `dbt build`, then Great Expectations on the marts."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

from socialkpi.errors import SocialKpiError
from socialkpi.paths import DBT_PROJECT_DIR
from socialkpi.warehouse import current_url, dbt_env

log = logging.getLogger(__name__)


class TransformFailed(SocialKpiError):
    """dbt build or the mart checks failed; the previous marts stay as they were built last."""


def dbt_executable() -> str:
    return str(Path(sys.executable).parent / "dbt")


def dbt_command(*args: str, url: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, **dbt_env(url or current_url()), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    command = [
        dbt_executable(),
        *args,
        "--no-use-colors",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=DBT_PROJECT_DIR)
    for line in result.stdout.splitlines():
        log.info("dbt: %s", line)
    if check and result.returncode != 0:
        problems = [
            line.strip()
            for line in result.stdout.splitlines()
            if any(word in line for word in ("ERROR", "FAIL", "Failure", "Compilation Error"))
        ]
        summary = " | ".join(problems[-6:]) or result.stderr.strip()[-500:]
        raise TransformFailed(f"dbt {args[0]} failed: {summary}")
    return result


def dbt_build() -> dict:
    ensure_raw_tables()
    missing = missing_incremental_models()
    if missing:
        # dbt unit tests of an incremental model read the model's own table ({{ this }}), so on a
        # new warehouse that table is built once first, with its upstream, before the full build.
        selection = " ".join(f"+{name}" for name in missing)
        dbt_command("build", "--select", selection, "--resource-type", "model", "--resource-type", "seed")
    result = dbt_command("build", "--fail-fast")
    tail = [line for line in result.stdout.splitlines() if "Done." in line or "PASS=" in line]
    return {"summary": tail[-1].strip() if tail else "done"}


def missing_incremental_models() -> list[str]:
    """Incremental models (declared in their SQL file's config) whose table does not exist yet."""
    import psycopg

    incremental = [
        path.stem
        for path in sorted((DBT_PROJECT_DIR / "models").rglob("*.sql"))
        if re.search(r"materialized\s*=\s*['\"]incremental['\"]", path.read_text())
    ]
    with psycopg.connect(current_url()) as conn:
        return [
            name
            for name in incremental
            if conn.execute("select to_regclass(%s)", (f"marts.{name}",)).fetchone()[0] is None
        ]


def ensure_raw_tables() -> None:
    """dbt's sources must exist even for a stream that has not landed a batch yet."""
    import psycopg

    from socialkpi import load
    from socialkpi.sources import SOURCES
    from socialkpi.sources.competitors import COMPETITOR_STREAMS

    with psycopg.connect(current_url(), autocommit=True) as conn, conn.transaction():
        for stream in [s for source in SOURCES.values() for s in source.streams] + list(COMPETITOR_STREAMS):
            load.ensure_tables(conn, stream.table)


def validate_marts(dag_run_id: str | None = None) -> dict:
    from socialkpi.quality.marts import run_mart_checks

    outcome = run_mart_checks(current_url(), dag_run_id=dag_run_id)
    if not outcome.success:
        raise TransformFailed("mart checks failed: " + "; ".join(outcome.failed))
    return {"checks": "passed", "data_docs": outcome.data_docs_url}
