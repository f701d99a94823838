"""Input that once answered 500 (or HTML) answers a 400 in JSON that names the problem.

Issue 9, items 2, 3, 4 and 14: deeply nested JSON, bodies over the size limit, an
organisational model without a type or with a name too long to copy, OPTIONS on a
list-level action, and numbers sent where strings belong.
"""

import json

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.parsers import JSONParser
from rest_framework.serializers import CharField

from governance.api.strict import StrictString
from governance.models import ModelType, OrganisationalModel

NESTED = "[" * 5000 + "]" * 5000
# (persona, method, url): someone allowed to write there, so the body is read.
BODY_READERS = [
    ("lead", "post", "/api/v1/org-models/"),
    ("superuser", "post", "/api/v1/budgets/"),
    ("communicator", "put", "/api/v1/notifications/preferences/"),
    ("lead", "post", "/api/v1/auth/token/"),
]


def assert_json_400(response):
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


# --- Item 2: nested JSON and bodies over the limit ------------------------------------------------


def test_deeply_nested_json_to_the_token_endpoint_is_a_400_without_signing_in(client, db):
    body = assert_json_400(client.post("/api/v1/auth/token/", NESTED, content_type="application/json"))
    assert body["code"] == "parse_error"


@pytest.mark.parametrize(("persona", "method", "url"), BODY_READERS)
def test_deeply_nested_json_is_a_400_for_signed_in_callers(client, request, persona, method, url):
    client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(url, NESTED, content_type="application/json")
    assert "nested" in assert_json_400(response)["detail"]


def test_deeply_nested_json_on_a_detail_action_is_a_400(client, lead, make_model):
    client.force_login(lead)
    model = make_model()
    assert_json_400(client.post(f"/api/v1/org-models/{model.pk}/copy/", NESTED, content_type="application/json"))
    assert_json_400(client.patch(f"/api/v1/org-models/{model.pk}/", NESTED, content_type="application/json"))


def _api_views():
    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and str(pattern.pattern).startswith(("^", "auth", "me")):
                yield pattern.callback

    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/v1/")
    return list(walk(api.url_patterns))


def test_no_api_view_parses_json_with_the_unguarded_parser():
    """Every view and action parses JSON with the parser that turns deep nesting into a 400."""
    checked = 0
    for callback in _api_views():
        view_class = getattr(callback, "cls", None)
        if view_class is None:
            continue
        parsers = list(view_class.parser_classes)
        for name in (getattr(callback, "actions", None) or {}).values():
            handler = getattr(view_class, name, None)
            parsers += list(getattr(handler, "kwargs", {}).get("parser_classes", ()))
        assert all(p is not JSONParser for p in parsers), view_class
        checked += 1
    assert checked > 20


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_over_the_limit_is_a_json_400_on_api_paths(client, lead, content_type):
    big = "x" * 2000
    payload = json.dumps({"username": big, "password": "y"}) if "json" in content_type else f"username={big}&p=y"
    for signed_in in (False, True):
        if signed_in:
            client.force_login(lead)
        body = assert_json_400(client.post("/api/v1/auth/token/", payload, content_type=content_type))
        assert body["code"] == "body_too_large"
    assert_json_400(client.post("/api/v1/org-models/", payload, content_type=content_type))


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_limit_stays_an_html_400_on_pages(client, lead):
    client.force_login(lead)
    response = client.post("/models/new/", {"name": "x" * 2000})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


# --- Item 3: organisational models ----------------------------------------------------------------


def test_a_model_without_a_type_gets_the_documented_default(api_for, lead, db):
    response = api_for(lead).post("/api/v1/org-models/", {"name": "No type given"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["type"] == ModelType.HUB_AND_SPOKE == OrganisationalModel._meta.get_field("type").default


@pytest.mark.parametrize("language", ["en", "de"])
def test_copying_a_model_with_a_long_name_keeps_the_copy_name_within_the_column(api_for, lead, make_model, language):
    source = make_model(name="N" * 118 + "ab", publish=True)
    response = api_for(lead).post(f"/api/v1/org-models/{source.pk}/copy/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 201, response.content
    name = OrganisationalModel.objects.get(pk=response.json()["id"]).name
    limit = OrganisationalModel._meta.get_field("name").max_length
    assert len(name) <= limit
    assert name.startswith("N" * 100)
    assert name.endswith("(version 2)" if language == "en" else "(Version 2)")


def test_a_short_name_is_copied_whole(api_for, lead, make_model):
    source = make_model(name="Hub and spoke 2026", publish=True)
    response = api_for(lead).post(f"/api/v1/org-models/{source.pk}/copy/")
    assert response.json()["name"] == "Hub and spoke 2026 (version 2)"


# --- Item 4: OPTIONS --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["communicator", "expert", "manager", "lead"])
def test_options_on_notification_preferences_describes_the_body(api_for, request, persona):
    response = api_for(request.getfixturevalue(persona)).options("/api/v1/notifications/preferences/")
    assert response.status_code == 200, response.content
    assert set(response.json()["actions"]["PUT"]) == {"email"}


def test_options_on_every_list_endpoint_answers(api_for, lead):
    api = api_for(lead)
    for url in ["/api/v1/org-models/", "/api/v1/requests/", "/api/v1/notifications/mark-all-read/"]:
        assert api.options(url).status_code == 200, url


# --- Item 14: a number is not a string --------------------------------------------------------------


@pytest.mark.parametrize("value", [12345, 1.5, True, ["a"], {"a": 1}])
def test_a_model_name_that_is_not_a_string_names_the_field(api_for, lead, db, value):
    response = api_for(lead).post("/api/v1/org-models/", {"name": value, "type": "centralized"}, format="json")
    assert "name" in assert_json_400(response)
    assert not OrganisationalModel.objects.exists()


def test_a_number_for_notes_or_a_copy_name_names_the_field(api_for, lead, make_model):
    api = api_for(lead)
    model = make_model()
    assert "notes" in assert_json_400(api.patch(f"/api/v1/org-models/{model.pk}/", {"notes": 7}, format="json"))
    assert "name" in assert_json_400(api.post(f"/api/v1/org-models/{model.pk}/copy/", {"name": 7}, format="json"))


def test_strings_still_arrive_as_strings_from_forms(api_for, lead, db):
    response = api_for(lead).post("/api/v1/org-models/", {"name": "12345", "type": "centralized"})
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "12345"


def _request_body_serializers():
    """The serializer classes the schema names as request bodies (responses may stay lax)."""
    from drf_spectacular.generators import SchemaGenerator

    from content_workflow.api import serializers as workflow
    from disciplines.api import serializers as catalogue
    from governance.api import serializers as governance
    from roles.api import serializers as roles

    schema = SchemaGenerator().get_schema(request=None, public=True)
    names = set()
    for operations in schema["paths"].values():
        for operation in operations.values():
            for media in operation.get("requestBody", {}).get("content", {}).values():
                ref = media["schema"].get("$ref", "")
                names.add(ref.rsplit("/", 1)[-1] + "Serializer")
    classes = {}
    for module in (workflow, catalogue, governance, roles):
        classes.update({name: value for name, value in vars(module).items() if isinstance(value, type)})
    return [classes[name] for name in names if name in classes]


def test_every_text_field_of_a_request_body_takes_strings_only():
    checked = 0
    for serializer_class in _request_body_serializers():
        for name, field in serializer_class().fields.items():
            field = getattr(field, "child", field)
            if field.read_only or not isinstance(field, CharField):
                continue
            assert isinstance(field, StrictString), f"{serializer_class.__name__}.{name}"
            checked += 1
    assert checked > 30
