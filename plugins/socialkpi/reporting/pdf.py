"""Print the report's HTML to PDF with the system's headless Chromium, driven by Playwright.

Debian's `chromium` package (the Makefile installs it when missing): Playwright's own browser
download would need its CDN, and a system browser gets the distribution's security updates.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from socialkpi.reporting import ReportError

# No background traffic from the browser: it opens one local file and prints it.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # root in containers and CI; the page is our own file
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FOOTER = (
    '<div style="font-size:8px;color:#5b6475;width:100%;padding:0 12mm;display:flex;'
    'justify-content:space-between"><span class="title"></span>'
    '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
)


def chromium_path() -> str:
    candidates = [os.environ.get("SOCIALKPI_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    raise ReportError(
        "no Chromium for --pdf; install Debian's chromium (`apt-get install chromium`, or `make test` as root) "
        "or set SOCIALKPI_CHROMIUM to a Chromium binary"
    )


def launch(playwright):
    """A headless system Chromium for Playwright (the report tests open pages with it too)."""
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)


def print_pdf(html_path: Path, pdf_path: Path) -> Path:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ReportError("--pdf needs the playwright package (pip install from requirements.lock)") from None
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                page = browser.new_page()
                page.goto(html_path.resolve().as_uri(), wait_until="load")
                page.emulate_media(media="print")
                page.pdf(
                    path=str(pdf_path),
                    format="A4",
                    print_background=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=FOOTER,
                    margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"},
                )
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise ReportError(
            f"printing the PDF with Chromium failed: {str(exc).splitlines()[0]} (the HTML is at {html_path})"
        ) from None
    return pdf_path
