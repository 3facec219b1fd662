"""`socialkpi run` end to end: real Airflow DAG runs, the simulator over HTTP, dbt, GX, the marts.

The slowest tests of the suite (Airflow's metadata database is migrated once, then each run is
one range run per worker); they prove what `make run` promises.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from socialkpi.config import load_config
from socialkpi.simulator import Faults

from tests.support.connections import connect_to_simulator
from tests.support.marts import END, START
from tests.support.marts import socialkpi as run_cli

pytestmark = [pytest.mark.warehouse, pytest.mark.slow]

MARTS = ("fct_account_kpis_daily", "fct_social_traffic_daily")
# The source whose every answer the daily-runs fixture breaks: a web analytics source, so the
# social sources' daily runs are compared in full.
BAD_SOURCE = "plausible"


def mart_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent hash of every mart's full content."""
    with psycopg.connect(url) as conn:
        return {
            mart: conn.execute(
                f"select count(*), coalesce(md5(string_agg(t::text, '|' order by t::text)), '') from marts.{mart} as t"
            ).fetchone()
            for mart in MARTS
        }


@pytest.fixture(scope="module")
def first_run(report_marts):
    """The whole range as one range run of the ingest DAG, into a warehouse holding no other load
    (the suite's shared run, whose marts the report tests read too)."""
    return report_marts.run


@pytest.fixture
def socialkpi(report_marts):
    """The CLI with the shared run's configuration."""

    def run(*args: str) -> subprocess.CompletedProcess:
        return run_cli(*args, env=report_marts.env())

    return run


def test_run_fills_both_marts_through_airflow_and_prints_the_kpis(first_run, warehouse_url):
    assert f"socialkpi: ingest {START} .. {END}: success" in first_run.stdout
    assert "socialkpi: transform: success" in first_run.stdout
    assert "Social KPIs" in first_run.stdout and "instagram" in first_run.stdout
    assert "Referral traffic from social" in first_run.stdout
    assert "psql" in first_run.stdout
    with psycopg.connect(warehouse_url) as conn:
        kpis = conn.execute(
            "select count(*), min(kpi_date), max(kpi_date), count(distinct (platform, account_id))"
            " from marts.fct_account_kpis_daily where platform <> 'linkedin'"
        ).fetchone()
        newest_day = dict(
            conn.execute("select platform, max(kpi_date) from marts.fct_account_kpis_daily group by platform")
        )
        traffic = conn.execute(
            "select count(*), sum(sessions) from marts.fct_social_traffic_daily"
        ).fetchone()
        checks = conn.execute(
            "select detail->>'success' from audit.events where kind = 'mart_validation' order by event_id desc limit 1"
        ).fetchone()
    social = {name: s for name, s in load_config().sources.items() if name not in ("ga4", "plausible")}
    assert kpis[0] > 0 and kpis[1] <= START
    assert kpis[3] == sum(len(s.accounts) for name, s in social.items() if name != "linkedin")
    assert set(newest_day) == set(social)
    for platform, newest in newest_day.items():
        if platform in ("x", "tiktok"):
            # their post counters are read as snapshots, dated the account's yesterday (after END)
            assert END <= newest <= datetime.now(UTC).date(), (platform, newest)
        elif platform == "linkedin":
            # LinkedIn's numbers settle two days late: a run reads its days two days back
            assert END - timedelta(days=2) <= newest <= END, (platform, newest)
        else:
            assert newest == END, (platform, newest)
    assert traffic[0] > 0 and traffic[1] > 0
    assert checks == ("true",)


@dataclass(frozen=True)
class DailyRuns:
    days: tuple
    result: subprocess.CompletedProcess
    statuses: set[tuple[str, str]]  # (source, status) of every batch the runs landed
    before: dict
    after: dict


@pytest.fixture(scope="module")
def daily_runs(first_run, warehouse_url, simulator, report_marts):
    """The range's last two days again as daily runs (one run of the ingest DAG per day, one after
    the other in one worker; a source's lookback reads the first day again), with every answer of
    one source broken (BAD_SOURCE, negative counts), then the transform: one `socialkpi run` that
    the daily-runs and the bad-batch tests both read."""
    before = mart_fingerprints(warehouse_url)
    started = datetime.now(UTC)
    first = START + timedelta(days=1)
    with pytest.MonkeyPatch.context() as patch:
        connect_to_simulator(patch, simulator.url)
        simulator.set_faults(BAD_SOURCE, Faults(negative_counts=True))
        try:
            result = run_cli(
                "run",
                "--start",
                str(first),
                "--end",
                str(END),
                "--workers",
                "1",
                "--split",
                "days",
                env=report_marts.env(),
            )
        finally:
            simulator.clear_faults()
    with psycopg.connect(warehouse_url) as conn:
        statuses = set(
            conn.execute(
                "select source, status from audit.loads where started_at >= %s", (started,)
            ).fetchall()
        )
    return DailyRuns(
        days=(first, END),
        result=result,
        statuses=statuses,
        before=before,
        after=mart_fingerprints(warehouse_url),
    )


def test_daily_runs_of_the_same_days_leave_every_mart_row_identical(daily_runs):
    """Every source but the broken one publishes again, day by day: the marts are the range run's."""
    for day in daily_runs.days:
        assert f"socialkpi: ingest {day}:" in daily_runs.result.stdout, daily_runs.result.stdout[-3000:]
    assert "socialkpi: transform: success" in daily_runs.result.stdout
    published = {source for source, status in daily_runs.statuses if status == "published"}
    assert published == set(load_config().sources) - {BAD_SOURCE}
    assert daily_runs.after == daily_runs.before


def test_a_bad_batch_never_reaches_the_marts(daily_runs, socialkpi):
    """The broken source's batches are quarantined and its days fail; the marts stay as they were."""
    assert daily_runs.result.returncode != 0
    assert f"socialkpi: ingest {END}: failed" in daily_runs.result.stdout
    assert {status for source, status in daily_runs.statuses if source == BAD_SOURCE} == {"quarantined"}
    assert daily_runs.after == daily_runs.before
    listing = socialkpi("quarantine", "list")
    assert listing.returncode == 0 and BAD_SOURCE in listing.stdout


def test_bi_reader_reads_the_marts(first_run, warehouse_url, socialkpi):
    url = socialkpi("warehouse", "url", "--bi").stdout.strip()
    with psycopg.connect(url) as bi:
        assert bi.execute("select count(*) from marts.fct_account_kpis_daily").fetchone()[0] > 0


def test_loads_lists_the_audit(first_run, socialkpi):
    result = socialkpi("loads", "--limit", "5")
    assert result.returncode == 0
    assert "published" in result.stdout
