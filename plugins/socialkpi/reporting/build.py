"""The monthly report as one self-contained HTML page: inline CSS, inline SVG, an embedded font.

The page makes no request when opened (no script, no stylesheet or font from elsewhere); links
to posts are plain anchors. Every text cell carries dir="auto", so a Persian or Arabic caption or
campaign name is laid out right to left inside a left-to-right page.
"""

from __future__ import annotations

import base64
import re
from collections import defaultdict
from datetime import UTC, date, datetime
from functools import cache
from html import escape
from pathlib import Path

from socialkpi.reporting import charts
from socialkpi.reporting import formatting as fmt

STYLE_FILE = Path(__file__).with_name("report.css")
# Fonts that cover the Arabic script (Persian included), in order of preference: the Debian
# packages fonts-noto-core and fonts-dejavu-core (the Makefile installs the former when missing).
ARABIC_FONTS = (
    Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)
RTL_SCRIPT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")

PLATFORM_NAMES = {
    "instagram": "Instagram",
    "facebook": "Facebook",
    "x": "X",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "tiktok": "TikTok",
    "ga4": "GA4",
    "plausible": "Plausible",
    "other": "Other",
}
KPI_NAMES = {
    "followers": "Followers (end of month)",
    "follower_change": "Net new followers",
    "engagements": "Engagements",
    "posts_published": "Posts published",
    "engagement_rate_by_followers": "Engagement rate (engagements ÷ followers)",
    "referral_sessions": "Sessions from social",
    "key_events": "Key events from social",
    "reach": "Reach",
    "views": "Views",
}
RATE_KPIS = {"engagement_rate_by_followers"}
# Attainment below this share of target is red; between it and 100 % amber; at or above green.
AMBER_FROM = 0.9


def platform_name(platform: str) -> str:
    return PLATFORM_NAMES.get(platform, platform.title())


def kpi_name(kpi: str) -> str:
    return KPI_NAMES.get(kpi, kpi.replace("_", " ").capitalize())


def status_of(attainment) -> str:
    if attainment is None:
        return "none"
    if attainment >= 1:
        return "green"
    return "amber" if attainment >= AMBER_FROM else "red"


STATUS_WORDS = {"green": "On target", "amber": "Close", "red": "Behind", "none": "No data"}


# ---- small HTML helpers ------------------------------------------------------------------------
def t(value) -> str:
    """A text cell: escaped, its direction taken from its own first strong character."""
    return f'<span dir="auto">{escape(str(value))}</span>' if value not in (None, "") else fmt.DASH


def table(headers: list[tuple[str, str]], rows: list[list[str]], cls: str = "") -> str:
    """headers: (label, 'num' | 'text'); cells are ready HTML."""
    head = "".join(f'<th class="{kind}">{escape(label)}</th>' for label, kind in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{kind}">{cell}</td>' for (_, kind), cell in zip(headers, row, strict=True))
        + "</tr>"
        for row in rows
    )
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def trend(text: str, value: float | None, good_when_up: bool = True) -> str:
    if value is None:
        return f'<span class="trend flat">{escape(text)}</span>'
    if abs(value) < 1e-12:
        return f'<span class="trend flat">{escape(text)}</span>'
    up = value > 0
    cls = "good" if up == good_when_up else "bad"
    arrow = "\u25b2" if up else "\u25bc"
    return f'<span class="trend {cls}">{arrow} {escape(text)}</span>'


def pill(status: str) -> str:
    return f'<span class="pill {status}">{STATUS_WORDS[status]}</span>'


def figure(svg: str, note: str = "") -> str:
    caption = f"<figcaption>{note}</figcaption>" if note else ""
    return f'<figure class="chart-figure">{svg}{caption}</figure>'


def empty(text: str) -> str:
    return f'<p class="empty">{escape(text)}</p>'


def section(number: int, slug: str, title: str, lead: str, body: str) -> str:
    return (
        f'<section id="{slug}" class="report-section" data-section="{number}">'
        f'<h2><span class="number">{number}</span>{escape(title)}</h2>'
        f'<p class="lead">{lead}</p>{body}</section>'
    )


# ---- the sections ------------------------------------------------------------------------------
class ReportData:
    """The query results of one month, with the lookups the sections share."""

    def __init__(self, month_start: date, results: dict[str, list[dict]], generated_at: datetime):
        self.month_start = month_start
        self.results = results
        self.generated_at = generated_at
        coverage = results["coverage"][0] if results["coverage"] else {}
        self.last_day: date | None = coverage.get("last_day_with_data")
        self.has_data = bool(coverage.get("account_days") or coverage.get("traffic_rows"))
        self.platform_months: dict[str, dict[str, dict]] = defaultdict(dict)
        for row in results["platform_months"]:
            self.platform_months[row["platform"]][row["period"]] = row
        campaigns = results["campaigns"]
        sources = {row["analytics_source"] for row in results["traffic_by_platform"]}
        # One web analytics source for totals (GA4 and Plausible measure the same site): the one
        # the campaign mart uses, else GA4, else whichever reported.
        self.analytics_source = (
            campaigns[0]["analytics_source"]
            if campaigns
            else ("ga4" if "ga4" in sources else min(sources, default=None))
        )

    def __getitem__(self, name: str) -> list[dict]:
        return self.results[name]


def at_a_glance(data: ReportData) -> str:
    current = [p.get("current") for p in data.platform_months.values() if p.get("current")]
    previous = [p.get("previous") for p in data.platform_months.values() if p.get("previous")]

    def total(rows, key):
        values = [r[key] for r in rows if r.get(key) is not None]
        return sum(values) if values else None

    traffic = [r for r in data["traffic_by_platform"] if r["analytics_source"] == data.analytics_source]
    targets = data["targets"]
    met = sum(1 for r in targets if r["is_target_met"])
    cards = []
    for label, key, good_up in (
        ("Followers, all platforms", "followers", True),
        ("Net new followers", "follower_change", True),
        ("Engagements", "engagements", True),
        ("Posts published", "posts_published", True),
    ):
        now, before = total(current, key), total(previous, key)
        text, ratio = fmt.change(now, before)
        cards.append((label, fmt.integer(now), trend(f"{text} vs last month", ratio, good_up)))
    sessions = total(traffic, "sessions")
    key_events = total(traffic, "key_events")
    source = platform_name(data.analytics_source) if data.analytics_source else ""
    cards.append((f"Sessions from social ({source})", fmt.integer(sessions), ""))
    cards.append((f"Key events from social ({source})", fmt.integer(key_events), ""))
    if targets:
        behind = sum(1 for r in targets if status_of(r["attainment"]) == "red")
        cards.append(
            ("Targets met", f"{met} of {len(targets)}", f'<span class="trend flat">{behind} behind</span>')
        )
    body = "".join(
        f'<div class="card"><div class="card-label">{escape(label)}</div>'
        f'<div class="card-value">{value}</div><div class="card-trend">{extra}</div></div>'
        for label, value, extra in cards
    )
    return f'<div class="cards">{body}</div>'


def section_headline(data: ReportData) -> str:
    rows = []
    for platform in sorted(data.platform_months):
        now = data.platform_months[platform].get("current")
        before = data.platform_months[platform].get("previous") or {}
        if not now:
            continue
        followers_change = fmt.change(now["followers"], before.get("followers"))
        engagement_change = fmt.change(now["engagements"], before.get("engagements"))
        rate_change = fmt.point_change(
            now["engagement_rate_by_followers"], before.get("engagement_rate_by_followers")
        )
        rows.append(
            [
                t(platform_name(platform)),
                fmt.integer(now["accounts"]),
                fmt.integer(now["followers"]),
                trend(*followers_change),
                fmt.signed_integer(now["follower_change"]),
                fmt.integer(now["posts_published"]),
                fmt.integer(now["engagements"]),
                trend(*engagement_change),
                fmt.percent(now["engagement_rate_by_followers"], 2),
                trend(*rate_change),
            ]
        )
    headline = table(
        [
            ("Platform", "text"),
            ("Accounts", "num"),
            ("Followers", "num"),
            ("vs last month", "num"),
            ("Net new", "num"),
            ("Posts", "num"),
            ("Engagements", "num"),
            ("vs last month", "num"),
            ("Eng. rate", "num"),
            ("vs last month", "num"),
        ],
        rows,
    )
    targets = data["targets"]
    if not targets:
        target_html = empty("No targets are set for this month (seed kpi_targets).")
    else:
        target_rows = []
        bars = []
        colours = []
        for row in targets:
            status = status_of(row["attainment"])
            as_rate = row["kpi"] in RATE_KPIS
            show = (lambda v: fmt.percent(v, 2)) if as_rate else fmt.integer
            target_rows.append(
                [
                    t(platform_name(row["platform"])),
                    t(row["account_name"]),
                    t(kpi_name(row["kpi"])),
                    show(row["target_value"]),
                    show(row["actual_value"]),
                    fmt.percent(row["attainment"], 0),
                    pill(status),
                ]
            )
            label = f"{platform_name(row['platform'])} · {kpi_name(row['kpi']).split(' (')[0]}"
            bars.append((label, float(row["attainment"]) if row["attainment"] is not None else None))
            colours.append(charts.STATUS_COLOURS[status])
        target_html = table(
            [
                ("Platform", "text"),
                ("Account", "text"),
                ("KPI", "text"),
                ("Target", "num"),
                ("Actual", "num"),
                ("Attainment", "num"),
                ("Status", "text"),
            ],
            target_rows,
        ) + figure(
            charts.bar_chart(
                "target-attainment",
                f"Target attainment, {fmt.month_name(data.month_start)}",
                bars,
                x_label="Actual as a share of target (%)",
                value_format=lambda v: fmt.percent(v, 0),
                colours=colours,
                reference=(1.0, "target"),
            ),
            f"Green: target met. Amber: at least {AMBER_FROM:.0%} of target. Red: below that.",
        )
    return headline + "<h3>Targets</h3>" + target_html


def section_audience(data: ReportData) -> str:
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for row in data["follower_growth"]:
        if row["cumulative_follower_change"] is not None:
            series[platform_name(row["platform"])].append(
                (row["kpi_date"], float(row["cumulative_follower_change"]))
            )
    parts = []
    if series:
        parts.append(
            figure(
                charts.line_chart(
                    "follower-growth",
                    f"Follower growth per platform, {fmt.month_name(data.month_start)}",
                    dict(sorted(series.items())),
                    y_label="Net new followers since the 1st",
                    x_label="Day (each account's reporting timezone)",
                    value_format=fmt.signed_integer,
                ),
                "Cumulative net change of followers (followed minus unfollowed) from the first day of the month. "
                "Platforms that report follower totals only on snapshot days (X, TikTok) draw fewer points.",
            )
        )
    else:
        parts.append(empty("No follower changes are known for this month."))
    current = {p: m["current"] for p, m in data.platform_months.items() if m.get("current")}
    if current:
        platforms = sorted(current)
        rate_bars = [
            (
                platform_name(p),
                float(current[p]["engagement_rate_by_followers"])
                if current[p]["engagement_rate_by_followers"] is not None
                else None,
            )
            for p in platforms
        ]
        colours = [charts.colour_for(p) for p in platforms]
        parts.append(
            figure(
                charts.bar_chart(
                    "engagement-rate",
                    "Engagement rate by followers, per platform",
                    rate_bars,
                    x_label="Engagements ÷ followers, summed over the month's days (%)",
                    value_format=lambda v: fmt.percent(v, 2),
                    colours=colours,
                ),
                "Denominator: followers at the end of each day; the month's rate is the sum of daily "
                "engagements divided by the sum of daily followers (a follower-weighted daily rate).",
            )
        )
        parts.append(
            figure(
                charts.bar_chart(
                    "posts-published",
                    "Posts published, per platform",
                    [(platform_name(p), float(current[p]["posts_published"] or 0)) for p in platforms],
                    x_label="Posts in the month (count)",
                    colours=colours,
                )
            )
        )
    return "".join(parts)


def section_traffic(data: ReportData) -> str:
    traffic = data["traffic_by_platform"]
    if not traffic:
        return empty("No sessions from social platforms were recorded this month.")
    primary = [r for r in traffic if r["analytics_source"] == data.analytics_source]
    by_platform: dict[str, float] = defaultdict(float)
    for row in primary:
        by_platform[row["platform"]] += float(row["sessions"] or 0)
    ordered = sorted(by_platform.items(), key=lambda item: -item[1])
    parts = [
        figure(
            charts.bar_chart(
                "sessions-by-platform",
                f"Website sessions from social, per platform ({platform_name(data.analytics_source)})",
                [(platform_name(p), v) for p, v in ordered],
                x_label="Sessions in the month (count)",
                colours=[charts.colour_for(p) for p, _ in ordered],
            )
        )
    ]
    parts.append(
        table(
            [
                ("Analytics", "text"),
                ("Property", "text"),
                ("Platform", "text"),
                ("Sessions", "num"),
                ("Engaged", "num"),
                ("Key events", "num"),
                ("Conversion rate", "num"),
                ("Revenue", "num"),
            ],
            [
                [
                    t(platform_name(r["analytics_source"])),
                    t(r["account_id"]),
                    t(platform_name(r["platform"])),
                    fmt.integer(r["sessions"]),
                    fmt.integer(r["engaged_sessions"]),
                    fmt.decimal(r["key_events"], 0),
                    fmt.percent(r["conversion_rate"]),
                    fmt.decimal(r["revenue"], 2),
                ]
                for r in traffic
            ],
        )
    )
    parts.append(
        '<p class="note">Conversion rate = key events ÷ sessions. GA4 and Plausible measure the same '
        "site: their rows are shown side by side, never added. Plausible reports no engaged sessions "
        "and no revenue (–). Revenue is in the web property's currency.</p>"
    )
    campaigns = [r for r in data["traffic_by_campaign"] if r["analytics_source"] == data.analytics_source]
    if campaigns:
        top = sorted(campaigns, key=lambda r: -(r["sessions"] or 0))[:10]
        parts.append("<h3>Per campaign</h3>")
        parts.append(
            figure(
                charts.bar_chart(
                    "sessions-by-campaign",
                    f"Sessions from social per campaign ({platform_name(data.analytics_source)})",
                    [(r["campaign_name"], float(r["sessions"] or 0)) for r in top],
                    x_label="Sessions in the month (count)",
                    colours=[charts.PALETTE[0]] * len(top),
                )
            )
        )
        parts.append(
            table(
                [
                    ("Campaign", "text"),
                    ("utm_campaign", "text"),
                    ("Sessions", "num"),
                    ("Key events", "num"),
                    ("Conversion rate", "num"),
                    ("Revenue", "num"),
                ],
                [
                    [
                        t(r["campaign_name"]),
                        f"<code>{escape(r['campaign'])}</code>",
                        fmt.integer(r["sessions"]),
                        fmt.decimal(r["key_events"], 0),
                        fmt.percent(r["conversion_rate"]),
                        fmt.decimal(r["revenue"], 2),
                    ]
                    for r in top
                ],
            )
        )
    return "".join(parts)


def _post_rows(rows: list[dict]) -> list[list[str]]:
    out = []
    for r in rows:
        caption = r["caption_excerpt"] or "(no caption)"
        link = (
            f'<a href="{escape(r["permalink"])}" dir="auto">{escape(caption)}</a>'
            if r["permalink"]
            else t(caption)
        )
        out.append(
            [
                str(r["post_rank"]),
                f'<div class="caption">{link}</div>',
                f"{escape(platform_name(r['platform']))} · {t(r['account_name'])}",
                escape(fmt.day(r["published_date"])),
                fmt.integer(r["engagements"]),
                fmt.integer(r["views"]),
                fmt.percent(r["engagement_rate_by_followers"], 2),
            ]
        )
    return out


POST_HEADERS = [
    ("#", "num"),
    ("Post", "text"),
    ("Platform · account", "text"),
    ("Published", "text"),
    ("Engagements", "num"),
    ("Views", "num"),
    ("Eng. rate", "num"),
]


def section_posts(data: ReportData) -> str:
    top = [row for row in data["ranked_posts"] if row["ranking"] == "top"]
    bottom = [row for row in data["ranked_posts"] if row["ranking"] == "bottom"]
    if not top:
        return empty("No posts with a known engagement rate were published this month.")
    return (
        "<h3>Top five</h3>"
        + table(POST_HEADERS, _post_rows(top), "posts")
        + "<h3>Bottom five</h3>"
        + table(POST_HEADERS, _post_rows(bottom), "posts")
        + '<p class="note">Engagement rate = lifetime engagements ÷ the account\'s followers at the end '
        "of the publish day. Posts from the last days of the month are still collecting engagements.</p>"
    )


def section_campaigns(data: ReportData) -> str:
    campaigns = data["campaigns"]
    if not campaigns:
        return empty("No campaign of the campaigns list ran during this month.")
    rows = []
    for r in campaigns:
        currency = r["currency"]
        rows.append(
            [
                t(r["campaign_name"]),
                t(r["campaign_type"]),
                escape(f"{fmt.day(r['start_date'])} – {fmt.day(r['end_date'])}"),
                fmt.money(r["budget"], currency, 0),
                fmt.percent(r["elapsed_share"], 0),
                fmt.integer(r["sessions"]),
                fmt.decimal(r["key_events"], 0),
                fmt.money(r["cost_per_session"], currency),
                fmt.money(r["cost_per_key_event"], currency),
                fmt.decimal(r["revenue_per_budget"], 2)
                + ("×" if r["revenue_per_budget"] is not None else ""),
            ]
        )
    parts = [
        table(
            [
                ("Campaign", "text"),
                ("Type", "text"),
                ("Runs", "text"),
                ("Budget", "num"),
                ("Elapsed", "num"),
                ("Sessions", "num"),
                ("Key events", "num"),
                ("Cost / session", "num"),
                ("Cost / key event", "num"),
                ("Revenue / budget", "num"),
            ],
            rows,
        )
    ]
    paid = [r for r in campaigns if r["revenue_per_budget"] is not None]
    if paid:
        parts.insert(
            0,
            figure(
                charts.bar_chart(
                    "revenue-per-budget",
                    "Revenue per unit of budget, campaigns with a budget",
                    [(r["campaign_name"], float(r["revenue_per_budget"])) for r in paid],
                    x_label="Revenue ÷ budget (×, 1× = revenue equals the budget)",
                    value_format=lambda v: f"{v:,.2f}×",
                    colours=[
                        charts.STATUS_COLOURS["green" if r["revenue_per_budget"] >= 1 else "red"]
                        for r in paid
                    ],
                    reference=(1.0, "break-even"),
                )
            ),
        )
    parts.append(
        '<p class="note">Costs are budget-based (there is no ad-spend source yet): cost per session = '
        "budget ÷ sessions carrying the campaign, from its start to the latest day with data "
        f"({platform_name(data.analytics_source or 'ga4')}). Elapsed = share of the campaign's days "
        "passed at that day.</p>"
    )
    return "".join(parts)


CALENDAR_SEGMENTS = (
    ("on_time", "On time", "#1a7f37"),
    ("late", "Late", "#e69f00"),
    ("missed", "Missed", "#c62828"),
    ("scheduled", "Scheduled", "#56b4e9"),
    ("unplanned", "Unplanned", "#8e8e8e"),
)


def section_calendar(data: ReportData) -> str:
    parts = []
    calendar = data["calendar"]
    if calendar:
        scheduled = sum(r["scheduled"] for r in calendar)
        due = sum(r["planned"] for r in calendar) - scheduled
        on_time = sum(r["on_time"] for r in calendar)
        parts.append(
            figure(
                charts.stacked_bar_chart(
                    "calendar-adherence",
                    "Content calendar adherence, per platform",
                    [(platform_name(r["platform"]), r) for r in calendar],
                    CALENDAR_SEGMENTS,
                    x_label="Posts and planned posts in the month (count)",
                ),
                f"{on_time} of {due} planned posts due so far went out on time "
                f"({fmt.percent(on_time / due if due else None, 0)}); {scheduled} more are scheduled.",
            )
        )
    else:
        parts.append(empty("The content calendar has no entries for this month."))
    community = data["community"]
    parts.append("<h3>Community response</h3>")
    if community:
        parts.append(
            table(
                [
                    ("Platform", "text"),
                    ("Account", "text"),
                    ("Comments received", "num"),
                    ("Replied", "num"),
                    ("Reply rate", "num"),
                    ("Median first response", "num"),
                    ("90th percentile", "num"),
                ],
                [
                    [
                        t(platform_name(r["platform"])),
                        t(r["account_name"]),
                        fmt.integer(r["comments_received"]),
                        fmt.integer(r["comments_replied"]),
                        fmt.percent(r["reply_rate"], 0),
                        fmt.minutes(r["median_first_response_minutes"]),
                        fmt.minutes(r["p90_first_response_minutes"]),
                    ]
                    for r in community
                ],
            )
            + '<p class="note">Comments from others on the account\'s posts (X: mentions). Response times '
            "are the typical day's: the median over the month's days of each day's median and 90th "
            "percentile.</p>"
        )
    else:
        parts.append(empty("No comments were received this month."))
    return "".join(parts)


def usual_range(row: dict) -> str:
    median, spread = row["median_value"], row["median_absolute_deviation"]
    if median is None:
        return fmt.DASH
    spread = spread or 0
    return f"{fmt.integer(median - spread)} to {fmt.integer(median + spread)}"


def section_alerts(data: ReportData) -> str:
    alerts = data["alerts"]
    if not alerts:
        return empty("No KPI left its usual range this month.")
    rows = [
        [
            escape(fmt.day(r["kpi_date"])),
            f"{escape(platform_name(r['platform']))} · {t(r['account_name'])}",
            t(kpi_name(r["kpi"])),
            f'<span class="pill {"amber" if r["direction"] == "spike" else "red"}">{escape(r["direction"])}</span>',
            fmt.integer(r["kpi_value"]),
            escape(usual_range(r)),
            fmt.integer(r["median_value"]),
            fmt.decimal(r["robust_z_score"], 1),
        ]
        for r in alerts
    ]
    return table(
        [
            ("Day", "text"),
            ("Account", "text"),
            ("KPI", "text"),
            ("Direction", "text"),
            ("Value", "num"),
            ("Usual range", "num"),
            ("Median", "num"),
            ("Robust z", "num"),
        ],
        rows,
    ) + (
        '<p class="note">Usual range: median ± median absolute deviation of the previous days (half of '
        "them fall inside it). An alert fires when the robust z-score, 0.6745 × (value − median) ÷ MAD, "
        "is large (fct_kpi_alerts).</p>"
    )


def section_what_works(data: ReportData) -> str:
    """Best posting windows, formats and hashtags of the month, competitors side by side (#12)."""
    parts = []
    windows = data["best_windows"]
    if windows:
        parts.append("<h3>Best time to post</h3>")
        parts.append(
            table(
                [
                    ("Account", "text"),
                    ("Rank", "num"),
                    ("Window (account's time)", "text"),
                    ("Posts", "num"),
                    ("Mean engagement rate", "num"),
                    ("× account average", "num"),
                ],
                [
                    [
                        f"{escape(platform_name(r['platform']))} · {t(r['account_name'])}",
                        fmt.integer(r["window_rank"]),
                        escape(f"{r['weekday_name']} {r['publish_hour']:02d}:00 ({r['account_timezone']})"),
                        fmt.integer(r["posts"]),
                        fmt.percent(r["mean_engagement_rate_by_followers"], 2),
                        fmt.decimal(r["rate_index"], 2),
                    ]
                    for r in windows
                ],
            )
        )
    else:
        parts.append(empty("No posting window has enough posts yet to be recommended (fct_posting_windows)."))
    formats = data["month_formats"]
    if formats:
        parts.append("<h3>Formats</h3>")
        parts.append(
            table(
                [
                    ("Platform", "text"),
                    ("Format", "text"),
                    ("Posts", "num"),
                    ("Median engagement rate", "num"),
                    ("Change vs last month", "num"),
                ],
                [
                    [
                        escape(platform_name(r["platform"])),
                        t(r["post_format"]),
                        fmt.integer(r["posts"]),
                        fmt.percent(r["median_engagement_rate_by_followers"], 2),
                        fmt.percent(r["median_engagement_rate_change"], 1),
                    ]
                    for r in formats
                ],
            )
        )
    hashtags = data["month_hashtags"]
    if hashtags:
        parts.append("<h3>Hashtags</h3>")
        parts.append(
            table(
                [
                    ("Platform", "text"),
                    ("Hashtag", "text"),
                    ("Posts", "num"),
                    ("Median engagement rate", "num"),
                ],
                [
                    [
                        escape(platform_name(r["platform"])),
                        t(r["hashtag"]),
                        fmt.integer(r["posts"]),
                        fmt.percent(r["median_engagement_rate_by_followers"], 2),
                    ]
                    for r in hashtags
                ],
            )
        )
    competitors = data["competitors"]
    if competitors:
        parts.append("<h3>Competitors (public counters)</h3>")
        parts.append(
            table(
                [
                    ("Platform", "text"),
                    ("Account", "text"),
                    ("Followers", "num"),
                    ("Change", "num"),
                    ("Engagements per post", "num"),
                    ("Engagement rate", "num"),
                    ("Share of voice", "num"),
                ],
                [
                    [
                        escape(platform_name(r["platform"])),
                        t(r["account_name"]) + (" (us)" if r["is_own_account"] else ""),
                        fmt.integer(r["followers"]),
                        fmt.signed_integer(r["follower_change"]),
                        fmt.decimal(r["engagements_per_post"], 1),
                        fmt.percent(r["engagement_rate_by_followers"], 2),
                        fmt.percent(r["share_of_voice"], 1),
                    ]
                    for r in competitors
                ],
            )
        )
    return "".join(parts)


def section_quality(data: ReportData) -> str:
    parts = []
    batches = data["batches"]
    if batches:
        parts.append(
            "<h3>Load batches of the month's days</h3>"
            + table(
                [
                    ("Source", "text"),
                    ("Validated", "num"),
                    ("Quarantined", "num"),
                    ("Failed", "num"),
                    ("In progress", "num"),
                ],
                [
                    [
                        t(platform_name(r["source"])),
                        fmt.integer(r["validated"]),
                        f'<span class="{"warn" if r["quarantined"] else ""}">{fmt.integer(r["quarantined"])}</span>',
                        f'<span class="{"warn" if r["failed"] else ""}">{fmt.integer(r["failed"])}</span>',
                        fmt.integer(r["in_progress"]),
                    ]
                    for r in batches
                ],
            )
        )
    freshness = data["freshness"]
    if freshness:
        parts.append(
            "<h3>Freshness</h3>"
            + table(
                [("Source", "text"), ("Newest day in the marts", "text")],
                [[t(platform_name(r["source"])), escape(fmt.day(r["last_day"]))] for r in freshness],
                "narrow",
            )
        )
    flags = data["flags"]
    if flags:
        parts.append(
            "<h3>Reconstructed and unavailable numbers</h3>"
            + table(
                [
                    ("Platform", "text"),
                    ("Account-days", "num"),
                    ("Followers reconstructed", "num"),
                    ("Followers unknown", "num"),
                    ("Engagements unknown", "num"),
                    ("Reach not reported", "num"),
                ],
                [
                    [
                        t(platform_name(r["platform"])),
                        fmt.integer(r["account_days"]),
                        fmt.integer(r["followers_reconstructed"]),
                        fmt.integer(r["followers_unknown"]),
                        fmt.integer(r["engagements_unknown"]),
                        fmt.integer(r["reach_unavailable"]),
                    ]
                    for r in flags
                ],
            )
            + '<p class="note">Reconstructed: follower totals filled in from daily net changes between '
            "snapshots. Unknown numbers are left out of every total above, never counted as zero. X, "
            "YouTube and TikTok report no reach.</p>"
        )
    return "".join(parts) or empty("No load has been recorded for this month.")


# ---- the page ----------------------------------------------------------------------------------
@cache
def arabic_font_face() -> str:
    """An @font-face with an Arabic-script font as a data: URL (no request when the page opens)."""
    for path in ARABIC_FONTS:
        if path.exists():
            encoded = base64.b64encode(path.read_bytes()).decode("ascii")
            return (
                "@font-face { font-family: 'Report Arabic'; font-style: normal; font-weight: 100 900;"
                f" src: url(data:font/ttf;base64,{encoded}) format('truetype');"
                " unicode-range: U+0600-06FF, U+0750-077F, U+08A0-08FF, U+200C-200F, U+FB50-FDFF, U+FE70-FEFF; }"
            )
    return ""


def render(data: ReportData, title: str) -> str:
    month = fmt.month_name(data.month_start)
    complete = data.last_day is not None and _is_last_day_of_month(data.last_day)
    subtitle = f"Generated {data.generated_at:%d %b %Y %H:%M} UTC"
    if data.last_day:
        subtitle += f" · data through {fmt.day(data.last_day)}"
    scope = ""
    covered = [a for a in data["accounts"] if a["days_in_month"]]
    if covered:
        by_platform: dict[str, list[str]] = defaultdict(list)
        for account in covered:
            by_platform[account["platform"]].append(t(account["account_name"]))
        scope = (
            '<p class="scope">Accounts: '
            + "; ".join(
                f"<strong>{escape(platform_name(p))}</strong> {', '.join(names)}"
                for p, names in sorted(by_platform.items())
            )
            + "</p>"
        )
    if not data.has_data:
        body = (
            f'<section class="report-section no-data" data-section="0"><h2>No data for {escape(month)}</h2>'
            f"<p>The warehouse holds no KPI and no web traffic for {escape(month)}. Load the month with "
            f"<code>socialkpi run --start {data.month_start} --end "
            f"{_month_end(data.month_start)}</code>, then write the report again.</p></section>"
        )
    else:
        banner = (
            ""
            if complete
            else f'<p class="banner">Month to date: the data ends on {escape(fmt.day(data.last_day))}; '
            "totals and target attainment cover only the days so far.</p>"
        )
        body = banner + "".join(
            [
                section(
                    1,
                    "headline",
                    "Headline KPIs",
                    "Per platform, against last month and against the month's targets.",
                    at_a_glance(data) + section_headline(data),
                ),
                section(
                    2,
                    "audience",
                    "Audience and engagement",
                    "How each audience grew, how much it engaged, and how much we posted.",
                    section_audience(data),
                ),
                section(
                    3,
                    "traffic",
                    "Traffic and conversions from social",
                    "Website sessions that came from social platforms, and the key events in them.",
                    section_traffic(data),
                ),
                section(
                    4,
                    "posts",
                    "Top and bottom posts",
                    "Posts published this month, ranked by engagement rate.",
                    section_posts(data),
                ),
                section(
                    5,
                    "campaigns",
                    "Campaigns against budget",
                    "Campaigns that ran during the month, with their results to date.",
                    section_campaigns(data),
                ),
                section(
                    6,
                    "calendar",
                    "Content calendar and community",
                    "Did planned posts go out on time, and did we answer our community?",
                    section_calendar(data),
                ),
                section(
                    7,
                    "alerts",
                    "KPI alerts",
                    "Days on which a KPI left its usual range.",
                    section_alerts(data),
                ),
                section(
                    8,
                    "what-works",
                    "What works and who is ahead",
                    "When to post, which formats and hashtags carried the month, and the competitors.",
                    section_what_works(data),
                ),
                section(
                    9,
                    "data-quality",
                    "Data quality",
                    "What the numbers above rest on: validated loads, freshness and gaps.",
                    section_quality(data),
                ),
            ]
        )
    text_for_fonts = body
    font_face = arabic_font_face() if RTL_SCRIPT.search(text_for_fonts) else ""
    style = STYLE_FILE.read_text(encoding="utf-8")
    return (
        '<!DOCTYPE html><html lang="en" dir="ltr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # The page loads nothing: this policy makes any accidental reference fail closed.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:; font-src data:\">"
        f"<title>{escape(title)} · {escape(month)}</title>"
        f"<style>{font_face}\n{style}</style></head><body>"
        f'<header class="report-header"><div class="kicker">{escape(title)}</div>'
        f'<h1>{escape(month)}</h1><p class="subtitle">{escape(subtitle)}</p>{scope}</header>'
        f"<main>{body}</main>"
        '<footer class="report-footer">Built from the validated marts of the socialkpi warehouse. '
        "The SQL behind every number: plugins/socialkpi/reporting/queries.sql.</footer>"
        "</body></html>"
    )


def _month_end(month_start: date) -> date:
    from socialkpi.reporting.queries import month_parameters

    return date.fromordinal(month_parameters(month_start)["next_month_start"].toordinal() - 1)


def _is_last_day_of_month(day: date) -> bool:
    return date.fromordinal(day.toordinal() + 1).month != day.month


def build_html(month_start: date, results: dict[str, list[dict]], title: str, generated_at=None) -> str:
    data = ReportData(month_start, results, generated_at or datetime.now(UTC))
    return render(data, title)
