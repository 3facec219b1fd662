"""The `socialkpi` command a person types.

socialkpi warehouse start|stop|status|url [--bi]
socialkpi simulate [--port N] [--seed N]
socialkpi run [--days N | --start D --end D] [--workers N] [--split accounts|days]
socialkpi kpis
socialkpi report --month YYYY-MM [--out PATH] [--pdf]
socialkpi loads [--status S] [--limit N]
socialkpi quarantine list | show BATCH | release BATCH [--force] | drop BATCH
socialkpi quality write-suites
socialkpi airflow ARGS...           (airflow with socialkpi's environment)
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from socialkpi.errors import SocialKpiError


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    try:
        export_warehouse_port()
        return args.handler(args) or 0
    except SocialKpiError as exc:
        print(f"socialkpi: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="socialkpi", description="Social media KPIs: APIs -> warehouse -> marts."
    )
    commands = parser.add_subparsers(metavar="COMMAND")

    warehouse = commands.add_parser("warehouse", help="the embedded PostgreSQL warehouse")
    warehouse.add_argument("action", choices=["start", "stop", "status", "url"])
    warehouse.add_argument("--bi", action="store_true", help="with `url`: the read-only bi_reader URL")
    warehouse.set_defaults(handler=cmd_warehouse)

    simulate = commands.add_parser("simulate", help="serve every source API locally (the default source)")
    simulate.add_argument("--port", type=int, default=None)
    simulate.add_argument("--seed", type=int, default=None)
    simulate.set_defaults(handler=cmd_simulate)

    run = commands.add_parser("run", help="ingest and transform a range of days through Airflow")
    run.add_argument("--days", type=int, default=30, help="the last N complete days (default 30)")
    run.add_argument("--start", type=date.fromisoformat, help="first day (YYYY-MM-DD)")
    run.add_argument("--end", type=date.fromisoformat, help="last day (YYYY-MM-DD)")
    run.add_argument(
        "--workers",
        type=int,
        default=None,
        help="range runs side by side (default: the cores, at most 2)",
    )
    run.add_argument(
        "--split",
        choices=["accounts", "days"],
        default="accounts",
        help="what the workers share out: the accounts (default: one range run each, so each API is asked "
        "once per account for the range) or the days (one run per day, as the daily schedule makes them; "
        "slower, to compare daily runs with a range run)",
    )
    run.add_argument(
        "--no-transform",
        action="store_true",
        help="ingest only, the marts stay as they are (backfill ranges one by one; the next run transforms)",
    )
    run.set_defaults(handler=cmd_run)

    kpis = commands.add_parser("kpis", help="print the KPI summary of the marts")
    kpis.add_argument("--days", type=int, default=30)
    kpis.set_defaults(handler=cmd_kpis)

    report = commands.add_parser("report", help="the monthly report as one HTML file (and a PDF)")
    report.add_argument("--month", required=True, help="the month, YYYY-MM (e.g. 2026-10)")
    report.add_argument("--out", type=Path, help="the HTML file to write (default .socialkpi/reports/)")
    report.add_argument("--pdf", action="store_true", help="also print it to PDF with headless Chromium")
    report.set_defaults(handler=cmd_report)

    loads = commands.add_parser("loads", help="the audit log of loads and validations")
    loads.add_argument(
        "--status", help="only this status (published, quarantined, abandoned, extract_failed, failed, ...)"
    )
    loads.add_argument("--limit", type=int, default=30)
    loads.set_defaults(handler=cmd_loads)

    quarantine = commands.add_parser("quarantine", help="inspect, release or drop quarantined batches")
    quarantine.add_argument("action", choices=["list", "show", "release", "drop"])
    quarantine.add_argument("batch", nargs="?", help="batch id (from `quarantine list`)")
    quarantine.add_argument(
        "--force", action="store_true", help="with `release`: publish without re-validating"
    )
    quarantine.add_argument(
        "--replace-newer",
        action="store_true",
        help="with `release --force`: publish even over a newer batch of the same interval",
    )
    quarantine.set_defaults(handler=cmd_quarantine)

    quality = commands.add_parser("quality", help="Great Expectations suites")
    quality.add_argument("action", choices=["write-suites", "docs"])
    quality.set_defaults(handler=cmd_quality)

    airflow = commands.add_parser("airflow", help="run airflow with socialkpi's environment")
    airflow.add_argument("args", nargs=argparse.REMAINDER)
    airflow.set_defaults(handler=cmd_airflow)
    return parser


# ---- warehouse ---------------------------------------------------------------------------------
def cmd_warehouse(args) -> int:
    from socialkpi.warehouse import BI_ROLE, OWNER_ROLE, EmbeddedWarehouse, external_url

    external = external_url()
    if external:
        if args.action == "url":
            print(external)
        else:
            print(f"socialkpi: using SOCIALKPI_WAREHOUSE_URL; nothing embedded to {args.action}")
        return 0
    warehouse = EmbeddedWarehouse()
    if args.action == "start":
        status = warehouse.start(announce=lambda line: print(line, file=sys.stderr))
        print(f"warehouse {status.describe()}")
        print(
            'connect: psql "$(socialkpi warehouse url)"   (read-only BI user: socialkpi warehouse url --bi)'
        )
    elif args.action == "stop":
        print("warehouse stopped" if warehouse.stop() else "warehouse was not running")
    elif args.action == "status":
        status = warehouse.status()
        print(f"warehouse {status.describe()}")
        return 0 if status.running else 3
    else:
        print(warehouse.url(role=BI_ROLE if args.bi else OWNER_ROLE))
    return 0


# ---- simulator ---------------------------------------------------------------------------------
def cmd_simulate(args) -> int:
    from socialkpi.config import load_config
    from socialkpi.pipeline import build_simulator

    config = load_config()
    port = args.port or config.simulator_port
    if args.seed is not None:
        config = dataclasses.replace(config, simulator_seed=args.seed)
    server = build_simulator(config, port)
    print(
        f"socialkpi simulator on http://127.0.0.1:{port} (seed {config.simulator_seed}); Ctrl-C stops it",
        flush=True,
    )
    server.serve_forever()
    return 0


# ---- run ---------------------------------------------------------------------------------------
def cmd_run(args) -> int:
    from socialkpi import pipeline
    from socialkpi.warehouse import current_url, masked

    started = time.monotonic()
    if args.start or args.end:
        if not (args.start and args.end) or args.start > args.end:
            print("socialkpi: give both --start and --end, with --start <= --end", file=sys.stderr)
            return 2
        start, end = args.start, args.end
    else:
        start, end = pipeline.last_complete_days(args.days)
    workers = pipeline.DEFAULT_WORKERS if args.workers is None else args.workers
    if workers < 1:
        print("socialkpi: --workers must be 1 or more", file=sys.stderr)
        return 2
    # Lookback is for daily runs; a range run extracts every day of the range anyway.
    lookback = 0 if start < end else None
    code = pipeline.run_range(
        start, end, lookback, workers=workers, transform=not args.no_transform, split=args.split
    )
    if args.no_transform:
        print("socialkpi: transform skipped (--no-transform): the marts are unchanged until the next run")
        print(f"Finished in {time.monotonic() - started:.0f}s.")
        return code
    print_kpis(days=(end - start).days + 1)
    print(f"\nWarehouse: {masked(current_url())}")
    print('  psql:                          psql "$(.venv/bin/socialkpi warehouse url)"')
    print("  BI tool (read-only on marts):  .venv/bin/socialkpi warehouse url --bi")
    from socialkpi.quality.context import DATA_DOCS_DIR

    index = DATA_DOCS_DIR / "index.html"
    if index.exists():
        print(f"Data docs (Great Expectations): {index.as_uri()}")
    if code == 0:
        from socialkpi.reporting import report_for_range

        try:
            report = report_for_range(start, end)
            print(
                f"Monthly report ({end:%Y-%m}): {report.as_uri()}  (PDF: socialkpi report --month {end:%Y-%m} --pdf)"
            )
        except SocialKpiError as exc:
            print(f"socialkpi: the monthly report was not written: {exc}", file=sys.stderr)
    print(f"Finished in {time.monotonic() - started:.0f}s.")
    return code


def cmd_kpis(args) -> int:
    print_kpis(days=args.days)
    return 0


def print_kpis(days: int) -> None:
    from socialkpi.report import kpi_tables
    from socialkpi.what_works import what_works_tables

    print()
    print(kpi_tables(days))
    print()
    print(what_works_tables(days))  # best windows, formats, hashtags, competitors, crisis (#12)


# ---- report ------------------------------------------------------------------------------------
def cmd_report(args) -> int:
    from socialkpi.reporting import parse_month, write_report

    month = parse_month(args.month)
    files = write_report(month, out=args.out, pdf=args.pdf)
    print(f"Report for {month:%B %Y}: {files.html.resolve().as_uri()}")
    if files.pdf:
        print(f"PDF: {files.pdf.resolve()}")
    return 0


# ---- audit and quarantine ----------------------------------------------------------------------
def _connect():
    import psycopg

    from socialkpi.warehouse import current_url

    return psycopg.connect(current_url(), autocommit=True)


def cmd_loads(args) -> int:
    from socialkpi.report import table

    query = """select batch_id::text, source, stream, account_id, interval_start, interval_end - 1, status,
                      row_count, array_to_string(unavailable_metrics, ','),
                      left(coalesce(nullif(failed_expectations::text, '[]'), message, ''), 60), finished_at
               from audit.loads {where} order by started_at desc limit %s"""
    where = "where status = %s" if args.status else ""
    params = ([args.status] if args.status else []) + [args.limit]
    with _connect() as conn:
        rows = conn.execute(query.format(where=where), params).fetchall()
    headers = [
        "batch",
        "source",
        "stream",
        "account",
        "from",
        "to",
        "status",
        "rows",
        "unavailable",
        "failed / message",
        "finished",
    ]
    print(table(headers, rows))
    return 0


def cmd_quarantine(args) -> int:
    from socialkpi.quarantine import drop, list_quarantined, release, show

    with _connect() as conn:
        if args.action == "list":
            print(list_quarantined(conn))
            return 0
        if not args.batch:
            print(f"socialkpi: `quarantine {args.action}` needs a batch id (see `socialkpi quarantine list`)")
            return 2
        if args.action == "show":
            print(show(conn, args.batch))
        elif args.action == "release":
            print(release(conn, args.batch, force=args.force, replace_newer=args.replace_newer))
        else:
            print(drop(conn, args.batch))
    return 0


def cmd_quality(args) -> int:
    if args.action == "write-suites":
        from socialkpi.quality.suites import write_suites
        from socialkpi.sources import SOURCES
        from socialkpi.sources.competitors import COMPETITOR_STREAMS

        streams = [s for source in SOURCES.values() for s in source.streams] + list(COMPETITOR_STREAMS)
        for path in write_suites(streams):
            print(path)
    else:
        from socialkpi.quality.context import DATA_DOCS_DIR

        index = DATA_DOCS_DIR / "index.html"
        print(
            index.as_uri()
            if index.exists()
            else f"no data docs yet (they appear in {DATA_DOCS_DIR} after a run)"
        )
    return 0


def cmd_airflow(args) -> int:
    from socialkpi import pipeline
    from socialkpi.config import load_config
    from socialkpi.connections import simulator_connections
    from socialkpi.warehouse import ensure_started

    ensure_started(announce=lambda line: print(line, file=sys.stderr))
    config = load_config()
    simulator, extra = None, {}
    if args.args[:1] == ["standalone"]:
        # The UI and scheduler run until stopped; the simulator serves beside them as long.
        simulator, extra = pipeline.start_simulator(config, port=config.simulator_port)
    else:
        # Other commands (`dags trigger`, `backfill create`, ...) see the same connections.
        extra = simulator_connections(f"http://127.0.0.1:{config.simulator_port}", config.sources)
    if simulator is not None:
        print(
            f"socialkpi: sources without a connection read from the simulator at {simulator.url}",
            file=sys.stderr,
        )
    env = pipeline.airflow_env(extra)
    try:
        pipeline.migrate_airflow_db(env)
        return subprocess.run([pipeline.airflow_bin(), *args.args], env=env).returncode
    finally:
        if simulator is not None:
            simulator.stop()


def export_warehouse_port() -> None:
    """The configured `warehouse.port`, for this process and every one it starts (Airflow, dbt);
    SOCIALKPI_WAREHOUSE_PORT, when set, wins."""
    from socialkpi.config import load_config

    if "SOCIALKPI_WAREHOUSE_PORT" not in os.environ:
        with contextlib.suppress(SocialKpiError):
            os.environ["SOCIALKPI_WAREHOUSE_PORT"] = str(load_config().warehouse_port)


if __name__ == "__main__":
    sys.exit(main())
