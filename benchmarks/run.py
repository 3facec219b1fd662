"""socialkpi's performance, measured end to end and printed as one table.

    make bench                 # default scale: under 10 minutes on 2 cores
    make bench SCALE=full      # adds 50 accounts x 30 and x 365 days, and 10 x 365
    .venv/bin/python benchmarks/run.py --scale quick --rows 50000
    .venv/bin/python benchmarks/run.py --only backfill --case 25x60

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

The minimum API requests of a D-day backfill of one account are `socialkpi.ingest.minimum_requests`
(its `MINIMUM_REQUESTS` says why, per platform, from the APIs' documented limits), the one count the
tests hold the extractor to as well. P and C are counted from what the backfill landed: the posts
of the account's post list (YouTube: the videos whose launch window, their Pacific publication day
and the 28 days after, overlaps the range and its lookback), C those with comments.
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
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(os.environ.get("SOCIALKPI_BENCH_DIR", ROOT / ".socialkpi" / "bench"))
os.environ.setdefault("SOCIALKPI_STATE_DIR", str(BENCH_DIR))
os.environ.setdefault("SOCIALKPI_WAREHOUSE_PORT", "54349")
os.environ["GX_ANALYTICS_ENABLED"] = "False"
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


def bench_config(path: Path, accounts: int, port: int) -> dict[str, list[dict]]:
    """A config of `accounts` accounts, spread round-robin over the sources and the timezones."""
    spread: dict[str, list[dict]] = {}
    for n in range(accounts):
        source = SOURCE_ORDER[n % len(SOURCE_ORDER)]
        account = {
            "id": account_id(source, n),
            "name": f"Bench {n}",
            "timezone": TIMEZONES[n % len(TIMEZONES)],
        }
        if SOURCES[source].token_per_account:  # a TikTok token reads one creator: a connection each
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
    """The simulator, counting the API requests each source receives."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.requests: dict[str, int] = {}

    def dispatch(self, method, target, headers, body):
        response = super().dispatch(method, target, headers, body)
        route = self._route(target.split("?", 1)[0])
        if route is not None:
            source = route[1].source
            self.requests[source] = self.requests.get(source, 0) + 1
        return response


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


def bench_backfill(url: str, accounts: int, days: int, workdir: Path) -> tuple[list[tuple], dict]:
    config_path = workdir / f"bench-{accounts}x{days}.yml"
    spread = bench_config(config_path, accounts, int(os.environ["SOCIALKPI_WAREHOUSE_PORT"]))
    empty_warehouse(url)
    end = datetime.now(UTC).date() - timedelta(days=3)
    start = end - timedelta(days=days - 1)
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
    label = f"backfill {accounts} acct x {days} d"
    (BENCH_DIR / f"backfill-{accounts}x{days}.log").write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        tail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-3:]
        print(f"bench: {label} failed: {' | '.join(tail)}", file=sys.stderr)
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
    parser.add_argument("--only", choices=["landing", "gate", "backfill"], action="append")
    parser.add_argument(
        "--case", action="append", metavar="AxD", help="backfill cases instead of the scale's, e.g. 25x60"
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
    parts = args.only or ["landing", "gate", "backfill"]
    rows: list[tuple] = []
    details = []
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
