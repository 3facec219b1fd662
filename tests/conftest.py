"""Shared fixtures: a real embedded PostgreSQL and a real simulator, never mocks.

The environment is set before anything imports socialkpi: tests get their own state folder
(warehouse data, Airflow home, data docs), their own port and their own configuration, so they
never touch a developer's `.socialkpi/`.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.support.ports import free_port

TESTS_DIR = Path(__file__).resolve().parent

STATE_DIR = Path(tempfile.mkdtemp(prefix="socialkpi-tests-"))
os.environ["SOCIALKPI_STATE_DIR"] = str(STATE_DIR)
os.environ["SOCIALKPI_CONFIG"] = str(TESTS_DIR / "fixtures" / "socialkpi.test.yml")
os.environ["SOCIALKPI_WAREHOUSE_PORT"] = str(free_port())
os.environ["GX_ANALYTICS_ENABLED"] = "False"
# Subprocesses (`python -m socialkpi.cli`, dbt, Airflow) import this tree's package, not whichever
# checkout the virtualenv's editable install points at.
os.environ["PYTHONPATH"] = os.pathsep.join(
    filter(None, [str(TESTS_DIR.parent / "plugins"), os.environ.get("PYTHONPATH")])
)
os.environ["AIRFLOW_HOME"] = str(STATE_DIR / "airflow")
# dbt's artifacts and log too: `make test` runs one process per core (pytest-xdist), each with its
# own warehouse, and two dbt runs must not share a partial parse or a run_results.json.
os.environ["DBT_TARGET_PATH"] = str(STATE_DIR / "dbt" / "target")
os.environ["DBT_LOG_PATH"] = str(STATE_DIR / "dbt" / "logs")
os.environ.pop("SOCIALKPI_WAREHOUSE_URL", None)
for variable in [v for v in os.environ if v.startswith("AIRFLOW_CONN_SOCIALKPI_")]:
    os.environ.pop(variable)


# `make test` runs the suite in one process per core (pytest -n, pytest-xdist). Each process has
# its own warehouse, simulator, Airflow home and dbt target (above), so tests in different
# processes never share state. Tests sharing an expensive fixture stay in one process: a module's
# tests (its module fixtures), and the tests of the shared pipeline run (`report_marts` below:
# tests/e2e/test_run.py and the report tests). The slowest groups start first, so no long run is
# left for the end; a run without -n takes them in the same order.
SHARED_GROUPS = {"tests/e2e/test_run.py": "pipeline run", "tests/report/": "pipeline run"}
SLOWEST_FIRST = (
    "pipeline run",
    "tests/e2e/test_platform_days.py",
    "tests/integration/test_transform.py",
    "tests/integration/test_crisis_storm.py",
)


def group_of(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    return next((group for prefix, group in SHARED_GROUPS.items() if path.startswith(prefix)), path)


def start_rank(nodeid: str) -> int:
    group = group_of(nodeid)
    return SLOWEST_FIRST.index(group) if group in SLOWEST_FIRST else len(SLOWEST_FIRST)


def pytest_collection_modifyitems(config, items):
    # Every process sorts alike, so xdist sees the same collection everywhere; stable: in file
    # order within a rank.
    items.sort(key=lambda item: start_rank(item.nodeid))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Whole groups to a process, in the order above (xdist's own `loadgroup` marks do not reach
    its scheduler under pytest 9.2, which no longer reads the node id xdist rewrites)."""
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    config.option.loadscopereorder = False
    return SharedFixtureScheduling(config, log)


def pytest_sessionfinish(session, exitstatus):
    from socialkpi.warehouse import EmbeddedWarehouse

    EmbeddedWarehouse().stop()
    shutil.rmtree(STATE_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def warehouse_url() -> str:
    """The embedded warehouse, started once for the session."""
    from socialkpi.warehouse import EmbeddedWarehouse

    warehouse = EmbeddedWarehouse()
    warehouse.start(announce=lambda line: None)
    return warehouse.url()


@pytest.fixture
def clean_warehouse(warehouse_url):
    """Empty raw, landing, quarantine and the audit log (and incremental mart state) before the test."""
    from socialkpi.warehouse import empty_warehouse

    empty_warehouse(warehouse_url)
    return warehouse_url


@pytest.fixture(scope="session")
def simulator():
    """The simulator serving the test configuration's accounts, on a free port."""
    from socialkpi.config import load_config
    from socialkpi.pipeline import build_simulator

    server = build_simulator(load_config(), port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sources_on_simulator(simulator, monkeypatch):
    """Point every configured source's Airflow connection at the simulator; faults off after."""
    from tests.support.connections import connect_to_simulator

    connect_to_simulator(monkeypatch, simulator.url)
    simulator.clear_faults()
    yield simulator
    simulator.clear_faults()


@pytest.fixture(scope="session")
def report_marts(warehouse_url, tmp_path_factory):
    """The shared pipeline run: START..END of the test configuration (one account's name in
    Persian, a `report:` section) through Airflow, into a warehouse holding no other load; its
    output is `.run`. tests/e2e/test_run.py checks the run, the report tests read its marts."""
    from socialkpi.warehouse import empty_warehouse

    from tests.support.marts import END, START, Marts, socialkpi, write_report_config

    config = write_report_config(tmp_path_factory.mktemp("report-config") / "socialkpi.yml")
    empty_warehouse(warehouse_url)
    marts = Marts(url=warehouse_url, config=config, start=START, end=END)
    result = socialkpi("run", "--start", str(START), "--end", str(END), "--workers", "1", env=marts.env())
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return dataclasses.replace(marts, run=result)
