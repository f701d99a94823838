"""Small horizontal bars as server-rendered SVG: a budget's use, an expert's load, a count.

    budget_bar(row, scale) -> SafeString   used | reserved | remaining | overrun, stacked
    load_bar(load, capacity) -> SafeString open load against the weekly capacity
    count_bar(value, scale) -> SafeString  one bar, for counts next to each other

The SVG stretches to its box (`preserveAspectRatio="none"`, sized by manage.css), so it
holds no text: the numbers stand next to it in the page, and the accessible name says
everything the bar shows. Strict CSP: no `style` attribute, no <style>; colours are
presentation attributes, classes let the stylesheet refine them.
"""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from content_workflow.models.messages import format_hours

WIDTH = 300
HEIGHT = 16

USED = "#1d4ed8"
RESERVED = "#93c5fd"
REMAINING = "#e2e8f0"
OVERRUN = "#b91c1c"
TRACK_EDGE = "#94a3b8"
LOAD_OK = "#15803d"
LOAD_HIGH = "#b45309"
LOAD_FULL = "#b91c1c"
COUNT = "#0ea5e9"

# The legend of the budget bar: (css modifier, colour, label) in drawing order.
BUDGET_PARTS = (
    ("used", USED, lambda: _("used")),
    ("reserved", RESERVED, lambda: _("reserved")),
    ("remaining", REMAINING, lambda: _("remaining")),
    ("overrun", OVERRUN, lambda: _("overrun")),
)


def _number(value):
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def _svg(label, body, css):
    # Every text in `body` and `label` is escaped; classes and colours are constants here.
    svg = (
        f'<svg class="cw-bar {css}" viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="none" '
        f'role="img" aria-label="{escape(label)}" focusable="false">{body}</svg>'
    )
    return mark_safe(svg)  # noqa: S308 (escaped above)


def _rect(x, width, fill, css, title, *, stroke=None):
    if width <= 0:
        return ""
    edge = f' stroke="{stroke}" stroke-width="1" vector-effect="non-scaling-stroke"' if stroke else ""
    return (
        f'<rect class="{css}" x="{_number(x)}" y="0" width="{_number(width)}" height="{HEIGHT}" '
        f'fill="{fill}"{edge}><title>{escape(title)}</title></rect>'
    )


def _width(value, scale):
    scale = Decimal(scale) if scale else Decimal(1)
    return Decimal(WIDTH) * Decimal(value) / scale if scale > 0 else Decimal(0)


def budget_label(row):
    """The bar in words, for screen readers and tooltips."""
    if row.budget is None or not (row.approved or row.used or row.overrun):
        return _("No hours approved yet.")
    text = _("%(used)s h used, %(reserved)s h reserved, %(remaining)s h left of %(approved)s h approved.") % {
        "used": format_hours(row.used),
        "reserved": format_hours(row.reserved),
        "remaining": format_hours(row.remaining),
        "approved": format_hours(row.approved),
    }
    if row.overrun:
        text += " " + _("%(overrun)s h over the estimates.") % {"overrun": format_hours(row.overrun)}
    return text


def budget_bar(row, scale):
    """`row` is a manage_queries.BudgetRow; `scale` the hours the full width stands for."""
    label = budget_label(row)
    if row.budget is None or not (row.approved or row.used or row.overrun):
        body = (
            f'<rect class="cw-bar-empty" x="0.5" y="0.5" width="{WIDTH - 1}" height="{HEIGHT - 1}" fill="#ffffff" '
            f'stroke="{TRACK_EDGE}" stroke-dasharray="4 3" vector-effect="non-scaling-stroke"/>'
        )
        return _svg(label, body, "cw-bar-budget")
    parts, x = [], Decimal(0)
    values = {"used": row.used, "reserved": row.reserved, "remaining": row.remaining, "overrun": row.overrun}
    for name, colour, text in BUDGET_PARTS:
        width = _width(values[name], scale)
        title = f"{text()}: {format_hours(values[name])} h"
        parts.append(
            _rect(x, width, colour, f"cw-bar-{name}", title, stroke=TRACK_EDGE if name == "remaining" else None)
        )
        x += width
    return _svg(label, "".join(parts), "cw-bar-budget")


def load_colour(load, capacity):
    if capacity <= 0 or load >= capacity:
        return LOAD_FULL
    if load >= capacity * Decimal("0.8"):
        return LOAD_HIGH
    return LOAD_OK


def load_bar(load, capacity):
    """Open load against the weekly capacity; the track is the capacity (or the load, if
    more), with a tick where the capacity ends."""
    load, capacity = Decimal(load or 0), Decimal(capacity or 0)
    scale = max(load, capacity, Decimal(1))
    label = _("%(load)s h open of %(capacity)s h a week") % {
        "load": format_hours(load),
        "capacity": format_hours(capacity),
    }
    body = [
        f'<rect class="cw-bar-track" x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="{REMAINING}"/>',
        _rect(0, _width(load, scale), load_colour(load, capacity), "cw-bar-load", label),
    ]
    tick = _width(capacity, scale)
    if 0 < tick < WIDTH:
        body.append(
            f'<line class="cw-bar-capacity" x1="{_number(tick)}" x2="{_number(tick)}" y1="0" y2="{HEIGHT}" '
            f'stroke="#0f172a" stroke-width="2" vector-effect="non-scaling-stroke"/>'
        )
    return _svg(label, "".join(body), "cw-bar-load")


def count_bar(value, scale, *, label=""):
    body = f'<rect class="cw-bar-track" x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#f1f5f9"/>' + _rect(
        0, _width(value or 0, scale), COUNT, "cw-bar-count", label or str(value)
    )
    return _svg(label or str(value), body, "cw-bar-count")
