"""Running the pipeline from the command line: Airflow's environment, real DAG runs, the summary.

`socialkpi run` starts what is missing (warehouse, simulator), prepares Airflow (its home and
metadata database inside `.socialkpi/`), then runs the ingest DAG once per day of the range and
the transform DAG once, as real Airflow DAG runs (`dag.test()`, in one process so Airflow is
imported once), and prints the KPI table.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg

from socialkpi.config import load_config
from socialkpi.paths import DAGS_DIR, PLUGINS_DIR, PROJECT_ROOT, STATE_DIR
from socialkpi.warehouse import airflow_metadata_url, current_url

AIRFLOW_HOME = STATE_DIR / "airflow"


def airflow_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for every Airflow process socialkpi starts."""
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
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PLUGINS_DIR), env.get("PYTHONPATH")])),
            # `airflow standalone` starts its components as `airflow ...` from PATH
            "PATH": os.pathsep.join(filter(None, [str(Path(sys.executable).parent), env.get("PATH")])),
        }
    )
    env.update(extra or {})
    return env


def airflow_bin() -> str:
    return str(Path(sys.executable).parent / "airflow")


def migrate_airflow_db(env: dict[str, str]) -> None:
    """Bring Airflow's metadata database up to date and register the DAGs and their Assets.

    `airflow db migrate` is skipped when this database was already migrated by this version.
    Registering the DAGs up front lets several DAG runs start at once without racing to create
    the same Asset rows.
    """
    AIRFLOW_HOME.mkdir(parents=True, exist_ok=True)
    marker = AIRFLOW_HOME / ".migrated"
    stamp = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].rsplit("@", 1)[-1]
    if not (marker.exists() and marker.read_text() == stamp):
        subprocess.run([airflow_bin(), "db", "migrate"], env=env, check=True, capture_output=True, text=True)
        marker.write_text(stamp)
    subprocess.run(
        [airflow_bin(), "dags", "reserialize"], env=env, check=True, capture_output=True, text=True
    )


def sync_accounts() -> int:
    """Write the configured accounts (names, reporting timezones) to raw.socialkpi__accounts."""
    from socialkpi import load

    config = load_config()
    rows = [
        (name, account.id, account.name, account.timezone)
        for name, source in config.sources.items()
        for account in source.accounts
    ]
    with psycopg.connect(current_url(), autocommit=True) as conn:
        load.upsert_accounts(conn, rows)
    return len(rows)


def date_range(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def last_complete_days(days: int, config=None, now: datetime | None = None) -> tuple[date, date]:
    """The last `days` days that are over in every configured account's timezone.

    The end is the newest day that has ended everywhere, which is also the day today's follower
    snapshots stand for (for accounts in one timezone), so the marts end on a day with both.
    """
    config = config or load_config()
    now = now or datetime.now(UTC)
    zones = {account.tz for source in config.sources.values() for account in source.accounts} or {UTC}
    end = min(now.astimezone(zone).date() for zone in zones) - timedelta(days=1)
    return end - timedelta(days=days - 1), end
