"""Run control: one `socialkpi run` per warehouse, workers that die with the CLI, no batch left
behind by a dead run, and one line (not a traceback wall) when the warehouse goes away.

Slow (each probe is a real run through Airflow): `make test-faults`, which CI also runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta

import psutil
import psycopg
import pytest
from socialkpi import load
from socialkpi.sources import SOURCES
from socialkpi.warehouse import EmbeddedWarehouse

pytestmark = [pytest.mark.warehouse, pytest.mark.slow, pytest.mark.faults]

END = datetime.now(UTC).date() - timedelta(days=3)
START = END - timedelta(days=3)


def start_run(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "socialkpi.cli", "run", *args],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def socialkpi(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "socialkpi.cli", *args],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=1800,
    )


def wait_for(condition, timeout: float, what: str, run: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if run is not None and run.poll() is not None:
            pytest.fail(f"the run ended before {what}: {run.stderr.read()[-2000:]}")
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


def query(url: str, sql: str, *params):
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def family(pid: int) -> set[int]:
    """The process and every descendant, including those in their own process group."""
    try:
        root = psutil.Process(pid)
        return {pid} | {child.pid for child in root.children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


def running(pid: int) -> str | None:
    """The command line of a live (not zombie) process, or None."""
    try:
        process = psutil.Process(pid)
        return None if process.status() == psutil.STATUS_ZOMBIE else " ".join(process.cmdline()[:4])
    except psutil.NoSuchProcess:
        return None


def crashed_batch(url: str) -> str:
    """A batch as a run that died between landing and publishing leaves it: at `validating`."""
    key = load.BatchKey("instagram", "account", "17841400000000001", date(2026, 1, 5), date(2026, 1, 6))
    with psycopg.connect(url, autocommit=True) as conn:
        batch_id, _ = load.land(conn, key, [{"id": "17841400000000001"}], datetime.now(UTC))
    return str(batch_id)


@pytest.fixture
def started_warehouse(warehouse_url):
    yield warehouse_url
    EmbeddedWarehouse().start(announce=lambda line: None)  # a probe may have stopped it


def test_a_second_run_refuses_a_killed_run_leaves_no_process_and_a_rerun_finishes(started_warehouse):
    url = started_warehouse
    stuck = crashed_batch(url)
    first = start_run("--start", str(START), "--end", str(END), "--workers", "2")
    try:
        # At its start, under the lock, the run marks the dead run's batch abandoned, its rows gone.
        wait_for(
            lambda: query(
                url, "select 1 from audit.loads where batch_id = %s and status = 'abandoned'", stuck
            ),
            300,
            "the first run to take the lock and clean up",
            first,
        )
        assert query(url, "select count(*) from landing.instagram__account where batch_id = %s", stuck) == [
            (0,)
        ]
        second = socialkpi("run", "--start", str(END), "--end", str(END))
        assert second.returncode == 1
        lines = second.stderr.strip().splitlines()
        assert len([line for line in lines if line.startswith("socialkpi:")]) == 1
        assert "another `socialkpi run` is using this warehouse" in lines[-1]
        assert f"pid {first.pid}" in lines[-1] and "Traceback" not in second.stderr

        wait_for(
            lambda: query(
                url,
                "select 1 from audit.loads where batch_id <> %s and started_at > now() - interval '15 minutes'"
                " limit 1",
                stuck,
            ),
            600,
            "the workers to land batches",
            first,
        )
        processes = family(first.pid)
        assert len(processes) > 2  # the CLI, its workers and what they started
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        time.sleep(5)
        alive = [described for p in processes if (described := running(p))]
        assert alive == []
    finally:
        if first.poll() is None:
            first.kill()

    rerun = socialkpi("run", "--start", str(START), "--end", str(END))
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-2000:]
    # Nothing in flight, and each interval of each account published by exactly one batch; a
    # lifetime stream's interval (the snapshot day) may hold the posts of the two range runs, but
    # never one post twice.
    assert query(url, "select count(*) from audit.loads where status in ('landing', 'validating')") == [(0,)]
    lifetime = {stream.table: stream for source in SOURCES.values() for stream in source.streams}
    tables = query(
        url,
        "select table_name from information_schema.columns where table_schema = 'raw'"
        " and column_name = 'interval_start' and table_name like %s",
        "%\\_\\_%",
    )
    for (table,) in tables:
        stream = lifetime.get(table)
        if stream is not None and stream.kind == "lifetime":
            record_key = ", ".join(
                f"record #>> '{{{path.replace('.', ',')}}}'" for path in stream.primary_key
            )
            duplicated = query(
                url,
                f"select account_id, interval_start, {record_key}, count(*) from raw.{table}"
                f" group by account_id, interval_start, {record_key} having count(*) > 1",
            )
        else:
            duplicated = query(
                url,
                f"select account_id, interval_start, interval_end, count(distinct batch_id) from raw.{table}"
                " group by 1, 2, 3 having count(distinct batch_id) > 1",
            )
        assert duplicated == [], table
    listing = socialkpi("loads", "--status", "abandoned")
    assert listing.returncode == 0 and stuck in listing.stdout


def test_a_warehouse_stopped_mid_run_ends_the_run_with_one_line(started_warehouse):
    url = started_warehouse
    # This run's batches only: the test before this one landed batches minutes ago.
    [(since,)] = query(url, "select now()")
    run = start_run("--start", str(END), "--end", str(END), "--workers", "1")
    try:
        wait_for(
            lambda: query(url, "select 1 from audit.loads where started_at > %s limit 1", since),
            600,
            "the run to land a batch",
            run,
        )
        EmbeddedWarehouse().stop()
        stdout, stderr = run.communicate(timeout=600)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 1
    assert "Traceback" not in stdout + stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("socialkpi: the warehouse at postgresql://") and "stopped answering" in last
    assert "socialkpi warehouse start" in last
