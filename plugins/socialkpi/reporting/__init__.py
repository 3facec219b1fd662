"""The monthly report: `socialkpi report --month YYYY-MM [--out PATH] [--pdf]`.

    month = parse_month("2026-10")                 # one-line ReportError for bad input
    files = write_report(month, pdf=True)          # ReportFiles(html=Path, pdf=Path | None)
    report_for_range(start, end)                   # what `socialkpi run` prints after a range

SQL: queries.sql (plugins/socialkpi/reporting/). Page: build.py, charts.py, report.css.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from socialkpi.errors import SocialKpiError

MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$")


class ReportError(SocialKpiError):
    """The report cannot be written as asked (bad month, no marts, no browser for the PDF)."""


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    pdf: Path | None = None


def parse_month(text: str, today: date | None = None) -> date:
    """'2026-10' -> date(2026, 10, 1); malformed or future months are a one-line ReportError."""
    match = MONTH.match(text.strip())
    if not match or not 1 <= int(match["month"]) <= 12:
        raise ReportError(f"--month {text!r} is not a month; write it as YYYY-MM, e.g. 2026-10")
    month = date(int(match["year"]), int(match["month"]), 1)
    today = today or datetime.now(UTC).date()
    if month > today.replace(day=1):
        raise ReportError(
            f"--month {text} is in the future; the latest month with data is {today:%Y-%m} (month to date)"
        )
    return month


def default_path(month: date, suffix: str = ".html") -> Path:
    from socialkpi.reporting.settings import report_settings

    return report_settings().output_dir / f"socialkpi-report-{month:%Y-%m}{suffix}"


def build_report(month: date, url: str | None = None, generated_at: datetime | None = None) -> str:
    """The report's HTML for the month, read from the warehouse at `url` (default: the one in use)."""
    import psycopg

    from socialkpi.reporting import build, queries
    from socialkpi.reporting.settings import report_settings
    from socialkpi.warehouse import current_url

    try:
        with psycopg.connect(url or current_url(), connect_timeout=10) as conn:
            results = queries.run_all(conn, month)
    except psycopg.errors.UndefinedTable as exc:
        raise ReportError(
            f"the marts are not built yet ({str(exc).splitlines()[0]}); run `socialkpi run` first"
        ) from None
    except psycopg.OperationalError as exc:
        raise ReportError(
            f"cannot reach the warehouse ({str(exc).splitlines()[0]}); start it with `socialkpi warehouse start`"
        ) from None
    return build.build_html(month, results, report_settings().title, generated_at)


def write_report(
    month: date, out: Path | None = None, pdf: bool = False, url: str | None = None
) -> ReportFiles:
    """Write the HTML (and with `pdf` the PDF next to it); the HTML is written even if the PDF fails."""
    html_path = Path(out) if out else default_path(month)
    if html_path.suffix.lower() == ".pdf":
        html_path = html_path.with_suffix(".html")
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(build_report(month, url), encoding="utf-8")
    pdf_path = None
    if pdf:
        from socialkpi.reporting.pdf import print_pdf

        pdf_path = print_pdf(html_path, html_path.with_suffix(".pdf"))
    return ReportFiles(html=html_path, pdf=pdf_path)


def report_for_range(start: date, end: date, url: str | None = None) -> Path:
    """The report of the month a run's range ends in, for `socialkpi run` to print its path."""
    return write_report(end.replace(day=1), url=url).html
