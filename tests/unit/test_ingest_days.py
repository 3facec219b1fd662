"""Which days a run asks each platform for: never a day the platform has not finished."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from socialkpi.config import Account
from socialkpi.ingest import _Run, complete_through, snapshot_day
from socialkpi.sources import SOURCES

TEHRAN = Account("17841400000000001", "Cafe Tehran", "Asia/Tehran")


def run_until_today(account: Account, source: str) -> _Run:
    today = datetime.now(UTC).astimezone(account.tz).date()
    return _Run(account, today - timedelta(days=5), today, SOURCES[source].lag_days, snapshot_day(account))


def test_a_range_ending_today_stops_at_the_newest_day_the_platform_has_finished():
    run = run_until_today(TEHRAN, "instagram")
    window, key = run.window(SOURCES["instagram"].stream("account_insights"))
    newest = complete_through("instagram", TEHRAN.tz, datetime.now(UTC))
    assert window.last == newest
    assert key.interval_end == newest + timedelta(days=1)
    # Meta's day is a US Pacific day: finished only once Pacific midnight has passed.
    assert newest < datetime.now(UTC).astimezone(ZoneInfo("America/Los_Angeles")).date()


def test_snapshots_and_post_lists_are_not_clamped():
    run = run_until_today(TEHRAN, "instagram")
    window, _ = run.window(SOURCES["instagram"].stream("account"))
    assert window.day == snapshot_day(TEHRAN)


def test_a_run_with_no_finished_day_asks_for_none():
    today = datetime.now(UTC).astimezone(TEHRAN.tz).date()
    run = _Run(TEHRAN, today, today, 0, snapshot_day(TEHRAN))
    window, _ = run.window(SOURCES["instagram"].stream("account_insights"))
    assert window is None


def test_linkedin_days_are_finished_two_utc_days_late():
    newest = complete_through("linkedin", TEHRAN.tz, datetime(2026, 11, 30, 12, tzinfo=UTC))
    assert newest == datetime(2026, 11, 27).date()


def test_a_linkedin_backfill_of_settled_days_reads_every_day_of_its_range():
    today = datetime.now(UTC).date()
    first, last = today - timedelta(days=40), today - timedelta(days=10)
    run = _Run(TEHRAN, first, last, SOURCES["linkedin"].lag_days, snapshot_day(TEHRAN))
    window, key = run.window(SOURCES["linkedin"].stream("follower_statistics"))
    assert (window.day, window.last) == (first - timedelta(days=2), last)
    assert (key.interval_start, key.interval_end) == (first - timedelta(days=2), last + timedelta(days=1))


def test_a_daily_linkedin_run_reads_the_days_settled_since_the_run_before():
    now = datetime.now(UTC)
    yesterday = now.date() - timedelta(days=1)
    run = _Run(
        TEHRAN, yesterday - timedelta(days=1), yesterday, SOURCES["linkedin"].lag_days, snapshot_day(TEHRAN)
    )
    window, _ = run.window(SOURCES["linkedin"].stream("follower_statistics"))
    assert window.day == yesterday - timedelta(days=3)
    assert window.last == complete_through("linkedin", TEHRAN.tz, now) < yesterday


def test_a_year_of_linkedin_share_statistics_starts_at_the_oldest_day_linkedin_serves():
    """Share statistics cover the past 12 months only; a 365-day backfill, started two days early
    for LinkedIn's lag, would be refused whole (HTTP 400)."""
    today = datetime.now(UTC).date()
    first, last = today - timedelta(days=367), today - timedelta(days=3)
    run = _Run(TEHRAN, first, last, SOURCES["linkedin"].lag_days, snapshot_day(TEHRAN))
    window, key = run.window(SOURCES["linkedin"].stream("share_statistics"))
    assert window.day == key.interval_start == today - timedelta(days=364)
    assert window.last == last
    # follower statistics declare no such limit: their window still starts lag_days early
    window, _ = run.window(SOURCES["linkedin"].stream("follower_statistics"))
    assert window.day == first - timedelta(days=2)
