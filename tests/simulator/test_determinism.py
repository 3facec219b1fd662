"""Same seed and same ``today`` give byte-identical answers; another seed does not."""

from __future__ import annotations

from datetime import timedelta

import requests

from .support import (
    AUTH,
    FB_PAGE,
    GA4_PROPERTY,
    IG_USER,
    LI_ORG,
    PLAUSIBLE_SITE,
    TODAY,
    X_USER,
    YT_CHANNEL,
    day_bounds,
    start,
)


def capture(server) -> list[bytes]:
    session = requests.Session()
    session.headers.update(AUTH)
    ig = server.base_url("instagram")
    yesterday = day_bounds(TODAY - timedelta(days=1))
    bodies = [
        session.get(f"{ig}/{IG_USER}", params={"fields": "id,followers_count,media_count"}),
        session.get(
            f"{ig}/{IG_USER}/insights", params={"metric": "follower_count", "period": "day", **yesterday}
        ),
        session.get(
            f"{ig}/{IG_USER}/insights",
            params={
                "metric": "reach,views,likes",
                "period": "day",
                "metric_type": "total_value",
                **yesterday,
            },
        ),
        session.get(
            f"{ig}/{IG_USER}/media", params={"fields": "id,caption,like_count,timestamp", "limit": 10}
        ),
        session.post(
            f"{server.base_url('ga4')}/properties/{GA4_PROPERTY}:runReport",
            json={
                "dateRanges": [{"startDate": "2026-11-01", "endDate": "2026-11-03"}],
                "dimensions": [{"name": "date"}, {"name": "sessionSource"}],
                "metrics": [{"name": "sessions"}, {"name": "totalRevenue"}],
            },
        ),
    ]
    media_id = bodies[3].json()["data"][0]["id"]
    bodies.append(session.get(f"{ig}/{media_id}/insights", params={"metric": "views,likes"}))
    bodies += [
        session.get(
            f"{server.base_url('facebook')}/{FB_PAGE}/published_posts", params={"fields": "id,message,shares"}
        ),
        session.get(
            f"{server.base_url('x')}/2/users/{X_USER}/mentions", params={"tweet.fields": "created_at"}
        ),
        session.get(
            f"{server.base_url('linkedin')}/rest/posts",
            params={"q": "author", "author": f"urn:li:organization:{LI_ORG}"},
            headers={"LinkedIn-Version": "202610"},
        ),
        session.get(
            f"{server.base_url('youtube')}/youtube/v3/channels",
            params={"part": "statistics", "id": YT_CHANNEL},
        ),
        session.post(
            f"{server.base_url('tiktok')}/v2/video/list/", params={"fields": "id,view_count"}, json={}
        ),
        session.post(
            f"{server.base_url('plausible')}/api/v2/query",
            json={
                "site_id": PLAUSIBLE_SITE,
                "metrics": ["visits"],
                "date_range": "7d",
                "dimensions": ["visit:source"],
            },
        ),
    ]
    # paging links embed the port, so compare bodies with it replaced
    return [r.content.replace(str(server.port).encode(), b"PORT") for r in bodies]


def test_same_seed_and_today_give_identical_bytes():
    first, second = start(), start()
    try:
        assert capture(first) == capture(second)
    finally:
        first.stop()
        second.stop()


def test_another_seed_gives_another_world():
    first, other = start(), start(seed=7)
    try:
        assert capture(first) != capture(other)
    finally:
        first.stop()
        other.stop()
