"""The embedded warehouse: TCP with passwords, roles, idempotent start, clear failures."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import stat
import time

import psycopg
import pytest
from socialkpi.errors import WarehouseError
from socialkpi.paths import STATE_DIR
from socialkpi.warehouse import EmbeddedWarehouse

from tests.support.ports import free_port

pytestmark = pytest.mark.warehouse


def test_schemas_exist_and_start_is_idempotent(warehouse_url):
    status = EmbeddedWarehouse().start(announce=lambda line: None)
    assert status.running
    with psycopg.connect(warehouse_url) as conn:
        schemas = {r[0] for r in conn.execute("select schema_name from information_schema.schemata")}
        assert {"raw", "landing", "quarantine", "audit", "staging", "intermediate", "marts"} <= schemas
        assert conn.execute("select inet_server_addr()::text").fetchone()[0].startswith("127.0.0.1")


def test_tcp_needs_the_password_and_the_credentials_file_is_private(warehouse_url):
    warehouse = EmbeddedWarehouse()
    mode = stat.S_IMODE(warehouse.credentials_file.stat().st_mode)
    assert mode == 0o600
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(
            f"postgresql://socialkpi:wrong@127.0.0.1:{warehouse.port}/socialkpi", connect_timeout=3
        )
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(f"postgresql://postgres@127.0.0.1:{warehouse.port}/postgres", connect_timeout=3)


def test_bi_reader_reads_marts_and_nothing_else(warehouse_url):
    warehouse = EmbeddedWarehouse()
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute("create table if not exists marts.bi_probe (x int)")
        conn.execute("create table if not exists raw.bi_probe (x int)")
    try:
        with psycopg.connect(warehouse.url(role="bi_reader"), autocommit=True) as bi:
            assert bi.execute("select count(*) from marts.bi_probe").fetchone() == (0,)
            for forbidden in ("raw.bi_probe", "audit.loads"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    bi.execute(f"select * from {forbidden}")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                bi.execute("insert into marts.bi_probe values (1)")
        with pytest.raises(psycopg.OperationalError, match=r"permission denied|not permitted"):
            psycopg.connect(warehouse.url(role="bi_reader", database="airflow"), connect_timeout=3)
    finally:
        with psycopg.connect(warehouse_url, autocommit=True) as conn:
            conn.execute("drop table marts.bi_probe, raw.bi_probe")


def test_the_pipeline_role_is_no_superuser_and_public_may_connect_nowhere(warehouse_url):
    warehouse = EmbeddedWarehouse()
    with psycopg.connect(warehouse_url) as conn:
        rights = conn.execute(
            "select rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname = current_user"
        ).fetchone()
        assert rights == (False, False, False)
        public_connect = conn.execute(
            """select datname from pg_database
               where datname in ('socialkpi', 'airflow', 'postgres', 'template1')
               and has_database_privilege('public', datname, 'connect')"""
        ).fetchall()
        assert public_connect == []
        assert conn.execute("select has_schema_privilege('public', 'public', 'create')").fetchone() == (
            False,
        )
    # A login role nobody granted anything: refused by every database.
    superuser = warehouse._superuser_url(warehouse.credentials())
    with psycopg.connect(superuser, autocommit=True) as admin:
        admin.execute("drop role if exists stranger")
        admin.execute("create role stranger login password 'stranger-pw'")
    try:
        for database in ("socialkpi", "airflow", "postgres"):
            with pytest.raises(psycopg.OperationalError, match=r"permission denied|not permitted"):
                psycopg.connect(
                    f"postgresql://stranger:stranger-pw@127.0.0.1:{warehouse.port}/{database}",
                    connect_timeout=3,
                )
    finally:
        with psycopg.connect(superuser, autocommit=True) as admin:
            admin.execute("drop role stranger")


@pytest.fixture
def second_warehouse():
    """A separate embedded server, so failure tests cannot disturb the session's one."""
    warehouse = EmbeddedWarehouse(state_dir=STATE_DIR / "second-warehouse", port=free_port())
    yield warehouse
    warehouse.destroy()


@contextlib.contextmanager
def another_program_listening_on(port: int):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        yield


def test_a_port_in_use_is_one_clear_line(second_warehouse):
    with (
        another_program_listening_on(second_warehouse.port),
        pytest.raises(WarehouseError, match=rf"port {second_warehouse.port} .* in use .* `warehouse.port`"),
    ):
        second_warehouse.start(announce=lambda line: None)


def test_a_port_taken_after_the_check_names_postgres_reason(second_warehouse, monkeypatch):
    """Between socialkpi's port check and PostgreSQL's bind another program may take the port: the
    error quotes PostgreSQL's FATAL line, not the "database system is shut down" that ends its log."""
    monkeypatch.setattr(EmbeddedWarehouse, "_check_port_free", lambda self: None)
    with (
        another_program_listening_on(second_warehouse.port),
        pytest.raises(WarehouseError, match=r"did not start .*FATAL: .*could not create any TCP/IP sockets"),
    ):
        second_warehouse.start(announce=lambda line: None)


def test_start_recovers_from_a_server_that_died(second_warehouse):
    second_warehouse.start(announce=lambda line: None)
    with psycopg.connect(second_warehouse.url(), autocommit=True) as conn:
        conn.execute("create table raw.survivor (x int)")
        conn.execute("insert into raw.survivor values (42)")
    os.kill(second_warehouse.status().pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while second_warehouse.status().running and time.monotonic() < deadline:
        time.sleep(0.1)
    messages: list[str] = []
    status = second_warehouse.start(announce=messages.append)
    assert status.running
    assert any("stale postmaster.pid" in m for m in messages)
    with psycopg.connect(second_warehouse.url()) as conn:
        assert conn.execute("select x from raw.survivor").fetchone() == (42,)


def test_status_and_stop(second_warehouse):
    assert not second_warehouse.status().running
    second_warehouse.start(announce=lambda line: None)
    assert second_warehouse.status().running
    assert second_warehouse.stop()
    assert not second_warehouse.status().running
    assert not second_warehouse.stop()
