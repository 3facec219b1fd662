"""What ``marts.fct_account_kpis_daily`` should show, recomputed from the world model.

Pure Python over :mod:`socialkpi.simulator.world`: no HTTP, no raw tables, no extractor code,
so an end-to-end test can hold the whole pipeline (extraction, landing, dbt) against the
platforms' own day semantics (COMMON.md contracts 2-4):

- Instagram, Facebook: the row of ``day`` is the US Pacific day ``day`` (Meta cuts insights
  days at Pacific midnight whatever the account's zone).
- YouTube: ``day`` is a US Pacific date (YouTube Analytics).
- LinkedIn: ``day`` is a UTC day, served two days late.
- ``posts_published``: posts published on the account's local ``day`` (timestamps).

``followers`` is the value the marts can know: Facebook's ``page_follows`` closes each Pacific
day; elsewhere the live total read at extraction (``followers_count`` / subscriberCount /
networkSize, read at the account's local midnight and filed under the local day before) is
carried back with each day's net change (``snapshot - sum of later days' nets``), which is what
a snapshot plus daily follows/unfollows determine. ``None`` = the mart should show null (the
platform does not report it, or the day is not over/settled at extraction).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from socialkpi.simulator.world import PACIFIC, SocialAccount, World, midnight

FIELDS = (
    "followers",
    "follower_change",
    "followers_gained",
    "followers_lost",
    "likes",
    "comments",
    "shares",
    "saves",
    "engagements",
    "reach",
    "views",
    "posts_published",
)
PLATFORMS = ("instagram", "facebook", "youtube", "linkedin")
LINKEDIN_SETTLING_DAYS = 2


@lru_cache(maxsize=64)
def _account(seed: int, platform: str, account_id: str, timezone: str, now: datetime) -> SocialAccount:
    world = World(seed, {platform: [{"id": account_id, "timezone": timezone}]}, now)
    return world.account(platform, account_id)


def clock(today: date | datetime) -> datetime:
    """The simulator clock for ``today`` (a date means noon UTC, as SimulatorServer reads it)."""
    if isinstance(today, datetime):
        return today.astimezone(UTC)
    return datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)


def _platform_zone(platform: str, account: SocialAccount):
    if platform in ("instagram", "facebook", "youtube"):
        return PACIFIC
    if platform == "linkedin":
        return UTC
    return account.tz


def is_reported(platform: str, account: SocialAccount, day: date) -> bool:
    """Whether the platform serves ``day`` (its own cut) at the account's clock."""
    zone = _platform_zone(platform, account)
    settle = timedelta(days=LINKEDIN_SETTLING_DAYS) if platform == "linkedin" else timedelta(0)
    return midnight(day + timedelta(days=1), zone) + settle <= account.world.now


def _net(platform: str, account: SocialAccount, day: date) -> int:
    moved = account.activity(day, _platform_zone(platform, account))
    return moved.follows - moved.unfollows


def _followers(platform: str, account: SocialAccount, day: date) -> int | None:
    """Followers the mart can state for ``day`` (None when a day in between is unknown)."""
    if platform == "facebook":
        return (
            account.followers_at(midnight(day + timedelta(days=1), PACIFIC))
            if is_reported(platform, account, day)
            else None
        )
    snapshot_day = account.last_complete_day
    if day > snapshot_day:
        return None
    later = [snapshot_day - timedelta(days=n) for n in range((snapshot_day - day).days)]
    if any(not is_reported(platform, account, k) for k in later):
        return None
    return account.followers_now() - sum(_net(platform, account, k) for k in later)


def account_day(
    platform: str,
    account_id: str,
    timezone: str,
    day: date,
    today: date | datetime,
    *,
    seed: int = 42,
) -> dict[str, int | None]:
    """The expected ``fct_account_kpis_daily`` values of one account-day.

    ``today`` is the simulator clock at extraction (a date: noon UTC of it); snapshots are
    read then. Fields the platform does not report, or days not over/settled, are None.
    """
    if platform not in PLATFORMS:
        raise ValueError(f"no recomputation for {platform!r}: choose one of {', '.join(PLATFORMS)}")
    account = _account(seed, platform, account_id, timezone, clock(today))
    expected: dict[str, int | None] = dict.fromkeys(FIELDS)
    expected["posts_published"] = len(account.posts_on(day))
    followers = _followers(platform, account, day)
    expected["followers"] = followers
    if not is_reported(platform, account, day):
        return expected
    zone = _platform_zone(platform, account)
    start, end = account.day_bounds(day, zone)
    moved = account.activity_between(start, end)
    previous = _followers(platform, account, day - timedelta(days=1))
    expected["follower_change"] = (
        followers - previous if followers is not None and previous is not None else None
    )

    def grew(metric: str) -> int:
        return account.increase_between(metric, start, end)

    if platform == "instagram":
        from socialkpi.simulator.instagram import user_metric

        expected["followers_gained"], expected["followers_lost"] = moved.follows, moved.unfollows
        for name in ("likes", "comments", "shares", "saves", "reach", "views"):
            expected[name] = user_metric(account, name, start, end)
        expected["engagements"] = sum(
            expected[name] or 0 for name in ("likes", "comments", "shares", "saves")
        )
    elif platform == "facebook":
        from socialkpi.simulator.facebook import page_metric

        expected["followers_gained"], expected["followers_lost"] = moved.follows, moved.unfollows
        expected["engagements"] = page_metric(account, "page_post_engagements", start, end)
        expected["reach"] = page_metric(account, "page_total_media_view_unique", start, end)
        expected["views"] = page_metric(account, "page_media_view", start, end)
    elif platform == "youtube":
        expected["followers_gained"], expected["followers_lost"] = moved.follows, moved.unfollows
        for name in ("likes", "comments", "shares", "views"):
            expected[name] = grew(name)
        expected["engagements"] = sum(expected[name] or 0 for name in ("likes", "comments", "shares"))
    else:  # linkedin: followerGains are net; share statistics of the UTC day
        expected["followers_gained"] = moved.follows - moved.unfollows
        for name in ("likes", "comments", "shares"):
            expected[name] = grew(name)
        expected["engagements"] = sum(expected[name] or 0 for name in ("likes", "comments", "shares"))
        expected["reach"], expected["views"] = grew("reach"), grew("views")
    return expected


def quiet_days(
    platform: str, account_id: str, timezone: str, first: date, last: date, *, seed: int = 42
) -> list[date]:
    """The platform days in [first, last] without a single follow or unfollow."""
    account = _account(seed, platform, account_id, timezone, clock(last + timedelta(days=3)))
    zone = _platform_zone(platform, account)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [
        day
        for day in days
        if account.activity(day, zone).follows == account.activity(day, zone).unfollows == 0
    ]
