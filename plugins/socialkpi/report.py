"""Plain-text tables for the terminal: the KPI summary `socialkpi run` prints, and audit listings."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import psycopg

from socialkpi.warehouse import current_url


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return f"{int(value):,}"
    if isinstance(value, float | Decimal):
        return f"{value:,.4f}" if abs(value) < 1 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False))
    rule = "  ".join("-" * w for w in widths)
    body = [
        "  ".join(c.rjust(w) if _numeric(c) else c.ljust(w) for c, w in zip(r, widths, strict=False))
        for r in cells
    ]
    return "\n".join([line, rule, *body]) if body else f"{line}\n{rule}\n(no rows)"


def _numeric(text: str) -> bool:
    return text.replace(",", "").replace(".", "").replace("-", "").replace("%", "").isdigit()


ACCOUNT_SUMMARY = """
with window_rows as (
    select *
    from {schema}.fct_account_kpis_daily
    where kpi_date > (select max(kpi_date) from {schema}.fct_account_kpis_daily) - %(days)s
),
latest as (
    select distinct on (platform, account_id) platform, account_id, followers
    from window_rows
    order by platform, account_id, kpi_date desc
)
select w.platform,
       count(distinct w.account_id) as accounts,
       (select sum(l.followers) from latest as l where l.platform = w.platform) as followers_now,
       (select count(l.followers) from latest as l where l.platform = w.platform) as accounts_with_followers,
       sum(w.follower_change) as follower_change,
       sum(w.posts_published) as posts,
       sum(w.engagements) as engagements,
       sum(w.reach) as reach,
       -- the average daily rate over the window: sum of daily engagements / sum of daily followers
       sum(w.engagements)::numeric / nullif(sum(w.followers), 0) as engagement_rate_by_followers,
       sum(w.engagements)::numeric / nullif(sum(w.reach), 0) as engagement_rate_by_reach,
       count(*) as account_days,
       count(w.follower_change) as days_with_follower_change,
       count(w.engagements) as days_with_engagements,
       count(w.reach) as days_with_reach,
       sum(w.engagements_on_published_posts) as engagements_on_published_posts
from window_rows as w
group by w.platform
order by w.platform
"""

TRAFFIC_SUMMARY = """
select analytics_source,
       platform,
       sum(sessions) as sessions,
       sum(engaged_sessions) as engaged_sessions,
       sum(key_events) as key_events,
       sum(revenue) as revenue,
       sum(key_events)::numeric / nullif(sum(sessions), 0) as conversion_rate
from {schema}.fct_social_traffic_daily
where traffic_date > (select max(traffic_date) from {schema}.fct_social_traffic_daily) - %(days)s
group by analytics_source, platform
order by analytics_source, sessions desc
"""

# What a platform's API does not offer at all (README "KPI definitions"): said in words, not as a dash.
NOT_REPORTED = {
    "reach": {"x": "X", "youtube": "YouTube", "tiktok": "TikTok"},
}
# Platforms whose account-level engagements exist only as increases of lifetime post counters.
POST_COUNTER_PLATFORMS = {"x", "tiktok"}
SNAPSHOT_ONLY_FOLLOWERS = {"x", "tiktok"}
LAGGED_FOLLOWERS = {"linkedin"}
NOT_REPORTED_BY_ANALYTICS = {"engaged_sessions": {"plausible"}, "revenue": {"plausible"}}


class Footnotes:
    """Numbered reasons for the cells that hold no number; each reason is printed once."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def mark(self, reason: str) -> str:
        if reason not in self.reasons:
            self.reasons.append(reason)
        return f"[{self.reasons.index(reason) + 1}]"

    def lines(self) -> list[str]:
        return [f"[{number}] {reason}" for number, reason in enumerate(self.reasons, start=1)]


UNKNOWN = (
    "unknown for every day of the window: the days were not extracted, failed or were quarantined "
    "(`socialkpi loads` says which); a failed day is never counted as 0"
)
PARTIAL = "known on {known} of {total} account-days; the sum covers the known days only"
FOLLOWER_CHANGE_SNAPSHOT_ONLY = (
    "X and TikTok report only the current follower total: a change needs the totals of two "
    "consecutive days, i.e. daily runs after the backfill"
)
FOLLOWERS_LAGGED = (
    "LinkedIn's daily follower gains settle two days late: followers are reconstructed backward "
    "from the network-size snapshot once the gains up to the snapshot's day have arrived"
)
ENGAGEMENTS_ON_POSTS = (
    "engagements so far on the posts published in the window (engagements_on_published_posts, "
    "latest lifetime counters): {platforms} have no activity-day engagements, and a backfill reads "
    "every post counter on one day, so the daily increases are unknown"
)


def _account_cells(row: dict, notes: Footnotes) -> list:
    platform = row["platform"]
    total = row["account_days"]

    def measured(value, known: int, column: str):
        if value is None:
            if platform in NOT_REPORTED.get(column, {}):
                return "not reported"
            return "unknown " + notes.mark(UNKNOWN)
        if known < total:
            return f"{_cell(value)} " + notes.mark(PARTIAL.format(known=known, total=total))
        return value

    if row["followers_now"] is None or row["accounts_with_followers"] < row["accounts"]:
        if platform in LAGGED_FOLLOWERS:
            followers = "pending " + notes.mark(FOLLOWERS_LAGGED)
        else:
            followers = "unknown " + notes.mark(UNKNOWN)
        if row["followers_now"] is not None:
            followers = f"{_cell(row['followers_now'])} {followers}"
    else:
        followers = row["followers_now"]

    if row["follower_change"] is None and platform in SNAPSHOT_ONLY_FOLLOWERS:
        follower_change = "no history " + notes.mark(FOLLOWER_CHANGE_SNAPSHOT_ONLY)
    elif row["follower_change"] is None and platform in LAGGED_FOLLOWERS:
        follower_change = "pending " + notes.mark(FOLLOWERS_LAGGED)
    else:
        follower_change = measured(
            row["follower_change"], row["days_with_follower_change"], "follower_change"
        )

    if row["engagements"] is None and platform in POST_COUNTER_PLATFORMS:
        names = " and ".join(sorted({"x": "X", "tiktok": "TikTok"}[p] for p in POST_COUNTER_PLATFORMS))
        engagements = f"{_cell(row['engagements_on_published_posts'] or 0)} on new posts " + notes.mark(
            ENGAGEMENTS_ON_POSTS.format(platforms=names)
        )
    else:
        engagements = measured(row["engagements"], row["days_with_engagements"], "engagements")

    reach = measured(row["reach"], row["days_with_reach"], "reach")

    def rate(value, denominator_cell):
        if value is not None:
            return value
        if isinstance(denominator_cell, str) and denominator_cell == "not reported":
            return "no reach"
        return "not computable " + notes.mark(
            "a rate needs both the engagements and its denominator for the same days"
        )

    return [
        platform,
        row["accounts"],
        followers,
        follower_change,
        row["posts"],
        engagements,
        reach,
        rate(row["engagement_rate_by_followers"], followers),
        rate(row["engagement_rate_by_reach"], reach),
    ]


def _traffic_cells(row: tuple, notes: Footnotes) -> list:
    source, platform, sessions, engaged, key_events, revenue, conversion = row
    cells = [source, platform, sessions]
    for column, value in (("engaged_sessions", engaged), ("key_events", key_events), ("revenue", revenue)):
        if value is None and source in NOT_REPORTED_BY_ANALYTICS.get(column, set()):
            cells.append("not reported")
        elif value is None:
            cells.append("unknown " + notes.mark(UNKNOWN))
        else:
            cells.append(value)
    cells.append(conversion if conversion is not None else "no sessions")
    return cells


def kpi_tables(days: int, url: str | None = None, schema: str = "marts") -> str:
    """The KPI summary of the last `days` days of the marts in `schema` (where BI users read them)."""
    from psycopg import sql

    def query(text: str) -> sql.Composed:
        return sql.SQL(text).format(schema=sql.Identifier(schema))

    with psycopg.connect(url or current_url()) as conn:
        try:
            cursor = conn.execute(query(ACCOUNT_SUMMARY), {"days": days})
            names = [column.name for column in cursor.description]
            accounts = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
            traffic = conn.execute(query(TRAFFIC_SUMMARY), {"days": days}).fetchall()
        except psycopg.errors.UndefinedTable:
            return "No marts yet: run `socialkpi run` (or `make run`) first."
    notes = Footnotes()
    account_rows = [_account_cells(row, notes) for row in accounts]
    traffic_rows = [_traffic_cells(row, notes) for row in traffic]
    return "\n".join(
        [
            f"Social KPIs, last {days} days (marts.fct_account_kpis_daily)",
            table(
                [
                    "platform",
                    "accounts",
                    "followers",
                    "follower_change",
                    "posts",
                    "engagements",
                    "reach",
                    "eng_rate_followers",
                    "eng_rate_reach",
                ],
                account_rows,
            ),
            "",
            f"Referral traffic from social, last {days} days, per web analytics source (marts.fct_social_traffic_daily)",
            table(
                [
                    "analytics",
                    "platform",
                    "sessions",
                    "engaged_sessions",
                    "key_events",
                    "revenue",
                    "conversion_rate",
                ],
                traffic_rows,
            ),
            *(["", *notes.lines()] if notes.reasons else []),
        ]
    )
