"""`socialkpi kpis` against a real PostgreSQL: no bare dashes, every blank says why, and X / TikTok
show their engagements on new posts (labelled, with a footnote) where no activity-day number exists."""

import re
import uuid

import psycopg
import pytest
from socialkpi.report import kpi_tables

ACCOUNT_COLUMNS = """platform text, account_id text, kpi_date date, followers bigint, follower_change bigint,
    posts_published bigint, engagements bigint, reach bigint, engagements_on_published_posts bigint"""
TRAFFIC_COLUMNS = """analytics_source text, platform text, traffic_date date, sessions bigint,
    engaged_sessions bigint, key_events numeric, revenue numeric"""

# (platform, account, day, followers, follower_change, posts, engagements, reach, on new posts):
# the shapes a first backfill leaves in fct_account_kpis_daily
ACCOUNT_DAYS = [
    ("instagram", "1", "2026-11-27", 1000, None, 1, 50, 900, 30),
    ("instagram", "1", "2026-11-28", 1010, 10, 0, 40, 800, 0),
    ("youtube", "UC1", "2026-11-27", 500, None, 0, 5, None, 0),
    ("youtube", "UC1", "2026-11-28", 503, 3, 1, None, None, 12),
    ("linkedin", "9", "2026-11-27", None, None, 1, 7, 60, 4),
    ("linkedin", "9", "2026-11-28", None, None, 0, 9, 70, 0),
    ("x", "2", "2026-11-27", None, None, 2, None, None, 120),
    ("x", "2", "2026-11-28", 800, None, 1, None, None, 15),
    ("tiktok", "o1", "2026-11-28", 6200, None, 1, None, None, 33),
]
TRAFFIC_DAYS = [
    ("ga4", "instagram", "2026-11-28", 40, 30, 3, 25.5),
    ("plausible", "instagram", "2026-11-28", 38, None, 2, None),
]


@pytest.fixture
def marts_schema(warehouse_url):
    schema = f"kpi_summary_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute(f"create schema {schema}")
        conn.execute(f"create table {schema}.fct_account_kpis_daily ({ACCOUNT_COLUMNS})")
        conn.execute(f"create table {schema}.fct_social_traffic_daily ({TRAFFIC_COLUMNS})")
        with conn.cursor() as cursor:
            cursor.executemany(
                f"insert into {schema}.fct_account_kpis_daily values (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                ACCOUNT_DAYS,
            )
            cursor.executemany(
                f"insert into {schema}.fct_social_traffic_daily values (%s, %s, %s, %s, %s, %s, %s)",
                TRAFFIC_DAYS,
            )
    yield schema
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute(f"drop schema {schema} cascade")


def rows_of(output: str) -> dict[str, str]:
    return {
        line.split()[0]: line for line in output.splitlines() if line.split() and line.split()[0] in PLATFORMS
    }


PLATFORMS = {"instagram", "youtube", "linkedin", "x", "tiktok", "ga4", "plausible"}


def footnote(output: str, line: str, text: str) -> str:
    """The footnote a cell of `line` points at, checked to contain `text`."""
    for number in re.findall(r"\[(\d+)\]", line):
        note = next(n for n in output.splitlines() if n.startswith(f"[{number}] "))
        if text in note:
            return note
    raise AssertionError(f"no footnote with {text!r} for: {line}")


def test_no_bare_dashes_and_every_blank_says_why(warehouse_url, marts_schema):
    output = kpi_tables(2, url=warehouse_url, schema=marts_schema)
    body = [line for line in output.splitlines() if line.split() and line.split()[0] in PLATFORMS]
    assert len(body) == 7
    for line in body:
        assert not re.search(r"(^|\s)-(\s|$)", line), line


def test_x_and_tiktok_show_engagements_on_new_posts_with_a_footnote(warehouse_url, marts_schema):
    output = kpi_tables(2, url=warehouse_url, schema=marts_schema)
    rows = rows_of(output)
    assert "135 on new posts" in rows["x"]
    assert "33 on new posts" in rows["tiktok"]
    note = footnote(output, rows["x"], "engagements_on_published_posts")
    assert "no activity-day engagements" in note
    assert "no history" in rows["tiktok"]  # one snapshot: no follower change yet
    footnote(output, rows["tiktok"], "two consecutive days")


def test_missing_values_are_named_not_dashed(warehouse_url, marts_schema):
    output = kpi_tables(2, url=warehouse_url, schema=marts_schema)
    rows = rows_of(output)
    assert "not reported" in rows["youtube"]  # YouTube has no reach
    assert re.search(r"\b5 \[\d+\]", rows["youtube"])  # engagements known on 1 of 2 days
    footnote(output, rows["youtube"], "known on 1 of 2 account-days")
    assert "pending" in rows["linkedin"]
    footnote(output, rows["linkedin"], "settle two days late")
    assert "not reported" in rows["plausible"]  # no engaged sessions, no revenue
    # the first day of history has no follower change: the sum covers the other day, and says so
    assert "1,010" in rows["instagram"] and re.search(r"\b10 \[\d+\]", rows["instagram"])
    footnote(output, rows["instagram"], "known on 1 of 2 account-days")
