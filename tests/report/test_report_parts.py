"""The report's parts that need no warehouse: month parsing, number formats, chart scales, settings, SQL file."""

from __future__ import annotations

from datetime import date

import pytest
from socialkpi.errors import ConfigError
from socialkpi.reporting import ReportError, charts, parse_month, queries
from socialkpi.reporting import formatting as fmt
from socialkpi.reporting.build import status_of
from socialkpi.reporting.delivery import previous_month
from socialkpi.reporting.settings import report_settings

TODAY = date(2026, 11, 29)


def test_months_parse_and_bad_ones_are_one_line_errors():
    assert parse_month("2026-10", TODAY) == date(2026, 10, 1)
    assert parse_month("2026-11", TODAY) == date(2026, 11, 1)  # month to date
    for bad in ("2026-00", "2026-13", "26-10", "2026/10", ""):
        with pytest.raises(ReportError, match="YYYY-MM"):
            parse_month(bad, TODAY)
    with pytest.raises(ReportError, match="future"):
        parse_month("2026-12", TODAY)


def test_the_report_dag_reports_the_month_before_its_logical_date():
    assert previous_month(date(2026, 11, 3)) == date(2026, 10, 1)
    assert previous_month(date(2027, 1, 3)) == date(2026, 12, 1)


def test_numbers_are_formatted_for_people():
    assert fmt.integer(1234567) == "1,234,567"
    assert fmt.signed_integer(42) == "+42"
    assert fmt.percent(0.0512) == "5.1%"
    assert fmt.percent(0.0027) == "0.27%"  # small rates keep their digits
    assert fmt.percent(None) == fmt.DASH
    assert fmt.money(1500, "EUR", 0) == "€1,500"
    assert fmt.money(3.5, "CHF") == "3.50 CHF"
    assert fmt.compact(15300) == "15.3k" and fmt.compact(2_000_000) == "2M"
    assert fmt.minutes(45) == "45 min" and fmt.minutes(150) == "2.5 h" and fmt.minutes(4320) == "3.0 days"
    assert fmt.change(110, 100) == ("+10.0%", pytest.approx(0.1))
    assert fmt.change(5, 0) == (fmt.DASH, None)
    assert fmt.point_change(0.012, 0.010)[0] == "+0.20 pp"


def test_target_status_is_green_amber_red():
    assert [status_of(v) for v in (1.2, 1.0, 0.95, 0.9, 0.89, None)] == [
        "green",
        "green",
        "amber",
        "amber",
        "red",
        "none",
    ]


def test_chart_scales_are_round_and_include_zero():
    assert charts.nice_ticks(3, 97) == [0, 20, 40, 60, 80, 100]
    assert charts.nice_ticks(-12, 40)[0] <= -12 and 0 in charts.nice_ticks(-12, 40)
    svg = charts.bar_chart("t", "A title", [("Instagram", 12.0), ("X", None)], x_label="Posts (count)")
    assert svg.count('class="mark bar"') == 1 and "not reported" in svg and "Posts (count)" in svg


def test_the_sql_file_holds_every_query_the_report_reads():
    names = set(queries.queries())
    assert {
        "coverage",
        "accounts",
        "platform_months",
        "targets",
        "follower_growth",
        "traffic_by_platform",
    } <= names
    assert {"ranked_posts", "campaigns", "calendar", "community", "alerts", "flags"} <= names
    assert {"freshness", "batches"} <= names
    for sql in queries.queries().values():
        assert "marts." in sql or "audit.loads" in sql


def test_report_settings_come_from_socialkpi_yml(tmp_path):
    from socialkpi.config import load_config

    path = tmp_path / "socialkpi.yml"
    base = "sources:\n  x:\n    accounts: [{id: '1', name: A}]\n"
    path.write_text(base + "report:\n  recipients: [a@example.com]\n  output_dir: out\n")
    settings = report_settings(load_config(path))
    assert settings.recipients == ("a@example.com",) and settings.alert_recipients == ("a@example.com",)
    assert settings.output_dir == tmp_path / "out"
    path.write_text(base + "report:\n  recipients: [not-an-address]\n")
    with pytest.raises(ConfigError, match=r"report\.recipients"):
        report_settings(load_config(path))
