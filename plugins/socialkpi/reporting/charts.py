"""Charts as inline SVG, drawn here in Python: the report needs no script and no network to show them.

Every chart carries its title, axis labels with units, and marks (bars, lines, points) of class
`mark`, so a test can prove it drew something. Colours come from the Okabe-Ito palette, which
stays distinguishable for colour-blind readers and in greyscale print.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from html import escape

from socialkpi.reporting import formatting

WIDTH = 760
FONT_SIZE = 12
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
PLATFORM_COLOURS = {
    "instagram": "#CC79A7",
    "facebook": "#0072B2",
    "x": "#000000",
    "linkedin": "#56B4E9",
    "youtube": "#D55E00",
    "tiktok": "#009E73",
    "ga4": "#E69F00",
    "plausible": "#5D3A9B",
    "other": "#999999",
}
STATUS_COLOURS = {"green": "#1a7f37", "amber": "#b7791f", "red": "#c62828", "none": "#9e9e9e"}


def colour_for(name: str, index: int = 0) -> str:
    return PLATFORM_COLOURS.get(name, PALETTE[index % len(PALETTE)])


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 5 x 10^k steps) covering [low, high], zero included."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    raw_step = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    start = math.floor(low / step) * step
    stop = math.ceil(high / step) * step
    ticks, value = [], start
    while value <= stop + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _svg(title: str, height: int, body: list[str], chart_id: str) -> str:
    return (
        f'<svg class="chart" data-chart="{escape(chart_id)}" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
        f'aria-labelledby="{escape(chart_id)}-title">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<text class="chart-title" x="0" y="18">{escape(title)}</text>' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, content: str, cls: str = "", anchor: str = "start", extra: str = "") -> str:
    # dir=auto-like behaviour: SVG text follows the Unicode bidi algorithm, so a Persian label is
    # shaped and ordered right to left inside its run whatever the anchor.
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{cls}" {extra}>{escape(content)}</text>'
    )


def short(label: str, limit: int = 27) -> str:
    """Row labels must fit the 180 px left of the bars; the full text stays in the bar's tooltip."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "\u2026"


def line_chart(
    chart_id: str,
    title: str,
    series: dict[str, Sequence[tuple[date, float]]],
    *,
    y_label: str,
    x_label: str,
    value_format: Callable[[float], str] = formatting.integer,
) -> str:
    """One line per series over days, each labelled at its last point (no legend to decode)."""
    height = 330
    left, right, top, bottom = 70, 170, 44, 58
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    points = [p for values in series.values() for p in values]
    first_day = min(d for d, _ in points)
    last_day = max(d for d, _ in points)
    span = max((last_day - first_day).days, 1)
    ticks = nice_ticks(min(v for _, v in points), max(v for _, v in points))
    y_low, y_high = ticks[0], ticks[-1]

    def x_at(day: date) -> float:
        return left + plot_w * (day - first_day).days / span

    def y_at(value: float) -> float:
        return top + plot_h * (1 - (value - y_low) / (y_high - y_low))

    body = []
    for tick in ticks:
        y = y_at(tick)
        body.append(
            f'<line class="grid{" zero" if tick == 0 else ""}" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        body.append(_text(left - 8, y + 4, formatting.compact(tick), "tick", "end"))
    day = first_day
    step = 7 if span > 10 else 1
    while day <= last_day:
        x = x_at(day)
        body.append(
            f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_h}" y2="{top + plot_h + 5}"/>'
        )
        body.append(_text(x, top + plot_h + 18, f"{day.day} {day:%b}", "tick", "middle"))
        day += timedelta(days=step)
    body.append(
        f'<line class="axis" x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}"/>'
    )
    body.append(_text(left + plot_w / 2, height - 8, x_label, "axis-label", "middle"))
    body.append(
        _text(
            0,
            0,
            y_label,
            "axis-label",
            "middle",
            f'transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)"',
        )
    )
    end_labels = []
    for index, (name, values) in enumerate(series.items()):
        colour = colour_for(name, index)
        ordered = sorted(values)
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x_at(d):.1f},{y_at(v):.1f}" for i, (d, v) in enumerate(ordered)
        )
        body.append(
            f'<path class="mark line" data-series="{escape(name)}" d="{path}" fill="none" '
            f'stroke="{colour}" stroke-width="2.2" stroke-linejoin="round"/>'
        )
        last_d, last_v = ordered[-1]
        body.append(
            f'<circle class="mark point" cx="{x_at(last_d):.1f}" cy="{y_at(last_v):.1f}" r="3.5" fill="{colour}"/>'
        )
        end_labels.append([y_at(last_v), f"{name} {value_format(last_v)}", colour, x_at(last_d)])
    # Push end labels apart so that lines ending close together stay readable.
    end_labels.sort(key=lambda item: item[0])
    for i in range(1, len(end_labels)):
        end_labels[i][0] = max(end_labels[i][0], end_labels[i - 1][0] + FONT_SIZE + 2)
    for y, label, colour, x in end_labels:
        body.append(_text(x + 8, y + 4, label, "series-label", "start", f'fill="{colour}"'))
    return _svg(title, height, body, chart_id)


def bar_chart(
    chart_id: str,
    title: str,
    bars: Sequence[tuple[str, float | None]],
    *,
    x_label: str,
    value_format: Callable[[float], str] = formatting.integer,
    colours: Sequence[str] | None = None,
    reference: tuple[float, str] | None = None,
) -> str:
    """Horizontal bars, one per labelled row, with the value written at the bar's end.

    `reference` draws a dashed line at a value (e.g. 100 % of target) with its label.
    """
    row_h = 28
    left, right, top, bottom = 190, 90, 44 + (14 if reference else 0), 50
    height = top + row_h * len(bars) + bottom
    plot_w = WIDTH - left - right
    values = [v for _, v in bars if v is not None]
    extent = [*values, *([reference[0]] if reference else [])] or [0.0]
    ticks = nice_ticks(min(extent), max(extent))
    low, high = ticks[0], ticks[-1]

    def x_at(value: float) -> float:
        return left + plot_w * (value - low) / (high - low)

    body = []
    bottom_y = top + row_h * len(bars)
    for tick in ticks:
        x = x_at(tick)
        body.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{bottom_y}"/>')
        body.append(_text(x, bottom_y + 16, value_format(tick), "tick", "middle"))
    body.append(_text(left + plot_w / 2, height - 8, x_label, "axis-label", "middle"))
    zero = x_at(0.0)
    for index, (label, value) in enumerate(bars):
        y = top + index * row_h
        body.append(_text(left - 10, y + row_h / 2 + 4, short(label), "bar-label", "end"))
        if value is None:
            body.append(_text(zero + 6, y + row_h / 2 + 4, "not reported", "value-label muted"))
            continue
        colour = (colours[index] if colours else None) or PALETTE[0]
        x0, x1 = sorted((zero, x_at(value)))
        body.append(
            f'<rect class="mark bar" x="{x0:.1f}" y="{y + 5}" width="{max(x1 - x0, 1.5):.1f}" '
            f'height="{row_h - 10}" rx="2" fill="{colour}"><title>{escape(label)}: '
            f"{escape(value_format(value))}</title></rect>"
        )
        body.append(
            _text(
                x1 + 6 if value >= 0 else x0 - 6,
                y + row_h / 2 + 4,
                value_format(value),
                "value-label",
                "start" if value >= 0 else "end",
            )
        )
    body.append(f'<line class="axis" x1="{zero:.1f}" x2="{zero:.1f}" y1="{top - 4}" y2="{bottom_y}"/>')
    if reference:
        x = x_at(reference[0])
        body.append(f'<line class="reference" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 10}" y2="{bottom_y}"/>')
        body.append(_text(x, top - 14, reference[1], "reference-label", "middle"))
    return _svg(title, height, body, chart_id)


def stacked_bar_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, dict[str, float]]],
    segments: Sequence[tuple[str, str, str]],
    *,
    x_label: str,
) -> str:
    """Horizontal stacked bars; `segments` are (key, legend label, colour) in drawing order."""
    row_h = 30
    left, right, top, bottom = 190, 60, 66, 50
    height = top + row_h * len(rows) + bottom
    plot_w = WIDTH - left - right
    totals = [sum(parts.get(key, 0) or 0 for key, _, _ in segments) for _, parts in rows]
    ticks = nice_ticks(0, max(totals or [1]))
    high = ticks[-1]

    def x_at(value: float) -> float:
        return left + plot_w * value / high

    body = []
    legend_x = left
    for _key, label, colour in segments:
        body.append(f'<rect x="{legend_x}" y="32" width="12" height="12" rx="2" fill="{colour}"/>')
        body.append(_text(legend_x + 17, 42, label, "legend"))
        legend_x += 30 + 7.2 * len(label)
    bottom_y = top + row_h * len(rows)
    for tick in ticks:
        x = x_at(tick)
        body.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{bottom_y}"/>')
        body.append(_text(x, bottom_y + 16, formatting.integer(tick), "tick", "middle"))
    body.append(_text(left + plot_w / 2, height - 8, x_label, "axis-label", "middle"))
    for index, (label, parts) in enumerate(rows):
        y = top + index * row_h
        body.append(_text(left - 10, y + row_h / 2 + 4, short(label), "bar-label", "end"))
        offset = 0.0
        for key, legend, colour in segments:
            value = parts.get(key) or 0
            if value <= 0:
                continue
            x0, x1 = x_at(offset), x_at(offset + value)
            body.append(
                f'<rect class="mark bar" x="{x0:.1f}" y="{y + 5}" width="{x1 - x0:.1f}" height="{row_h - 10}" '
                f'fill="{colour}"><title>{escape(label)}, {escape(legend)}: {formatting.integer(value)}</title></rect>'
            )
            if x1 - x0 > 22:
                body.append(
                    _text(
                        (x0 + x1) / 2, y + row_h / 2 + 4, formatting.integer(value), "segment-label", "middle"
                    )
                )
            offset += value
        body.append(_text(x_at(offset) + 6, y + row_h / 2 + 4, formatting.integer(offset), "value-label"))
    body.append(f'<line class="axis" x1="{left}" x2="{left}" y1="{top - 4}" y2="{bottom_y}"/>')
    return _svg(title, height, body, chart_id)
