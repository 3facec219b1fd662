"""The transform DAG's work: build the marts in a shadow schema, check them, then swap them in.

A BI tool reads the schema `marts`. It changes only when the whole transform passed:

1. `dbt build` writes the marts into the shadow schema `marts__next` (dbt's var `marts_schema`,
   see macros/generate_schema_name.sql), starting each incremental mart from a copy of the live
   table, and runs every data test there (`--fail-fast`);
2. the Great Expectations mart checks validate the shadow schema;
3. one transaction renames `marts` away and `marts__next` to `marts`, with the live schema's
   grants (bi_reader's, and any other role's) carried over.

A failure at 1 or 2 leaves `marts` exactly as it was, and with it the incremental state: the
next run copies the live table again, so it recovers without a `--full-refresh`.

dbt runs in the calling process (dbt's programmatic runner, `dbt_command`), not as a `dbt`
subprocess. Every dbt command passes the dbt vars socialkpi.yml sets under `transform: vars:` (alert
thresholds and the other settings of socialkpi.transform_settings).

Production builds leave out dbt's unit tests (dbt's advice outside development and CI);
`run_unit_tests()` runs them, and the test suite calls it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from socialkpi.errors import SocialKpiError
from socialkpi.paths import DBT_PROJECT_DIR
from socialkpi.transform_settings import configured_vars
from socialkpi.warehouse import current_url, dbt_env

log = logging.getLogger(__name__)

LIVE_SCHEMA = "marts"
SHADOW_SCHEMA = "marts__next"
RETIRED_SCHEMA = "marts__previous"
# A BI query holding a mart open must not stall the swap (and every reader queued behind it).
SWAP_LOCK_TIMEOUT = "30s"


class TransformFailed(SocialKpiError):
    """dbt build or the mart checks failed; the marts BI tools read stay as they were."""


def dbt_threads() -> int:
    """The cores this process may use: dbt builds independent models side by side."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def target_path(dbt_vars: dict, configured: dict) -> Path:
    """Where dbt keeps its artifacts, and its partial parse, for one set of project variables
    (`configured`: socialkpi.yml's `transform: vars:`, which the production build's include).

    dbt parses the whole project again (about 11 s of CPU) whenever `--vars` differ from its last
    invocation's. The production build's variables keep dbt's `target/`; any other set (a dbt
    command against the live schema, a caller's own `dbt_vars`) gets a folder of its own, so that
    switching between them keeps both parses. The base folder is dbt's own `DBT_TARGET_PATH`
    when set (the test suite gives each of its processes one, so that two dbt runs side by side
    never share a partial parse or `run_results.json`), else the project's `target/`.
    """
    base = Path(os.environ.get("DBT_TARGET_PATH") or DBT_PROJECT_DIR / "target")
    if dbt_vars == {**configured, "marts_schema": SHADOW_SCHEMA}:
        return base
    digest = hashlib.sha256(json.dumps(dbt_vars, sort_keys=True).encode()).hexdigest()[:12]
    return base / f"vars-{digest}"


@dataclass(frozen=True)
class DbtResult:
    """One dbt command's outcome: its console lines (what `dbt` would print), and whether it passed."""

    args: tuple[str, ...]
    success: bool
    lines: tuple[str, ...]

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


def dbt_args(*args: str, marts_schema: str = LIVE_SCHEMA, dbt_vars: dict | None = None) -> list[str]:
    """dbt's command line for `args`: socialkpi.yml's `transform: vars:`, then `dbt_vars` (theirs
    win), then the marts' schema, in one `--vars` (dbt keeps only the last `--vars` flag, so a
    second one in `args` would silently drop the first: it is refused)."""
    if "--vars" in args:
        raise ValueError("pass dbt variables as dbt_command(..., dbt_vars={...}), not as '--vars' in args")
    configured = configured_vars()
    project_vars = {**configured, **(dbt_vars or {}), "marts_schema": marts_schema}
    if "--target-path" not in args:
        args = (*args, "--target-path", str(target_path(project_vars, configured)))
    return [
        *args,
        # dbt's console lines reach DbtResult (and the log) through the callback, not stdout.
        "--quiet",
        "--no-use-colors",
        "--threads",
        str(dbt_threads()),
        "--vars",
        json.dumps(project_vars),
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
    ]


# dbt does not support two invocations at once in one process (its programmatic-invocation docs).
_DBT_LOCK = threading.Lock()


def dbt_command(
    *args: str,
    url: str | None = None,
    check: bool = True,
    marts_schema: str = LIVE_SCHEMA,
    dbt_vars: dict | None = None,
) -> DbtResult:
    """Run one dbt command (dbt_args) in this process, with dbt's programmatic runner.

    In process rather than as a `dbt` subprocess (as Astronomer Cosmos' DBT_RUNNER invocation
    mode does): a process pays Python's start and dbt's import once, not per command. Three
    builds in a row took 85 s of machine CPU as subprocesses and 69 s in one process; the test
    suite's processes run up to seven commands each, an Airflow task one.
    """
    command = dbt_args(*args, marts_schema=marts_schema, dbt_vars=dbt_vars)
    lines: list[str] = []

    def console_line(event) -> None:  # what dbt prints at its default level, minus timestamps
        if event.info.level in ("info", "warn", "error"):
            lines.append(event.info.msg)
            log.info("dbt: %s", event.info.msg)

    from dbt.cli.main import dbtRunner

    profile = {**dbt_env(url or current_url()), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    with _DBT_LOCK, _environment(profile):
        outcome = dbtRunner(callbacks=[console_line]).invoke(command)
    if outcome.exception is not None:
        lines.append(f"{type(outcome.exception).__name__}: {outcome.exception}")
    result = DbtResult(args=tuple(command), success=outcome.success, lines=tuple(lines))
    if check and not result.success:
        problems = [
            line.strip().replace("\n", " ")
            for line in lines
            if any(word in line for word in ("ERROR", "FAIL", "Failure", "Compilation Error", "Error:"))
        ]
        summary = " | ".join(problems[-6:]) or (lines[-1] if lines else "no output")
        raise TransformFailed(
            f"dbt {args[0]} failed: {summary}; the marts BI tools read are unchanged, fix the cause and rerun"
        )
    return result


@contextmanager
def _environment(values: dict[str, str]):
    """os.environ with `values` for the duration (dbt's profile reads the warehouse from it)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_transform(dag_run_id: str | None = None) -> dict:
    """The whole transform outside Airflow (benchmarks, scripts): build, check, swap."""
    return {
        "build": dbt_build(),
        "checks": validate_marts(dag_run_id),
        "publish": publish_marts(),
    }


def dbt_build() -> dict:
    """Build and test every model into the shadow schema; the live marts are not touched."""
    url = current_url()
    ensure_raw_tables()
    prepare_shadow(url)
    result = dbt_command(
        "build", "--fail-fast", "--exclude-resource-type", "unit_test", url=url, marts_schema=SHADOW_SCHEMA
    )
    tail = [line for line in result.lines if "Done." in line or "PASS=" in line]
    return {"summary": tail[-1].strip() if tail else "done", "schema": SHADOW_SCHEMA}


def validate_marts(dag_run_id: str | None = None) -> dict:
    """The GX mart checks, on the shadow schema that is about to go live."""
    from socialkpi.quality.marts import run_mart_checks

    outcome = run_mart_checks(current_url(), dag_run_id=dag_run_id, schema=SHADOW_SCHEMA)
    if not outcome.success:
        raise TransformFailed(
            "mart checks failed: "
            + "; ".join(outcome.failed)
            + "; the marts BI tools read are unchanged, fix the data and rerun"
        )
    return {"checks": "passed", "data_docs": outcome.data_docs_url}


def publish_marts() -> dict:
    """Swap the checked shadow schema in for the live marts, in one transaction."""
    url = current_url()
    with psycopg.connect(url, autocommit=True) as conn:
        if not _schema_exists(conn, SHADOW_SCHEMA):
            raise TransformFailed(
                f"no schema {SHADOW_SCHEMA} to publish; run the dbt build and the mart checks first"
            )
        conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(RETIRED_SCHEMA)))
        with conn.transaction():
            conn.execute(sql.SQL("set local lock_timeout = {}").format(sql.Literal(SWAP_LOCK_TIMEOUT)))
            _copy_grants(conn, LIVE_SCHEMA, SHADOW_SCHEMA)
            if _schema_exists(conn, LIVE_SCHEMA):
                conn.execute(
                    sql.SQL("alter schema {} rename to {}").format(
                        sql.Identifier(LIVE_SCHEMA), sql.Identifier(RETIRED_SCHEMA)
                    )
                )
            conn.execute(
                sql.SQL("alter schema {} rename to {}").format(
                    sql.Identifier(SHADOW_SCHEMA), sql.Identifier(LIVE_SCHEMA)
                )
            )
        # After the commit: the new marts are live; dropping the old ones may wait for readers.
        conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(RETIRED_SCHEMA)))
        tables = conn.execute(
            "select count(*) from pg_tables where schemaname = %s", (LIVE_SCHEMA,)
        ).fetchone()[0]
    return {"published": LIVE_SCHEMA, "tables": tables}


def prepare_shadow(url: str) -> None:
    """A fresh shadow schema holding a copy of each incremental mart's live table.

    The incremental model then continues from the live state, and a failed build leaves that
    state where it was.
    """
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        _empty_shadow(conn)
        for name in incremental_marts():
            if not _is_live(conn, name):
                continue  # first build: dbt creates it in full
            source = sql.Identifier(LIVE_SCHEMA, name)
            target = sql.Identifier(SHADOW_SCHEMA, name)
            conn.execute(sql.SQL("create table {} (like {} including all)").format(target, source))
            conn.execute(sql.SQL("insert into {} select * from {}").format(target, source))


def _empty_shadow(conn: psycopg.Connection) -> None:
    """The shadow schema new and empty, whatever an earlier build left in it."""
    shadow = sql.Identifier(SHADOW_SCHEMA)
    conn.execute(sql.SQL("drop schema if exists {} cascade").format(shadow))
    conn.execute(sql.SQL("create schema {}").format(shadow))


def _is_live(conn: psycopg.Connection, name: str) -> bool:
    return conn.execute("select to_regclass(%s)", (f"{LIVE_SCHEMA}.{name}",)).fetchone()[0] is not None


def _mart_files() -> list[Path]:
    return sorted((DBT_PROJECT_DIR / "models" / "marts").rglob("*.sql"))


def mart_models() -> list[str]:
    """The models of the marts folder: the tables of the schema BI tools read."""
    return [path.stem for path in _mart_files()]


def incremental_marts() -> list[str]:
    """Incremental models of the marts folder (declared in their SQL file's config)."""
    return [
        path.stem
        for path in _mart_files()
        if re.search(r"materialized\s*=\s*['\"]incremental['\"]", path.read_text())
    ]


def _schema_exists(conn: psycopg.Connection, schema: str) -> bool:
    return conn.execute("select 1 from pg_namespace where nspname = %s", (schema,)).fetchone() is not None


def _copy_grants(conn: psycopg.Connection, source: str, target: str) -> None:
    """Give `target` the privileges other roles hold on `source`: on the schema, on its tables
    (by default privileges, which dbt's new tables also receive) and on the default privileges."""
    if not _schema_exists(conn, source):
        return
    schema_grants = conn.execute(
        """select grantee.rolname, acl.privilege_type
           from pg_namespace as n, aclexplode(n.nspacl) as acl
           join pg_roles as grantee on grantee.oid = acl.grantee
           where n.nspname = %s and acl.grantee <> n.nspowner""",
        (source,),
    ).fetchall()
    for role, privilege in schema_grants:
        conn.execute(
            sql.SQL("grant {} on schema {} to {}").format(
                sql.SQL(privilege), sql.Identifier(target), sql.Identifier(role)
            )
        )
    default_grants = conn.execute(
        """select grantee.rolname, acl.privilege_type
           from pg_default_acl as d
           join pg_namespace as n on n.oid = d.defaclnamespace,
           aclexplode(d.defaclacl) as acl
           join pg_roles as grantee on grantee.oid = acl.grantee
           where n.nspname = %s and d.defaclobjtype = 'r'""",
        (source,),
    ).fetchall()
    for role, privilege in default_grants:
        conn.execute(
            sql.SQL("alter default privileges in schema {} grant {} on tables to {}").format(
                sql.Identifier(target), sql.SQL(privilege), sql.Identifier(role)
            )
        )
        conn.execute(
            sql.SQL("grant {} on all tables in schema {} to {}").format(
                sql.SQL(privilege), sql.Identifier(target), sql.Identifier(role)
            )
        )
    table_grants = conn.execute(
        """select c.relname, grantee.rolname, acl.privilege_type
           from pg_class as c
           join pg_namespace as n on n.oid = c.relnamespace,
           aclexplode(c.relacl) as acl
           join pg_roles as grantee on grantee.oid = acl.grantee
           where n.nspname = %s and acl.grantee <> c.relowner and c.relkind in ('r', 'v', 'm', 'p')""",
        (source,),
    ).fetchall()
    for table, role, privilege in table_grants:
        exists = conn.execute("select to_regclass(%s)", (f'"{target}"."{table}"',)).fetchone()[0]
        if exists is not None:
            conn.execute(
                sql.SQL("grant {} on {} to {}").format(
                    sql.SQL(privilege), sql.Identifier(target, table), sql.Identifier(role)
                )
            )


def run_unit_tests(url: str | None = None) -> dict:
    """dbt's unit tests (every KPI formula), for `make test` and CI; production builds skip them.

    They run with the production build's project variables, so dbt reads that build's partial
    parse instead of parsing the whole project again for other `--vars` (about 11 s of CPU), and
    their refs to marts resolve to the shadow schema. dbt reads the columns of a unit test's inputs (an
    incremental model's own table among them) from the warehouse, so the shadow gets an empty copy
    of every live mart for the time of the tests; a mart the warehouse does not have yet is built
    into it once, with its upstream.
    """
    url = url or current_url()
    ensure_raw_tables()
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        _empty_shadow(conn)
        missing = []
        for name in mart_models():
            if not _is_live(conn, name):
                missing.append(name)
                continue
            conn.execute(
                sql.SQL("create table {} (like {})").format(
                    sql.Identifier(SHADOW_SCHEMA, name), sql.Identifier(LIVE_SCHEMA, name)
                )
            )
    try:
        if missing:
            selection = " ".join(f"+{name}" for name in missing)
            dbt_command(
                "build",
                "--select",
                selection,
                "--resource-type",
                "model",
                "--resource-type",
                "seed",
                url=url,
                marts_schema=SHADOW_SCHEMA,
            )
        result = dbt_command("test", "--select", "test_type:unit", url=url, marts_schema=SHADOW_SCHEMA)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(SHADOW_SCHEMA)))
    tail = [line for line in result.lines if "PASS=" in line]
    return {"summary": tail[-1].strip() if tail else "done"}


def ensure_raw_tables() -> None:
    """dbt's sources must exist even for a stream that has not landed a batch yet, and the account
    list staging filters on must be the configuration's (a transform run on its own, without an
    ingest run before it, still shows exactly the configured accounts)."""
    from socialkpi import load
    from socialkpi.pipeline import sync_accounts
    from socialkpi.sources import SOURCES
    from socialkpi.sources.competitors import COMPETITOR_STREAMS

    with psycopg.connect(current_url(), autocommit=True) as conn, conn.transaction():
        for stream in [s for source in SOURCES.values() for s in source.streams] + list(COMPETITOR_STREAMS):
            load.ensure_tables(conn, stream.table)
    sync_accounts()
