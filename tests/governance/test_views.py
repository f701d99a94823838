from unittest import mock

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from governance.access import Role
from tests.conftest import PASSWORD


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_in_lands_on_the_users_dashboard(client, communicator):
    response = client.post(reverse("login"), {"username": "communicator", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard", args=["communicator"])
    assert response.status_code == 200
    assert "Ask experts in the specialist departments" in response.text


def test_wrong_password_shows_an_error_and_signs_nobody_in(client, communicator):
    response = client.post(reverse("login"), {"username": "communicator", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_username_out(client, communicator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "communicator", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "communicator", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_own_dashboard(make_user, client_for, role):
    client = client_for(make_user(role))
    response = client.get(reverse("dashboard", args=[role.value]))
    assert response.status_code == 200
    assert f"<h1>{role.label}</h1>" in response.text


def test_a_role_is_forbidden_anothers_dashboard_with_a_friendly_page(client_for, communicator):
    response = client_for(communicator).get(reverse("dashboard", args=["manager"]))
    assert response.status_code == 403
    assert "You are not allowed to do this" in response.text


def test_unknown_dashboard_is_not_found(client_for, communicator):
    response = client_for(communicator).get("/dashboard/wizard/")
    assert response.status_code == 404
    assert "We could not find this page" in response.text


def test_navigation_shows_only_the_users_dashboards(client_for, make_user):
    user = make_user(Role.EXPERT, Role.MANAGER)
    response = client_for(user).get(reverse("home"), follow=True)
    assert reverse("dashboard", args=["expert"]) in response.text
    assert reverse("dashboard", args=["manager"]) in response.text
    assert reverse("dashboard", args=["governance_lead"]) not in response.text
    assert reverse("admin:index") not in response.text


def test_superuser_sees_every_dashboard_and_the_admin(client_for, superuser):
    response = client_for(superuser).get(reverse("dashboard", args=["executive"]))
    for role in Role:
        assert reverse("dashboard", args=[role.value]) in response.text
    assert reverse("admin:index") in response.text


def test_user_without_a_role_is_told_how_to_get_one(client_for, outsider):
    response = client_for(outsider).get(reverse("home"))
    assert response.status_code == 200
    assert "Your account has no role yet" in response.text


def test_sign_out_needs_a_post_and_ends_the_session(client_for, lead):
    client = client_for(lead)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client_for, lead):
    client = client_for(lead)
    bad = client.post(reverse("password_change"), {"old_password": "nope", "new_password1": "x", "new_password2": "x"})
    assert bad.status_code == 200
    assert "Your old password was entered incorrectly" in bad.text
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a-much-better-pw-42", "new_password2": "a-much-better-pw-42"},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.check_password("a-much-better-pw-42")


def test_language_switch_to_german(client_for, lead):
    client = client_for(lead)
    response = client.post(reverse("set_language"), {"language": "de", "next": reverse("home")}, follow=True)
    assert response.status_code == 200
    assert '<html lang="de">' in response.text
    assert "Abmelden" in response.text  # "Sign out"


def test_server_error_page_renders_without_a_request(client, db):
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in html


def test_healthz_reports_database_ok(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(client, db):
    with mock.patch("governance.views.dashboards._database_ok", return_value=False):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"database": "unreachable"}


def test_healthz_checks_the_broker_when_one_is_configured(client, db):
    from governance.celery import app

    app.conf.task_always_eager = False
    with mock.patch("governance.views.dashboards._broker_ok", return_value=False):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unreachable"}


def test_pages_carry_a_strict_content_security_policy(client, db):
    csp = client.get(reverse("login")).headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp


def test_favicon_ico_answers_with_the_site_icon(client, db):
    # Browsers ask for /favicon.ico where no page names an icon: the diagram SVG opened on
    # its own, Django admin. No 404 there.
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("img/favicon.svg")
    assert "max-age=86400" in response["Cache-Control"]
    assert finders.find("img/favicon.svg")


def test_every_page_names_the_icon(client_for, lead):
    response = client_for(lead).get(reverse("home"), follow=True)
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in response.text
