"""The add-spoke form offers only what is allowed; the service refuses the rest, for page
and API alike (issue 10, item 5)."""

import pytest
from django.urls import reverse

from disciplines.models import Membership
from governance.forms import SpokeForm
from governance.models import Spoke

F = Membership.Function


@pytest.fixture
def setting(make_model, make_user, disciplines):
    """A draft (hub in corporate communications; marketing, customer service, sales as
    spokes), a legal expert, a sales manager and a superuser who works nowhere."""
    model = make_model()
    legal = make_user(username="lex", first_name="Lex", last_name="Legal")
    Membership.objects.create(user=legal, discipline=disciplines["legal"], function=F.EXPERT)
    seller = make_user(username="sam", first_name="Sam", last_name="Sales")
    Membership.objects.create(user=seller, discipline=disciplines["sales"], function=F.MANAGER)
    admin = make_user(username="root", first_name="Ada", last_name="Admin", is_superuser=True, is_staff=True)
    return model, legal, seller, admin


def offered(field):
    return {str(label) for value, label in field.choices if value} | {
        str(label) for _group, options in field.choices if isinstance(options, list) for _value, label in options
    }


def test_the_form_offers_free_disciplines_and_their_people_only(setting, disciplines):
    model, legal, seller, admin = setting
    form = SpokeForm(model=model)
    slugs = set(form.fields["discipline"].queryset.values_list("slug", flat=True))
    assert "legal" in slugs
    assert not slugs & {"corporate-communications", "marketing", "customer-service", "sales"}
    people = offered(form.fields["liaison"])
    assert "Lex Legal" in people
    assert "Sam Sales" not in people  # sales is already a spoke
    assert "Ada Admin" not in people  # works in no discipline
    groups = [label for _value, label in form.fields["liaison"].choices if isinstance(label, list)]
    assert groups  # grouped by discipline


def test_editing_a_spoke_keeps_its_own_discipline_and_liaison_on_offer(setting, disciplines, lead):
    from governance import services

    model, legal, seller, admin = setting
    spoke = model.spokes.get(discipline=disciplines["sales"])
    services.spoke_save(
        model=model, actor=lead, spoke=spoke, discipline=spoke.discipline, hub=spoke.hub, liaison=seller
    )
    spoke.refresh_from_db()
    form = SpokeForm(model=model, spoke=spoke)
    assert form.fields["discipline"].queryset.filter(slug="sales").exists()
    assert "Sam Sales" in offered(form.fields["liaison"])


@pytest.mark.parametrize(
    ("slug", "liaison", "field", "text"),
    [
        ("corporate-communications", None, "discipline", "home of the hub"),
        ("marketing", None, "discipline", "already a spoke"),
        ("legal", "seller", "liaison", "does not work in Legal"),
        ("legal", "admin", "liaison", "does not work in Legal"),
    ],
)
def test_the_page_and_the_api_refuse_what_is_not_allowed(
    setting, disciplines, client_for, api_for, lead, slug, liaison, field, text
):
    model, legal, seller, admin = setting
    person = {"seller": seller, "admin": admin, None: None}[liaison]
    hub = model.hubs.get()
    before = Spoke.objects.count()

    # The page's form does not even offer the value; a forged post gets the field's error.
    data = {"discipline": disciplines[slug].pk, "hub": hub.pk, "liaison": person.pk if person else ""}
    page = client_for(lead).post(reverse("models:spoke_add", args=[model.pk]), data)
    assert page.status_code == 200
    assert Spoke.objects.count() == before

    # The API offers everything and leaves the decision to the same service.
    body = {
        "model": model.pk,
        "discipline": disciplines[slug].pk,
        "hub": hub.pk,
        "liaison": person.pk if person else None,
    }
    response = api_for(lead).post("/api/v1/spokes/", body, format="json")
    assert response.status_code == 400, response.content
    assert text in response.json()[field][0]
    assert Spoke.objects.count() == before


def test_the_service_refuses_a_liaison_from_another_discipline(setting, disciplines, lead):
    from django.core.exceptions import ValidationError

    from governance import services

    model, legal, seller, admin = setting
    with pytest.raises(ValidationError) as refused:
        services.spoke_save(
            model=model, actor=lead, discipline=disciplines["legal"], hub=model.hubs.get(), liaison=seller
        )
    assert "Sam Sales does not work in Legal" in str(refused.value.message_dict["liaison"][0])


def test_an_allowed_spoke_and_liaison_are_saved_through_the_page(setting, disciplines, client_for, lead):
    model, legal, seller, admin = setting
    data = {"discipline": disciplines["legal"].pk, "hub": model.hubs.get().pk, "liaison": legal.pk}
    response = client_for(lead).post(reverse("models:spoke_add", args=[model.pk]), data)
    assert response.status_code == 302
    assert model.spokes.get(discipline=disciplines["legal"]).liaison == legal
