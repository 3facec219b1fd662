"""Constants and helpers shared by the simulator tests."""

from __future__ import annotations

from datetime import date, timedelta

import requests
from socialkpi.simulator import SimulatorServer
from socialkpi.simulator.world import PACIFIC, midnight

TODAY = date(2026, 11, 26)
IG_USER = "17841400000000001"
IG_OTHER = "17841400000000002"
GA4_PROPERTY = "123456789"
FB_PAGE = "104000000000001"
X_USER = "2244994945"
LI_ORG = "90362860"
YT_CHANNEL = "UC_x5XG1OV2P6uZZ5FSM9Ttw"
TT_USER = "723f24d7-e717-40f8-a2b6-cb8464cd23b4"
PLAUSIBLE_SITE = "northwind.example"
# The Meta and YouTube accounts live in Los Angeles: their local day is the Pacific day the
# APIs cut, so snapshot differences equal the daily totals (tests/simulator/test_platform_days.py
# covers accounts elsewhere). Bare ids live in Europe/Berlin.
LA = "America/Los_Angeles"
ACCOUNTS = {
    "instagram": [{"id": IG_USER, "timezone": LA}, IG_OTHER],
    "ga4": [GA4_PROPERTY],
    "facebook": [{"id": FB_PAGE, "timezone": LA}],
    "x": [X_USER],
    "linkedin": [LI_ORG],
    "youtube": [{"id": YT_CHANNEL, "timezone": LA}],
    "tiktok": [TT_USER],
    "plausible": [PLAUSIBLE_SITE],
}
AUTH = {"Authorization": "Bearer test-token"}


def start(today: date = TODAY, seed: int = 42) -> SimulatorServer:
    return SimulatorServer(seed=seed, accounts=ACCOUNTS, today=today).start()


def day_bounds(day: date) -> dict[str, int]:
    """since/until of one Meta reporting day: Pacific midnights (Meta cuts days there)."""
    return {
        "since": int(midnight(day, PACIFIC).timestamp()),
        "until": int(midnight(day + timedelta(days=1), PACIFIC).timestamp()),
    }


def follow_pages(session: requests.Session, url: str, params: dict | None = None) -> list[dict]:
    """Every item of a Graph cursor-paged list, following paging.next to the end."""
    items: list[dict] = []
    response = session.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["data"])
        next_url = body.get("paging", {}).get("next")
        if not next_url:
            return items
        response = session.get(next_url)
