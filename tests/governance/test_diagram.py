"""The governance diagram: an SVG drawn on the server, its text alternative, its file
route, and the card that shows the active model on every dashboard."""

import itertools
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disciplines.models import Membership
from governance import services
from governance.access import Role
from governance.diagram import build_diagram, diagram_svg
from governance.models import ModelType

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    """The SVG as XML; fails the test when it is not well-formed."""
    text = svg if isinstance(svg, bytes) else str(svg)
    if isinstance(text, str) and text.startswith("<?xml"):
        text = text.encode()  # a declaration naming an encoding needs bytes
    return ET.fromstring(text)  # noqa: S314 (our own output, under test)


def all_text(root):
    return " ".join(" ".join(root.itertext()).split())


def drawn_text(root):
    """Only what is drawn (<text>), not the <title>/<desc> that screen readers get."""
    return " ".join(" ".join(el.itertext()) for el in root.iter(f"{SVG}text"))


def colours(root):
    return {el.get(attr, "").lower() for el in root.iter() for attr in ("fill", "stroke")}


def unit_shapes(root):
    """(x0, y0, x1, y1) of every unit drawn (boxes and circles)."""
    shapes = []
    for el in root.iter():
        if "diagram-shape" not in el.get("class", ""):
            continue
        if el.tag == f"{SVG}rect":
            x, y, w, h = (float(el.get(name)) for name in ("x", "y", "width", "height"))
            shapes.append((x, y, x + w, y + h))
        else:
            cx, cy, r = (float(el.get(name)) for name in ("cx", "cy", "r"))
            shapes.append((cx - r, cy - r, cx + r, cy + r))
    return shapes


def overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture
def build(lead, disciplines):
    """build(type, hubs=[(name, slug, centre?)], spokes=[(slug, hub index or None)])"""

    def make(model_type, hubs=(), spokes=(), name="Diagram", **fields):
        model = services.model_create(actor=lead, name=name, type=model_type, **fields)
        made = [
            services.hub_save(
                model=model, actor=lead, name=hub_name, home_discipline=disciplines[slug], is_coordinating_centre=centre
            )
            for hub_name, slug, centre in hubs
        ]
        for slug, index in spokes:
            services.spoke_save(
                model=model, actor=lead, discipline=disciplines[slug], hub=made[index] if index is not None else None
            )
        return model

    return make


def give_liaison(model, discipline, liaison):
    """Make `liaison` an expert of `discipline` and the liaison of its spoke in `model`."""
    spoke = model.spokes.get(discipline=discipline)
    Membership.objects.create(user=liaison, discipline=discipline, function=Membership.Function.EXPERT)
    services.spoke_save(
        model=model, actor=model.created_by, spoke=spoke, discipline=discipline, hub=spoke.hub, liaison=liaison
    )


# --- The SVG ------------------------------------------------------------------------------


def test_svg_is_well_formed_names_every_unit_and_uses_the_discipline_colours(make_model, disciplines, make_user):
    model = make_model(spokes=["marketing", "customer-service", "market-research"])
    liaison = make_user(first_name="Lena", last_name="Liaison")
    give_liaison(model, disciplines["marketing"], liaison)

    root = parse(diagram_svg(model))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith("0 0 ")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert "Draft model" in title.text
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    text = all_text(root)
    for slug in ("marketing", "customer-service", "market-research", "corporate-communications"):
        assert disciplines[slug].label in text
        assert disciplines[slug].colour.lower() in colours(root)
    assert "Centre of excellence" in text
    assert "Lena Liaison" in text
    assert "Management awareness" in drawn_text(root)


def test_long_discipline_names_are_wrapped_and_drawn_in_full(make_model, disciplines):
    root = parse(diagram_svg(make_model(spokes=["market-research", "legal", "product"])))
    drawn = drawn_text(root)
    # "Market Research / Business Intelligence" breaks after the slash, over two lines.
    assert "Market Research /" in drawn
    assert "Business Intelligence" in drawn
    assert "Legal / Compliance /" in drawn or "Legal / Compliance" in drawn


def test_the_sponsor_shows_in_the_management_band(make_model, make_user):
    sponsor = make_user(Role.EXECUTIVE, first_name="Sara", last_name="Sponsor")
    model = make_model()
    services.model_update(model=model, actor=model.created_by, executive_sponsor=sponsor)
    model.refresh_from_db()
    root = parse(diagram_svg(model))
    band = next(el for el in root.iter(f"{SVG}g") if el.get("class") == "diagram-band")
    assert "Executive sponsor: Sara Sponsor" in all_text(band)


def test_text_is_escaped(build, lead):
    model = build(
        ModelType.HUB_AND_SPOKE,
        hubs=[("<script>alert('x')</script> & co", "corporate-communications", False)],
        spokes=[("marketing", 0)],
        name='"><svg onload=alert(1)>',
    )
    svg = str(diagram_svg(model))
    assert "<script>" not in svg
    assert "<svg onload" not in svg
    root = parse(svg)
    assert "<script>alert('x')</script> & co" in all_text(root)
    assert not [el for el in root.iter() if el.tag.endswith("script")]


def test_no_inline_styles_for_a_strict_csp(build):
    model = build(
        ModelType.MULTIPLE_HUB_AND_SPOKE,
        hubs=[("Centre", "corporate-communications", True), ("Brand A", "marketing", False)],
        spokes=[("sales", 1), ("legal", None)],
    )
    root = parse(diagram_svg(model, badges_by_discipline={1: ["CM"]}))
    for el in root.iter():
        assert "style" not in el.attrib, el.tag
        assert el.tag != f"{SVG}style"


def test_badges_are_drawn_with_a_legend(make_model, disciplines):
    model = make_model(spokes=["marketing", "customer-service"])
    badges = {
        disciplines["corporate-communications"].pk: [
            ("SMM", "Social media manager"),
            ("SMC", "Social media consultant"),
        ],
        disciplines["customer-service"].pk: [("CM", "Community manager")],
    }
    root = parse(diagram_svg(model, badges_by_discipline=badges))
    badge_texts = [all_text(el) for el in root.iter(f"{SVG}g") if el.get("class") == "diagram-badge"]
    # Each unit's badges, then the legend's.
    assert sorted(badge_texts) == sorted(["SMM", "SMC", "CM"] * 2)
    drawn = drawn_text(root)
    assert "Legend" in drawn
    for full in ("Social media manager", "Social media consultant", "Community manager"):
        assert full in drawn
    assert "[CM]" in root.find(f"{SVG}desc").text

    plain = parse(diagram_svg(model))
    assert not [el for el in plain.iter(f"{SVG}g") if el.get("class") == "diagram-badge"]
    assert "Legend" not in drawn_text(plain)


SHAPES = {
    "empty draft": (ModelType.HUB_AND_SPOKE, [], []),
    ModelType.DECENTRALIZED: (
        ModelType.DECENTRALIZED,
        [],
        [("marketing", None), ("sales", None), ("human-resources", None)],
    ),
    ModelType.CENTRALIZED: (ModelType.CENTRALIZED, [("Social media team", "corporate-communications", False)], []),
    ModelType.HUB_AND_SPOKE: (
        ModelType.HUB_AND_SPOKE,
        [("Centre of excellence", "corporate-communications", False)],
        [("marketing", 0), ("sales", 0), ("legal", None)],
    ),
    ModelType.MULTIPLE_HUB_AND_SPOKE: (
        ModelType.MULTIPLE_HUB_AND_SPOKE,
        [
            ("Group centre", "corporate-communications", True),
            ("Brand A", "marketing", False),
            ("Brand B", "sales", False),
        ],
        [("customer-service", 1), ("human-resources", 2), ("product", 2), ("legal", 0)],
    ),
    ModelType.HOLISTIC: (
        ModelType.HOLISTIC,
        [("Enablement team", "internal-communications", False)],
        [("human-resources", 0), ("marketing", 0)],
    ),
}


@pytest.mark.parametrize("shape", list(SHAPES), ids=str)
def test_every_type_draws_every_unit_without_overlaps(build, disciplines, shape):
    model_type, hubs, spokes = SHAPES[shape]
    model = build(model_type, hubs=hubs, spokes=spokes)
    diagram = build_diagram(model)
    root = parse(diagram.svg)
    assert root.find(f"{SVG}title").text
    assert root.find(f"{SVG}desc").text
    text = all_text(root)
    for name, _slug, _centre in hubs:
        assert name in text
    for slug, _index in spokes:
        assert disciplines[slug].label in text
    shapes = unit_shapes(root)
    assert len(shapes) == max(1, len(hubs) + len(spokes))  # an empty draft shows a placeholder
    for a, b in itertools.combinations(shapes, 2):
        assert not overlaps(a, b)
    if shape == "empty draft":
        assert diagram.empty
        assert "No units yet" in text
    if model_type == ModelType.DECENTRALIZED:
        assert not list(root.iter(f"{SVG}line"))  # nobody in the middle, nothing connecting them
    if model_type == ModelType.MULTIPLE_HUB_AND_SPOKE:
        assert diagram.outline[0].kind == "centre"
        assert [item.name for item in diagram.outline[0].children][:2] == ["Brand A", "Brand B"]
    if model_type == ModelType.HOLISTIC:
        assert "Every employee takes part" in drawn_text(root)


@pytest.mark.parametrize("shape", list(SHAPES), ids=str)
def test_the_compact_drawing_for_phones_has_every_unit_in_one_narrow_column(build, disciplines, shape):
    model_type, hubs, spokes = SHAPES[shape]
    model = build(model_type, hubs=hubs, spokes=spokes)
    root = parse(diagram_svg(model, compact=True, id_prefix="phone"))
    assert root.find(f"{SVG}title").get("id") == "phone-compact-title"
    assert float(root.get("viewBox").split()[2]) <= 360
    text = all_text(root)
    for name, _slug, _centre in hubs:
        assert name in text
    for slug, _index in spokes:
        assert disciplines[slug].label in text
    shapes = unit_shapes(root)
    assert len(shapes) == max(1, len(hubs) + len(spokes))
    for a, b in itertools.combinations(shapes, 2):
        assert not overlaps(a, b)
    for el in root.iter():
        assert "style" not in el.attrib


def test_a_hub_with_every_discipline_as_a_spoke_keeps_labels_apart(build, disciplines):
    others = [slug for slug in disciplines if slug != "corporate-communications"]
    model = build(
        ModelType.HUB_AND_SPOKE,
        hubs=[("Centre of excellence", "corporate-communications", False)],
        spokes=[(slug, 0) for slug in others],
    )
    root = parse(diagram_svg(model))
    shapes = unit_shapes(root)
    assert len(shapes) == len(disciplines)
    for a, b in itertools.combinations(shapes, 2):
        assert not overlaps(a, b)
    width = float(root.get("viewBox").split()[2])
    for el in root.iter(f"{SVG}text"):
        assert float(el.get("font-size")) >= 9
        assert 0 <= float(el.get("x")) <= width


def test_spokes_without_a_hub_are_shown_apart(build, disciplines):
    model = build(
        ModelType.HUB_AND_SPOKE,
        hubs=[("Centre of excellence", "corporate-communications", False)],
        spokes=[("marketing", 0), ("sales", None)],
    )
    diagram = build_diagram(model)
    assert [item.name for item in diagram.loose] == [disciplines["sales"].label]
    assert "Not assigned to a hub yet" in drawn_text(parse(diagram.svg))


def test_german_labels_when_german_is_active(make_model, disciplines):
    from django.utils import translation

    model = make_model(spokes=["customer-service"])
    with translation.override("de"):
        text = all_text(parse(diagram_svg(model)))
    assert "Kundenservice" in text


# --- The template tag and its text alternative --------------------------------------------


def test_the_template_tag_renders_a_figure_with_a_text_alternative(make_model, disciplines, make_user):
    model = make_model(spokes=["marketing", "sales"])
    liaison = make_user(first_name="Lena", last_name="Liaison")
    give_liaison(model, disciplines["sales"], liaison)

    html = Template("{% load governance_diagram %}{% governance_diagram model %}").render(Context({"model": model}))

    assert html.strip().startswith("<link") or "<figure" in html
    assert "<figure" in html
    # The wide drawing and the one-column drawing for phones, with ids of their own.
    assert html.count("<svg") == 2
    assert f'id="diagram-{model.pk}-title"' in html
    assert f'id="diagram-{model.pk}-compact-title"' in html
    assert 'class="diagram-outline"' in html
    outline = html.split('class="diagram-outline"', 1)[1]
    assert "Centre of excellence" in outline
    assert disciplines["marketing"].label in outline
    assert "liaison: Lena Liaison" in outline
    assert "no liaison yet" in outline
    assert reverse("models:diagram", args=[model.pk]) in html


# --- The SVG file -------------------------------------------------------------------------


def test_the_svg_file_of_a_draft_is_for_leads_only(make_model, client_for, lead, communicator):
    draft = make_model()
    url = reverse("models:diagram", args=[draft.pk])
    assert client_for(communicator).get(url).status_code == 404
    response = client_for(lead).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    parse(response.content)


def test_the_svg_file_of_the_active_model_is_for_everyone_signed_in(make_model, client_for, communicator, client):
    active = make_model(publish=True)
    url = reverse("models:diagram", args=[active.pk])
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    response = client_for(communicator).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    root = parse(response.content)
    assert "Centre of excellence" in all_text(root)
    assert b'<?xml-stylesheet href="/static/css/diagram.css"' in response.content
    assert client_for(communicator).get(reverse("models:diagram", args=[active.pk + 1000])).status_code == 404


# --- The dashboards -----------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_dashboard_shows_the_active_models_diagram(make_model, make_user, client_for, disciplines, role):
    make_model(name="Our hub and spoke", spokes=["marketing", "human-resources"], publish=True)
    make_model(name="Unpublished draft", spokes=["sales"])
    html = client_for(make_user(role)).get(reverse("dashboard", args=[role.value])).text
    assert "Our organisational model" in html
    assert "Our hub and spoke" in html
    assert "<svg" in html
    assert disciplines["human-resources"].label in html
    assert disciplines["sales"].label not in html.split("Our organisational model", 1)[1]
    assert "No organisational model is active yet" not in html


@pytest.mark.parametrize("role", list(Role))
def test_without_an_active_model_every_dashboard_says_so(make_model, make_user, client_for, role):
    make_model(name="Unpublished draft")
    html = client_for(make_user(role)).get(reverse("dashboard", args=[role.value])).text
    assert "No organisational model is active yet" in html
    model_card = html.split('aria-labelledby="model-card-title"', 1)[1].split("</section>", 1)[0]
    assert "<svg" not in model_card  # no diagram (the figures' charts are SVG too)
    assert "Unpublished draft" not in html
    if role == Role.GOVERNANCE_LEAD:
        assert reverse("models:fit") in html
    else:
        assert reverse("models:fit") not in html


def test_the_dashboard_costs_the_same_queries_however_many_spokes(build, make_user, client_for, lead):
    client = client_for(make_user(Role.EXECUTIVE))
    url = reverse("dashboard", args=["executive"])

    def publish(spokes):
        model = build(
            ModelType.HUB_AND_SPOKE,
            hubs=[("Centre", "corporate-communications", False)],
            spokes=[(s, 0) for s in spokes],
        )
        from governance.models import Activity

        hub = model.hubs.get()
        services.responsibilities_update(
            model=model,
            actor=lead,
            changes=[services.CellChange(a.pk, hub.home_discipline_id, "", "AR") for a in Activity.objects.all()],
        )
        services.model_publish(model=model, actor=lead)

    publish(["marketing"])
    client.get(url)  # warm up the session and the role cache
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    publish(["marketing", "sales", "legal", "it", "product", "human-resources"])
    with CaptureQueriesContext(connection) as six:
        response = client.get(url)
    assert "Human Resources" in response.text
    assert len(six) == len(one)


# --- Drawn once, drawn again when anything shown changes ---------------------------------


def test_a_drawing_is_reused_until_something_it_shows_changes(make_model, disciplines, make_user):
    from django.utils import translation

    model = make_model(spokes=["marketing", "customer-service"])
    liaison = make_user(first_name="Lena", last_name="Liaison")
    give_liaison(model, disciplines["marketing"], liaison)
    first = build_diagram(model)
    again = build_diagram(model)
    assert again.svg is first.svg and again.svg_compact is first.svg_compact  # from the process's drawings

    marketing = disciplines["marketing"]
    marketing.colour = "#123456"
    marketing.save()
    recoloured = build_diagram(model).svg
    assert "#123456" in recoloured and recoloured != first.svg

    liaison.first_name = "Lina"
    liaison.save()
    assert "Lina Liaison" in build_diagram(model).svg

    with translation.override("de"):
        assert "Kundenservice" in build_diagram(model).svg
    marketing.name_de = "Vertriebsmarketing"
    marketing.save()
    with translation.override("de"):
        assert "Vertriebsmarketing" in build_diagram(model).svg
    assert build_diagram(model, id_prefix="other").svg != build_diagram(model).svg
