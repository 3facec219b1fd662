"""Local runs of the pipeline: `socialkpi run` and `socialkpi airflow`, in one module.

`socialkpi run` (the CLI process, `run_range`):
1. starts what is missing: the warehouse, and the simulator for sources without a connection
   (`start_simulator`, shared with `socialkpi airflow`);
2. takes the warehouse's run lock (one `socialkpi run` per warehouse) and marks the batches a dead
   run left at `landing`/`validating` as `abandoned`;
3. prepares Airflow (its home and metadata database inside `.socialkpi/`);
4. runs the range as real Airflow DAG runs in worker processes (`python -m socialkpi.pipeline
   worker`): each worker is one range run of `socialkpi_ingest` (params `start`/`end`, through
   `dag.test()`, in process so Airflow and GX are imported once), one per core, each over the whole
   range for its share of the accounts (param `accounts_share`; `--split days` makes one run per
   day instead, as the daily schedule would, each worker taking a contiguous share of the days);
   then one run of `socialkpi_transform`.

Workers live in their own process group and watch a pipe from the CLI: when the CLI ends in any
way (Ctrl-C, SIGTERM, SIGKILL), the pipe closes and each worker kills its group (itself, dbt, and
whatever else it started). Their output goes to a log file; the terminal sees one line per run.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg

from socialkpi.config import Config, load_config
from socialkpi.errors import SocialKpiError
from socialkpi.paths import DAGS_DIR, PLUGINS_DIR, PROJECT_ROOT, STATE_DIR

AIRFLOW_HOME = STATE_DIR / "airflow"
LOG_DIR = STATE_DIR / "logs"
PACIFIC = ZoneInfo("America/Los_Angeles")
# The zone whose midnight ends a platform's day, where it is not the account's own (contracts 2
# and 4): Meta insights and YouTube Analytics count US Pacific days, LinkedIn statistics UTC days.
# Each worker process pays Airflow's and GX's imports once (about 15 s); more workers than
# cores only make them wait for each other.
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)


# ---- Airflow's environment ------------------------------------------------------------------------
def airflow_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for every Airflow process socialkpi starts."""
    from socialkpi.warehouse import airflow_metadata_url

    env = dict(os.environ)
    env.update(
        {
            "AIRFLOW_HOME": str(AIRFLOW_HOME),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(PLUGINS_DIR),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": env.get("AIRFLOW__CORE__EXECUTOR", "LocalExecutor"),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": airflow_metadata_url(),
            # psycopg 3 is async-capable; without this Airflow reaches for asyncpg, which we do not ship.
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": airflow_metadata_url(),
            "AIRFLOW__API__HOST": env.get("AIRFLOW__API__HOST", "127.0.0.1"),
            "AIRFLOW__API__PORT": env.get("AIRFLOW__API__PORT", "8080"),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": env.get("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING"),
            "GX_ANALYTICS_ENABLED": "False",
            "SOCIALKPI_HOME": str(PROJECT_ROOT),
            # Names socialkpi's warehouse sessions, so a run can tell a live ingest from a dead one.
            "PGAPPNAME": INGEST_APPLICATION,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PLUGINS_DIR), env.get("PYTHONPATH")])),
            # `airflow standalone` starts its components as `airflow ...` from PATH
            "PATH": os.pathsep.join(filter(None, [str(Path(sys.executable).parent), env.get("PATH")])),
        }
    )
    env.update(extra or {})
    return env


def airflow_bin() -> str:
    return str(Path(sys.executable).parent / "airflow")


def dag_files_stamp() -> str:
    """Changes when a DAG file, the package or Airflow changes: then the DAGs are registered again."""
    from importlib.metadata import version  # not `import airflow`: seconds of the CLI's start

    files = sorted(DAGS_DIR.glob("*.py")) + sorted((PLUGINS_DIR / "socialkpi").glob("*.py"))
    parts = [f"{path.name}:{path.stat().st_mtime_ns}:{path.stat().st_size}" for path in files]
    return "|".join([version("apache-airflow"), *parts])


def migrate_airflow_db(env: dict[str, str], register: bool = True) -> None:
    """Bring Airflow's metadata database up to date and (`register`) register the DAGs and their
    Assets.

    Each step is skipped when nothing it depends on changed since it last ran (each costs an
    Airflow start, 10-20 s). Registering the DAGs up front lets several DAG runs start at once
    without racing to create the same Asset rows; a single run needs no such step (`dag.test()`
    syncs its DAG folder to the database itself), so it leaves it to the next run side by side.
    """
    AIRFLOW_HOME.mkdir(parents=True, exist_ok=True)
    database = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].rsplit("@", 1)[-1]
    steps = (("migrated", ["db", "migrate"], database), ("registered", ["dags", "reserialize"], None))
    steps = steps if register else steps[:1]
    for name, command, stamp in steps:
        stamp = stamp or f"{database}|{dag_files_stamp()}"
        marker = AIRFLOW_HOME / f".{name}"
        if marker.exists() and marker.read_text() == stamp:
            continue
        result = subprocess.run([airflow_bin(), *command], env=env, capture_output=True, text=True)
        if result.returncode != 0:
            last = (result.stderr.strip() or result.stdout.strip() or "no output").splitlines()[-1]
            raise SocialKpiError(f"`airflow {' '.join(command)}` failed: {last}")
        marker.write_text(stamp)


# ---- the simulator, for `run` and `airflow` alike --------------------------------------------------
def simulator_accounts(config: Config) -> dict[str, list[dict]]:
    """Every configured account with its reporting timezone (contract 5)."""
    return {
        name: [{"id": a.id, "timezone": a.timezone} for a in source.accounts]
        for name, source in config.sources.items()
    }


def start_simulator(config: Config, port: int = 0):
    """Serve every source that has no Airflow connection from the simulator; returns the server
    (None when every source has a connection) and the `AIRFLOW_CONN_*` values pointing at it."""
    from socialkpi.connections import simulator_connections

    if not simulator_connections("http://127.0.0.1:0", config.sources):
        return None, {}
    server = build_simulator(config, port).start()
    return server, simulator_connections(server.url, config.sources)


def build_simulator(config: Config, port: int):
    """The simulator for the configured accounts (not started)."""
    from socialkpi.simulator import SimulatorServer

    return SimulatorServer(
        seed=config.simulator_seed, accounts=simulator_accounts(config), host="127.0.0.1", port=port
    )


# ---- the range -------------------------------------------------------------------------------------
def date_range(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def last_complete_days(days: int, config=None, now: datetime | None = None) -> tuple[date, date]:
    """The last `days` days that every configured account's platform has complete."""
    from socialkpi import ingest

    config = config or load_config()
    now = now or datetime.now(UTC)
    ends = [
        ingest.complete_through(name, account.tz, now)
        for name, source in config.sources.items()
        for account in source.accounts
    ] or [now.date() - timedelta(days=1)]
    end = min(ends)
    return end - timedelta(days=days - 1), end


@dataclass(frozen=True)
class RangeRun:
    """A worker's runs of the ingest DAG: one range run of days start..end (inclusive) of all
    accounts or of a share, or (`daily`) one run per day of start..end, one after the other."""

    start: date
    end: date
    accounts_share: str | None = None  # 'i/n': every n-th (source, account) from the i-th
    daily: bool = False

    def worker_args(self) -> list[str]:
        share = ["--accounts-share", self.accounts_share] if self.accounts_share else []
        return [
            "--start",
            str(self.start),
            "--end",
            str(self.end),
            *share,
            *(["--daily"] if self.daily else []),
        ]


def plan_range_runs(start: date, end: date, workers: int, split: str, accounts: int) -> list[RangeRun]:
    """The range runs of `socialkpi run`, one per worker.

    split 'accounts' (the default): every run covers the whole range for its share of the
    accounts, so range-wide reports (GA4, Plausible, YouTube Analytics, X timelines) and lifetime
    snapshots (post insights, comments) are asked once per account, as the APIs allow; split
    'days': one run per day, for every account, as the daily schedule makes them (to check that
    daily runs and a range run agree; each run asks again what a range run asks once), the
    workers taking contiguous shares of the days.
    """
    if split == "days":
        return [
            RangeRun(share[0], share[-1], daily=True) for share in share_out(date_range(start, end), workers)
        ]
    count = max(1, min(workers, accounts))
    if count == 1:
        return [RangeRun(start, end)]
    return [RangeRun(start, end, f"{index}/{count}") for index in range(1, count + 1)]


def share_out(days: list[date], workers: int) -> list[list[date]]:
    """Contiguous, nearly equal runs of days, one per worker."""
    workers = max(1, min(workers, len(days)))
    size, extra = divmod(len(days), workers)
    shares, start = [], 0
    for index in range(workers):
        end = start + size + (1 if index < extra else 0)
        shares.append(days[start:end])
        start = end
    return shares


def sync_accounts() -> int:
    """Write the configured accounts (names, reporting timezones) to raw.socialkpi__accounts."""
    from socialkpi import load
    from socialkpi.warehouse import current_url

    config = load_config()
    rows = [
        (name, account.id, account.name, account.timezone)
        for name, source in config.sources.items()
        for account in source.accounts
    ]
    with psycopg.connect(current_url(), autocommit=True) as conn:
        load.upsert_accounts(conn, rows)
    return len(rows)


# ---- run control: one run per warehouse, no batch left behind ---------------------------------------
INGEST_APPLICATION = "socialkpi"
RUN_LOCK_KEY = "socialkpi: one run per warehouse"


@dataclass
class RunLock:
    """A session-level advisory lock held by the CLI's own connection for the whole run.

    PostgreSQL releases it when that connection ends, however the CLI ends (a SIGKILL closes the
    socket), so a dead run never blocks the next one. `audit.runs` names the holder for the
    message the second run prints.
    """

    url: str
    start: date
    end: date
    conn: psycopg.Connection | None = None
    run_id: int | None = None

    def acquire(self) -> RunLock:
        conn = psycopg.connect(self.url, autocommit=True, application_name="socialkpi run lock")
        got = conn.execute("select pg_try_advisory_lock(hashtext(%s))", (RUN_LOCK_KEY,)).fetchone()[0]
        if not got:
            holder = conn.execute(
                "select pid, host, started_at, first_day, last_day from audit.runs"
                " where finished_at is null order by started_at desc limit 1"
            ).fetchone()
            conn.close()
            if holder:
                pid, host, started, first, last = holder
                who = f"pid {pid} on {host}, started {started:%Y-%m-%d %H:%M:%S} UTC, {first} .. {last}"
            else:
                who = "its details are not recorded"
            raise SocialKpiError(
                f"another `socialkpi run` is using this warehouse ({who}); wait for it to finish or stop it"
            )
        # Runs that died without finishing are over now: we hold the lock they held.
        conn.execute("update audit.runs set finished_at = now(), status = 'died' where finished_at is null")
        self.run_id = conn.execute(
            "insert into audit.runs (pid, host, first_day, last_day) values (%s, %s, %s, %s) returning run_id",
            (os.getpid(), socket.gethostname(), self.start, self.end),
        ).fetchone()[0]
        self.conn = conn
        return self

    def release(self, status: str) -> None:
        if self.conn is None:
            return
        with contextlib.suppress(psycopg.Error):
            self.conn.execute(
                "update audit.runs set finished_at = now(), status = %s where run_id = %s",
                (status, self.run_id),
            )
            self.conn.execute("select pg_advisory_unlock(hashtext(%s))", (RUN_LOCK_KEY,))
        with contextlib.suppress(psycopg.Error):
            self.conn.close()
        self.conn = None


def abandon_dead_batches(url: str) -> list[tuple[str, str, str, str]]:
    """Mark batches a dead run left at `landing`/`validating` as `abandoned`, removing their landing
    rows; returns (batch, source, stream, account) of each.

    Called under the run lock. Batches of a live ingest elsewhere (an Airflow scheduler sharing
    the warehouse: a session named like ours) are left alone; the next run looks again.
    """
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        live = conn.execute(
            "select count(*) from pg_stat_activity where application_name = %s and pid <> pg_backend_pid()"
            " and datname = current_database()",
            (INGEST_APPLICATION,),
        ).fetchone()[0]
        if live:
            return []
        abandoned = []
        with conn.transaction():
            stuck = conn.execute(
                "select batch_id::text, source, stream, account_id from audit.loads"
                " where status in ('landing', 'validating') for update"
            ).fetchall()
            for batch_id, source, stream, account_id in stuck:
                table = sql.Identifier("landing", f"{source}__{stream}")
                if conn.execute("select to_regclass(%s)", (f"landing.{source}__{stream}",)).fetchone()[0]:
                    conn.execute(sql.SQL("delete from {} where batch_id = %s").format(table), (batch_id,))
                conn.execute(
                    "update audit.loads set status = 'abandoned', finished_at = now(),"
                    " message = 'left at ' || status || ' by a run that ended before finishing it'"
                    " where batch_id = %s",
                    (batch_id,),
                )
                conn.execute(
                    "insert into audit.events (batch_id, kind, detail) values (%s, 'abandoned', '{}')",
                    (batch_id,),
                )
                abandoned.append((batch_id, source, stream, account_id))
    return abandoned


# ---- the CLI side of `socialkpi run` ---------------------------------------------------------------
class Worker:
    """One worker process in its own process group, its output relayed to the log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_file, watch_fd: int):
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, "-m", "socialkpi.pipeline", "worker", "--watch-fd", str(watch_fd), *args],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own group: killed as one, with whatever it starts
            pass_fds=(watch_fd,),
        )
        self.ready = threading.Event()
        self._relay = threading.Thread(target=self._copy_output, args=(log_file,), daemon=True)
        self._relay.start()

    def _copy_output(self, log_file) -> None:
        for line in self.process.stdout:
            log_file.write(f"[{self.name}] {line}")
            if line.startswith("socialkpi: worker ready"):
                self.ready.set()
            elif line.startswith("socialkpi: "):
                print(line, end="", flush=True)
        self.ready.set()

    def go(self, command: str) -> None:
        with contextlib.suppress(BrokenPipeError, OSError):
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()

    def wait(self) -> int:
        code = self.process.wait()
        self._relay.join(timeout=5)
        return code

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)


def _terminate(signum, frame):
    raise KeyboardInterrupt


def run_range(
    start: date,
    end: date,
    lookback_days: int | None,
    workers: int = DEFAULT_WORKERS,
    transform: bool = True,
    split: str = "accounts",
) -> int:
    """`socialkpi run`: the range through Airflow in worker processes; returns the exit code."""
    from socialkpi.warehouse import ensure_started

    config = load_config()
    url = ensure_started(announce=lambda line: print(line, file=sys.stderr))
    lock = RunLock(url, start, end).acquire()
    signal.signal(signal.SIGTERM, _terminate)  # leave through `finally`, which stops the workers
    status, simulator, started, connections = "failed", None, [], {}
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"run-{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}.log"
    try:
        for batch_id, source, stream, account in abandon_dead_batches(url):
            print(
                f"socialkpi: batch {batch_id} ({source}.{stream} {account}) was left by a dead run: abandoned"
            )
        simulator, connections = start_simulator(config)
        if simulator is not None:
            print(
                f"socialkpi: sources without an Airflow connection read from the simulator at {simulator.url}"
            )
        # A person at the terminal wants a failure now, not after a retry delay.
        env = airflow_env({"SOCIALKPI_TASK_RETRIES": "0", **connections})
        from socialkpi.ingest import targets

        runs = plan_range_runs(start, end, workers, split, len(targets(config)))
        migrate_airflow_db(env, register=len(runs) > 1)
        plan = f"{len(runs)} range runs" if split != "days" else f"a run per day in {len(runs)} workers"
        print(f"socialkpi: running {start} .. {end} through Airflow ({plan})", flush=True)
        watch_read, watch_write = os.pipe()  # the CLI never writes: workers read EOF when it ends
        lookback = [] if lookback_days is None else ["--lookback-days", str(lookback_days)]
        with log_path.open("w", buffering=1) as log_file:  # line by line: `tail -f` works
            for index, planned in enumerate(runs):
                then = ["--then-transform"] if index == 0 and transform else []
                args = [*planned.worker_args(), *lookback, *then]
                started.append(Worker(f"worker {index + 1}", args, env, log_file, watch_read))
            os.close(watch_read)
            codes = [worker.wait() for worker in started[1:]]
            if started and transform:
                # The first worker waits, Airflow loaded, until every range run has finished.
                started[0].ready.wait()
                started[0].go("transform")
            codes.insert(0, started[0].wait() if started else 0)
        os.close(watch_write)
        status = "success" if not any(codes) else "failed"
    except KeyboardInterrupt:
        status = "interrupted"
        print("socialkpi: interrupted; stopping the workers", file=sys.stderr)
        for worker in started:
            worker.kill()
        raise
    finally:
        if simulator is not None:
            simulator.stop()
        lock.release(status)
    broken = unreachable(url, connections if simulator is None else {})
    if broken:
        raise SocialKpiError(f"{broken}; the run stopped there (full log: {log_path})")
    if status != "success":
        print(
            f"socialkpi: some runs failed; see `socialkpi loads` and the log {log_path}",
            file=sys.stderr,
        )
        return 1
    return 0


def unreachable(url: str, connections: dict[str, str]) -> str | None:
    """One sentence naming the warehouse or API server that stopped answering, or None."""
    import json
    from urllib.parse import urlsplit

    from socialkpi.warehouse import masked

    try:
        with psycopg.connect(url, connect_timeout=3):
            pass
    except psycopg.OperationalError:
        return f"the warehouse at {masked(url)} stopped answering (start it: `socialkpi warehouse start`)"
    for variable, value in connections.items():
        with contextlib.suppress(ValueError, TypeError, KeyError):
            parts = urlsplit(json.loads(value)["host"])
            try:
                socket.create_connection((parts.hostname, parts.port or 80), timeout=3).close()
            except OSError:
                return f"nothing answers at {parts.scheme}://{parts.netloc} ({variable}); is the simulator running?"
    return None


# ---- the worker side -------------------------------------------------------------------------------
def watch_parent(fd: int) -> None:
    """Kill this worker's process group when the CLI's end of the pipe closes, however it ended."""

    def watch() -> None:
        with contextlib.suppress(OSError):
            while os.read(fd, 1):
                pass
        os.killpg(os.getpgrp(), signal.SIGKILL)

    threading.Thread(target=watch, name="socialkpi-parent-watch", daemon=True).start()


def load_dags():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_DIR))
    if bag.import_errors:
        for path, error in bag.import_errors.items():
            print(f"socialkpi: DAG import error in {path}: {error.splitlines()[-1]}", flush=True)
        raise SystemExit(2)
    return bag.get_dag("socialkpi_ingest"), bag.get_dag("socialkpi_transform")


def run_ingest(
    dag, start: date, end: date, lookback_days: int | None, accounts_share: str | None = None
) -> bool:
    """One range run of the ingest DAG for [start, end] (days inclusive), of all accounts or a share."""
    began = time.monotonic()
    # A manual run after the range is over; its params carry the range (contract 5). Airflow keeps
    # one run per logical date: the runs sharing out one range's accounts are a second apart.
    from socialkpi.ingest import parse_share

    share_index = parse_share(accounts_share)[0] if accounts_share else 1
    run_after = datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)
    conf = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "lookback_days": lookback_days,
        "accounts_share": accounts_share,
    }
    dag_run = dag.test(logical_date=run_after + timedelta(seconds=share_index - 1), run_conf=conf)
    state = str(getattr(dag_run, "state", "failed"))
    label = f"{start}" if start == end else f"{start} .. {end}"
    if accounts_share:
        label += f" (accounts {accounts_share})"
    print(f"socialkpi: ingest {label}: {state} ({time.monotonic() - began:.1f}s)", flush=True)
    return state == "success"


def run_transform(dag) -> bool:
    began = time.monotonic()
    dag_run = dag.test()
    state = str(getattr(dag_run, "state", "failed"))
    print(f"socialkpi: transform: {state} ({time.monotonic() - began:.1f}s)", flush=True)
    return state == "success"


def worker_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m socialkpi.pipeline worker")
    parser.add_argument("--watch-fd", type=int, required=True)
    parser.add_argument("--start", type=date.fromisoformat, required=True)
    parser.add_argument("--end", type=date.fromisoformat, required=True)
    parser.add_argument("--lookback-days", type=int, default=None)
    parser.add_argument("--accounts-share", default=None)
    parser.add_argument("--daily", action="store_true", help="one run per day of start..end")
    parser.add_argument("--then-transform", action="store_true")
    args = parser.parse_args(argv)
    watch_parent(args.watch_fd)
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    ingest, transform = load_dags()
    ranges = (
        [(day, day) for day in date_range(args.start, args.end)] if args.daily else [(args.start, args.end)]
    )
    # Every run, even after one failed: a day's failure is that day's, as on the schedule.
    results = [
        run_ingest(ingest, first, last, args.lookback_days, args.accounts_share) for first, last in ranges
    ]
    ok = all(results)
    if args.then_transform:
        print("socialkpi: worker ready", flush=True)
        if sys.stdin.readline().strip() == "transform":
            ok = run_transform(transform) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:2] != ["worker"]:
        sys.exit("usage: python -m socialkpi.pipeline worker ... (started by `socialkpi run`)")
    sys.exit(worker_main(sys.argv[2:]))
