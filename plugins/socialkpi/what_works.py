"""The "what works" part of the KPI summary (#12): best posting windows, top formats and hashtags,
competitors side by side and crisis days. The SQL is kept in constants so the HTML report can run
the same queries."""

from __future__ import annotations

import psycopg

from socialkpi.report import table
from socialkpi.warehouse import current_url

# The recommended windows: confident cells only (window_rank is null for the others).
BEST_WINDOWS = """
select platform, coalesce(account_name, account_id) as account, window_rank,
       weekday_name || ' ' || lpad(publish_hour::text, 2, '0') || ':00' as local_window,
       account_timezone, posts, mean_engagement_rate_by_followers, rate_index
from marts.fct_posting_windows
where window_rank <= %(top)s
order by platform, account, window_rank
"""

# Per platform, the newest month with posts: formats by median engagement rate, with the change
# against the previous month.
TOP_FORMATS = """
with latest as (
    select platform, max(content_month) as content_month
    from marts.fct_content_performance group by platform
)
select c.platform, to_char(c.content_month, 'YYYY-MM') as month, c.dimension_value as format, c.posts,
       c.median_engagement_rate_by_followers, c.median_engagement_rate_change, c.views_per_post
from marts.fct_content_performance as c
inner join latest on c.platform = latest.platform and c.content_month = latest.content_month
where c.dimension = 'format'
order by c.platform, c.median_engagement_rate_by_followers desc nulls last, c.posts desc
"""

# Hashtags of the last three months with data, the most used first.
TOP_HASHTAGS = """
with recent as (
    select * from marts.fct_content_performance
    where dimension = 'hashtag'
      and content_month > (select max(content_month) from marts.fct_content_performance) - interval '3 months'
),
ranked as (
    select platform, '#' || dimension_value as hashtag, sum(posts) as posts,
           sum(median_engagement_rate_by_followers * posts) / nullif(sum(posts), 0) as median_rate_weighted,
           row_number() over (partition by platform order by sum(posts) desc, dimension_value) as position
    from recent group by platform, dimension_value
)
select platform, hashtag, posts, median_rate_weighted
from ranked where position <= %(top)s
order by platform, position
"""

# The newest day competitors were read, per platform.
COMPETITOR_TABLE = """
with latest as (
    select platform, max(snapshot_date) as snapshot_date from marts.fct_competitor_daily group by platform
)
select c.platform, c.snapshot_date, coalesce(c.account_name, c.account_ref) as account,
       case when c.is_own_account then 'own' else 'competitor' end as kind,
       c.followers, c.follower_change, c.posts, c.engagements_per_post,
       c.engagement_rate_by_followers, c.share_of_voice
from marts.fct_competitor_daily as c
inner join latest on c.platform = latest.platform and c.snapshot_date = latest.snapshot_date
order by c.platform, c.share_of_voice desc nulls last
"""

CRISIS_DAYS = """
select s.platform, coalesce(s.account_name, s.account_id) as account, s.signal_date,
       s.comments_received, s.median_comments, s.negative_comments, s.negative_comment_share
from marts.fct_crisis_signals as s
where s.is_crisis and s.signal_date > (select max(signal_date) from marts.fct_crisis_signals) - %(days)s
order by s.signal_date desc, s.platform
"""


def what_works_tables(days: int, url: str | None = None, top: int = 3) -> str:
    queries = {
        "windows": (BEST_WINDOWS, {"top": top}),
        "formats": (TOP_FORMATS, {}),
        "hashtags": (TOP_HASHTAGS, {"top": 5}),
        "competitors": (COMPETITOR_TABLE, {}),
        "crisis": (CRISIS_DAYS, {"days": days}),
    }
    with psycopg.connect(url or current_url()) as conn:
        try:
            rows = {name: conn.execute(sql, params).fetchall() for name, (sql, params) in queries.items()}
        except psycopg.errors.UndefinedTable:
            return "No what-works marts yet: run `socialkpi run` first."
    return "\n".join(
        [
            f"Best posting windows (top {top} per account, local time; cells with too few posts are never recommended)",
            table(
                [
                    "platform",
                    "account",
                    "rank",
                    "window",
                    "timezone",
                    "posts",
                    "eng_rate_followers",
                    "vs_avg",
                ],
                rows["windows"],
            ),
            "",
            "Formats, newest month per platform (marts.fct_content_performance)",
            table(
                [
                    "platform",
                    "month",
                    "format",
                    "posts",
                    "median_eng_rate",
                    "change_vs_prev",
                    "views_per_post",
                ],
                rows["formats"],
            ),
            "",
            "Top hashtags, last 3 months",
            table(["platform", "hashtag", "posts", "median_eng_rate"], rows["hashtags"]),
            "",
            "Competitors, newest day read (public counters only; marts.fct_competitor_daily)",
            table(
                [
                    "platform",
                    "day",
                    "account",
                    "kind",
                    "followers",
                    "change",
                    "posts_28d",
                    "eng_per_post",
                    "eng_rate",
                    "share_of_voice",
                ],
                rows["competitors"],
            ),
            "",
            f"Crisis days, last {days} days (comment storms with negative keywords: a keyword signal, not sentiment)",
            table(
                ["platform", "account", "day", "comments", "usual", "negative", "negative_share"],
                rows["crisis"],
            ),
        ]
    )
