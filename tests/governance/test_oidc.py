"""Single sign-on against a real OpenID Connect provider (governance/oidc.py).

The provider is django-oauth-toolkit in a Django project of its own
(tests/oidc_provider), started here as a second process on a free port and stopped at
the end; the app discovers its endpoints, exchanges the code, checks the signed ID
token against its keys and reads the user's claims, all over HTTP. The browser's part
(the provider's sign-in form) is played by `requests`."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.urls import reverse

from disciplines.models import Membership
from governance.access import Role, role_group, roles_of
from governance.models import UserProfile
from tests.oidc_provider.running import PASSWORD, Provider

CALLBACK = "http://testserver/oidc/callback/"
AFTER_LOGOUT = "http://testserver/accounts/login/"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    running = Provider(tmp_path_factory.mktemp("oidc"), callback=CALLBACK, after_logout=AFTER_LOGOUT)
    yield running
    running.stop()


@pytest.fixture
def sso(provider, settings, disciplines):
    settings.OIDC_RP_CLIENT_ID = "governance"
    settings.OIDC_RP_CLIENT_SECRET = "governance-secret"
    settings.OIDC_ISSUER = f"{provider.url}/o"
    settings.OIDC_PROVIDER_NAME = "Example SSO"
    settings.OIDC_ROLE_MAP = {"sm-leads": "governance_lead", "sm-experts": "expert", "sm-board": "executive"}
    settings.OIDC_MEMBERSHIP_MAP = {"sm-experts": ["product", "expert"]}
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "governance.oidc.Backend",
        "django.contrib.auth.backends.ModelBackend",
        "guardian.backends.ObjectPermissionBackend",
    ]
    return provider


def _sign_in(client, provider, username):
    """The whole code flow: the app sends the browser to the provider, the person signs in
    there, the provider sends them back with a code; returns the app's last response."""
    start = client.get(reverse("oidc_sign_in"))
    assert start.status_code == 302 and start["Location"].startswith(provider.url)
    browser = requests.Session()
    form = browser.get(start["Location"], timeout=10)
    assert "csrfmiddlewaretoken" in form.text
    signed_in = browser.post(
        form.url,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": parse_qs(urlsplit(form.url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    back = browser.get(provider.url + signed_in.headers["Location"], allow_redirects=False, timeout=10)
    location = back.headers["Location"]
    assert location.startswith(CALLBACK), location
    return client.get(location.removeprefix("http://testserver"))


@pytest.mark.django_db
def test_first_sign_in_creates_the_person_with_roles_and_memberships(sso, client):
    sso.person("alice", "sm-leads", "sm-experts", "unmapped-group")
    response = _sign_in(client, sso, "alice")
    assert response.status_code == 302 and response["Location"] == reverse("home")

    alice = get_user_model().objects.get(email="alice@example.com")
    assert (alice.first_name, alice.last_name, alice.has_usable_password()) == ("Alice", "Example", False)
    assert set(roles_of(alice)) == {Role.GOVERNANCE_LEAD, Role.EXPERT}
    assert Membership.objects.filter(user=alice, discipline__slug="product", function="expert").exists()
    assert UserProfile.objects.get(user=alice).language == "de"
    assert client.get(reverse("home")).wsgi_request.user == alice


@pytest.mark.django_db
def test_a_changed_group_claim_changes_the_role_at_the_next_sign_in(sso, client):
    sso.person("bert", "sm-leads", "sm-experts")
    _sign_in(client, sso, "bert")
    bert = get_user_model().objects.get(email="bert@example.com")
    bert.groups.add(role_group(Role.COMMUNICATOR))  # given in the app, not by the provider
    client.post(reverse("logout"))

    sso.person("bert", "sm-board")  # moved to the board at the provider
    _sign_in(client, sso, "bert")
    bert = get_user_model().objects.get(pk=bert.pk)
    # Mapped roles follow the claim; the communicator role nobody maps stays.
    assert set(roles_of(bert)) == {Role.EXECUTIVE, Role.COMMUNICATOR}
    assert not Membership.objects.filter(user=bert, function="expert").exists()


@pytest.mark.django_db
def test_a_disabled_person_is_refused(sso, client):
    get_user_model().objects.create_user("carla", email="carla@example.com", is_active=False)
    sso.person("carla", "sm-leads")
    response = _sign_in(client, sso, "carla")
    assert response.status_code == 302 and response["Location"] == reverse("login")
    page = client.get(reverse("login")).content.decode()
    assert "This account is disabled" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_ends_the_providers_session_too(sso, client):
    sso.person("dora", "sm-experts")
    _sign_in(client, sso, "dora")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{sso.url}/o/logout/?id_token_hint=")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_sign_in_page_offers_the_provider_and_api_tokens_keep_working(sso, client, settings, make_user, api_for):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Example SSO" in page and 'name="password"' in page
    settings.OIDC_ONLY = True
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Example SSO" in page and 'name="password"' not in page
    refused = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert refused.status_code == 302

    from rest_framework.authtoken.models import Token

    user = make_user(Role.EXECUTIVE)
    token = Token.objects.create(user=user)
    assert client.get("/api/v1/disciplines/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200


@pytest.mark.django_db
def test_without_configuration_there_is_no_single_sign_on(client):
    assert client.get(reverse("oidc_sign_in")).status_code == 404
    assert client.get(reverse("oidc_callback")).status_code == 404
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
