"""The deterministic world every simulated API renders: one brand, its accounts and posts.

Everything here is a pure function of ``(seed, platform, account id, instant)``. Activity
happens at instants, not on days: a post's lifetime counters grow continuously from its
publication, and an account's follows, unfollows and profile views of each of its local days
are spread over that day's hours. A "day" is therefore only a cut: the same account answers
one total for its local day, another for the US Pacific day (Meta, YouTube), another for the
UTC day (LinkedIn), and the totals of consecutive cuts always add up. ``now`` only decides
what is visible (periods that are over) and when live totals are read, so a day's numbers
never change between runs on different days, which is what lets a daily pipeline reconcile
yesterday's snapshot with today's.
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialkpi.simulator import ids

# The brand's history begins here (each account's local midnight): no account has posts or
# follower movement before it.
HISTORY_START = date(2024, 1, 1)
# The zone of an account configured by bare id (the brand's home); every other account carries
# its own (``SimulatorServer(accounts={"instagram": [{"id": ..., "timezone": ...}]})``).
TIMEZONE_NAME = "Europe/Berlin"
TIMEZONE = ZoneInfo(TIMEZONE_NAME)
# Meta (Instagram, Facebook) and YouTube Analytics cut days at US Pacific midnight.
PACIFIC = ZoneInfo("America/Los_Angeles")
# Lifetime counters stop moving this many days after publication; follows driven by a post
# stop sooner, which keeps the follower history cheap to compute.
COUNTER_GROWTH_DAYS = 28
FOLLOWS_GROWTH_DAYS = 7
BRAND_SITE = "https://northwind.example"
# How an account's own (not post-driven) activity spreads over its local day, per local hour:
# quiet at night, a morning and an evening peak.
DIURNAL_WEIGHTS = (
    1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 9,
    10, 9, 8, 8, 9, 11, 13, 14, 12, 9, 5, 2,
)  # fmt: skip
_DIURNAL_CUMULATIVE = [sum(DIURNAL_WEIGHTS[:hour]) / sum(DIURNAL_WEIGHTS) for hour in range(25)]


def stable_int(*parts: object) -> int:
    """A 64-bit integer derived from ``parts``; stable across processes (unlike hash())."""
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def rng_for(*parts: object) -> random.Random:
    return random.Random(stable_int(*parts))


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {name!r}: use an IANA name such as Europe/Berlin") from None


def midnight(day: date, tz: ZoneInfo) -> datetime:
    """The instant (UTC) at which ``day`` begins in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def date_in(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def local_midnight_utc(day: date) -> datetime:
    """Midnight of ``day`` in the default zone (accounts configured without a timezone)."""
    return midnight(day, TIMEZONE)


def local_date_of(instant: datetime) -> date:
    return date_in(instant, TIMEZONE)


def days_between(start: date, end: date) -> list[date]:
    """``start`` up to, not including, ``end``."""
    return [start + timedelta(days=offset) for offset in range((end - start).days)]


def parse_accounts(accounts: Mapping[str, Iterable[object]]) -> dict[str, dict[str, str]]:
    """``{source: [id | {"id", "timezone"}]}`` -> ``{source: {id: timezone name}}`` (ordered)."""
    parsed: dict[str, dict[str, str]] = {}
    for source, entries in accounts.items():
        parsed[source] = {}
        for entry in entries:
            if isinstance(entry, Mapping):
                if "id" not in entry:
                    raise ValueError(f"simulator account of {source} without an id: {dict(entry)!r}")
                account_id, name = str(entry["id"]), str(entry.get("timezone") or TIMEZONE_NAME)
            else:
                account_id, name = str(entry), TIMEZONE_NAME
            zone(name)  # fail on a bad name now, not on the first request
            parsed[source][account_id] = name
    return parsed


@dataclass(frozen=True)
class Campaign:
    name: str
    landing_page: str
    theme: str


CAMPAIGNS = (
    Campaign("winter_blend", "/winter", "Our winter blend is back"),
    Campaign("spring_menu", "/spring", "Spring menu, fresh from the roastery"),
    Campaign("cold_brew_launch", "/cold-brew", "Cold brew season starts now"),
    Campaign("summer_sale", "/sale", "Summer sale on all beans"),
    Campaign("autumn_launch", "/autumn", "New roast for autumn"),
    Campaign("holiday_gifts", "/gifts", "Gift boxes for the holidays"),
    Campaign("subscription_push", "/subscribe", "Never run out: coffee subscription"),
    Campaign("barista_tips", "/journal/barista-tips", "Barista tips for home brewing"),
)
# Posts without a link (pure brand content) still count, they just drive no tagged sessions.
UNTAGGED_SHARE = 0.15


@dataclass(frozen=True)
class PlatformProfile:
    """How a platform's audience behaves; ranges are (low, high) for uniform draws."""

    platform: str
    post_probability: float
    second_post_probability: float
    audience_start: tuple[int, int]
    audience_growth_per_day: tuple[float, float]
    reach_per_audience: tuple[float, float]
    views_per_reach: tuple[float, float]
    likes_per_reach: tuple[float, float]
    comments_per_like: tuple[float, float]
    saves_per_like: tuple[float, float]
    shares_per_like: tuple[float, float]
    clicks_per_reach: tuple[float, float]
    follows_per_reach: tuple[float, float]
    base_follows: tuple[int, int]
    base_unfollows: tuple[int, int]
    # Fraction of the lifetime total reached by the end of the publication day; the rest
    # arrives geometrically over the next days.
    first_day_share: tuple[float, float]
    media_kinds: tuple[tuple[str, float], ...] = ()


PROFILES: dict[str, PlatformProfile] = {
    "instagram": PlatformProfile(
        platform="instagram",
        post_probability=0.55,
        second_post_probability=0.15,
        audience_start=(9000, 22000),
        audience_growth_per_day=(4.0, 9.0),
        reach_per_audience=(0.12, 0.40),
        views_per_reach=(1.3, 1.9),
        likes_per_reach=(0.03, 0.08),
        comments_per_like=(0.02, 0.08),
        saves_per_like=(0.04, 0.12),
        shares_per_like=(0.02, 0.10),
        clicks_per_reach=(0.01, 0.03),
        follows_per_reach=(0.0015, 0.004),
        base_follows=(4, 14),
        base_unfollows=(2, 9),
        first_day_share=(0.45, 0.70),
        media_kinds=(("IMAGE", 0.45), ("CAROUSEL_ALBUM", 0.20), ("VIDEO", 0.35)),
    ),
    "facebook": PlatformProfile(
        platform="facebook",
        post_probability=0.45,
        second_post_probability=0.10,
        audience_start=(12000, 30000),
        audience_growth_per_day=(2.0, 6.0),
        reach_per_audience=(0.05, 0.20),
        views_per_reach=(1.2, 1.6),
        likes_per_reach=(0.02, 0.05),
        comments_per_like=(0.03, 0.10),
        saves_per_like=(0.0, 0.0),
        shares_per_like=(0.05, 0.15),
        clicks_per_reach=(0.006, 0.02),
        follows_per_reach=(0.0008, 0.002),
        base_follows=(2, 9),
        base_unfollows=(1, 6),
        first_day_share=(0.55, 0.75),
        media_kinds=(("photo", 0.6), ("link", 0.25), ("video", 0.15)),
    ),
    "x": PlatformProfile(
        platform="x",
        post_probability=0.75,
        second_post_probability=0.35,
        audience_start=(5000, 14000),
        audience_growth_per_day=(0.5, 3.0),
        reach_per_audience=(0.10, 0.35),
        views_per_reach=(1.0, 1.0),
        likes_per_reach=(0.008, 0.025),
        comments_per_like=(0.05, 0.20),
        saves_per_like=(0.03, 0.10),
        shares_per_like=(0.08, 0.25),
        clicks_per_reach=(0.003, 0.01),
        follows_per_reach=(0.0005, 0.0015),
        base_follows=(1, 6),
        base_unfollows=(1, 5),
        first_day_share=(0.75, 0.90),
    ),
    "linkedin": PlatformProfile(
        platform="linkedin",
        post_probability=0.35,
        second_post_probability=0.05,
        audience_start=(4000, 12000),
        audience_growth_per_day=(2.0, 6.0),
        reach_per_audience=(0.15, 0.45),
        views_per_reach=(1.3, 1.7),
        likes_per_reach=(0.015, 0.04),
        comments_per_like=(0.04, 0.12),
        saves_per_like=(0.0, 0.0),
        shares_per_like=(0.03, 0.10),
        clicks_per_reach=(0.01, 0.03),
        follows_per_reach=(0.001, 0.003),
        base_follows=(2, 8),
        base_unfollows=(0, 3),
        first_day_share=(0.45, 0.65),
    ),
    "youtube": PlatformProfile(
        platform="youtube",
        post_probability=0.12,
        second_post_probability=0.0,
        audience_start=(5000, 18000),
        audience_growth_per_day=(1.0, 5.0),
        reach_per_audience=(0.20, 0.60),
        views_per_reach=(1.1, 1.4),
        likes_per_reach=(0.02, 0.05),
        comments_per_like=(0.03, 0.10),
        saves_per_like=(0.0, 0.0),
        shares_per_like=(0.01, 0.05),
        clicks_per_reach=(0.005, 0.015),
        follows_per_reach=(0.002, 0.006),
        base_follows=(2, 10),
        base_unfollows=(1, 5),
        first_day_share=(0.25, 0.45),
    ),
    "tiktok": PlatformProfile(
        platform="tiktok",
        post_probability=0.40,
        second_post_probability=0.10,
        audience_start=(6000, 40000),
        audience_growth_per_day=(5.0, 20.0),
        reach_per_audience=(0.20, 1.20),
        views_per_reach=(1.2, 1.6),
        likes_per_reach=(0.04, 0.10),
        comments_per_like=(0.01, 0.04),
        saves_per_like=(0.02, 0.08),
        shares_per_like=(0.01, 0.05),
        clicks_per_reach=(0.001, 0.004),
        follows_per_reach=(0.002, 0.006),
        base_follows=(5, 25),
        base_unfollows=(3, 12),
        first_day_share=(0.40, 0.60),
    ),
}


@dataclass(frozen=True)
class Post:
    """One published piece of content and its lifetime totals once fully grown."""

    platform: str
    account_id: str
    post_id: str
    local_date: date  # in the account's timezone
    index: int
    published_at: datetime  # UTC
    kind: str
    campaign: Campaign | None
    totals: dict[str, int] = field(hash=False, compare=False)
    first_day_share: float = 0.5
    tz: ZoneInfo = field(default=TIMEZONE, compare=False)

    def share_at(self, instant: datetime, growth_days: int = COUNTER_GROWTH_DAYS) -> float:
        """Share of the lifetime totals reached at ``instant``: 0 at publication,
        ``first_day_share`` 24 hours later, then geometric until ``growth_days``."""
        return self._share((instant - self.published_at).total_seconds() / 86400, growth_days)

    def _share(self, age: float, growth_days: int) -> float:
        if age <= 0:
            return 0.0
        if age >= growth_days:
            return 1.0
        return 1.0 - (1 - self.first_day_share) ** age

    def lifetime_at(self, metric: str, instant: datetime) -> int:
        """The counter at ``instant`` (floor keeps it monotonic and integer)."""
        growth_days = FOLLOWS_GROWTH_DAYS if metric == "follows" else COUNTER_GROWTH_DAYS
        return math.floor(self.totals[metric] * self.share_at(instant, growth_days) + 1e-9)

    def lifetimes_at(self, instant: datetime) -> dict[str, int]:
        """Every counter at ``instant`` (what :meth:`lifetime_at` gives, in one pass)."""
        age = (instant - self.published_at).total_seconds() / 86400
        counters, follows = self._share(age, COUNTER_GROWTH_DAYS), self._share(age, FOLLOWS_GROWTH_DAYS)
        return {
            metric: math.floor(total * (follows if metric == "follows" else counters) + 1e-9)
            for metric, total in self.totals.items()
        }

    def lifetime(self, metric: str, as_of: date) -> int:
        """The counter at the end of the account's local day ``as_of``."""
        return self.lifetime_at(metric, midnight(as_of + timedelta(days=1), self.tz))

    def increase_between(self, metric: str, start: datetime, end: datetime) -> int:
        return self.lifetime_at(metric, end) - self.lifetime_at(metric, start)

    def increase_on(self, metric: str, day: date) -> int:
        """Growth during the account's local ``day``."""
        return self.lifetime(metric, day) - self.lifetime(metric, day - timedelta(days=1))

    @property
    def utm_url(self) -> str | None:
        if self.campaign is None:
            return None
        return (
            f"{BRAND_SITE}{self.campaign.landing_page}?utm_source={self.platform}"
            f"&utm_medium=social&utm_campaign={self.campaign.name}"
        )


POST_METRICS = ("reach", "views", "likes", "comments", "saves", "shares", "clicks", "follows")


def _uniform(rng: random.Random, bounds: tuple[float, float]) -> float:
    return rng.uniform(bounds[0], bounds[1])


def _weighted_choice(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    roll = rng.random() * sum(weight for _, weight in options)
    for value, weight in options:
        roll -= weight
        if roll <= 0:
            return value
    return options[-1][0]


def _diurnal_share(fraction: float) -> float:
    """Share of a local day's own activity that happened in its first ``fraction``."""
    if fraction <= 0:
        return 0.0
    if fraction >= 1:
        return 1.0
    hours = fraction * 24
    whole = int(hours)
    low, high = _DIURNAL_CUMULATIVE[whole], _DIURNAL_CUMULATIVE[whole + 1]
    return low + (high - low) * (hours - whole)


@dataclass(frozen=True)
class DayActivity:
    """What happened on an account during a period (a day in some zone, or any window)."""

    follows: int
    unfollows: int
    extra_views: int  # profile/story views not attributable to a post
    extra_reach: int


# Small accounts (a neighbourhood café) exist so that quiet days happen: on many days nobody
# follows and nobody unfollows, which Meta answers with empty breakdown results.
SMALL_ACCOUNT_PLATFORMS = ("instagram", "facebook")


def is_small_account(platform: str, account_id: str) -> bool:
    """About one Instagram or Facebook account in three is small; stable whatever the seed."""
    return platform in SMALL_ACCOUNT_PLATFORMS and stable_int("small", platform, account_id) % 3 == 2


class SocialAccount:
    """One account on one platform; posts and follower movements are computed lazily."""

    def __init__(
        self, world: World, platform: str, account_id: str, timezone_name: str = TIMEZONE_NAME
    ) -> None:
        self.world = world
        self.platform = platform
        self.account_id = account_id
        self.timezone_name = timezone_name
        self.tz = zone(timezone_name)
        self.profile = PROFILES[platform]
        self.is_small = is_small_account(platform, account_id)
        # A short tag identifies the account inside the ids of its posts.
        self.tag = stable_int("account-tag", platform, account_id) % 1024
        setup = rng_for(world.seed, "account", platform, account_id)
        self.audience_start = setup.randint(*self.profile.audience_start)
        self.audience_growth = _uniform(setup, self.profile.audience_growth_per_day)
        if self.is_small:
            self.audience_start = 300 + self.audience_start % 600
            self.audience_growth /= 20
        self.following_count = setup.randint(120, 480)
        self.history_start = midnight(HISTORY_START, self.tz)
        self._posts_cache: dict[date, list[Post]] = {}
        self._followers_cache: dict[date, int] = {}
        self._own_cache: dict[date, DayActivity] = {}
        self._window_cache: dict[tuple[datetime, datetime], DayActivity] = {}
        self._increase_cache: dict[tuple[datetime, datetime], dict[str, int]] = {}
        self._span_cache: dict[tuple[date, date], list[Post]] = {}
        self._lock = threading.RLock()

    # -- the account's clock ---------------------------------------------------------------

    @property
    def today(self) -> date:
        """The account's local date at the simulator's ``now``."""
        return date_in(self.world.now, self.tz)

    @property
    def last_complete_day(self) -> date:
        return self.today - timedelta(days=1)

    @property
    def read_at(self) -> datetime:
        """When live totals (followers_count, lifetime counters) are read: the start of the
        account's local today, i.e. the close of the day a daily run files them under."""
        return midnight(self.today, self.tz)

    def day_bounds(self, day: date, tz: ZoneInfo | None = None) -> tuple[datetime, datetime]:
        """[start, end) of ``day`` cut in ``tz`` (default: the account's own zone)."""
        tz = tz or self.tz
        return midnight(day, tz), midnight(day + timedelta(days=1), tz)

    # -- posts -------------------------------------------------------------------------

    def audience(self, day: date) -> float:
        """A smooth audience size used to scale post performance (not the follower count)."""
        return self.audience_start + self.audience_growth * (day - HISTORY_START).days

    def posts_on(self, day: date) -> list[Post]:
        """Posts published on local ``day``, in publication order."""
        if day < HISTORY_START:
            return []
        cached = self._posts_cache.get(day)
        if cached is not None:
            return cached
        rng = rng_for(self.world.seed, "posts", self.platform, self.account_id, day)
        weekend_factor = 0.6 if day.weekday() >= 5 else 1.0
        if self.is_small:
            weekend_factor *= 0.4
        count = 0
        if rng.random() < self.profile.post_probability * weekend_factor:
            count = 2 if rng.random() < self.profile.second_post_probability else 1
        minutes = sorted(rng.randint(8 * 60, 20 * 60 + 30) for _ in range(count))
        posts = [self._make_post(day, index, minute) for index, minute in enumerate(minutes)]
        self._posts_cache[day] = posts
        return posts

    def _make_post(self, day: date, index: int, minute_of_day: int) -> Post:
        rng = rng_for(self.world.seed, "post", self.platform, self.account_id, day, index)
        profile = self.profile
        kind = _weighted_choice(rng, profile.media_kinds) if profile.media_kinds else "post"
        reach = self.audience(day) * _uniform(rng, profile.reach_per_audience)
        if kind == "VIDEO":  # reels travel further than feed posts
            reach *= 1.8
        likes = reach * _uniform(rng, profile.likes_per_reach)
        totals = {
            "reach": round(reach),
            "views": round(reach * _uniform(rng, profile.views_per_reach)),
            "likes": round(likes),
            "comments": round(likes * _uniform(rng, profile.comments_per_like)),
            "saves": round(likes * _uniform(rng, profile.saves_per_like)),
            "shares": round(likes * _uniform(rng, profile.shares_per_like)),
            "clicks": round(reach * _uniform(rng, profile.clicks_per_reach)),
            "follows": round(reach * _uniform(rng, profile.follows_per_reach)),
        }
        campaign = None
        if rng.random() >= UNTAGGED_SHARE:
            # Campaigns run in ~3-week flights; most posts push the current one.
            flight = (day - HISTORY_START).days // 21
            if rng.random() < 0.75:
                campaign = CAMPAIGNS[flight % len(CAMPAIGNS)]
            else:
                campaign = CAMPAIGNS[rng.randrange(len(CAMPAIGNS))]
        published_at = midnight(day, self.tz) + timedelta(minutes=minute_of_day, seconds=rng.randint(0, 59))
        return Post(
            platform=self.platform,
            account_id=self.account_id,
            post_id=self._post_id(day, index, published_at),
            local_date=day,
            index=index,
            published_at=published_at,
            kind=kind,
            campaign=campaign,
            totals=totals,
            first_day_share=_uniform(rng, profile.first_day_share),
            tz=self.tz,
        )

    def _post_id(self, day: date, index: int, published_at: datetime) -> str:
        key = ids.PostKey(self.tag, (day - HISTORY_START).days, index)
        check = stable_int(self.world.seed, "post-id", self.platform, self.account_id, day, index)
        post_id = ids.encode_post_id(self.platform, key, published_at, check)
        # Facebook post ids are "{page-id}_{post-number}".
        return f"{self.account_id}_{post_id}" if self.platform == "facebook" else post_id

    def posts_before(self, end: date) -> list[Post]:
        """All posts published before local day ``end``, newest first."""
        posts: list[Post] = []
        for day in reversed(days_between(HISTORY_START, end)):
            posts.extend(reversed(self.posts_on(day)))
        return posts

    def posts_between(self, start: date, end: date) -> list[Post]:
        """Posts published on local days ``start`` <= day < ``end``, oldest first."""
        posts: list[Post] = []
        for day in days_between(max(start, HISTORY_START), end):
            posts.extend(self.posts_on(day))
        return posts

    def posts_published_before(self, instant: datetime) -> list[Post]:
        """Every post published before ``instant``, newest first (what a live list shows)."""
        return [
            post
            for post in self.posts_before(date_in(instant, self.tz) + timedelta(days=1))
            if post.published_at < instant
        ]

    def posts_growing_between(
        self, start: datetime, end: datetime, growth_days: int = COUNTER_GROWTH_DAYS
    ) -> list[Post]:
        """Posts whose counters can move during [start, end)."""
        first = max(date_in(start, self.tz) - timedelta(days=growth_days + 1), HISTORY_START)
        last = date_in(end, self.tz)
        span = self._span_cache.get((first, last))
        if span is None:
            span = []
            for offset in range((last - first).days + 1):
                span.extend(self.posts_on(first + timedelta(days=offset)))
            self._span_cache[(first, last)] = span
        return [post for post in span if post.published_at < end]

    def growing_posts(self, day: date) -> list[Post]:
        """Posts whose lifetime counters can still move on local ``day``."""
        return self.posts_growing_between(*self.day_bounds(day))

    def post_count_before(self, end: date) -> int:
        return sum(len(self.posts_on(day)) for day in days_between(HISTORY_START, end))

    # -- account activity ------------------------------------------------------------------

    def _own_activity(self, day: date) -> DayActivity:
        """The account's own (not post-driven) activity of local ``day``, before spreading."""
        cached = self._own_cache.get(day)
        if cached is not None:
            return cached
        if day < HISTORY_START:
            return DayActivity(0, 0, 0, 0)
        rng = rng_for(self.world.seed, "activity", self.platform, self.account_id, day)
        profile = self.profile
        if self.is_small:
            follows = 1 if rng.random() < 0.3 else 0
            unfollows = 1 if rng.random() < 0.2 else 0
        else:
            follows = rng.randint(*profile.base_follows)
            unfollows = rng.randint(*profile.base_unfollows)
        extra_views = round(self.audience(day) * rng.uniform(0.004, 0.02))
        extra_reach = round(extra_views * rng.uniform(0.5, 0.8))
        own = DayActivity(follows, unfollows, extra_views, extra_reach)
        self._own_cache[day] = own
        return own

    def _own_between(self, start: datetime, end: datetime) -> DayActivity:
        """The own activity of [start, end): each local day's totals spread over its hours."""
        totals = [0, 0, 0, 0]
        day = date_in(start, self.tz)
        while True:
            day_start, day_end = self.day_bounds(day)
            if day_start >= end:
                break
            length = (day_end - day_start).total_seconds()
            low = _diurnal_share((max(start, day_start) - day_start).total_seconds() / length)
            high = _diurnal_share((min(end, day_end) - day_start).total_seconds() / length)
            own = self._own_activity(day)
            for position, amount in enumerate(own.__dict__.values()):
                totals[position] += math.floor(amount * high + 1e-9) - math.floor(amount * low + 1e-9)
            day += timedelta(days=1)
        return DayActivity(*totals)

    def activity_between(self, start: datetime, end: datetime) -> DayActivity:
        """Everything that happened on the account during [start, end), any cut, cached."""
        start, end = max(start, self.history_start), max(end, self.history_start)
        if start >= end:
            return DayActivity(0, 0, 0, 0)
        key = (start, end)
        with self._lock:
            cached = self._window_cache.get(key)
        if cached is not None:
            return cached
        own = self._own_between(start, end)
        # New followers come in a base trickle plus whatever the last few posts brought.
        from_posts = sum(
            post.increase_between("follows", start, end)
            for post in self.posts_growing_between(start, end, FOLLOWS_GROWTH_DAYS)
        )
        activity = DayActivity(own.follows + from_posts, own.unfollows, own.extra_views, own.extra_reach)
        with self._lock:
            self._window_cache[key] = activity
        return activity

    def activity(self, day: date, tz: ZoneInfo | None = None) -> DayActivity:
        """The activity of ``day`` cut in ``tz`` (default: the account's local day)."""
        return self.activity_between(*self.day_bounds(day, tz))

    def increases_between(self, start: datetime, end: datetime) -> dict[str, int]:
        """Every counter's growth over all posts during [start, end), cached per window (a day
        cut in some zone): one pass over the growing posts serves every metric."""
        key = (start, end)
        with self._lock:
            cached = self._increase_cache.get(key)
        if cached is not None:
            return cached
        totals = dict.fromkeys(POST_METRICS, 0)
        for post in self.posts_growing_between(start, end):
            before, after = post.lifetimes_at(start), post.lifetimes_at(end)
            for metric in POST_METRICS:
                totals[metric] += after[metric] - before[metric]
        with self._lock:
            self._increase_cache[key] = totals
        return totals

    def increase_between(self, metric: str, start: datetime, end: datetime) -> int:
        """The sum over all posts of the ``metric`` counters' growth during [start, end)."""
        return self.increases_between(start, end)[metric]

    def daily_increase(self, metric: str, day: date, tz: ZoneInfo | None = None) -> int:
        return self.increase_between(metric, *self.day_bounds(day, tz))

    def followers_at_end_of(self, day: date) -> int:
        """Followers after local ``day``: start + every follow - every unfollow so far."""
        if day < HISTORY_START:
            return self.audience_start
        with self._lock:
            known = [cached for cached in self._followers_cache if cached <= day]
            current_day = max(known) if known else HISTORY_START - timedelta(days=1)
            total = self._followers_cache.get(current_day, self.audience_start)
            while current_day < day:
                current_day += timedelta(days=1)
                activity = self.activity(current_day)
                total += activity.follows - activity.unfollows
                self._followers_cache[current_day] = total
            return total

    def followers_at(self, instant: datetime) -> int:
        """Followers at any instant (e.g. at Pacific or UTC midnight)."""
        day = date_in(instant, self.tz)
        before = self.followers_at_end_of(day - timedelta(days=1))
        moved = self.activity_between(midnight(day, self.tz), instant)
        return before + moved.follows - moved.unfollows

    def followers_now(self) -> int:
        """The live follower total, as read at :attr:`read_at`."""
        return self.followers_at_end_of(self.last_complete_day)


class World:
    """All accounts of the brand, keyed by platform; the single source of every number.

    ``now`` is the simulator's clock (an instant). Given a date, the clock stands at noon UTC
    of that date, when that date is "today" in every zone from UTC-12 to UTC+11.
    """

    def __init__(self, seed: int, accounts: Mapping[str, Iterable[object]], now: datetime | date) -> None:
        self.seed = seed
        if isinstance(now, datetime):
            self.now = now.astimezone(UTC)
        else:
            self.now = datetime.combine(now, time(12), tzinfo=UTC)
        self.timezones = parse_accounts(accounts)
        self.account_ids = {platform: list(zones) for platform, zones in self.timezones.items()}
        self._accounts: dict[tuple[str, str], SocialAccount] = {}
        self._lock = threading.Lock()

    @property
    def today(self) -> date:
        """The UTC date of ``now`` (for things without a zone: API versions, stamps)."""
        return self.now.date()

    @property
    def last_complete_day(self) -> date:
        return self.today - timedelta(days=1)

    def timezone(self, platform: str, account_id: str) -> ZoneInfo:
        return zone(self.timezones.get(platform, {}).get(account_id, TIMEZONE_NAME))

    def local_today(self, platform: str, account_id: str) -> date:
        return date_in(self.now, self.timezone(platform, account_id))

    def is_over(self, day: date, tz: ZoneInfo) -> bool:
        """Whether ``day`` cut in ``tz`` has ended at ``now`` (and is inside the history)."""
        return day >= HISTORY_START and midnight(day + timedelta(days=1), tz) <= self.now

    def is_visible(self, day: date, tz: ZoneInfo = TIMEZONE) -> bool:
        """Data exists only for days that are over."""
        return self.is_over(day, tz)

    def has_account(self, platform: str, account_id: str) -> bool:
        return account_id in self.timezones.get(platform, {})

    def account(self, platform: str, account_id: str) -> SocialAccount:
        key = (platform, account_id)
        with self._lock:
            if key not in self._accounts:
                name = self.timezones.get(platform, {}).get(account_id, TIMEZONE_NAME)
                self._accounts[key] = SocialAccount(self, platform, account_id, name)
            return self._accounts[key]

    def account_of(self, post: Post) -> SocialAccount:
        return self.account(post.platform, post.account_id)

    def social_accounts(self, platform: str) -> list[SocialAccount]:
        if platform not in PROFILES:
            return []
        return [self.account(platform, account_id) for account_id in self.account_ids.get(platform, [])]

    def find_post(self, platform: str, post_id: str) -> Post | None:
        """The published post with ``post_id`` on any configured account of ``platform``."""
        key = ids.decode_post_id(platform, post_id)
        if key is None:
            return None
        day = HISTORY_START + timedelta(days=key.day_ordinal)
        for account in self.social_accounts(platform):
            if account.tag != key.account_tag:
                continue
            # X ids carry a UTC instant, so the local day may be one either side of it.
            for candidate in (day, day - timedelta(days=1), day + timedelta(days=1)):
                if candidate >= account.today:
                    continue
                posts = account.posts_on(candidate)
                if key.index < len(posts) and posts[key.index].post_id == post_id:
                    return posts[key.index]
        return None


BRAND_IDENTITIES = (
    ("northwindcoffee", "Northwind Coffee"),
    ("northwind.roastery", "Northwind Roastery"),
    ("northwind.berlin", "Northwind Berlin"),
    ("northwind.hamburg", "Northwind Hamburg"),
    ("northwind.cafes", "Northwind Cafés"),
)


def brand_identity(platform: str, account_id: str) -> tuple[str, str]:
    """(handle, display name) of an account; stable whatever else is configured."""
    return BRAND_IDENTITIES[stable_int("identity", platform, account_id) % len(BRAND_IDENTITIES)]
