"""socialkpi's performance, measured end to end and printed as one table.

    make bench                 # default scale: under 10 minutes on 2 cores
    make bench SCALE=full      # adds 50 accounts x 30 and x 365 days, 10 x 365, the daily run
    .venv/bin/python benchmarks/run.py --scale quick --rows 50000
    .venv/bin/python benchmarks/run.py --only backfill --case 25x60
    .venv/bin/python benchmarks/run.py --only daily --daily-accounts 50

Runs against its own embedded warehouse and Airflow home under `.socialkpi/bench/` (or
SOCIALKPI_WAREHOUSE_URL), with its own simulator on a free port. Not part of `make test`:
performance targets live here, behaviour in tests. Rows of the table:

- **landing**: records/s of `load.land` against `psql \\copy` of the same records (pre-rendered
  in COPY text format) into the same table, and their ratio (target >= 0.8).
- **backfill A x D**: `socialkpi run --start --end` over D days for A simulated accounts spread
  over every source and four timezones (Europe/Berlin, America/New_York, Asia/Tokyo,
  America/Los_Angeles), on an emptied warehouse: account-days per second end to end (ingest +
  transform), transform seconds, land + gate + publish milliseconds per batch (from
  `audit.loads`), and API requests per account-day counted by the simulator against the minimum.
- **gate**: milliseconds per batch of the GX gate alone (validate_batch on landed batches).
- **daily run A** (`--only daily`, `--daily-accounts A`, default 50): what the schedule runs each
  night, `socialkpi run --start D --end D` for the day D of the run the schedule starts at 00:00
  UTC (yesterday, its data interval) with each source's default lookback, for A accounts spread
  like the backfills, each reading with its own connection so that the simulator counts each
  account's requests, on an emptied warehouse (after a backfill a daily run asks for the same;
  only days an earlier run missed add to it): seconds, transform seconds, the batches, and API
  requests per account; then a second table, the requests against each platform's quota (below).
  In SCALE=full (and `--only daily`) only: 50 accounts took 3 min 13 s on 2 cores (the transform
  57 s, Airflow's start and the gate most of the rest), more than the 90 s the default scale has left.

The minimum API requests of a D-day backfill of one account are `socialkpi.ingest.minimum_requests`
(its `MINIMUM_REQUESTS` says why, per platform, from the APIs' documented limits), the one count the
tests hold the extractor to as well. P and C are counted from what the backfill landed: the posts
of the account's post list (YouTube: the videos whose launch window, their Pacific publication day
and the 28 days after, overlaps the range and its lookback), C those with comments.

What a daily run requests, and why. Daily streams read the day and its lookback, the days a
platform still revises (`lookback_days`: 2 for Instagram, Facebook, GA4 and YouTube, 1 for
LinkedIn, which also starts its 2 `lag_days` earlier, 0 for X, TikTok and Plausible), in one call
for the range where the API takes one (Instagram's `total_value` metrics: 2 calls per Pacific day).
Snapshots are one call for the account's current totals. Lifetime streams read the posts of the
run's days and the 28 days before again every day, because their counters keep moving: the post
list (a page per 100, 50 or 20 posts), then per post one insights call (Instagram, Facebook; X and
TikTok carry the counters in the list, LinkedIn takes 20 posts a call, YouTube's videos.list 50) and
one comments call per post with comments (Instagram, Facebook); YouTube asks one Analytics report
per video whose launch window (its Pacific publication day and the 28 days after) overlaps the days
read. So a Meta account costs one to two calls per post of the last month; the others a few
calls. Days a platform has not finished are not asked for (`ingest.complete_through`): at 00:00
UTC, US Pacific's day D is still running, so the scheduled run reads Meta's and YouTube's days to
D - 1; the bench, run later in the day, reads at least as much as the schedule does.

The quotas (`QUOTAS`), each from the platform's own documentation. An account quota is measured by
the busiest account, an app, project or key quota by all accounts together; a window shorter than a
day is measured by the whole run's requests, as if all fell into one window (an upper bound).
- Instagram: Meta, "Rate Limits" (developers.facebook.com/docs/graph-api/overview/rate-limiting):
  Instagram Platform requests fall under Business Use Case limits, per professional account "Calls
  within 24 hours = 4800 * Number of Impressions". The quota grows with the audience: measured
  against 4,800 (one impression), so the share is at most the one printed. (The "200 calls per user
  per hour" of the older Instagram Graph API pages is the Platform limit of app and user tokens,
  which BUC limits take the place of for Instagram Platform requests.)
- Facebook: the same page: Pages API requests with a Page or system user token fall under BUC
  limits, per Page "Calls within 24 hours = 4800 * Number of Engaged Users" (Meta's "Page rate
  limits" post of 2016: "4,800 calls per engaged user per 24 hours for any given Page"); measured
  against 4,800 like Instagram. With a user token Platform limits apply, whose per-user count Meta
  does not reveal.
- X: "X API Rate Limits" (docs.x.com/x-api/fundamentals/rate-limits), per app (the Bearer token the
  pipeline reads with) per 15 minutes: GET /2/users/:id 300, /2/users/:id/tweets 10,000,
  /2/users/:id/mentions 450. Pay-per-use billing of post reads is apart from these, not measured.
- LinkedIn: "Rate Limits" (learn.microsoft.com/linkedin/shared/api-guide/concepts/rate-limits):
  daily limits per application and per member, per endpoint, reset at midnight UTC; "Standard rate
  limits are not published in documentation" (the app's Analytics tab shows them): not documented.
- YouTube Data API: "Quota costs" (developers.google.com/youtube/v3/determine_quota_cost): 10,000
  units a day per project, shared by every channel; channels.list, playlistItems.list and
  videos.list cost 1 unit a call. The Analytics API's reports are counted apart: its documentation
  gives no number, so not documented.
- TikTok: "Rate Limits" (developers.tiktok.com/doc/tiktok-api-v2-rate-limit): 600 requests to each
  of /v2/user/info/ and /v2/video/list/ in a one-minute sliding window; the page does not say per
  app or per token, so all creators together (the stricter reading).
- GA4: "Data API limits and quotas" (developers.google.com/analytics/devguides/reporting/data/v1/
  quotas) and the PropertyQuota reference: a standard property 200,000 core tokens a day (40,000 an
  hour); "most requests consume fewer than 10 tokens" and the simulator charges none, so 10 a request.
- Plausible: "Stats API v2 reference" (plausible.io/docs/stats-api-v2): "API keys have a rate limit
  of 600 requests per hour by default"; one key reads every site, so all sites together.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(os.environ.get("SOCIALKPI_BENCH_DIR", ROOT / ".socialkpi" / "bench"))
os.environ.setdefault("SOCIALKPI_STATE_DIR", str(BENCH_DIR))
os.environ.setdefault("SOCIALKPI_WAREHOUSE_PORT", "54349")
os.environ["GX_ANALYTICS_ENABLED"] = "False"
# dbt's artifacts apart from `make run`'s: the bench's warehouse is another profile, and dbt parses
# the whole project again whenever the profile differs from its last run's (`make run` after
# `make bench` paid a full parse, 10 s of its transform).
os.environ.setdefault("DBT_TARGET_PATH", str(BENCH_DIR / "dbt" / "target"))
os.environ.setdefault("DBT_LOG_PATH", str(BENCH_DIR / "dbt" / "logs"))
sys.path.insert(0, str(ROOT / "plugins"))
os.environ["PYTHONPATH"] = os.pathsep.join(
    filter(None, [str(ROOT / "plugins"), os.environ.get("PYTHONPATH")])
)

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from socialkpi import load, warehouse  # noqa: E402
from socialkpi.ingest import minimum_requests  # noqa: E402
from socialkpi.report import table  # noqa: E402
from socialkpi.simulator import SimulatorServer  # noqa: E402
from socialkpi.sources import SOURCES  # noqa: E402
from socialkpi.warehouse import EmbeddedWarehouse, bootstrap, external_url  # noqa: E402

# Issue #9's targets: >= 10 account-days/s at 25 x 60, and 50 x 365 under 30 minutes.
# The daily run of 50 accounts costs about 3 minutes: in the full scale only (see the docstring).
DAILY_RUN = {"quick": False, "default": False, "full": True}
SCALES = {
    "quick": [(1, 30), (10, 30)],
    "default": [(1, 30), (10, 30), (25, 60), (1, 365)],
    "full": [(1, 30), (10, 30), (25, 60), (50, 30), (1, 365), (10, 365), (50, 365)],
}
TIMEZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "America/Los_Angeles")
SOURCE_ORDER = ("instagram", "facebook", "ga4", "x", "linkedin", "youtube", "tiktok", "plausible")
# The stream whose records are the account's posts, for the minimum request count.
POST_LISTS = {
    "instagram": "media",
    "facebook": "posts",
    "linkedin": "posts",
    "youtube": "videos",
    "x": "posts",
    "tiktok": "videos",
}


# ---- the platforms' documented quotas, for the daily run -----------------------------------------
@dataclass(frozen=True)
class Quota:
    """One documented request quota a daily run is measured against (sources: module docstring)."""

    source: str
    api: str  # what the row measures
    limit: int | None  # None: the platform publishes no number
    unit: str  # what the limit counts: calls, units, tokens
    window: str  # the limit's window: 24 h, day, hour, 15 min, minute
    scope: str  # "account": each account has its own; "app": every account shares one (app, project, key)
    cost: int = 1  # `unit`s a request costs
    mount: str | None = None  # only requests below this simulator mount (YouTube: Data or Analytics API)
    endpoint: str | None = None  # only requests to this path (below the mount, ids as :id)
    at_least: bool = False  # the limit is a floor: it grows with the account's audience, the share is at most


QUOTAS = (
    Quota(
        "instagram",
        "Instagram Platform (BUC), x impressions",
        4800,
        "calls",
        "24 h",
        "account",
        at_least=True,
    ),
    Quota(
        "facebook",
        "Pages API, Page token (BUC), x engaged users",
        4800,
        "calls",
        "24 h",
        "account",
        at_least=True,
    ),
    Quota("x", "X GET /2/users/:id, per app", 300, "calls", "15 min", "app", endpoint="/2/users/:id"),
    Quota(
        "x",
        "X GET /2/users/:id/tweets, per app",
        10_000,
        "calls",
        "15 min",
        "app",
        endpoint="/2/users/:id/tweets",
    ),
    Quota(
        "x",
        "X GET /2/users/:id/mentions, per app",
        450,
        "calls",
        "15 min",
        "app",
        endpoint="/2/users/:id/mentions",
    ),
    Quota("linkedin", "LinkedIn, per app and per member", None, "calls", "day", "app"),
    Quota("youtube", "YouTube Data API, per project", 10_000, "units", "day", "app", mount="/youtube"),
    Quota("youtube", "YouTube Analytics API", None, "calls", "day", "app", mount="/youtube-analytics"),
    Quota(
        "tiktok", "TikTok /v2/user/info/, per app", 600, "calls", "minute", "app", endpoint="/v2/user/info/"
    ),
    Quota(
        "tiktok", "TikTok /v2/video/list/, per app", 600, "calls", "minute", "app", endpoint="/v2/video/list/"
    ),
    # "Most requests consume fewer than 10 tokens": the simulator charges none, so 10 a request.
    Quota("ga4", "GA4 Data API core tokens, per property", 200_000, "tokens", "day", "account", cost=10),
    Quota("plausible", "Plausible Stats API, per key", 600, "calls", "hour", "app"),
)


# ---- landing: load.land against psql \copy ------------------------------------------------------
def media_record(index: int) -> dict:
    return {
        "id": f"18{index:015d}",
        "caption": f"Post {index} https://northwind.example/p?utm_source=instagram&utm_campaign=always_on",
        "media_type": "IMAGE",
        "media_product_type": "FEED",
        "permalink": f"https://www.instagram.com/p/{index}/",
        "timestamp": "2026-11-01T09:15:00+0000",
        "like_count": index % 500,
        "comments_count": index % 40,
    }


def bench_landing(url: str, rows: int) -> list[tuple]:
    records = [media_record(i) for i in range(rows)]
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            load.ensure_tables(conn, "bench__media")
        conn.execute("truncate landing.bench__media")
        key = load.BatchKey("bench", "media", "land", date(2026, 11, 1), date(2026, 11, 2))
        began = time.perf_counter()
        load.land(conn, key, records, datetime.now(UTC))
        land_seconds = time.perf_counter() - began
        # The same records as psql would read them: COPY text, rendered before the clock starts.
        batch_id = uuid.uuid4()
        stamp = datetime.now(UTC).isoformat()
        with tempfile.NamedTemporaryFile("w", suffix=".copy", delete=False) as handle:
            for index, record in enumerate(records):
                document = json.dumps(record, separators=(",", ":")).replace("\\", "\\\\")
                handle.write(
                    f"{batch_id}\tbench\tmedia\tpsql\t2026-11-01\t2026-11-02\t{stamp}\t{index}\t{document}\n"
                )
            copy_file = handle.name
        columns = ", ".join(load.RAW_COLUMNS)
        psql = str(EmbeddedWarehouse.bin_dir() / "psql")
        began = time.perf_counter()
        subprocess.run(
            [psql, url, "-q", "-c", f"\\copy landing.bench__media ({columns}) from '{copy_file}'"],
            check=True,
        )
        psql_seconds = time.perf_counter() - began
        os.unlink(copy_file)
        conn.execute("drop table landing.bench__media, raw.bench__media, quarantine.bench__media")
        conn.execute("delete from audit.loads where source = 'bench'")
    land_rate, psql_rate = rows / land_seconds, rows / psql_seconds
    return [
        ("landing: load.land records/s", f"{land_rate:,.0f}"),
        ("landing: psql \\copy records/s", f"{psql_rate:,.0f}"),
        ("landing: land / \\copy (target >= 0.8)", f"{land_rate / psql_rate:.2f}"),
    ]


# ---- backfills through `socialkpi run` -----------------------------------------------------------
def account_id(source: str, n: int) -> str:
    return {
        "instagram": f"1784140000{n:07d}",
        "facebook": f"10400000{n:07d}",
        "ga4": f"3456{n:05d}",
        "x": f"22449{n:05d}",
        "linkedin": f"9036{n:04d}",
        "youtube": f"UC_bench{n:016d}",
        "tiktok": f"723f24d7-e717-40f8-a2b6-{n:012d}",
        "plausible": f"site{n}.example",
    }[source]


def bench_config(
    path: Path, accounts: int, port: int, own_connections: bool = False
) -> dict[str, list[dict]]:
    """A config of `accounts` accounts, spread round-robin over the sources and the timezones.
    `own_connections`: every account reads with its own connection (its token is its id in the
    simulator), so that the simulator can count each account's requests."""
    spread: dict[str, list[dict]] = {}
    for n in range(accounts):
        source = SOURCE_ORDER[n % len(SOURCE_ORDER)]
        account = {
            "id": account_id(source, n),
            "name": f"Bench {n}",
            "timezone": TIMEZONES[n % len(TIMEZONES)],
        }
        if own_connections or SOURCES[source].token_per_account:  # a TikTok token reads one creator
            account["connection_id"] = f"socialkpi_{source}_{n}"
        spread.setdefault(source, []).append(account)
    path.write_text(
        json.dumps(
            {
                "warehouse": {"port": port},
                "simulator": {"seed": 42},
                "sources": {name: {"accounts": listed} for name, listed in spread.items()},
            }
        )
    )
    return spread


class CountingSimulator(SimulatorServer):
    """The simulator, counting the API requests each source receives; `calls` by (source, mount,
    endpoint, token): with a connection per account (`bench_config(own_connections=True)`) the
    token is the account id."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls: dict[tuple[str, str, str, str], int] = {}
        self._lock = threading.Lock()  # the simulator answers on a thread per request

    def dispatch(self, method, target, headers, body):
        response = super().dispatch(method, target, headers, body)
        path = target.split("?", 1)[0]
        route = self._route(path)
        if route is not None:
            mount, platform = route
            source = platform.source
            # Ids (five digits or more: accounts, posts, channels) as :id, so one endpoint is one key.
            endpoint = re.sub(r"/[^/]*\d{5}[^/]*", "/:id", path[len(mount) :])
            token = (headers.get("authorization") or "").partition(" ")[2].strip()
            with self._lock:
                key = (source, mount, endpoint, token)
                self.calls[key] = self.calls.get(key, 0) + 1
        return response

    @property
    def requests(self) -> dict[str, int]:
        """Requests per source: the sum of its `calls`."""
        per_source: dict[str, int] = {}
        for (source, *_), count in self.calls.items():
            per_source[source] = per_source.get(source, 0) + count
        return per_source


def start_simulator(spread: dict[str, list[dict]]) -> CountingSimulator:
    server = CountingSimulator(seed=42, accounts=spread, host="127.0.0.1", port=0)
    if not all(isinstance(i, str) for ids in server.world.account_ids.values() for i in ids):
        # A simulator that predates timezone-aware accounts (contract 5) takes the ids only.
        ids = {name: [a["id"] for a in listed] for name, listed in spread.items()}
        server = CountingSimulator(seed=42, accounts=ids, host="127.0.0.1", port=0)
    return server.start()


def counted_posts(conn, source: str, account: str, start: date, end: date) -> tuple[int, int]:
    """(P, C) of `minimum_requests` for one account of a backfill of start..end, from raw."""
    stream = POST_LISTS.get(source)
    if (
        stream is None
        or conn.execute("select to_regclass(%s)", (f"raw.{source}__{stream}",)).fetchone()[0] is None
    ):
        return 0, 0
    # A post with comments costs a comments request: the count its comments stream skips at 0.
    commented = next(
        (s.parent_count for s in SOURCES[source].streams if s.parent == stream and s.parent_count), None
    )
    with_comments = (
        sql.SQL("count(distinct record->>'id') filter (where (record #>> {})::bigint > 0)").format(
            sql.Literal("{" + commented.replace(".", ",") + "}")
        )
        if commented
        else sql.SQL("0")
    )
    where = sql.SQL("account_id = %s")
    params: list = [account]
    if source == "youtube":
        # One video_daily report per video whose launch window overlaps the range and its lookback.
        launch = SOURCES["youtube"].stream("video_daily").parent_window
        first = start - timedelta(days=SOURCES["youtube"].default_lookback_days + launch.days)
        where += sql.SQL(
            " and ((record #>> '{snippet,publishedAt}')::timestamptz at time zone %s)::date between %s and %s"
        )
        params += [str(launch.zone), first, end]
    query = sql.SQL("select count(distinct record->>'id'), {} from raw.{} where {}").format(
        with_comments, sql.Identifier(f"{source}__{stream}"), where
    )
    posts, comments = conn.execute(query, params).fetchone()
    return posts, comments


def empty_warehouse(url: str) -> None:
    """Every backfill starts from nothing: no load, no audit row, no incremental mart state (an
    incremental mart would keep rows of the previous backfill that a full refresh would not build)."""
    warehouse.empty_warehouse(url, keep_tables=("run_lock",))


def run_socialkpi(
    config_path: Path, spread: dict[str, list[dict]], start: date, end: date, label: str, log: str
) -> tuple[subprocess.CompletedProcess, float, CountingSimulator]:
    """`socialkpi run --start --end` of the config against a counting simulator: its result, its
    seconds and the simulator (stopped, its counts kept); the output is kept in `log`."""
    simulator = start_simulator(spread)
    from socialkpi.config import load_config
    from socialkpi.connections import simulator_connections

    env = {
        **os.environ,
        "SOCIALKPI_CONFIG": str(config_path),
        **simulator_connections(simulator.url, load_config(config_path).sources),
    }
    began = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "socialkpi.cli", "run", "--start", str(start), "--end", str(end)],
            env=env,
            capture_output=True,
            text=True,
        )
    finally:
        simulator.stop()
    seconds = time.perf_counter() - began
    (BENCH_DIR / log).write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        tail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-3:]
        print(f"bench: {label} failed: {' | '.join(tail)}", file=sys.stderr)
    return result, seconds, simulator


def bench_backfill(url: str, accounts: int, days: int, workdir: Path) -> tuple[list[tuple], dict]:
    config_path = workdir / f"bench-{accounts}x{days}.yml"
    spread = bench_config(config_path, accounts, int(os.environ["SOCIALKPI_WAREHOUSE_PORT"]))
    empty_warehouse(url)
    end = datetime.now(UTC).date() - timedelta(days=3)
    start = end - timedelta(days=days - 1)
    label = f"backfill {accounts} acct x {days} d"
    result, seconds, simulator = run_socialkpi(
        config_path, spread, start, end, label, f"backfill-{accounts}x{days}.log"
    )
    transform = re.findall(r"transform: \w+ \(([\d.]+)s\)", result.stdout)
    with psycopg.connect(url) as conn:
        batch_ms, batches = conn.execute(
            "select avg(extract(epoch from finished_at - started_at)) * 1000, count(*) from audit.loads"
            " where finished_at is not null"
        ).fetchone()
        posts = {
            (source, account["id"]): counted_posts(conn, source, account["id"], start, end)
            for source, listed in spread.items()
            for account in listed
        }
    account_days = accounts * days
    minimum = {
        source: sum(minimum_requests(source, days, *posts[(source, a["id"])]) for a in listed)
        for source, listed in spread.items()
    }
    requests = sum(simulator.requests.values())
    rows = [
        (f"{label}: account-days/s (ingest+transform)", f"{account_days / seconds:.2f} ({seconds:.0f}s)"),
        (f"{label}: transform s", transform[-1] if transform else "-"),
        (f"{label}: land+gate+publish ms/batch", f"{batch_ms or 0:.0f} ({batches} batches)"),
        (
            f"{label}: API requests/account-day (min)",
            f"{requests / account_days:.2f} ({sum(minimum.values()) / account_days:.2f})",
        ),
    ]
    detail = {
        source: (simulator.requests.get(source, 0), minimum[source], len(spread[source])) for source in spread
    }
    return rows, detail


# ---- the daily run against the platforms' quotas -------------------------------------------------
def bench_daily(url: str, accounts: int, workdir: Path) -> tuple[list[tuple], list[tuple]]:
    """The scheduled run of `accounts` accounts: one day, each source's default lookback, on an
    emptied warehouse; its rows, and the quota table (`quota_use`)."""
    config_path = workdir / f"bench-daily-{accounts}.yml"
    port = int(os.environ["SOCIALKPI_WAREHOUSE_PORT"])
    spread = bench_config(config_path, accounts, port, own_connections=True)
    empty_warehouse(url)
    # The run the schedule starts at 00:00 UTC covers the day before: its data interval.
    day = datetime.now(UTC).date() - timedelta(days=1)
    label = f"daily run {accounts} acct"
    result, seconds, simulator = run_socialkpi(config_path, spread, day, day, label, f"daily-{accounts}.log")
    transform = re.findall(r"transform: \w+ \(([\d.]+)s\)", result.stdout)
    with psycopg.connect(url) as conn:
        statuses = dict(conn.execute("select status, count(*) from audit.loads group by status").fetchall())
    published = statuses.pop("published", 0)
    others = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
    rows = [
        (f"{label}: seconds, ingest+transform ({day})", f"{seconds:.0f}"),
        (f"{label}: transform s", transform[-1] if transform else "-"),
        (f"{label}: batches published (others)", f"{published} ({others or 'none'})"),
        (f"{label}: API requests/account", f"{sum(simulator.requests.values()) / accounts:.1f}"),
    ]
    return rows, quota_use(simulator, spread)


def quota_use(simulator: CountingSimulator, spread: dict[str, list[dict]]) -> list[tuple]:
    """One row per `QUOTAS` entry: the requests it counts, per account (mean and busiest), what
    they use of the quota and the share. An account quota is measured by the busiest account, an
    app quota by every account together; a whole day's requests are measured against a shorter
    window (hour, 15 min, minute) as if they all fell into one: an upper bound."""
    rows = []
    for quota in QUOTAS:
        listed = spread.get(quota.source)
        if not listed:
            continue
        per_account = dict.fromkeys((a["id"] for a in listed), 0)
        for (source, mount, endpoint, token), n in simulator.calls.items():
            if (
                source != quota.source
                or quota.mount not in (None, mount)
                or quota.endpoint not in (None, endpoint)
            ):
                continue
            per_account[token] = per_account.get(token, 0) + n
        total, busiest = sum(per_account.values()), max(per_account.values())
        per = "per account" if quota.scope == "account" else f"all {len(listed)} accounts"
        used = (busiest if quota.scope == "account" else total) * quota.cost
        if quota.limit is None:
            documented, share = "not documented", "-"
        else:
            floor = ">= " if quota.at_least else ""
            documented = f"{floor}{quota.limit:,} {quota.unit}/{quota.window} {per}"
            ratio = used / quota.limit
            share = f"{'<= ' if quota.at_least else ''}{ratio:.2%}" + (" OVER" if ratio > 1 else "")
        cost = f" ({quota.cost} a request)" if quota.cost != 1 else ""
        rows.append(
            (
                quota.api,
                len(listed),
                f"{total / len(listed):.1f} ({busiest})",
                documented,
                f"{used:,} {quota.unit}{cost}" + (" (busiest)" if quota.scope == "account" else ""),
                share,
            )
        )
    return rows


# ---- the gate alone --------------------------------------------------------------------------------
def bench_gate(url: str) -> list[tuple]:
    """Milliseconds per batch of validate_batch over landed Instagram account batches."""
    from socialkpi.quality.gate import validate_batch
    from socialkpi.streams import Window

    stream = SOURCES["instagram"].stream("account")
    records = [
        {
            "id": "17841400000000001",
            "username": "bench",
            "followers_count": 1000,
            "follows_count": 10,
            "media_count": 100,
        }
    ]
    timings = []
    with psycopg.connect(url, autocommit=True) as conn:
        for offset in range(12):
            day = date(2026, 10, 1) + timedelta(days=offset)
            window = Window(account_id="17841400000000001", day=day, timezone="Europe/Berlin")
            key = load.BatchKey("instagram", "account", "17841400000000001", day, day + timedelta(days=1))
            batch_id, _ = load.land(conn, key, records, datetime.now(UTC), stream_kind="snapshot")
            began = time.perf_counter()
            validate_batch(url, conn, stream, window, batch_id)
            timings.append(time.perf_counter() - began)
            conn.execute("delete from landing.instagram__account where batch_id = %s", (batch_id,))
            conn.execute("delete from audit.loads where batch_id = %s", (batch_id,))
    steady = timings[2:]  # the first batches pay GX's import and context setup once per process
    return [
        ("gate: first batch ms (GX import + context)", f"{timings[0] * 1000:.0f}"),
        ("gate: ms per batch after the first", f"{sum(steady) / len(steady) * 1000:.0f}"),
    ]


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else model
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/run.py")
    parser.add_argument("--scale", choices=sorted(SCALES), default=os.environ.get("SCALE") or "default")
    parser.add_argument("--rows", type=int, default=200_000, help="records for the landing comparison")
    parser.add_argument("--only", choices=["landing", "gate", "backfill", "daily"], action="append")
    parser.add_argument(
        "--case", action="append", metavar="AxD", help="backfill cases instead of the scale's, e.g. 25x60"
    )
    parser.add_argument(
        "--daily-accounts", type=int, default=50, metavar="A", help="accounts of the daily run (default 50)"
    )
    args = parser.parse_args()
    cases = (
        [tuple(int(n) for n in case.split("x")) for case in args.case] if args.case else SCALES[args.scale]
    )
    url = external_url()
    if not url:
        embedded = EmbeddedWarehouse(port=int(os.environ["SOCIALKPI_WAREHOUSE_PORT"]))
        embedded.start(announce=lambda line: print(line, file=sys.stderr))
        url = embedded.url()
    bootstrap(url)
    parts = args.only or ["landing", "gate", "backfill", *(["daily"] if DAILY_RUN[args.scale] else [])]
    rows: list[tuple] = []
    details = []
    quota_rows: list[tuple] = []
    if "landing" in parts:
        rows += bench_landing(url, args.rows)
    if "gate" in parts:
        empty_warehouse(url)
        rows += bench_gate(url)
    if "backfill" in parts:
        workdir = Path(tempfile.mkdtemp(prefix="socialkpi-bench-"))
        try:
            for accounts, days in cases:
                case_rows, detail = bench_backfill(url, accounts, days, workdir)
                rows += case_rows
                details.append((accounts, days, detail))
                print(table(["measure", "value"], case_rows), file=sys.stderr, flush=True)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    if "daily" in parts:
        workdir = Path(tempfile.mkdtemp(prefix="socialkpi-bench-"))
        try:
            daily_rows, quota_rows = bench_daily(url, args.daily_accounts, workdir)
            rows += daily_rows
            print(table(["measure", "value"], daily_rows), file=sys.stderr, flush=True)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"socialkpi benchmark, scale {args.scale}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}")
    print(table(["measure", "value"], rows))
    if details:
        per_platform = [
            (
                f"{a} x {d}",
                source,
                n,
                f"{got / (n * d):.2f}",
                f"{need / (n * d):.2f}",
                f"{got / max(need, 1):.1f}x",
            )
            for a, d, detail in details
            for source, (got, need, n) in sorted(detail.items())
        ]
        print()
        print(
            table(["backfill", "platform", "accounts", "requests/acct-day", "minimum", "ratio"], per_platform)
        )
    if quota_rows:
        print()
        print(
            table(
                [
                    "daily run: quota",
                    "accounts",
                    "requests/acct (busiest)",
                    "documented quota",
                    "used",
                    "share",
                ],
                quota_rows,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
