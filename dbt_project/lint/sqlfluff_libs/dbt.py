"""Lint-time stand-ins for dbt's cross-database macros (`dbt.*`).

sqlfluff's jinja templater has no warehouse connection, so these return plausible SQL of the
same shape; `dbt build` always uses the real macros.
"""


def type_string():
    return "text"


def type_bigint():
    return "bigint"


def type_int():
    return "integer"


def type_numeric():
    return "numeric(28, 6)"


def type_float():
    return "float"


def type_boolean():
    return "boolean"


def type_timestamp():
    return "timestamp"


def safe_cast(field, type_):
    return f"cast({field} as {type_})"


def cast(field, type_):
    return f"cast({field} as {type_})"


def concat(fields):
    return " || ".join(fields)


def split_part(string_text, delimiter_text, part_number):
    return f"split_part({string_text}, {delimiter_text}, {part_number})"


def dateadd(datepart, interval, from_date_or_timestamp):
    # dbt-postgres' own shape: the interval is an expression, not part of a literal
    return f"({from_date_or_timestamp} + ((interval '1 {datepart}') * ({interval})))"


def datediff(first_date, second_date, datepart):
    return f"({second_date} - {first_date})"


def date_trunc(datepart, date):
    return f"date_trunc('{datepart}', {date})"


def last_day(date, datepart):
    return f"({date})"


def hash(field):  # noqa: A001 - the dbt macro's name
    return f"md5({field})"


def generate_series(upper_bound):
    return f"select generated_number from generate_series(1, {upper_bound}) as series (generated_number)"


def current_timestamp():
    return "now()"


def except_():
    return "except"


def intersect():
    return "intersect"


# `dbt.except()`: `except` is a Python keyword, so it is bound by name.
globals()["except"] = except_
