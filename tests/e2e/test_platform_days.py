"""Every platform's day, in every timezone: the marts against a recomputation from the world.

The simulator serves accounts in Asia/Tehran (+03:30), Asia/Kolkata (+05:30), Australia/Sydney
(+10/+11), Europe/Berlin, America/Los_Angeles and America/New_York
(tests/fixtures/socialkpi.timezones.yml) over HTTP; every account is ingested through the gate
into one warehouse, exactly as the ingest DAG's mapped task does it (`ingest_account`, each range
a range run's days), over a backfill across the most recent DST switches of Sydney, Europe and
the US (late 2026: Sydney 10-04, Europe 10-25, US 11-01) and a backfill ending today; then dbt and
the mart checks build the marts once. Each account-day of ``marts.fct_account_kpis_daily`` is
compared, to 1e-9, with ``socialkpi.simulator.expected.account_day``: pure Python over the
simulator's world model (never the raw tables), with each platform's own day (Meta and YouTube:
US Pacific; LinkedIn: UTC, settled two days late). Included: the first day of each backfill,
every day around and between the switch days, and quiet days with zero follows and zero
unfollows.

In process, not through `socialkpi run`: the days are the ingest's and dbt's business, and
tests/e2e/test_run.py already proves the same calls through Airflow's DAG runs (each run here
would pay Airflow's start in two worker processes for a few seconds of ingest).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from socialkpi.config import load_config
from socialkpi.ingest import complete_through
from socialkpi.simulator import expected
from socialkpi.warehouse import empty_warehouse

from tests.support.connections import connect_to_simulator

pytestmark = [pytest.mark.warehouse]

CONFIG = Path(__file__).resolve().parents[1] / "fixtures" / "socialkpi.timezones.yml"
NOW = datetime.now(UTC)
TODAY = NOW.date()
SWITCH_ZONES = ("Australia/Sydney", "Europe/Berlin", "America/New_York")
# A backfill that reaches the snapshot day: followers are only knowable from there back.
RECENT = (TODAY - timedelta(days=2), TODAY)
QUIET_ACCOUNTS = (("instagram", "17841400000000101"), ("facebook", "104000000000100"))
TOLERANCE = 1e-9


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def switch_days(zone: str, first: date, last: date) -> list[date]:
    """The days of first..last on which the zone's UTC offset changes (its DST switches)."""

    def offset(day: date):
        return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(zone)).utcoffset()

    return [day for day in days(first, last) if offset(day) != offset(day - timedelta(days=1))]


def switches_backfill(today: date) -> tuple[date, date]:
    """From the day before the first switch through the last, over the most recent stretch of at
    most 40 settled days in which Sydney, Europe and the US each switch (Sydney's spring and the
    northern autumn, October; the northern spring and Sydney's autumn, March-April). Always within
    the year LinkedIn serves, whatever day the suite runs."""
    newest = today - timedelta(days=3)
    found = {zone: switch_days(zone, newest - timedelta(days=366), newest) for zone in SWITCH_ZONES}
    for end in sorted({day for zone_days in found.values() for day in zone_days}, reverse=True):
        latest = [max((day for day in found[zone] if day <= end), default=None) for zone in SWITCH_ZONES]
        if None not in latest and (end - min(latest)).days <= 40:
            return min(latest) - timedelta(days=1), end
    raise AssertionError(f"no 40 days before {today} in which {', '.join(SWITCH_ZONES)} each switch")


SWITCHES = switches_backfill(TODAY)


def test_the_switches_backfill_is_the_latest_stretch_with_a_switch_in_every_zone():
    assert switches_backfill(date(2026, 11, 30)) == (date(2026, 10, 3), date(2026, 11, 1))
    # US 03-14, Europe 03-28, Sydney 04-04
    assert switches_backfill(date(2027, 6, 1)) == (date(2027, 3, 13), date(2027, 4, 4))
    # Sydney has sprung forward (10-03), Europe and the US not yet: the spring's stretch still
    assert switches_backfill(date(2027, 10, 15)) == (date(2027, 3, 13), date(2027, 4, 4))


def accounts() -> list[tuple[str, str, str]]:
    config = load_config(CONFIG)
    return [
        (platform, a.id, a.timezone) for platform, source in config.sources.items() for a in source.accounts
    ]


def ingest_and_transform(config) -> dict[str, str]:
    """Every account over every range, then one transform; what failed, by step."""
    from socialkpi.ingest import ingest_account, targets
    from socialkpi.transform import run_transform

    failures = {}
    # The marts are a function of raw: the backfills land one by one, one transform after.
    for first, last in (SWITCHES, RECENT):
        for target in targets(config):
            try:
                # A range run's lookback is 0: it extracts every day of its range anyway.
                ingest_account(target["source"], target["account_id"], first, last, lookback_days=0)
            except Exception as exc:  # every failure is reported, none hides another
                failures[f"{first}..{last} {target['source']} {target['account_id']}"] = str(exc)
    try:
        run_transform("platform-days")
    except Exception as exc:
        failures["transform"] = str(exc)
    return failures


@pytest.fixture(scope="module")
def runs(warehouse_url):
    """Ingest every range into one warehouse, then transform once; returns what failed, by step
    (failures are reported by their own test, so the comparison below still shows what the
    marts hold)."""
    from socialkpi.pipeline import build_simulator, sync_accounts

    empty_warehouse(warehouse_url)  # only this module's accounts in the warehouse
    config = load_config(CONFIG)
    simulator = build_simulator(config, port=0).start()
    try:
        # The package reads its configuration and connections from the environment, as in a task.
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SOCIALKPI_CONFIG", str(CONFIG))
            connect_to_simulator(patch, simulator.url, config.sources)
            sync_accounts()
            failures = ingest_and_transform(config)
    finally:
        simulator.stop()
    yield failures
    # Leave the session's warehouse as the other tests expect it: no batch, row or incremental
    # mart state of this module's accounts (fct_post_metrics_daily keeps rows across runs).
    empty_warehouse(warehouse_url)


@pytest.fixture(scope="module")
def marts(runs, warehouse_url):
    """The mart rows keyed by (platform, account, day); empty when no transform got through."""
    with psycopg.connect(warehouse_url) as conn:
        if conn.execute("select to_regclass('marts.fct_account_kpis_daily')").fetchone()[0] is None:
            return {}
        cursor = conn.execute(
            f"select platform, account_id, kpi_date, {', '.join(expected.FIELDS)} from marts.fct_account_kpis_daily"
        )
        return {(row[0], row[1], row[2]): dict(zip(expected.FIELDS, row[3:], strict=True)) for row in cursor}


def test_the_config_holds_quiet_days_and_every_zone():
    zones = {timezone for _, _, timezone in accounts()}
    assert {"Asia/Tehran", "Asia/Kolkata", "Australia/Sydney", "Europe/Berlin"} <= zones
    assert {"America/Los_Angeles", "America/New_York"} <= zones
    by_id = {(platform, account_id): timezone for platform, account_id, timezone in accounts()}
    for platform, account_id in QUIET_ACCOUNTS:
        quiet = [
            day
            for first, last in (SWITCHES, RECENT)
            for day in expected.quiet_days(platform, account_id, by_id[platform, account_id], first, last)
        ]
        assert quiet, f"{platform} {account_id} has no quiet day in the ranges: pick another small account"


def test_every_range_runs_through(runs):
    assert not runs, runs


@pytest.mark.parametrize("platform", expected.PLATFORMS)
def test_marts_match_the_platform_day(marts, platform):
    mismatches = []
    compared = 0
    for account_platform, account_id, timezone in accounts():
        if account_platform != platform:
            continue
        # The newest day the platform has finished (Meta and YouTube: a Pacific day; LinkedIn: a
        # settled UTC day): later days are not asked for yet, so the marts cannot hold them.
        newest = complete_through(platform, ZoneInfo(timezone), NOW)
        # A LinkedIn run for days D1..D2 starts two days early (its 2-day lag) and reads through
        # D2 once D2 has settled: a backfill of settled days gets every one of them.
        lag = timedelta(days=2 if platform == "linkedin" else 0)
        for first, last in (SWITCHES, RECENT):
            for day in days(first - lag, last):
                if day > newest:
                    continue
                want = expected.account_day(platform, account_id, timezone, day, NOW)
                got = marts.get((platform, account_id, day))
                for field, value in want.items():
                    if value is None:
                        continue  # not reported by the platform, or not over/settled yet
                    if (
                        field in ("followers", "follower_change")
                        and platform != "facebook"
                        and (first, last) != RECENT
                    ):
                        continue  # knowable only from a snapshot the range reaches
                    if field == "follower_change" and day == SWITCHES[0]:
                        continue  # an account's first day has no day before it (README: null)
                    compared += 1
                    shown = None if got is None else got[field]
                    if shown is None or abs(float(shown) - value) > TOLERANCE:
                        mismatches.append(
                            f"{account_id} ({timezone}) {day} {field}: mart {shown}, platform {value}"
                        )
    assert compared > 0
    assert not mismatches, f"{len(mismatches)} of {compared} values differ:\n" + "\n".join(mismatches[:25])
