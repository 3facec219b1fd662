"""Atomic marts: what a BI user reads changes only when the whole transform passed.

Real data (the simulator over HTTP, the real gate), the real dbt build and GX mart checks, the
real embedded PostgreSQL. A bad day that the raw gate lets through but a mart check refuses must
leave every mart row as it was; the next good run recovers without a manual full refresh.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from socialkpi import transform
from socialkpi.transform import LIVE_SCHEMA, SHADOW_SCHEMA, TransformFailed
from socialkpi.warehouse import empty_warehouse

pytestmark = [pytest.mark.warehouse]

END = datetime.now(UTC).date() - timedelta(days=2)
SOURCES = ("instagram", "ga4")  # a social mart and the traffic mart, enough for every mart check


def ingest(source: str, account_id: str) -> None:
    from socialkpi.ingest import ingest_account

    ingest_account(source, account_id, first_day=END - timedelta(days=1), last_day=END, lookback_days=0)


def fingerprints(url: str, schema: str = LIVE_SCHEMA) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent hash of every table of the schema, row for row."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "select tablename from pg_tables where schemaname = %s order by tablename", (schema,)
            )
        ]
        return {
            table: conn.execute(
                f"select count(*), coalesce(md5(string_agg(t::text, '|' order by t::text)), '') from \"{schema}\".\"{table}\" as t"
            ).fetchone()
            for table in tables
        }


def bi_reader_url() -> str:
    from socialkpi.warehouse import BI_ROLE, EmbeddedWarehouse

    return EmbeddedWarehouse().url(role=BI_ROLE)


def assert_bi_reader_reads_every_mart(url: str) -> None:
    with psycopg.connect(bi_reader_url()) as bi:
        for table in fingerprints(url):
            bi.execute(f"select count(*) from {LIVE_SCHEMA}.{table}").fetchone()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bi.execute(f"create table {LIVE_SCHEMA}.bi_probe (x int)")


def transform_run() -> None:
    transform.dbt_build()
    transform.validate_marts("test")
    transform.publish_marts()


@pytest.fixture(scope="module")
def built(warehouse_url, simulator):
    """Two days of Instagram and GA4, published through the gate, transformed once."""
    from socialkpi.config import load_config
    from socialkpi.pipeline import sync_accounts

    from tests.support.connections import connect_to_simulator

    empty_warehouse(warehouse_url)
    config = load_config()
    with pytest.MonkeyPatch.context() as patch:
        connect_to_simulator(patch, simulator.url, config.sources)
        sync_accounts()
        for source in SOURCES:
            for account in config.sources[source].accounts:
                ingest(source, account.id)
        transform_run()
    return warehouse_url


def test_the_build_goes_live_with_its_grants_by_the_swap(built):
    marts = fingerprints(built)
    assert marts["fct_account_kpis_daily"][0] > 0 and marts["fct_social_traffic_daily"][0] > 0
    with psycopg.connect(built) as conn:
        shadow = conn.execute("select 1 from pg_namespace where nspname = %s", (SHADOW_SCHEMA,)).fetchone()
    assert shadow is None, "the shadow schema is renamed into place, not left behind"
    assert_bi_reader_reads_every_mart(built)


def test_a_mart_check_failure_leaves_every_mart_row_as_it_was_and_the_next_run_recovers(
    built, sources_on_simulator
):
    before = fingerprints(built)
    account = "17841400000000001"
    # A reach of 1 on a day with hundreds of interactions: every raw expectation holds (a count,
    # non-negative, the right account and day), but engagement_rate_by_reach leaves its bounds.
    with psycopg.connect(built, autocommit=True) as conn:
        changed = conn.execute(
            """update raw.instagram__account_insights
               set record = jsonb_set(record, '{total_value,value}', '1')
               where account_id = %s and interval_start = %s and record->>'name' = 'reach'
               returning batch_id""",
            (account, END),
        ).fetchall()
    assert changed, "the probe needs the day's reach row"

    transform.dbt_build()  # dbt's own tests pass: the row is well-formed
    with pytest.raises(TransformFailed) as failure:
        transform.validate_marts("test")
    message = str(failure.value)
    assert "engagement_rate_by_reach" in message and "unchanged" in message and "\n" not in message
    assert fingerprints(built) == before, "the live marts changed although the transform failed"
    with psycopg.connect(built) as conn:
        reach_rate = conn.execute(
            f"select max(engagement_rate_by_reach) from {SHADOW_SCHEMA}.fct_account_kpis_daily"
        ).fetchone()[0]
    assert reach_rate > 3, "the probe must have reached the shadow build"
    with psycopg.connect(bi_reader_url()) as bi, pytest.raises(psycopg.errors.InsufficientPrivilege):
        bi.execute(f"select count(*) from {SHADOW_SCHEMA}.fct_account_kpis_daily")

    # The platform restates the day (the next run re-extracts it): the data is right again.
    with psycopg.connect(built, autocommit=True) as conn:
        conn.execute(
            "delete from raw.instagram__account_insights where account_id = %s and interval_start = %s",
            (account, END),
        )
    ingest("instagram", account)
    transform_run()  # no --full-refresh: the incremental mart starts again from the live copy
    assert fingerprints(built) == before
    assert_bi_reader_reads_every_mart(built)


def test_a_failing_dbt_test_leaves_the_marts_and_the_incremental_state_as_they_were(built):
    before = fingerprints(built)
    with psycopg.connect(built, autocommit=True) as conn:
        # A GA4 row without its date: the staging model's not-null test stops the build
        # half way (--fail-fast), and the message names the test.
        saved = conn.execute(
            """update raw.ga4__traffic_daily set record = record - 'date'
               where (batch_id, record_index) in (
                   select batch_id, record_index from raw.ga4__traffic_daily where interval_start = %s limit 1)
               returning batch_id, record_index""",
            (END,),
        ).fetchone()
    try:
        with pytest.raises(TransformFailed, match=r"not_null_and_unique_together_stg_ga4.*unchanged"):
            transform.dbt_build()
        assert fingerprints(built) == before
    finally:
        with psycopg.connect(built, autocommit=True) as conn:
            conn.execute(
                """update raw.ga4__traffic_daily
                   set record = record || jsonb_build_object('date', to_char(interval_start, 'YYYYMMDD'))
                   where batch_id = %s and record_index = %s""",
                saved,
            )
    # The incremental mart (fct_post_metrics_daily) is among the live tables compared above: its
    # state is the live copy the next build starts from (the recovery is proven by the test above).


def test_dbt_unit_tests_still_run_outside_production_builds(built):
    """Production builds exclude dbt's unit tests; `make test` runs every one of them here."""
    result = transform.run_unit_tests(built)
    assert "PASS=" in result["summary"] and "ERROR=0" in result["summary"], result


def test_rate_bounds_leave_tiny_denominators_alone_and_catch_broken_ones(built):
    """A LinkedIn page's 4 engagements from 1 unique impression are real, and must not hold back
    every mart; 300 interactions on a reach of 1 are a broken denominator."""
    from socialkpi.quality.marts import run_mart_checks

    probe = "marts_probe"
    with psycopg.connect(built, autocommit=True) as conn:
        conn.execute(f"drop schema if exists {probe} cascade")
        conn.execute(f"create schema {probe}")
        for table in fingerprints(built):
            conn.execute(f"create table {probe}.{table} as select * from {LIVE_SCHEMA}.{table}")
    try:
        with psycopg.connect(built, autocommit=True) as conn:
            conn.execute(
                f"""update {probe}.fct_account_kpis_daily
                    set engagements = 4, reach = 1, engagement_rate_by_reach = 4,
                        engagement_rate_by_followers = 4, followers = 1
                    where kpi_date = %s""",
                (END,),
            )
        assert run_mart_checks(built, schema=probe).success

        with psycopg.connect(built, autocommit=True) as conn:
            conn.execute(
                f"""update {probe}.fct_account_kpis_daily
                    set engagements = 300, engagement_rate_by_reach = 300 where kpi_date = %s""",
                (END,),
            )
        outcome = run_mart_checks(built, schema=probe)
        assert not outcome.success
        assert any("engagement_rate_by_reach" in line for line in outcome.failed), outcome.failed
    finally:
        with psycopg.connect(built, autocommit=True) as conn:
            conn.execute(f"drop schema if exists {probe} cascade")
