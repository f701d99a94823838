import re

import pytest
from django.urls import reverse
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from governance.errors import DomainError
from tests.conftest import PASSWORD


def test_token_exchange_and_token_authentication(communicator, db):
    api = APIClient()
    response = api.post(reverse("api-token"), {"username": "communicator", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get(reverse("api-me"))
    assert me.status_code == 200
    assert me.json() == {
        "id": communicator.pk,
        "username": "communicator",
        "name": communicator.get_full_name(),
        "roles": ["communicator"],
    }


def test_token_exchange_names_the_missing_field(db):
    response = APIClient().post(reverse("api-token"), {"username": "someone"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"password": ["This field is required."]}


def test_token_exchange_with_wrong_password_is_refused(communicator):
    response = APIClient().post(reverse("api-token"), {"username": "communicator", "password": "x"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_token_exchange_is_locked_after_repeated_failures(communicator, settings):
    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post(reverse("api-token"), {"username": "communicator", "password": "x"}, format="json")
    response = api.post(reverse("api-token"), {"username": "communicator", "password": PASSWORD}, format="json")
    assert response.status_code == 403
    assert "Too many failed sign-in attempts" in response.json()["detail"]


def test_api_needs_authentication(db):
    response = APIClient().get(reverse("api-me"))
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_schema_is_valid_openapi_3(client, db):
    response = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    validate(spec)
    assert "/api/v1/auth/token/" in spec["paths"]


def test_swagger_ui_is_served_without_any_external_host(client, db):
    response = client.get(reverse("swagger-ui"))
    assert response.status_code == 200
    html = response.text
    assert "swagger-ui" in html
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []


def test_domain_errors_are_409_and_django_validation_errors_name_the_field():
    from django.core.exceptions import ValidationError

    from governance.api.exceptions import exception_handler

    conflict = exception_handler(DomainError("Already published.", code="published"), {})
    assert conflict.status_code == 409
    assert conflict.data == {"detail": "Already published.", "code": "published"}
    invalid = exception_handler(ValidationError({"hours": ["Must be positive."]}), {})
    assert invalid.status_code == 400
    assert invalid.data == {"hours": ["Must be positive."]}


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/me/"])
def test_api_pages_answer_json_to_signed_in_users(api_for, lead, path):
    assert api_for(lead).get(path, format="json").status_code == 200
