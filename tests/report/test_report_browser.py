"""`socialkpi report` as a person sees it: written by the CLI, opened in real headless Chromium.

Chromium is Debian's (the Makefile installs it), driven by Playwright. The page must draw every
chart, load nothing from anywhere but its own file, log no console error and shape Persian text
right to left; a screenshot of each section lands in the test's output folder. The PDF is read
back with pypdf.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from tests.support.marts import PERSIAN_ACCOUNT_NAME, socialkpi

pytestmark = [pytest.mark.warehouse, pytest.mark.slow]

SECTIONS = 9
UNIT = re.compile(r"\(%\)|\(count\)|×|followers")


@pytest.fixture(scope="module")
def written(report_marts, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "monthly.html"
    result = socialkpi(
        "report", "--month", f"{report_marts.month:%Y-%m}", "--out", str(out), "--pdf", env=report_marts.env()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.as_uri() in result.stdout
    return out, out.with_suffix(".pdf")


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    from socialkpi.reporting.pdf import launch

    with playwright_api.sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def opened(written, browser):
    """The report loaded in a page, with every request and console message it caused."""
    html, _ = written
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    requests, console, errors = [], [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: console.append((message.type, message.text)))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(html.as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    yield page, requests, console, errors
    page.close()


def test_the_report_loads_nothing_but_its_own_file_and_logs_no_error(opened, written):
    page, requests, console, errors = opened
    html, _ = written
    assert html.as_uri() in requests
    # The embedded font is a data: URL; anything else would be a request leaving the file.
    assert [url for url in requests if not url.startswith(("file://", "data:"))] == []
    assert [m for m in console if m[0] == "error"] == []
    assert errors == []
    assert not page.query_selector_all("script, link, img[src^='http'], iframe")


def test_every_section_is_there_and_every_chart_drew_marks(opened, tmp_path):
    page, *_ = opened
    sections = page.query_selector_all("section.report-section")
    assert [s.get_attribute("data-section") for s in sections] == [str(n) for n in range(1, SECTIONS + 1)]
    charts = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart')].map(svg => ({
            id: svg.dataset.chart,
            title: svg.querySelector('.chart-title')?.textContent || '',
            axisLabels: [...svg.querySelectorAll('.axis-label')].map(t => t.textContent),
            drawn: [...svg.querySelectorAll('.mark')].filter(m => {
                const box = m.getBBox();
                return box.width > 0 || box.height > 0;
            }).length,
        }))"""
    )
    # Follower growth, engagement rate, posts, sessions per platform and per campaign at least.
    ids = {chart["id"] for chart in charts}
    assert {"follower-growth", "engagement-rate", "posts-published", "sessions-by-platform"} <= ids
    for chart in charts:
        assert chart["drawn"] > 0, f"chart {chart['id']} drew nothing"
        assert chart["title"].strip(), f"chart {chart['id']} has no title"
        assert chart["axisLabels"] and all(label.strip() for label in chart["axisLabels"]), chart
        # The unit of the value axis: a percentage, a count, a multiple, or followers.
        assert UNIT.search(" ".join(chart["axisLabels"])), f"chart {chart['id']} names no unit"
    for number, section in enumerate(sections, 1):
        shot = tmp_path / f"section-{number}.png"
        section.screenshot(path=str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5_000


def test_persian_text_is_laid_out_right_to_left_and_shaped(opened):
    page, *_ = opened
    found = page.evaluate(
        """(name) => {
            const span = [...document.querySelectorAll('[dir=auto]')].find(e => e.textContent === name);
            if (!span) return null;
            const box = span.getBoundingClientRect();
            // Shaping: Persian letters join, so the word is narrower than its letters kept apart
            // by zero-width non-joiners (isolated forms). Without shaping both widths are equal.
            const probe = (text) => {
                const e = document.createElement('span');
                e.textContent = text;
                e.style.cssText = 'position:absolute;white-space:nowrap;font-size:40px';
                span.parentElement.appendChild(e);
                const width = e.getBoundingClientRect().width;
                e.remove();
                return width;
            };
            const word = 'کافه';
            return {
                direction: getComputedStyle(span).direction,
                width: box.width,
                joined: probe(word),
                isolated: probe([...word].join('\\u200c')),
                fontLoaded: document.fonts.check('16px "Report Arabic"', name),
            };
        }""",
        PERSIAN_ACCOUNT_NAME,
    )
    assert found is not None, "the Persian account name is not in the report"
    assert found["direction"] == "rtl"
    assert found["width"] > 20
    assert found["fontLoaded"]
    assert abs(found["joined"] - found["isolated"]) > 2, found


def test_the_pdf_has_pages_with_the_headline_text(written, report_marts):
    _, pdf = written
    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 1
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert f"{report_marts.month:%B %Y}" in text
    assert "Headline KPIs" in text and "Data quality" in text


def test_a_month_without_data_says_so_instead_of_drawing_empty_charts(report_marts, tmp_path, browser):
    out = tmp_path / "empty.html"
    result = socialkpi("report", "--month", "2020-01", "--out", str(out), env=report_marts.env())
    assert result.returncode == 0, result.stderr
    page = browser.new_page()
    page.goto(out.as_uri())
    assert "No data for January 2020" in page.inner_text("main")
    assert page.query_selector_all("svg.chart") == []
    page.close()


@pytest.mark.parametrize("month", ["2026-13", "10/2026", "2026-1", "last month"])
def test_a_malformed_month_is_one_line_error(report_marts, month):
    result = socialkpi("report", "--month", month, env=report_marts.env())
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "YYYY-MM" in result.stderr


def test_a_future_month_is_one_line_error(report_marts):
    future = (datetime.now(UTC).date().replace(day=1) + timedelta(days=40)).strftime("%Y-%m")
    result = socialkpi("report", "--month", future, env=report_marts.env())
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "future" in result.stderr
