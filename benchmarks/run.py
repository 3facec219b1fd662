"""Landing throughput: psycopg COPY (what load.land uses) against executemany, into jsonb.

    make bench            # or: .venv/bin/python benchmarks/run.py --rows 200000

Runs against its own embedded warehouse under .socialkpi/bench/ (or SOCIALKPI_WAREHOUSE_URL) and
prints one table. Not part of `make test`: performance targets live here, behaviour in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("SOCIALKPI_STATE_DIR", str(ROOT / ".socialkpi" / "bench"))
sys.path.insert(0, str(ROOT / "plugins"))

import psycopg  # noqa: E402
from socialkpi import load  # noqa: E402
from socialkpi.report import table  # noqa: E402
from socialkpi.warehouse import EmbeddedWarehouse, bootstrap, external_url  # noqa: E402


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


def bench_copy(conn, records: list[dict]) -> float:
    key = load.BatchKey("bench", "media", f"copy-{uuid.uuid4()}", date(2026, 11, 1), date(2026, 11, 2))
    started = time.perf_counter()
    load.land(conn, key, records, datetime.now(UTC))
    return time.perf_counter() - started


def bench_executemany(conn, records: list[dict]) -> float:
    batch_id = uuid.uuid4()
    now = datetime.now(UTC)
    started = time.perf_counter()
    with conn.transaction(), conn.cursor() as cursor:
        cursor.executemany(
            "insert into landing.bench__media values (%s, 'bench', 'media', 'em', '2026-11-01', '2026-11-02', %s, %s, %s)",
            ((batch_id, now, i, json.dumps(record)) for i, record in enumerate(records)),
        )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    url = external_url()
    if not url:
        warehouse = EmbeddedWarehouse(port=int(os.environ.get("SOCIALKPI_WAREHOUSE_PORT", "54349")))
        warehouse.start(announce=lambda line: print(line, file=sys.stderr))
        url = warehouse.url()
    bootstrap(url)
    results = []
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            load.ensure_tables(conn, "bench__media")
        # Records are parsed API JSON (dicts) by the time they are landed; build them up front.
        records = [media_record(i) for i in range(args.rows)]
        for name, run in (("COPY (load.land)", bench_copy), ("executemany", bench_executemany)):
            seconds = run(conn, records)
            results.append((name, args.rows, round(seconds, 2), int(args.rows / seconds)))
        conn.execute("drop table landing.bench__media, raw.bench__media, quarantine.bench__media")
        conn.execute("delete from audit.loads where source = 'bench'")
    print(table(["method", "rows", "seconds", "rows_per_second"], results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
