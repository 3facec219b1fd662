"""The report's SQL lives in queries.sql (one readable file a BI user can copy from); this reads it."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

QUERIES_FILE = Path(__file__).with_name("queries.sql")
NAME = re.compile(r"^-- name: (?P<name>\w+)\s*$", re.MULTILINE)


@cache
def queries() -> dict[str, str]:
    """name -> SQL, without the full-line comments (psycopg would read a % in them as a parameter)."""
    text = QUERIES_FILE.read_text(encoding="utf-8")
    marks = list(NAME.finditer(text))
    found = {}
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        block = text[mark.end() : following.start() if following else len(text)]
        lines = [line for line in block.splitlines() if not line.lstrip().startswith("--")]
        found[mark["name"]] = "\n".join(lines).strip().rstrip(";")
    return found


def month_parameters(month_start: date) -> dict[str, date]:
    previous = date(month_start.year - (month_start.month == 1), (month_start.month - 2) % 12 + 1, 1)
    following = date(month_start.year + (month_start.month == 12), month_start.month % 12 + 1, 1)
    return {"month_start": month_start, "next_month_start": following, "previous_month_start": previous}


def run_all(conn: psycopg.Connection, month_start: date) -> dict[str, list[dict]]:
    params = month_parameters(month_start)
    results = {}
    with conn.cursor(row_factory=dict_row) as cursor:
        for name, sql in queries().items():
            cursor.execute(sql, params)
            results[name] = cursor.fetchall()
    return results
