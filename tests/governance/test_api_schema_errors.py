"""Every error the API can answer is declared in /api/schema/ with the body it has (issue 9, item 5)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from governance.access import Role


@pytest.fixture
def spec(client, db):
    return client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def operations(spec):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def test_every_declared_error_has_a_json_body(spec):
    bodiless = [
        f"{method} {path} {code}"
        for method, path, operation in operations(spec)
        for code, response in operation["responses"].items()
        if code >= "400" and "application/json" not in response.get("content", {})
    ]
    assert bodiless == []


def test_common_errors_are_declared_wherever_they_can_happen(spec):
    missing = []
    for method, path, operation in operations(spec):
        codes = set(operation["responses"])
        expected = {"403"}
        if "{" in path:
            expected.add("404")
        if method in ("POST", "PUT", "PATCH"):
            expected.add("400")
        if method != "GET":
            expected.add("409")
        missing += [f"{method} {path} {code}" for code in sorted(expected - codes)]
    assert missing == []


def test_a_validation_error_body_matches_its_schema(spec):
    schema = spec["components"]["schemas"]["ValidationError"]
    assert schema["type"] == "object"
    assert spec["paths"]["/api/v1/disciplines/"]["post"]["responses"]["400"]["content"]["application/json"][
        "schema"
    ] == {"$ref": "#/components/schemas/ValidationError"}


def test_a_cell_conflict_names_the_current_role_only_when_there_is_one(spec, lead, make_model):
    """A 409 for a published model has no current role; the schema must not promise one."""
    cell_conflict = spec["components"]["schemas"]["CellConflict"]
    assert "current_role" in cell_conflict["properties"]
    assert "current_role" not in cell_conflict.get("required", [])

    model = make_model(publish=True)
    cell = model.responsibilities.first()
    api = APIClient()
    api.force_authenticate(lead)
    response = api.patch(f"/api/v1/responsibilities/{cell.pk}/", {"role": "C"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert set(cell_conflict["required"]) <= set(body)


def test_an_error_raised_with_a_message_only_answers_an_object(rf):
    from rest_framework import exceptions

    from governance.api.exceptions import exception_handler

    response = exception_handler(exceptions.ValidationError("Wrong."), {})
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Wrong."]}


@pytest.mark.parametrize("path", ["/api/v1/requests/1/attachments/-5/", "/api/v1/requests/0.5/cancel/"])
def test_an_api_path_that_matches_no_route_answers_json(make_user, path):
    api = APIClient()
    api.force_authenticate(make_user(Role.COMMUNICATOR))
    response = api.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_page_that_does_not_exist_is_still_the_html_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
