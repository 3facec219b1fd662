"""The DAG files are configuration: they import cleanly, without touching a database or network."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from socialkpi.paths import DAGS_DIR, PLUGINS_DIR

PARSE_WITHOUT_IO = textwrap.dedent(
    """
    import json, socket, sys

    def refuse(*args, **kwargs):
        raise RuntimeError("network or database access while parsing DAG files")

    socket.socket.connect = refuse
    socket.create_connection = refuse
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=sys.argv[1])
    print(json.dumps({"errors": bag.import_errors, "dags": sorted(bag.dag_ids)}))
    """
)


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow-home")
    env = {
        "PATH": "/usr/bin:/bin",
        "AIRFLOW_HOME": str(home),
        # Unreachable on purpose: parsing must not need the metadata database or the warehouse.
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": "postgresql+psycopg://nobody:nothing@192.0.2.1:1/none",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": "postgresql+psycopg://nobody:nothing@192.0.2.1:1/none",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PLUGINS_DIR),
        "PYTHONPATH": str(PLUGINS_DIR),
        "SOCIALKPI_WAREHOUSE_URL": "postgresql://nobody:nothing@192.0.2.1:1/none",
    }
    result = subprocess.run(
        [sys.executable, "-c", PARSE_WITHOUT_IO, str(DAGS_DIR)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_dag_files_import_without_errors_and_without_io(parsed):
    assert parsed["errors"] == {}
    assert parsed["dags"] == [
        "socialkpi_alerts",
        "socialkpi_ingest",
        "socialkpi_report",
        "socialkpi_transform",
    ]


def test_the_dags_are_wired_by_assets():
    from airflow.dag_processing.dagbag import DagBag
    from socialkpi.assets import MARTS, RAW

    bag = DagBag(dag_folder=str(DAGS_DIR))
    ingest, transform = bag.dags["socialkpi_ingest"], bag.dags["socialkpi_transform"]
    ingest_task = ingest.get_task("ingest")
    assert type(ingest_task).__name__ == "DecoratedMappedOperator"  # one task per configured account
    assert RAW in ingest_task.outlets
    assert list(transform.timetable.asset_condition.objects) == [RAW]
    # The marts change (and downstream DAGs hear of it) only when the checked build is swapped in.
    assert MARTS in transform.get_task("publish_marts").outlets
    assert MARTS not in transform.get_task("validate_marts").outlets
    assert transform.get_task("publish_marts").upstream_task_ids == {"validate_marts"}
    # alerts go out after every published mart build
    assert list(bag.dags["socialkpi_alerts"].timetable.asset_condition.objects) == [MARTS]


def test_the_ingest_interval_is_one_utc_day():
    from datetime import UTC, datetime

    from airflow.dag_processing.dagbag import DagBag

    ingest = DagBag(dag_folder=str(DAGS_DIR)).dags["socialkpi_ingest"]
    interval = ingest.timetable.infer_manual_data_interval(run_after=datetime(2026, 11, 2, tzinfo=UTC))
    assert (interval.start, interval.end) == (
        datetime(2026, 11, 1, tzinfo=UTC),
        datetime(2026, 11, 2, tzinfo=UTC),
    )
