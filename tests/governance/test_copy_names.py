"""A copy's name stays true after publishing: a version number, not " (draft)" (issue 10, item 2)."""

import pytest
from django.urls import reverse
from django.utils import translation

from governance import services
from governance.models import OrganisationalModel

Status = OrganisationalModel.Status


def test_a_copy_is_the_next_version_and_keeps_it_when_published(make_model, lead, client_for):
    source = make_model(name="Social media centre of excellence", publish=True)
    copy = services.model_copy(source=source, actor=lead)
    assert copy.name == "Social media centre of excellence (version 2)"
    services.model_publish(model=copy, actor=lead)
    page = client_for(lead).get(reverse("home"), follow=True).text
    assert "Social media centre of excellence (version 2)" in page
    assert "(draft)" not in page
    # A copy of the copy, and a second copy of the original, take the next free number.
    assert services.model_copy(source=copy, actor=lead).name == "Social media centre of excellence (version 3)"
    assert services.model_copy(source=source, actor=lead).name == "Social media centre of excellence (version 4)"


def test_a_copy_in_german_says_version(make_model, lead):
    source = make_model(name="Zentrum", publish=True)
    with translation.override("de"):
        assert services.model_copy(source=source, actor=lead).name == "Zentrum (Version 2)"
    assert services.model_copy(source=source, actor=lead).name == "Zentrum (version 3)"


def test_an_old_draft_suffix_is_not_carried_into_the_next_copy(make_model, lead):
    source = make_model(name="Hub (draft)", publish=True)
    assert services.model_copy(source=source, actor=lead).name == "Hub (version 2)"


def test_the_publish_page_offers_to_rename(make_model, lead, client_for):
    make_model(name="Old", publish=True)
    draft = make_model(name="Centre (draft)")
    client = client_for(lead)
    page = client.get(reverse("models:publish", args=[draft.pk])).text
    assert 'name="name"' in page and 'value="Centre"' in page  # the old suffix is offered away
    response = client.post(reverse("models:publish", args=[draft.pk]), {"name": "Centre 2027"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.status) == ("Centre 2027", Status.ACTIVE)


def test_a_publish_without_a_name_keeps_the_name(make_model, lead, client_for):
    draft = make_model(name="Centre")
    response = client_for(lead).post(reverse("models:publish", args=[draft.pk]), {})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.status) == ("Centre", Status.ACTIVE)


def test_a_too_long_name_on_the_publish_page_publishes_nothing(make_model, lead, client_for):
    draft = make_model(name="Centre")
    response = client_for(lead).post(reverse("models:publish", args=[draft.pk]), {"name": "N" * 121})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert (draft.name, draft.status) == ("Centre", Status.DRAFT)


@pytest.mark.parametrize(("body", "expected"), [({"name": "Renamed"}, "Renamed"), ({}, "Kept")])
def test_the_api_publishes_with_or_without_a_new_name(api_for, lead, make_model, body, expected):
    draft = make_model(name="Kept")
    response = api_for(lead).post(f"/api/v1/org-models/{draft.pk}/publish/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == expected


def test_a_too_long_name_at_publish_is_refused_by_the_service(make_model, lead):
    from django.core.exceptions import ValidationError

    draft = make_model(name="Centre")
    with pytest.raises(ValidationError):
        services.model_publish(model=draft, actor=lead, name="N" * 121)
    draft.refresh_from_db()
    assert (draft.name, draft.status) == ("Centre", Status.DRAFT)
