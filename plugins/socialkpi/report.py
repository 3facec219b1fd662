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
    from marts.fct_account_kpis_daily
    where kpi_date > (select max(kpi_date) from marts.fct_account_kpis_daily) - %(days)s
),
latest as (
    select distinct on (platform, account_id) platform, account_id, followers
    from window_rows
    order by platform, account_id, kpi_date desc
)
select w.platform,
       count(distinct w.account_id) as accounts,
       (select sum(l.followers) from latest as l where l.platform = w.platform) as followers_now,
       sum(w.follower_change) as follower_change,
       sum(w.posts_published) as posts,
       sum(w.engagements) as engagements,
       sum(w.reach) as reach,
       -- the average daily rate over the window: sum of daily engagements / sum of daily followers
       sum(w.engagements)::numeric / nullif(sum(w.followers), 0) as engagement_rate_by_followers,
       sum(w.engagements)::numeric / nullif(sum(w.reach), 0) as engagement_rate_by_reach
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
from marts.fct_social_traffic_daily
where traffic_date > (select max(traffic_date) from marts.fct_social_traffic_daily) - %(days)s
group by analytics_source, platform
order by analytics_source, sessions desc
"""


def kpi_tables(days: int, url: str | None = None) -> str:
    with psycopg.connect(url or current_url()) as conn:
        try:
            accounts = conn.execute(ACCOUNT_SUMMARY, {"days": days}).fetchall()
            traffic = conn.execute(TRAFFIC_SUMMARY, {"days": days}).fetchall()
        except psycopg.errors.UndefinedTable:
            return "No marts yet: run `socialkpi run` (or `make run`) first."
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
                accounts,
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
                traffic,
            ),
        ]
    )
