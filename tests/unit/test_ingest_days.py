"""Which days a run asks each platform for: never a day the platform has not finished."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from socialkpi.config import Account
from socialkpi.ingest import _Run, complete_through, listed_through, snapshot_day
from socialkpi.sources import SOURCES
from socialkpi.streams import StreamResult, Window

TEHRAN = Account("17841400000000001", "Cafe Tehran", "Asia/Tehran")
TOKYO = Account("UC_timezones_tokyo_00001", "Northwind Tokyo", "Asia/Tokyo")
YOUTUBE = SOURCES["youtube"]


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


# ---- YouTube's per-video reports read the videos of the uploads list -------------------------------
def listed(account: Account, first: date, last: date) -> StreamResult:
    window = Window(account.id, first, account.timezone, last)
    return StreamResult(YOUTUBE.stream("uploads"), window, [], datetime.now(UTC), [])


def test_the_video_list_reaches_a_day_before_the_reports_and_the_days_they_missed():
    first, last = date(2026, 3, 20), date(2026, 4, 6)
    missed = {"video_daily": [date(2026, 3, 14), date(2026, 3, 15)]}
    run = _Run(TOKYO, first, last, 0, snapshot_day(TOKYO), pending=missed, streams=YOUTUBE.streams)
    window, _ = run.window(YOUTUBE.stream("uploads"))
    # One day before the oldest day the reports read: a Pacific day can start before the
    # account's own (Honolulu).
    assert window.day == date(2026, 3, 13)
    # The lifetime numbers of those videos start there too: the gate bounds their publication
    # dates by the batch's own window (a Kolkata channel's video of the extra day was quarantined).
    assert run.window(YOUTUBE.stream("videos"))[0].day == date(2026, 3, 13)
    # A list without such children keeps the run's first day.
    instagram = SOURCES["instagram"]
    run = _Run(TOKYO, first, last, 0, snapshot_day(TOKYO), pending=missed, streams=instagram.streams)
    assert run.window(instagram.stream("media"))[0].day == first


def test_video_reports_stop_at_the_last_pacific_day_the_video_list_holds_whole():
    day = date(2026, 4, 6)
    stream = YOUTUBE.stream("video_daily")
    # Tokyo's midnight after 6 April is 07:00 on 6 April in Los Angeles: videos published later
    # that Pacific day are not listed yet.
    assert listed_through(stream, listed(TOKYO, date(2026, 3, 1), day)) == day - timedelta(days=1)
    los_angeles = Account("UC_timezones_la_000000001", "Northwind Los Angeles", "America/Los_Angeles")
    assert listed_through(stream, listed(los_angeles, date(2026, 3, 1), day)) == day
    run = _Run(TOKYO, day - timedelta(days=5), day, 0, snapshot_day(TOKYO), streams=YOUTUBE.streams)
    window, key = run.window(stream, listed(TOKYO, date(2026, 3, 1), day))
    assert (window.day, window.last) == (day - timedelta(days=5), day - timedelta(days=1))
    assert key.interval_end == day  # the last day is not claimed: the next run's lookback reads it
