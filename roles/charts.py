"""The gap chart: a person's latest levels against their profile's required levels, as SVG.

    gap_chart(analysis, *, id_prefix="gap-chart", compact=False) -> SafeString ("" without rows)

One group of paired horizontal bars per assessed competency, in the order of
`analysis.rows` (largest gap first): the required level, the latest level assessed by a
manager or lead and, when anyone has one, the latest self-assessment. Where the level
the gap is measured against falls short, the missing part is drawn in red next to it,
and the gap is written at the end of the row. Competencies not assessed yet are left out
of the drawing (the description counts them; the page's table lists every competency).

`compact=False` puts the competency names to the left of the bars (for a card about
40rem wide or more); `compact=True` puts them above, in a viewBox about as wide as a
phone, so the text stays legible without zooming. The page shows one or the other by
CSS media query, and the same numbers again in an HTML table.

Security and CSP: every piece of text is escaped; no `style` attribute and no <style>
element. Colours and sizes are presentation attributes; classes let roles.css refine them.
"""

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from governance.diagram_render import clean_text, person_name
from roles.models import MAX_LEVEL, Seniority

INK = "#0f172a"
MUTED = "#475569"
GRID = "#e2e8f0"
REQUIRED_FILL = "#cbd5e1"
REQUIRED_EDGE = "#64748b"
ASSESSED_FILL = "#1d4ed8"
SELF_FILL = "#0891b2"
GAP_FILL = "#fecaca"
GAP_EDGE = "#b91c1c"
OK = "#15803d"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
CHAR_EM = 0.56  # average advance of a sans-serif glyph, in em

LABEL_SIZE = 13
SMALL_SIZE = 11
BAR_H = 9
SELF_H = 6
BAR_GAP = 3
ROW_GAP = 12
LINE_H = 15


@dataclass(frozen=True)
class _Layout:
    width: int
    pad: int
    label_x: int
    label_width: int  # the room for a competency name on one line
    bars_x: int
    unit: int  # viewBox units per level
    labels_above: bool

    @property
    def bars_end(self):
        return self.bars_x + MAX_LEVEL * self.unit

    @property
    def gap_x(self):
        return self.width - self.pad


WIDE = _Layout(width=720, pad=12, label_x=12, label_width=236, bars_x=262, unit=78, labels_above=False)
COMPACT = _Layout(width=360, pad=8, label_x=8, label_width=344, bars_x=8, unit=60, labels_above=True)


def _attrs(**attrs):
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue
        parts.append(f'{name.rstrip("_").replace("_", "-")}="{escape(value)}"')
    return " ".join(parts)


def _el(tag, text="", **attrs):
    inner = escape(clean_text(text)) if text else ""
    return f"<{tag} {_attrs(**attrs)}>{inner}</{tag}>" if attrs else f"<{tag}>{inner}</{tag}>"


def _wrap(text, width, size=LABEL_SIZE, lines=2):
    """Break `text` into at most `lines` lines that fit `width`; the last one ends in … when cut."""
    per_line = max(8, int(width / (size * CHAR_EM)))
    words, result, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= per_line or not current:
            current = candidate
        else:
            result.append(current)
            current = word
    if current:
        result.append(current)
    if len(result) > lines:
        result = result[:lines]
        result[-1] = result[-1][: per_line - 1].rstrip() + "…"
    return [line if len(line) <= per_line else line[: per_line - 1] + "…" for line in result] or [""]


def profile_label(assignment):
    if assignment is None:
        return ""
    profile = assignment.profile.label
    if assignment.seniority == Seniority.NONE:
        return profile
    return f"{profile} ({Seniority(assignment.seniority).label})"


def _level_text(assessment):
    return _("%(level)s (%(who)s, %(date)s)") % {
        "level": assessment.level,
        "who": person_name(assessment.assessed_by) or _("unknown"),
        "date": date_format(assessment.assessed_on),
    }


def row_summary(row):
    """One competency in words, for the row's tooltip and the chart's description."""
    parts = [
        _("%(competency)s: required %(required)s") % {"competency": row.competency.label, "required": row.required}
    ]
    if row.assessment:
        parts.append(_("assessed %(level)s") % {"level": _level_text(row.assessment)})
    if row.self_assessment:
        parts.append(_("self-assessed %(level)s") % {"level": _level_text(row.self_assessment)})
    if row.gap is None:
        parts.append(_("not assessed yet"))
    elif row.gap > 0:
        parts.append(_("gap %(gap)s") % {"gap": row.gap})
    elif row.gap == 0:
        parts.append(_("requirement met"))
    else:
        parts.append(_("%(over)s above the requirement") % {"over": -row.gap})
    return ", ".join(parts)


def _description(analysis):
    rows = analysis.rows
    assessed = [row for row in rows if row.gap is not None]
    sentences = [
        _("Required levels (1 to 5) of %(profile)s against the latest assessed levels, in %(count)s competencies.")
        % {"profile": profile_label(analysis.assignment), "count": len(rows)}
    ]
    shortfalls = analysis.shortfalls
    if shortfalls:
        sentences.append(
            _("Largest gaps first: %(gaps)s.") % {"gaps": "; ".join(row_summary(row) for row in shortfalls)}
        )
    elif assessed:
        sentences.append(_("Every assessed competency meets its requirement."))
    missing = len(rows) - len(assessed)
    if missing:
        sentences.append(_("Not assessed yet: %(count)s competencies.") % {"count": missing})
    return " ".join(sentences)


def _legend_items(with_self, with_gap):
    items = [
        ("required", REQUIRED_FILL, REQUIRED_EDGE, _("Required")),
        ("assessed", ASSESSED_FILL, ASSESSED_FILL, _("Assessed (manager or lead)")),
    ]
    if with_self:
        items.append(("self", SELF_FILL, SELF_FILL, _("Self-assessment")))
    if with_gap:
        items.append(("gap", GAP_FILL, GAP_EDGE, _("Gap")))
    return items


def _legend(layout, y, items):
    """The legend from `y` down, wrapping when the next item does not fit; returns (markup, bottom)."""
    out = ['<g class="gap-chart-legend">']
    x, line = layout.pad, 0
    for kind, fill, edge, label in items:
        advance = 12 + 6 + int(len(label) * SMALL_SIZE * CHAR_EM) + 18
        if x + advance > layout.width - layout.pad and x > layout.pad:
            x, line = layout.pad, line + 1
        top = y + line * 18
        out.append(
            f'<rect class="gap-chart-swatch gap-chart-{kind}" '
            + _attrs(x=x, y=top, width=12, height=12, rx=2, fill=fill, stroke=edge)
            + "/>"
        )
        out.append(_el("text", label, x=x + 18, y=top + 10, font_size=SMALL_SIZE, fill=INK))
        x += advance
    out.append("</g>")
    return "".join(out), y + (line + 1) * 18


def _gap_mark(row):
    """(text, colour, class) written at the end of a row."""
    if row.gap is None:
        return "–", MUTED, "gap-chart-none"
    if row.gap > 0:
        return f"−{row.gap}", GAP_EDGE, "gap-chart-short"
    if row.gap == 0:
        return "✓", OK, "gap-chart-met"
    return f"+{-row.gap}", OK, "gap-chart-over"


def gap_chart(analysis, *, id_prefix="gap-chart", compact=False):
    """The SVG markup of `analysis` (a roles.selectors.GapAnalysis); empty when nothing is assessed yet."""
    rows = [row for row in analysis.rows if row.gap is not None]
    if not rows:
        return mark_safe("")  # noqa: S308 (a constant)
    layout = COMPACT if compact else WIDE
    with_self = any(row.self_assessment for row in rows)
    with_gap = any(row.gap and row.gap > 0 for row in rows)
    bars_h = BAR_H + BAR_GAP + BAR_H + ((BAR_GAP + SELF_H) if with_self else 0)

    body = []
    legend, y = _legend(layout, layout.pad, _legend_items(with_self, with_gap))
    body.append(legend)

    # Level scale: a tick label above each gridline.
    y += 8
    axis_y = y + SMALL_SIZE
    top = axis_y + 6
    labels = []
    for row in rows:
        labels.append(_wrap(row.competency.label, layout.label_width))
    heights = []
    for lines in labels:
        if layout.labels_above:
            heights.append(len(lines) * LINE_H + 4 + bars_h + ROW_GAP)
        else:
            heights.append(max(bars_h, len(lines) * LINE_H) + ROW_GAP)
    bottom = top + sum(heights)

    grid = ['<g class="gap-chart-grid">']
    for level in range(MAX_LEVEL + 1):
        x = layout.bars_x + level * layout.unit
        grid.append("<line " + _attrs(x1=x, y1=top - 2, x2=x, y2=bottom - ROW_GAP + 2, stroke=GRID) + "/>")
        if level:
            grid.append(_el("text", str(level), x=x, y=axis_y, font_size=SMALL_SIZE, fill=MUTED, text_anchor="middle"))
    grid.append(
        _el(
            "text",
            _("Gap"),
            x=layout.gap_x,
            y=axis_y,
            font_size=SMALL_SIZE,
            fill=MUTED,
            text_anchor="end",
        )
    )
    grid.append("</g>")
    body.append("".join(grid))

    y = top
    for row, lines, height in zip(rows, labels, heights, strict=True):
        body.append(_row(layout, row, lines, y, height - ROW_GAP, with_self))
        y += height

    height = bottom + layout.pad - ROW_GAP
    title = _("Gap analysis of %(person)s as %(profile)s") % {
        "person": person_name(analysis.person),
        "profile": profile_label(analysis.assignment),
    }
    prefix = f"{id_prefix}-compact" if compact else id_prefix
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        + _attrs(
            viewBox=f"0 0 {layout.width} {height}",
            width="100%",
            role="img",
            aria_labelledby=f"{prefix}-title",
            aria_describedby=f"{prefix}-desc",
            class_="gap-chart-svg",
            font_family=FONT,
        )
        + ">"
        + _el("title", title, id=f"{prefix}-title")
        + _el("desc", _description(analysis), id=f"{prefix}-desc")
        + "".join(body)
        + "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 (every text and attribute above is escaped)


def _row(layout, row, lines, y, height, with_self):
    """One competency: its name, the paired bars, the gap segment and the gap written out."""
    out = [f'<g class="gap-chart-row{" gap-chart-row-short" if row.gap and row.gap > 0 else ""}">']
    out.append(_el("title", row_summary(row)))
    if layout.labels_above:
        for index, line in enumerate(lines):
            out.append(_el("text", line, x=layout.label_x, y=y + 12 + index * LINE_H, font_size=LABEL_SIZE, fill=INK))
        bars_y = y + len(lines) * LINE_H + 4
    else:
        first = y + (height - len(lines) * LINE_H) / 2 + 12
        for index, line in enumerate(lines):
            out.append(_el("text", line, x=layout.label_x, y=first + index * LINE_H, font_size=LABEL_SIZE, fill=INK))
        bars_y = y + max(0, (height - _bars_height(with_self)) / 2)
    unit, x0 = layout.unit, layout.bars_x

    def bar(kind, level, top, h, fill, edge=None):
        return (
            f'<rect class="gap-chart-bar gap-chart-{kind}" '
            + _attrs(x=x0, y=top, width=level * unit, height=h, rx=2, fill=fill, stroke=edge)
            + "/>"
        )

    out.append(bar("required", row.required, bars_y, BAR_H, REQUIRED_FILL, REQUIRED_EDGE))
    assessed_y = bars_y + BAR_H + BAR_GAP
    self_y = assessed_y + BAR_H + BAR_GAP
    if row.assessment:
        out.append(bar("assessed", row.assessment.level, assessed_y, BAR_H, ASSESSED_FILL))
    else:
        # Only a self-assessment so far: say so where the manager's bar would be.
        out.append(
            _el(
                "text",
                _("not assessed by a manager or lead yet"),
                x=x0 + 4,
                y=assessed_y + BAR_H - 1,
                font_size=SMALL_SIZE,
                fill=MUTED,
                font_style="italic",
                class_="gap-chart-missing",
            )
        )
    if with_self and row.self_assessment:
        out.append(bar("self", row.self_assessment.level, self_y, SELF_H, SELF_FILL))
    if row.gap and row.gap > 0:
        on_self = row.assessment is None
        gap_y, gap_h = (self_y, SELF_H) if on_self else (assessed_y, BAR_H)
        out.append(
            '<rect class="gap-chart-bar gap-chart-gap" '
            + _attrs(
                x=x0 + row.level * unit,
                y=gap_y,
                width=row.gap * unit,
                height=gap_h,
                fill=GAP_FILL,
                stroke=GAP_EDGE,
                stroke_dasharray="3 2",
            )
            + "/>"
        )
    text, colour, kind = _gap_mark(row)
    out.append(
        _el(
            "text",
            text,
            x=layout.gap_x,
            y=assessed_y + BAR_H - 1,
            font_size=LABEL_SIZE,
            font_weight="700",
            fill=colour,
            text_anchor="end",
            class_=kind,
        )
    )
    out.append("</g>")
    return "".join(out)


def _bars_height(with_self):
    return BAR_H + BAR_GAP + BAR_H + ((BAR_GAP + SELF_H) if with_self else 0)
