"""Website sessions of the brand's site, as GA4 and Plausible would count them.

Days are the property's own days (GA4: the property's reporting timezone; Plausible: the
site's timezone), i.e. the timezone configured for that account. Social sessions come from the
posts of every configured social account: a post's link clicks arrive on its publication day
(in the property's zone) and the next three days, under the post's campaign, split over the
referrers each platform produces. The rest is the usual non-social mix. A small site (about one
in three) has quiet days without a single visit, which the APIs answer with no rows at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from socialkpi.simulator.world import CAMPAIGNS, HISTORY_START, World, date_in, rng_for, stable_int

# Share of a post's link clicks arriving on day 0, 1, 2, 3 after publication.
CLICK_DECAY = (0.58, 0.24, 0.12, 0.06)

# (source, medium, share of the platform's social clicks) per platform.
SOCIAL_REFERRERS: dict[str, tuple[tuple[str, str, float], ...]] = {
    "instagram": (
        ("instagram", "social", 0.40),  # the caption's utm-tagged link
        ("l.instagram.com", "referral", 0.30),
        ("instagram.com", "referral", 0.12),
        ("ig", "social", 0.18),  # story link stickers tagged utm_source=ig
    ),
    "facebook": (
        ("facebook", "social", 0.45),
        ("l.facebook.com", "referral", 0.30),
        ("m.facebook.com", "referral", 0.15),
        ("facebook.com", "referral", 0.10),
    ),
    "x": (("x", "social", 0.45), ("t.co", "referral", 0.55)),
    "linkedin": (
        ("linkedin", "social", 0.45),
        ("linkedin.com", "referral", 0.30),
        ("lnkd.in", "referral", 0.25),
    ),
    "youtube": (
        ("youtube", "social", 0.40),
        ("youtube.com", "referral", 0.45),
        ("m.youtube.com", "referral", 0.15),
    ),
    "tiktok": (("tiktok", "social", 0.55), ("tiktok.com", "referral", 0.45)),
}

CHANNEL_GROUPS = {
    ("social", True): "Organic Social",
    ("referral", True): "Organic Social",
    ("paid_social", True): "Paid Social",
    ("cpc", True): "Paid Social",
    ("organic", False): "Organic Search",
    ("cpc", False): "Paid Search",
    ("(none)", False): "Direct",
    ("email", False): "Email",
    ("referral", False): "Referral",
}
SOCIAL_SOURCES = {source for referrers in SOCIAL_REFERRERS.values() for source, _, _ in referrers}


@dataclass(frozen=True)
class TrafficRow:
    """Sessions of one day for one (source, medium, campaign, landing page)."""

    day: date
    source: str
    medium: str
    campaign: str
    landing_page: str
    sessions: int
    engaged_sessions: int
    total_users: int
    key_events: int
    purchases: int  # the key events that were purchases (the rest: newsletter signups)
    revenue_cents: int

    @property
    def channel_group(self) -> str:
        return CHANNEL_GROUPS.get(
            (self.medium, self.source in SOCIAL_SOURCES or self.source in ("facebook", "instagram")),
            "Unassigned",
        )


def current_campaign(day: date):
    return CAMPAIGNS[((day - HISTORY_START).days // 21) % len(CAMPAIGNS)]


class WebTraffic:
    """Daily session rows of one web property (GA4 property id or Plausible site id)."""

    def __init__(self, world: World, property_id: str, source: str = "ga4") -> None:
        self.world = world
        self.property_id = property_id
        self.tz = world.timezone(source, property_id)
        self.timezone_name = world.timezones.get(source, {}).get(property_id, self.tz.key)
        self.is_small = stable_int("small-site", property_id) % 3 == 0
        self._cache: dict[date, list[TrafficRow]] = {}

    def is_quiet(self, day: date) -> bool:
        """A small site's day without any visit (about one day in four)."""
        return self.is_small and stable_int("quiet-site", self.property_id, day) % 4 == 0

    def rows(self, day: date) -> list[TrafficRow]:
        """The session rows of the property's local ``day`` (none until the day is over)."""
        if not self.world.is_over(day, self.tz) or self.is_quiet(day):
            return []
        if day not in self._cache:
            sessions = self._social_sessions(day)
            for key, count in self._other_sessions(day).items():
                sessions[key] = sessions.get(key, 0) + count
            self._cache[day] = [
                self._with_outcomes(day, key, count) for key, count in sorted(sessions.items()) if count > 0
            ]
        return self._cache[day]

    def _social_sessions(self, day: date) -> dict[tuple[str, str, str, str], int]:
        sessions: dict[tuple[str, str, str, str], int] = {}
        for platform, referrers in SOCIAL_REFERRERS.items():
            for account in self.world.social_accounts(platform):
                for age, share in enumerate(CLICK_DECAY):
                    published = day - timedelta(days=age)
                    # the post's publish day in the property's zone, whatever the account's
                    candidates = account.posts_between(
                        published - timedelta(days=1), published + timedelta(days=2)
                    )
                    for post in candidates:
                        if post.campaign is None or date_in(post.published_at, self.tz) != published:
                            continue
                        clicks = post.totals["clicks"] * share
                        for source, medium, referrer_share in referrers:
                            key = (source, medium, post.campaign.name, post.campaign.landing_page)
                            count = round(clicks * referrer_share)
                            sessions[key] = sessions.get(key, 0) + count
        return sessions

    def _other_sessions(self, day: date) -> dict[tuple[str, str, str, str], int]:
        rng = rng_for(self.world.seed, "web", self.property_id, day)
        weekend = day.weekday() >= 5
        campaign = current_campaign(day)
        sessions = {
            ("google", "organic", "(organic)", "/"): rng.randint(90, 220),
            ("google", "organic", "(organic)", "/shop"): rng.randint(40, 120),
            ("google", "organic", "(organic)", "/journal/barista-tips"): rng.randint(20, 80),
            ("bing", "organic", "(organic)", "/"): rng.randint(5, 25),
            ("(direct)", "(none)", "(direct)", "/"): rng.randint(60, 160),
            ("(direct)", "(none)", "(direct)", "/shop"): rng.randint(20, 60),
            ("google", "cpc", "brand_search", "/"): rng.randint(15, 50),
            ("facebook", "paid_social", "always_on_prospecting", campaign.landing_page): (
                rng.randint(10, 45)
            ),
            ("instagram", "paid_social", "always_on_prospecting", campaign.landing_page): (
                rng.randint(10, 45)
            ),
            ("instagram", "cpc", "retargeting", "/shop"): rng.randint(3, 18),
            ("news.ycombinator.com", "referral", "(referral)", "/journal/barista-tips"): (rng.randint(0, 4)),
        }
        # The newsletter goes out on Tuesdays; opens trail into Wednesday.
        if day.weekday() in (1, 2):
            volume = rng.randint(60, 140) if day.weekday() == 1 else rng.randint(15, 40)
            sessions[("newsletter", "email", "weekly_newsletter", campaign.landing_page)] = volume
        if weekend:
            sessions = {key: round(count * 0.7) for key, count in sessions.items()}
        if self.is_small:
            sessions = {key: count // 6 for key, count in sessions.items()}
        return sessions

    def _with_outcomes(self, day: date, key: tuple[str, str, str, str], sessions: int) -> TrafficRow:
        source, medium, campaign, landing_page = key
        rng = rng_for(self.world.seed, "outcomes", self.property_id, day, *key)
        engaged = round(sessions * rng.uniform(0.45, 0.78))
        users = max(1, round(sessions * rng.uniform(0.82, 0.96)))
        key_events = sum(1 for _ in range(sessions) if rng.random() < 0.035)
        purchases = sum(1 for _ in range(key_events) if rng.random() < 0.6)
        revenue_cents = sum(rng.randint(1800, 6500) for _ in range(purchases))
        return TrafficRow(
            day=day,
            source=source,
            medium=medium,
            campaign=campaign,
            landing_page=landing_page,
            sessions=sessions,
            engaged_sessions=min(engaged, sessions),
            total_users=min(users, sessions),
            key_events=key_events,
            purchases=purchases,
            revenue_cents=revenue_cents,
        )
