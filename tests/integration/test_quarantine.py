"""Guard rails of `socialkpi quarantine`: a forced release cannot overwrite newer data unless
told to, a forced value is no baseline for later checks, and a mistyped id is one line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from socialkpi import quarantine
from socialkpi.errors import SocialKpiError
from socialkpi.simulator import Faults

from tests.support.accounts import IG_ACCOUNT

pytestmark = pytest.mark.warehouse

DAY = datetime.now(UTC).date() - timedelta(days=3)


def ingest_instagram() -> dict:
    """One day of the account; its follower total lands as yesterday's close (a snapshot)."""
    from socialkpi.errors import ValidationFailed
    from socialkpi.ingest import ingest_account

    try:
        return ingest_account("instagram", IG_ACCOUNT, first_day=DAY, last_day=DAY, lookback_days=0)
    except ValidationFailed as failed:
        return {"failed": str(failed)}


def account_batches(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            """select batch_id::text, status from audit.loads
               where source = 'instagram' and stream = 'account' order by started_at"""
        ).fetchall()


def test_force_release_refuses_a_batch_older_than_the_published_one(clean_warehouse, sources_on_simulator):
    ingest_instagram()
    sources_on_simulator.set_faults("instagram", Faults(follower_jump=True))
    ingest_instagram()
    sources_on_simulator.clear_faults()
    ingest_instagram()  # the platform answers right again: a newer batch is published
    (_, first), (stale, second), (newer, third) = account_batches(clean_warehouse)
    assert (first, second, third) == ("published", "quarantined", "published")

    with psycopg.connect(clean_warehouse, autocommit=True) as conn:
        with pytest.raises(SocialKpiError) as refused:
            quarantine.release(conn, stale, force=True)
        message = str(refused.value)
        assert f"older than batch {newer}" in message and "--replace-newer" in message and "\n" not in message
        assert conn.execute("select status from audit.loads where batch_id = %s", (stale,)).fetchone() == (
            "quarantined",
        )
        # Told explicitly, it goes through, and the audit says it replaced newer data.
        assert "released without validation" in quarantine.release(
            conn, stale, force=True, replace_newer=True
        )
        detail = conn.execute(
            "select detail from audit.events where batch_id = %s and kind = 'released_forced'", (stale,)
        ).fetchone()[0]
    assert detail["replaced_newer"] is True


def test_data_docs_with_sample_records_are_readable_by_their_owner_only(
    clean_warehouse, sources_on_simulator
):
    from socialkpi.quality.context import DATA_DOCS_DIR
    from socialkpi.quality.docs_views import COMPILED_TEMPLATES

    ingest_instagram()  # the baseline follower total
    sources_on_simulator.set_faults("instagram", Faults(follower_jump=True))
    ingest_instagram()  # quarantined: its data docs page shows the unexpected values
    sources_on_simulator.clear_faults()
    assert account_batches(clean_warehouse)[-1][1] == "quarantined"
    pages = [path for path in DATA_DOCS_DIR.rglob("*") if path.is_file()]
    assert pages, "a quarantined batch writes its data docs"
    # its page names the failing column, rendered by the site's views (compiled once per process)
    validations = [path for path in pages if "validations" in path.parts and path.suffix == ".html"]
    assert any("followers_count" in path.read_text() for path in validations), validations
    assert len(COMPILED_TEMPLATES) > 0, "the data docs site no longer uses quality/docs_views.py"
    loose = [
        str(path)
        for path in [DATA_DOCS_DIR.parent, DATA_DOCS_DIR, *DATA_DOCS_DIR.rglob("*")]
        if path.stat().st_mode & 0o077
    ]
    assert loose == []


def test_a_forced_value_is_no_baseline_for_the_follower_jump_check(clean_warehouse, sources_on_simulator):
    ingest_instagram()
    sources_on_simulator.set_faults("instagram", Faults(follower_jump=True))
    ingest_instagram()
    sources_on_simulator.clear_faults()
    (_, _), (jumped, status) = account_batches(clean_warehouse)
    assert status == "quarantined"
    with psycopg.connect(clean_warehouse, autocommit=True) as conn:
        quarantine.release(conn, jumped, force=True)
    # The correct total comes back: compared with the forced jump it would be a jump itself.
    ingest_instagram()
    assert account_batches(clean_warehouse)[-1][1] == "published"


@pytest.mark.parametrize("action", ["show", "drop", "release"])
def test_a_malformed_batch_id_is_one_line(clean_warehouse, action):
    with (
        psycopg.connect(clean_warehouse, autocommit=True) as conn,
        pytest.raises(SocialKpiError, match="not a batch id"),
    ):
        getattr(quarantine, action)(conn, "12345-not-a-uuid")
    result = subprocess.run(
        [sys.executable, "-m", "socialkpi.cli", "quarantine", action, "12345-not-a-uuid"],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=300,
    )
    output = (result.stdout + result.stderr).strip().splitlines()
    assert result.returncode != 0
    assert [line for line in output if "not a batch id" in line] and "Traceback" not in result.stderr
