"""Drawing for governance/diagram.py: text fitting, layout geometry and the SVG markup.

Every piece of text is escaped where it becomes markup (`_text`, `_el("title", ...)`),
and attribute values in `_attrs`; nothing here writes a `style` attribute or element.
"""

import html
import math
import re
from dataclasses import dataclass, field

from django.templatetags.static import static
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from governance.models import ModelType

# Colours that read on white and on the tinted unit fills (WCAG AA for text).
INK = "#0f172a"
MUTED = "#475569"
EDGE = "#94a3b8"
PLACEHOLDER = "#64748b"
BAND_FILL = "#1e3a8a"
BAND_INK = "#ffffff"
BADGE_FILL = "#1e293b"
BADGE_INK = "#ffffff"
FALLBACK_COLOUR = "#64748b"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"

# Geometry in viewBox units. Font sizes are chosen for a wide viewBox of about 600 to 1,100
# units that the CSS keeps at least 40rem wide (a 14-unit label stays around 9px or more);
# narrower screens get the compact layout, about 320 units wide, drawn near 1:1.
CHAR_EM = 0.62  # average advance of a bold sans-serif glyph, in em: an upper bound for mixed text
SPOKE_W, SPOKE_H = 184, 72
HUB_R = 92
CENTRE_R = 100
GAP = 22
SPOKE_REACH = 56  # at least this much line between a hub and its spokes
PAD = 24
BAND_H = 58
MIN_WIDTH = 600
BADGE_H = 18
# The compact layout for narrow screens: one column, indented like the text outline.
COMPACT_W = 320
INDENT = 28
COMPACT_GAP = 12
COMPACT_SPOKE_H = 60
COMPACT_HUB_H = 84
LEGEND_ROW = 26
ROW_CAPTION = 28

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- Units as text ------------------------------------------------------------------------


def unit_pk(obj):
    return getattr(obj, "pk", None)


def clean_text(text):
    """Text as it may appear in XML: control characters (not allowed in XML 1.0) dropped."""
    return _CONTROL.sub("", str(text))


def person_name(user):
    if user is None:
        return ""
    return clean_text(user.get_full_name() or user.get_username())


def discipline_label(unit):
    return clean_text(unit.discipline.label)


def unit_name(unit):
    return clean_text(unit.name) if unit.kind == "hub" else discipline_label(unit)


# --- Fitting text -------------------------------------------------------------------------


def _wrap(text, limit):
    """Greedy line breaks: between the parts of a name like "Legal / Compliance / Risk"
    first (the slash stays, at the end of a line or the start of the next), then between words."""
    lines = []
    for index, part in enumerate(text.split(" / ")):
        if index and lines and len(lines[-1]) + 3 + len(part) <= limit:
            lines[-1] += " / " + part
            continue
        current = ""
        if index and lines:
            # Keep the slash: at the end of the line when it fits, else opening the next.
            if len(lines[-1]) + 2 <= limit:
                lines[-1] += " /"
            else:
                current = "/"
        for word in part.split():
            if current not in ("", "/") and len(current) + 1 + len(word) > limit:
                lines.append(current)
                current = word
            else:
                current = f"{current} {word}" if current else word
        lines.append(current)
    return [line for line in lines if line]


def _truncate(text, limit):
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"


def _fit(text, width, sizes, max_lines):
    """(lines, font size) that fit `text` into `width`: the largest size that needs no
    truncation, else the smallest size with the last line cut short."""
    text = " ".join(text.split())
    for size in sizes:
        limit = max(3, int(width / (CHAR_EM * size)))
        lines = _wrap(text, limit)
        if len(lines) <= max_lines and all(len(line) <= limit for line in lines):
            return lines or [""], size
    size = sizes[-1]
    limit = max(3, int(width / (CHAR_EM * size)))
    lines = _wrap(text, limit)
    kept = [_truncate(line, limit) for line in lines[:max_lines]]
    if len(lines) > max_lines:
        kept[-1] = _truncate(kept[-1] + " " + lines[max_lines], limit)
    return kept or [""], size


# --- Geometry -----------------------------------------------------------------------------


@dataclass(eq=False)
class _Node:
    unit: object  # a Unit, or None for a placeholder
    kind: str  # "centre", "hub", "spoke" or "placeholder"
    shape: str  # "circle" or "box"
    w: float
    h: float
    text: str = ""  # placeholder text
    badges: list = field(default_factory=list)
    dashed: bool = False  # not in place yet (a spoke without a hub)
    x: float = 0.0
    y: float = 0.0

    def rect(self):
        bottom = self.y + self.h / 2 + (BADGE_H / 2 if self.badges else 0)
        return (self.x - self.w / 2, self.y - self.h / 2, self.x + self.w / 2, bottom)


@dataclass
class _Group:
    anchor: object  # the node that edges from outside attach to (may be None)
    nodes: list
    edges: list  # (from node, to node, kind)
    frame: tuple = None  # extra rectangle a group claims (the holistic boundary)
    lines: list = field(default_factory=list)  # (x1, y1, x2, y2, colour, kind): the compact tree's
    captions: list = field(default_factory=list)  # (x, y, text)

    def bbox(self):
        rects = [node.rect() for node in self.nodes] + ([self.frame] if self.frame else [])
        if not rects:
            return (0.0, 0.0, 0.0, 0.0)
        return (
            min(r[0] for r in rects),
            min(r[1] for r in rects),
            max(r[2] for r in rects),
            max(r[3] for r in rects),
        )

    def move(self, dx, dy):
        for node in self.nodes:
            node.x += dx
            node.y += dy
        if self.frame:
            self.frame = _shift(self.frame, dx, dy)
        self.lines = [(x1 + dx, y1 + dy, x2 + dx, y2 + dy, *rest) for x1, y1, x2, y2, *rest in self.lines]
        self.captions = [(x + dx, y + dy, text) for x, y, text in self.captions]


def _overlap(a, b, margin):
    return a[0] < b[2] + margin and b[0] < a[2] + margin and a[1] < b[3] + margin and b[1] < a[3] + margin


def _shift(rect, dx, dy):
    return (rect[0] + dx, rect[1] + dy, rect[2] + dx, rect[3] + dy)


def _ring(centre, makers, *, connect=True, loose=False, angles=None, aspect=1.35):
    """Satellites on an ellipse around `centre` (a node, or None), as close as they fit.

    `makers` build each satellite's group for its angle (a hub turns its own spokes away
    from the centre), anchored at (0, 0). By default the satellites go evenly round the
    full circle. The ring grows until no two rectangles touch, which keeps labels apart
    whatever their number.
    """
    nodes = [centre] if centre else []
    edges = []
    count = len(makers)
    if not count:
        return _Group(anchor=centre, nodes=nodes, edges=edges)
    if angles is None:
        step = 2 * math.pi / count
        angles = [-math.pi / 2 + step / 2 + index * step for index in range(count)]
    satellites = [make(angle) for make, angle in zip(makers, angles, strict=True)]
    # Compare node by node, not whole bounding boxes, so hubs with fanned-out spokes can
    # sit closer together than their boxes would allow.
    shapes = [[node.rect() for node in satellite.nodes] for satellite in satellites]
    centre_rect = centre.rect() if centre else None

    def clash(a, b, margin):
        return any(_overlap(p, q, margin) for p in a for q in b)

    def offsets(radius):
        for index, angle in enumerate(angles):
            scale = 0.8 if loose and count >= 4 and index % 2 else 1.0
            yield radius * aspect * scale * math.cos(angle), radius * scale * math.sin(angle)

    reach = SPOKE_REACH if connect else GAP
    radius = 8.0
    for _attempt in range(400):
        placed = [
            [_shift(rect, dx, dy) for rect in rects] for rects, (dx, dy) in zip(shapes, offsets(radius), strict=True)
        ]
        touching = centre_rect is not None and any(clash([centre_rect], rects, reach) for rects in placed)
        touching = touching or any(clash(placed[i], placed[j], GAP) for i in range(count) for j in range(i + 1, count))
        if not touching:
            break
        radius *= 1.04
    for satellite, (dx, dy) in zip(satellites, offsets(radius), strict=True):
        satellite.move(dx, dy)
        nodes.extend(satellite.nodes)
        edges.extend(satellite.edges)
        if connect and centre and satellite.anchor:
            edges.append((centre, satellite.anchor, "spoke" if satellite.anchor.kind == "spoke" else "hub"))
    return _Group(anchor=centre, nodes=nodes, edges=edges)


# --- Drawing ------------------------------------------------------------------------------


def _num(value):
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attr_name(name):
    return _ATTR_NAMES.get(name) or _ATTR_NAMES.setdefault(name, name.rstrip("_").replace("_", "-"))


_ATTR_NAMES = {}


def _attrs(attrs):
    # The hottest loop of a dashboard (a diagram has over a thousand elements): numbers
    # need no escaping, and the stdlib's escape skips Django's lazy-string wrapper.
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, float | int) and not isinstance(value, bool):
            value = _num(value)
        else:
            value = html.escape(str(value))
        parts.append(f'{_attr_name(name)}="{value}"')
    return " ".join(parts)


def _el(tag, content=None, **attrs):
    """An element; `content` is markup built by this module (text is escaped at the leaves)."""
    open_tag = f"<{tag} {_attrs(attrs)}" if attrs else f"<{tag}"
    return f"{open_tag}/>" if content is None else f"{open_tag}>{content}</{tag}>"


def _text(x, y, text, *, size, fill=INK, weight=None, italic=False, anchor="middle", css="diagram-text"):
    return _el(
        "text",
        escape(text),
        x=x,
        y=y,
        font_size=size,
        fill=fill,
        font_weight=weight,
        font_style="italic" if italic else None,
        text_anchor=anchor,
        class_=css,
    )


def colour_of(discipline):
    colour = str(getattr(discipline, "colour", "") or "")
    return colour.lower() if re.fullmatch(r"#[0-9a-fA-F]{6}", colour) else FALLBACK_COLOUR


def _tint(colour, amount=0.86):
    """`colour` mixed with white: a fill dark text stays readable on."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(c + (255 - c) * amount) for c in (r, g, b)))


class Renderer:
    def __init__(self, plan, badges, legend, sponsor, *, compact=False):
        self.plan = plan
        self.badges = badges
        self.legend = legend
        self.sponsor = sponsor
        self.compact = compact

    # Nodes -------------------------------------------------------------------------------

    def node(self, unit, kind):
        badges = list(self.badges.get(unit.discipline.pk, ())) if unit else []
        if kind == "spoke":
            return _Node(unit, kind, "box", SPOKE_W, SPOKE_H, badges=badges)
        radius = CENTRE_R if kind == "centre" else HUB_R
        return _Node(unit, kind, "circle", 2 * radius, 2 * radius, badges=badges)

    def placeholder(self, text):
        return _Node(None, "placeholder", "circle", 2 * HUB_R, 2 * HUB_R, text=text)

    def single(self, unit, kind="spoke"):
        def make(_angle):
            node = self.node(unit, kind)
            return _Group(anchor=node, nodes=[node], edges=[])

        return make

    def cluster(self, hub):
        """A hub with its spokes fanned out on the side away from the centre."""

        def make(angle):
            spokes = self.plan.spokes_of.get(unit_pk(hub.obj), [])
            arc = min(math.radians(240), len(spokes) * math.radians(70))
            step = arc / len(spokes) if spokes else 0
            angles = [angle + (index - (len(spokes) - 1) / 2) * step for index in range(len(spokes))]
            return _ring(self.node(hub, "hub"), [self.single(spoke) for spoke in spokes], angles=angles, aspect=1.1)

        return make

    def main_group(self):
        plan = self.plan
        if plan.mode == "empty":
            return _Group(anchor=None, nodes=[self.placeholder(plan.missing)], edges=[])
        if plan.mode == "ring":
            kinds = [("hub" if unit.kind == "hub" else "spoke") for unit in plan.spokes]
            makers = [self.single(unit, kind) for unit, kind in zip(plan.spokes, kinds, strict=True)]
            return _ring(None, makers, connect=False, loose=True)
        if plan.mode == "hub":
            centre = self.node(plan.centre, "hub") if plan.centre else self.placeholder(plan.missing)
            return _ring(centre, [self.single(spoke) for spoke in plan.spokes])
        centre = self.node(plan.centre, "centre") if plan.centre else None
        if centre is None and plan.missing:
            centre = self.placeholder(plan.missing)
        makers = [self.cluster(hub) for hub in plan.hubs] + [self.single(spoke) for spoke in plan.spokes]
        return _ring(centre, makers, connect=centre is not None and centre.kind != "placeholder", aspect=1.25)

    def compact_group(self, width):
        """One column, indented like the text outline: each unit's children hang off a
        line down its left edge. Reads on a phone without zooming."""
        plan = self.plan
        group = _Group(anchor=None, nodes=[], edges=[])
        y = 0.0

        def place(unit, kind, level, *, dashed=False, text=""):
            nonlocal y
            left = PAD + level * INDENT
            w = width - PAD - left
            if unit is None:
                node = _Node(None, "placeholder", "box", w, COMPACT_SPOKE_H, text=text)
            else:
                h = COMPACT_SPOKE_H if kind == "spoke" else COMPACT_HUB_H + (14 if kind == "centre" else 0)
                node = _Node(unit, kind, "box", w, h, badges=list(self.badges.get(unit.discipline.pk, ())))
            node.dashed = dashed
            node.x, node.y = left + w / 2, y + node.h / 2
            group.nodes.append(node)
            y = node.rect()[3] + COMPACT_GAP
            return node

        def tree(parent, children):
            if not children:
                return
            x = parent.x - parent.w / 2 + INDENT / 2
            group.lines.append((x, parent.y + parent.h / 2, x, children[-1].y, EDGE, "hub"))
            for child in children:
                colour = colour_of(child.unit.discipline) if child.kind == "spoke" else EDGE
                group.lines.append((x, child.y, child.x - child.w / 2, child.y, colour, child.kind))

        def hub_with_spokes(hub, kind, level):
            node = place(hub, kind, level)
            tree(node, [place(spoke, "spoke", level + 1) for spoke in plan.spokes_of.get(unit_pk(hub.obj), [])])
            return node

        if plan.mode == "empty":
            place(None, "placeholder", 0, text=plan.missing)
        elif plan.mode == "ring":
            for unit in plan.spokes:
                place(unit, "hub" if unit.kind == "hub" else "spoke", 0)
        elif plan.mode == "hub":
            if plan.centre:
                hub_with_spokes(plan.centre, "hub", 0)
            else:
                place(None, "placeholder", 0, text=plan.missing)
        elif plan.centre or plan.missing:
            top = place(plan.centre, "centre", 0, text=plan.missing) if plan.centre else None
            if top is None:
                top = place(None, "placeholder", 0, text=plan.missing)
            children = [hub_with_spokes(hub, "hub", 1) for hub in plan.hubs]
            children += [place(spoke, "spoke", 1) for spoke in plan.spokes]
            if plan.centre:
                tree(top, children)
        else:
            for hub in plan.hubs:
                hub_with_spokes(hub, "hub", 0)
        if plan.loose:
            y += ROW_CAPTION - COMPACT_GAP
            group.captions.append((width / 2, y - 10, _("Not assigned to a hub yet")))
            for unit in plan.loose:
                place(unit, "spoke", 0, dashed=True)
        return group

    # Output ------------------------------------------------------------------------------

    def render(self, *, title, description, prefix, standalone):
        group = self.compact_group(COMPACT_W) if self.compact else self.main_group()
        holistic = self.plan.type == ModelType.HOLISTIC and self.plan.mode != "empty"
        if holistic:
            x0, y0, x1, y1 = group.bbox()
            margin = PAD / 2 if self.compact else 28
            group.frame = (x0 - margin, y0 - margin, x1 + margin, y1 + 48)
        x0, y0, x1, y1 = group.bbox()
        width = max(COMPACT_W if self.compact else MIN_WIDTH, (x1 - x0) + 2 * PAD)
        top = BAND_H + GAP
        group.move((width - (x1 - x0)) / 2 - x0, top - y0)
        y = top + (y1 - y0) + GAP

        loose_nodes = []
        if not self.compact:
            loose_nodes, y = self.layout_row(self.plan.loose, width, y)
            if loose_nodes:
                group.captions.append((width / 2, loose_nodes[0].y - SPOKE_H / 2 - 10, _("Not assigned to a hub yet")))
        legend_items, y = self.layout_legend(width, y)
        height = y + PAD - GAP

        body = [self.band(width)]
        if holistic:
            body.append(self.boundary(group.frame))
        body.extend(self.edge(a, b, kind) for a, b, kind in group.edges)
        body.extend(
            _el(
                "line",
                x1=x1,
                y1=y1,
                x2=x2,
                y2=y2,
                stroke=colour,
                stroke_width=3 if kind == "hub" else 2,
                stroke_linecap="round",
                class_=f"diagram-edge diagram-edge-{'hub' if kind == 'hub' else 'spoke'}",
            )
            for x1, y1, x2, y2, colour, kind in group.lines
        )
        body.extend(self.draw(node) for node in [*group.nodes, *loose_nodes])
        body.extend(_text(x, y, text, size=13, fill=MUTED, css="diagram-caption") for x, y, text in group.captions)
        body.extend(legend_items)

        title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
        svg = _el(
            "svg",
            _el("title", escape(title), id=title_id) + _el("desc", escape(description), id=desc_id) + "".join(body),
            xmlns="http://www.w3.org/2000/svg",
            viewBox=f"0 0 {_num(width)} {_num(height)}",
            width="100%",
            role="img",
            aria_labelledby=title_id,
            aria_describedby=desc_id,
            class_=f"diagram-svg diagram-{self.plan.type}" + (" diagram-svg-compact" if self.compact else ""),
            font_family=FONT,
        )
        if standalone:
            stylesheet = escape(static("css/diagram.css"))
            svg = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<?xml-stylesheet href="{stylesheet}" type="text/css"?>\n' + svg + "\n"
            )
        # Every piece of text above went through escape(); attribute values too.
        return mark_safe(svg)  # noqa: S308

    def layout_row(self, units, width, y):
        """Units in rows across the width (spokes that hang off no hub)."""
        if not units:
            return [], y
        y += ROW_CAPTION
        per_row = max(1, int((width - 2 * PAD + GAP) // (SPOKE_W + GAP)))
        nodes = []
        for start in range(0, len(units), per_row):
            row = units[start : start + per_row]
            row_width = len(row) * SPOKE_W + (len(row) - 1) * GAP
            x = (width - row_width) / 2 + SPOKE_W / 2
            has_badges = False
            for unit in row:
                node = self.node(unit, "spoke")
                node.dashed = True
                node.x, node.y = x, y + SPOKE_H / 2
                nodes.append(node)
                has_badges = has_badges or bool(node.badges)
                x += SPOKE_W + GAP
            y += SPOKE_H + GAP + (BADGE_H / 2 if has_badges else 0)
        return nodes, y

    def layout_legend(self, width, y):
        if not self.legend:
            return [], y
        items = [_text(PAD, y + 13, _("Legend"), size=13, weight="600", anchor="start", css="diagram-legend-title")]
        y += 22
        x = PAD
        for short, full in self.legend:
            label = full or short
            badge_width = self.badge_width(short)
            item_width = badge_width + 8 + len(label) * CHAR_EM * 12 + GAP
            if x > PAD and x + item_width > width - PAD:
                x, y = PAD, y + LEGEND_ROW
            items.append(self.badge(x + badge_width / 2, y + BADGE_H / 2, short))
            items.append(
                _text(x + badge_width + 8, y + 13, label, size=12, fill=MUTED, anchor="start", css="diagram-legend")
            )
            x += item_width
        return items, y + LEGEND_ROW

    def band(self, width):
        lines = [
            _text(
                width / 2, 24, _("Management awareness"), size=16, fill=BAND_INK, weight="700", css="diagram-band-title"
            )
        ]
        sponsor = (
            _("Executive sponsor: %(name)s") % {"name": self.sponsor}
            if self.sponsor
            else _("No executive sponsor named yet")
        )
        text, size = _fit(sponsor, width - 2 * PAD, (13, 12), 1)
        lines.append(_text(width / 2, 44, text[0], size=size, fill=BAND_INK, css="diagram-band-text"))
        rect = _el("rect", x=0, y=0, width=width, height=BAND_H, rx=10, fill=BAND_FILL, class_="diagram-band-shape")
        return _el("g", rect + "".join(lines), class_="diagram-band")

    def boundary(self, frame):
        x0, y0, x1, y1 = frame
        rect = _el(
            "rect",
            x=x0,
            y=y0,
            width=x1 - x0,
            height=y1 - y0,
            rx=28,
            fill="none",
            stroke=EDGE,
            stroke_width=2,
            stroke_dasharray="8 6",
            class_="diagram-boundary-shape",
        )
        label = _text((x0 + x1) / 2, y1 - 16, _("Every employee takes part"), size=13, fill=MUTED, italic=True)
        return _el("g", rect + label, class_="diagram-boundary")

    def edge(self, a, b, kind):
        colour = colour_of(b.unit.discipline) if kind == "spoke" and b.unit else EDGE
        return _el(
            "line",
            x1=a.x,
            y1=a.y,
            x2=b.x,
            y2=b.y,
            stroke=colour,
            stroke_width=3 if kind == "hub" else 2,
            stroke_linecap="round",
            class_=f"diagram-edge diagram-edge-{kind}",
        )

    def draw(self, node):
        if node.unit is None:
            return self.draw_placeholder(node)
        colour = colour_of(node.unit.discipline)
        fill = _tint(colour)
        name = unit_name(node.unit)
        discipline = discipline_label(node.unit)
        person = person_name(node.unit.person)
        if node.shape == "circle":
            shape = _el(
                "circle",
                cx=node.x,
                cy=node.y,
                r=node.w / 2,
                fill=fill,
                stroke=colour,
                stroke_width=5 if node.kind == "centre" else 4,
                class_="diagram-shape",
            )
        else:
            hub = node.kind in ("hub", "centre")
            shape = _el(
                "rect",
                x=node.x - node.w / 2,
                y=node.y - node.h / 2,
                width=node.w,
                height=node.h,
                rx=22 if hub else 12,
                fill=fill,
                stroke=colour,
                stroke_width=(5 if node.kind == "centre" else 4) if hub else 2.5,
                stroke_dasharray="6 4" if node.dashed else None,
                class_="diagram-shape",
            )
        if node.kind in ("hub", "centre"):
            texts, tooltip = self.hub_text(node, name, discipline, person), f"{name} ({discipline})"
        else:
            texts, tooltip = self.spoke_text(node, discipline, person), discipline
        if person:
            tooltip += f" – {person}"
        badges = self.badges_for(node)
        return _el(
            "g",
            _el("title", escape(tooltip)) + shape + texts + badges,
            class_=f"diagram-unit diagram-{node.kind}",
        )

    def stack(self, x, centre_y, rows):
        """Text rows (text, size, fill, weight, italic) stacked and centred on centre_y."""
        heights = [size * 1.25 for _t, size, *_rest in rows]
        y = centre_y - sum(heights) / 2
        out = []
        for (text, size, fill, weight, italic), height in zip(rows, heights, strict=True):
            out.append(_text(x, y + size * 0.95, text, size=size, fill=fill, weight=weight, italic=italic))
            y += height
        return "".join(out)

    def spoke_text(self, node, discipline, person):
        lines, size = _fit(discipline, node.w - 16, (14, 13, 12, 11), 2)
        rows = [(line, size, INK, "600", False) for line in lines]
        if person:
            rows.append((_fit(person, node.w - 16, (12, 11), 1)[0][0], 12, MUTED, None, False))
        else:
            rows.append((_("no liaison yet"), 12, MUTED, None, True))
        return self.stack(node.x, node.y, rows)

    def hub_text(self, node, name, discipline, person):
        # A circle's width a little above and below its middle; a box's less its round ends.
        inner = node.w / 2 * 1.55 if node.shape == "circle" else node.w - 36
        rows = []
        if node.kind == "centre":
            rows.append((_fit(_("Coordinating centre"), inner, (11, 10), 1)[0][0], 11, MUTED, "600", False))
        roomy = node.kind == "hub" and node.shape == "circle"
        lines, size = _fit(name, inner, (15, 14, 13, 12), 3 if roomy else 2)
        rows.extend((line, size, INK, "700", False) for line in lines)
        labels, label_size = _fit(discipline, inner, (11, 10, 9), 2 if node.shape == "circle" else 1)
        rows.extend((label, label_size, MUTED, None, False) for label in labels)
        if person:
            rows.append((_fit(person, inner, (12, 11), 1)[0][0], 12, INK, None, False))
        else:
            rows.append((_("no lead yet"), 12, MUTED, None, True))
        return self.stack(node.x, node.y, rows)

    def draw_placeholder(self, node):
        outline = {"fill": "#ffffff", "stroke": PLACEHOLDER, "stroke_width": 2, "stroke_dasharray": "6 5"}
        if node.shape == "circle":
            shape = _el("circle", cx=node.x, cy=node.y, r=node.w / 2, class_="diagram-shape", **outline)
        else:
            x, y = node.x - node.w / 2, node.y - node.h / 2
            shape = _el("rect", x=x, y=y, width=node.w, height=node.h, rx=12, class_="diagram-shape", **outline)
        lines, size = _fit(node.text, node.w * 0.78, (14, 13, 12), 3)
        rows = [(line, size, MUTED, None, True) for line in lines]
        return _el("g", shape + self.stack(node.x, node.y, rows), class_="diagram-unit diagram-placeholder")

    @staticmethod
    def badge_width(short):
        return max(BADGE_H + 4, len(short) * 7.4 + 12)

    def badge(self, cx, cy, short):
        width = self.badge_width(short)
        pill = _el(
            "rect",
            x=cx - width / 2,
            y=cy - BADGE_H / 2,
            width=width,
            height=BADGE_H,
            rx=BADGE_H / 2,
            fill=BADGE_FILL,
            class_="diagram-badge-shape",
        )
        text = _text(cx, cy + 4, short, size=11, fill=BADGE_INK, weight="700", css="diagram-badge-text")
        return _el("g", pill + text, class_="diagram-badge")

    def badges_for(self, node):
        if not node.badges:
            return ""
        widths = [self.badge_width(short) for short, _full in node.badges]
        total = sum(widths) + 4 * (len(widths) - 1)
        x = node.x - total / 2
        y = node.y + node.h / 2
        out = []
        for (short, _full), width in zip(node.badges, widths, strict=True):
            out.append(self.badge(x + width / 2, y, short))
            x += width + 4
        return "".join(out)
