"""The dashboards' charts as server-rendered SVG: no script, no library, no CDN.

    column_chart(columns, series, label=..., stacked=False) -> SafeString
        a column per month (or any label), one or more series side by side or stacked
    range_bar(median, p90, scale, label=...) -> SafeString
        a lead time: the median filled, on to the 90th percentile lighter

Every chart is an image with an accessible name; the page puts a data table with the
same numbers below it (screen readers, print, and the numbers exact). Text inside the
SVG (axis labels) is escaped; colours are presentation attributes and classes, never a
`style` attribute (strict CSP). The bars' small-multiple sizes are viewBox units, the
stylesheet sizes the whole.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

from content_workflow import charts as bars

INK = "#0f172a"
MUTED = "#475569"
GRID = "#e2e8f0"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 28


@dataclass(frozen=True)
class Series:
    name: str  # css modifier: cw-chart-<name>
    colour: str
    label: str
    values: tuple
    links: tuple = ()  # a URL per column (or ""): the bar opens what it counts


def _number(value):
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def _nice_step(value, *, whole=False):
    """A round step (1, 2, 2.5 or 5 times a power of ten) at or above `value`; whole
    numbers only (1, 2, 5 ...) for counts."""
    value = Decimal(value)
    if value <= 0:
        return Decimal(1)
    power = Decimal(1)
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    steps = (1, 2, 5, 10) if whole else (1, 2, Decimal("2.5"), 5, 10)
    step = next(step * power for step in steps if step * power >= value)
    return max(step, Decimal(1)) if whole else step


def _nice_top(value, *, whole=False):
    """The axis' top: four round steps covering `value`."""
    return _nice_step(Decimal(value) / 4, whole=whole) * 4


def column_chart(columns, series, *, label, stacked=False, format_value=str, whole=False):
    """Columns per label in `columns`, for each Series (same length as `columns`);
    `whole`: counts, so the axis steps are whole numbers."""
    count = max(len(columns), 1)
    totals = [
        sum((Decimal(s.values[i] or 0) for s in series), Decimal(0))
        if stacked
        else max([Decimal(s.values[i] or 0) for s in series] + [Decimal(0)])
        for i in range(len(columns))
    ]
    top = _nice_top(max(totals + [Decimal(0)]), whole=whole)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / count
    group = slot * 0.7
    width = group if stacked else group / max(len(series), 1)
    parts = []
    for step in range(5):  # the grid and the axis: 0, 1/4 ... top
        value = top * step / 4
        y = TOP + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_number(y)}" y2="{_number(y)}" stroke="{GRID}" '
            f'stroke-width="1"/><text x="{LEFT - 6}" y="{_number(y + 4)}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{escape(format_value(_trim(value)))}</text>'
        )
    for i, column in enumerate(columns):
        x = LEFT + slot * i + (slot - group) / 2
        base = TOP + plot_h
        for n, s in enumerate(series):
            value = Decimal(s.values[i] or 0)
            height = plot_h * float(value / top)
            left = x if stacked else x + width * n
            y = base - height
            if height > 0:
                bar = (
                    f'<rect class="cw-chart-{s.name}" x="{_number(left)}" y="{_number(y)}" '
                    f'width="{_number(width)}" height="{_number(height)}" fill="{s.colour}">'
                    f"<title>{escape(column)}: {escape(s.label)} {escape(format_value(value))}</title></rect>"
                )
                link = s.links[i] if i < len(s.links) else ""
                # A bar with a link opens the list of what it counts (the drill-down).
                parts.append(f'<a href="{escape(link)}">{bar}</a>' if link else bar)
            if stacked:
                base = y
        parts.append(
            f'<text x="{_number(LEFT + slot * i + slot / 2)}" y="{HEIGHT - 10}" text-anchor="middle" '
            f'font-size="11" fill="{MUTED}">{escape(column)}</text>'
        )
    svg = (
        f'<svg class="cw-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}" '
        f'focusable="false" font-family="{FONT}">{"".join(parts)}</svg>'
    )
    return mark_safe(svg)  # noqa: S308 (every text escaped above)


def _trim(value):
    """A Decimal without trailing zeros ("2.5", "10")."""
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def range_bar(median, p90, scale, *, label):
    """A horizontal bar: the median filled, on to the 90th percentile lighter
    (timedeltas; `scale` the longest 90th percentile shown)."""
    seconds = max(scale.total_seconds(), 1) if scale else 1

    def width(duration):
        return Decimal(bars.WIDTH) * Decimal(duration.total_seconds()) / Decimal(seconds) if duration else Decimal(0)

    track = f'<rect class="cw-bar-track" x="0" y="0" width="{bars.WIDTH}" height="{bars.HEIGHT}" fill="#f1f5f9"/>'
    body = track + bars._rect(0, width(p90), bars.RESERVED, "cw-bar-p90", label)
    body += bars._rect(0, width(median), bars.USED, "cw-bar-median", label)
    return bars._svg(label, body, "cw-bar-range")
