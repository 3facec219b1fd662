"""Numbers and dates as a person reads them: thousands separators, percentages from fractions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

DASH = "\u2013"  # an en dash stands for "unknown / not reported", never for zero
CURRENCY_SYMBOLS = {"EUR": "\u20ac", "USD": "$", "GBP": "\u00a3", "JPY": "\u00a5"}


def _number(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return float(value)


def integer(value) -> str:
    number = _number(value)
    return DASH if number is None else f"{round(number):,}"


def signed_integer(value) -> str:
    number = _number(value)
    return DASH if number is None else f"{round(number):+,}"


def decimal(value, places: int = 1) -> str:
    number = _number(value)
    return DASH if number is None else f"{number:,.{places}f}"


def percent(fraction, places: int = 1) -> str:
    """0.0512 -> '5.1%'; small rates keep two decimals so they do not all read 0.0%."""
    number = _number(fraction)
    if number is None:
        return DASH
    if 0 < abs(number) < 0.01 and places < 2:
        places = 2
    return f"{number * 100:,.{places}f}%"


def money(value, currency: str | None, places: int = 2) -> str:
    number = _number(value)
    if number is None:
        return DASH
    symbol = CURRENCY_SYMBOLS.get((currency or "").upper())
    text = f"{number:,.{places}f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency or ''}".strip()


def compact(value) -> str:
    """Axis ticks: 1200 -> '1.2k', 3400000 -> '3.4M'."""
    number = _number(value) or 0.0
    magnitude = abs(number)
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if magnitude >= threshold:
            text = f"{number / threshold:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    if magnitude and magnitude < 1:
        return f"{number:.2g}"
    return f"{number:,.0f}"


def minutes(value) -> str:
    """First-response times: '45 min', '3.2 h', '1.5 days'."""
    number = _number(value)
    if number is None:
        return DASH
    if number < 90:
        return f"{number:,.0f} min"
    if number < 48 * 60:
        return f"{number / 60:,.1f} h"
    return f"{number / 1440:,.1f} days"


def change(current, previous) -> tuple[str, float | None]:
    """Month-over-month change of a total: ('+12.5%', 0.125), or (dash, None) without a base."""
    now, before = _number(current), _number(previous)
    if now is None or before is None or before == 0:
        return DASH, None
    ratio = (now - before) / abs(before)
    return f"{ratio * 100:+,.1f}%", ratio


def point_change(current, previous) -> tuple[str, float | None]:
    """Month-over-month change of a rate, in percentage points."""
    now, before = _number(current), _number(previous)
    if now is None or before is None:
        return DASH, None
    delta = now - before
    return f"{delta * 100:+,.2f} pp", delta


def day(value: date | None) -> str:
    return DASH if value is None else f"{value:%a} {value.day} {value:%b}"


def month_name(value: date) -> str:
    return f"{value:%B %Y}"
