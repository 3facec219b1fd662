"""A simulated comment storm with negative keywords raises a `crisis` row in fct_kpi_alerts, end to
end: simulator over HTTP -> extractor -> gate -> raw -> dbt -> marts (#12)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
from socialkpi.ingest import ingest_account
from socialkpi.simulator import Faults
from socialkpi.transform import SHADOW_SCHEMA, dbt_command, ensure_raw_tables

from tests.support.accounts import FIRST_ACCOUNT

pytestmark = pytest.mark.warehouse


def test_comment_storm_raises_a_crisis_alert(sources_on_simulator, clean_warehouse):
    account = FIRST_ACCOUNT["x"]
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin")).date()
    storm_day = today - timedelta(days=2)
    sources_on_simulator.set_faults("x", Faults(comment_storm_days=[storm_day.isoformat()]))
    # ten quiet days of history, then the storm
    ingest_account("x", account, storm_day - timedelta(days=10), storm_day, lookback_days=0)

    ensure_raw_tables()
    # The alerts and what they are built from (seeds included), in one dbt invocation into the
    # shadow schema, with the production build's variables (and so its partial parse).
    result = dbt_command(
        "build",
        "--select",
        "+fct_kpi_alerts",
        "--exclude-resource-type",
        "test",
        "--exclude-resource-type",
        "unit_test",
        url=clean_warehouse,
        marts_schema=SHADOW_SCHEMA,
    )
    assert result.success, result.output[-2000:]

    with psycopg.connect(clean_warehouse) as conn:
        alerts = conn.execute(
            f"""select kpi_date, kpi_value, robust_z_score from {SHADOW_SCHEMA}.fct_kpi_alerts
               where platform = 'x' and account_id = %s and alert_kind = 'crisis'""",
            (account,),
        ).fetchall()
        signal = conn.execute(
            f"""select comments_received, negative_comments, negative_comment_share, history_days
               from {SHADOW_SCHEMA}.fct_crisis_signals where platform = 'x' and account_id = %s and signal_date = %s""",
            (account, storm_day),
        ).fetchone()
    assert [row[0] for row in alerts] == [storm_day]
    comments, negative, share, history = signal
    assert comments >= 40 and negative >= 35 and share >= 0.3 and history >= 7
    assert alerts[0][2] >= 3.5
