"""The deterministic world every simulated API renders: one brand, its accounts and posts.

Everything here is a pure function of ``(seed, platform, account id, date)``. ``today`` only
decides what is visible (days before it) and as of when lifetime counters are read, so a
day's numbers never change between runs on different days, which is what lets a daily
pipeline reconcile yesterday's snapshot with today's.
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from socialkpi.simulator import ids

# The brand's history begins here: no account has posts or followers movement before it.
HISTORY_START = date(2024, 1, 1)
# Every simulated account and the GA4 property report in the brand's home timezone.
TIMEZONE_NAME = "Europe/Berlin"
TIMEZONE = ZoneInfo(TIMEZONE_NAME)
# Lifetime counters stop moving this many days after publication; follows driven by a post
# stop sooner, which keeps the follower history cheap to compute.
COUNTER_GROWTH_DAYS = 28
FOLLOWS_GROWTH_DAYS = 7
BRAND_SITE = "https://northwind.example"


def stable_int(*parts: object) -> int:
    """A 64-bit integer derived from ``parts``; stable across processes (unlike hash())."""
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def rng_for(*parts: object) -> random.Random:
    return random.Random(stable_int(*parts))


def local_midnight_utc(day: date) -> datetime:
    """The instant (UTC) at which local ``day`` begins."""
    return datetime.combine(day, time(0), tzinfo=TIMEZONE).astimezone(UTC)


def local_date_of(instant: datetime) -> date:
    return instant.astimezone(TIMEZONE).date()


def days_between(start: date, end: date) -> list[date]:
    """``start`` up to, not including, ``end``."""
    return [start + timedelta(days=offset) for offset in range((end - start).days)]


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
    local_date: date
    index: int
    published_at: datetime  # UTC
    kind: str
    campaign: Campaign | None
    totals: dict[str, int] = field(hash=False, compare=False)
    first_day_share: float = 0.5

    def growth_share(self, as_of: date, growth_days: int = COUNTER_GROWTH_DAYS) -> float:
        """Share of the lifetime totals reached by the end of local day ``as_of``."""
        age = (as_of - self.local_date).days
        if age < 0:
            return 0.0
        if age >= growth_days:
            return 1.0
        remaining = (1 - self.first_day_share) ** (age + 1)
        return 1.0 - remaining

    def lifetime(self, metric: str, as_of: date) -> int:
        """The counter at the end of local day ``as_of`` (floor keeps it monotonic)."""
        growth_days = FOLLOWS_GROWTH_DAYS if metric == "follows" else COUNTER_GROWTH_DAYS
        return math.floor(self.totals[metric] * self.growth_share(as_of, growth_days) + 1e-9)

    def increase_on(self, metric: str, day: date) -> int:
        return self.lifetime(metric, day) - self.lifetime(metric, day - timedelta(days=1))

    @property
    def utm_url(self) -> str | None:
        if self.campaign is None:
            return None
        return (
            f"{BRAND_SITE}{self.campaign.landing_page}?utm_source={self.platform}"
            f"&utm_medium=social&utm_campaign={self.campaign.name}"
        )


def _uniform(rng: random.Random, bounds: tuple[float, float]) -> float:
    return rng.uniform(bounds[0], bounds[1])


def _weighted_choice(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    roll = rng.random() * sum(weight for _, weight in options)
    for value, weight in options:
        roll -= weight
        if roll <= 0:
            return value
    return options[-1][0]


@dataclass(frozen=True)
class DayActivity:
    """What happened on an account on one local day (daily, not lifetime, numbers)."""

    follows: int
    unfollows: int
    extra_views: int  # profile/story views not attributable to a post
    extra_reach: int


class SocialAccount:
    """One account on one platform; posts and follower movements are computed lazily."""

    def __init__(self, world: World, platform: str, account_id: str) -> None:
        self.world = world
        self.platform = platform
        self.account_id = account_id
        self.profile = PROFILES[platform]
        # A short tag identifies the account inside the ids of its posts.
        self.tag = stable_int("account-tag", platform, account_id) % 1024
        setup = rng_for(world.seed, "account", platform, account_id)
        self.audience_start = setup.randint(*self.profile.audience_start)
        self.audience_growth = _uniform(setup, self.profile.audience_growth_per_day)
        self.following_count = setup.randint(120, 480)
        self._posts_cache: dict[date, list[Post]] = {}
        self._followers_cache: dict[date, int] = {}
        self._lock = threading.Lock()

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
        published_at = local_midnight_utc(day) + timedelta(minutes=minute_of_day, seconds=rng.randint(0, 59))
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

    def growing_posts(self, day: date) -> list[Post]:
        """Posts whose lifetime counters can still move on ``day``."""
        return self.posts_between(day - timedelta(days=COUNTER_GROWTH_DAYS), day + timedelta(1))

    def post_count_before(self, end: date) -> int:
        return sum(len(self.posts_on(day)) for day in days_between(HISTORY_START, end))

    # -- daily account activity ----------------------------------------------------------

    def activity(self, day: date) -> DayActivity:
        if day < HISTORY_START:
            return DayActivity(0, 0, 0, 0)
        rng = rng_for(self.world.seed, "activity", self.platform, self.account_id, day)
        profile = self.profile
        # New followers come in a base trickle plus whatever the last few posts brought.
        from_posts = sum(
            post.increase_on("follows", day)
            for post in self.posts_between(day - timedelta(days=FOLLOWS_GROWTH_DAYS), day + timedelta(1))
        )
        follows = rng.randint(*profile.base_follows) + from_posts
        unfollows = rng.randint(*profile.base_unfollows)
        extra_views = round(self.audience(day) * rng.uniform(0.004, 0.02))
        extra_reach = round(extra_views * rng.uniform(0.5, 0.8))
        return DayActivity(follows, unfollows, extra_views, extra_reach)

    def daily_increase(self, metric: str, day: date) -> int:
        """The sum over all posts of the ``metric`` counters' growth during ``day``."""
        return sum(post.increase_on(metric, day) for post in self.growing_posts(day))

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


class World:
    """All accounts of the brand, keyed by platform; the single source of every number."""

    def __init__(self, seed: int, accounts: dict[str, list[str]], today: date) -> None:
        self.seed = seed
        self.today = today
        self.account_ids = {platform: list(ids) for platform, ids in accounts.items()}
        self._accounts: dict[tuple[str, str], SocialAccount] = {}
        self._lock = threading.Lock()

    @property
    def last_complete_day(self) -> date:
        return self.today - timedelta(days=1)

    def is_visible(self, day: date) -> bool:
        """Data exists only for days that are over (strictly before ``today``)."""
        return HISTORY_START <= day < self.today

    def has_account(self, platform: str, account_id: str) -> bool:
        return account_id in self.account_ids.get(platform, [])

    def account(self, platform: str, account_id: str) -> SocialAccount:
        key = (platform, account_id)
        with self._lock:
            if key not in self._accounts:
                self._accounts[key] = SocialAccount(self, platform, account_id)
            return self._accounts[key]

    def social_accounts(self, platform: str) -> list[SocialAccount]:
        if platform not in PROFILES:
            return []
        return [self.account(platform, account_id) for account_id in self.account_ids.get(platform, [])]

    def find_post(self, platform: str, post_id: str) -> Post | None:
        """The visible post with ``post_id`` on any configured account of ``platform``."""
        key = ids.decode_post_id(platform, post_id)
        if key is None:
            return None
        day = HISTORY_START + timedelta(days=key.day_ordinal)
        if not self.is_visible(day):
            return None
        for account in self.social_accounts(platform):
            if account.tag != key.account_tag:
                continue
            posts = account.posts_on(day)
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
