"""Lint-time stand-in for dbt's `modules` context (only what the models use).

sqlfluff's `var()` returns a placeholder, so date parsing falls back to a fixed date.
"""

import datetime as _datetime


class _Date:
    @staticmethod
    def fromisoformat(value):
        try:
            return _datetime.date.fromisoformat(str(value))
        except ValueError:
            return _datetime.date(2020, 1, 1)


class datetime:  # noqa: N801 - mirrors `modules.datetime`
    date = _Date
