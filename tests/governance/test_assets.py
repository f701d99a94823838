"""No page references an external host: every asset is served by the app."""

import re

import pytest
from django.urls import reverse

from governance.access import Role

EXTERNAL = re.compile(r'(?:src|href|action)="(?:https?:)?//', re.IGNORECASE)


@pytest.mark.parametrize("role", list(Role))
def test_dashboards_reference_no_external_host(make_user, client_for, role):
    html = client_for(make_user(role)).get(reverse("dashboard", args=[role.value])).text
    assert not EXTERNAL.search(html)


def test_sign_in_page_references_no_external_host(client, db):
    assert not EXTERNAL.search(client.get(reverse("login")).text)


def test_every_internal_link_on_the_dashboards_works(make_user, client_for):
    """No dead links: every same-site href a user with all roles sees answers 200."""
    user = make_user(*Role)
    client = client_for(user)
    seen = set()
    for role in Role:
        html = client.get(reverse("dashboard", args=[role.value])).text
        for href in re.findall(r'href="(/[^"]*)"', html):
            if href in seen or href.startswith("/static/"):
                continue
            seen.add(href)
            assert client.get(href, follow=True).status_code == 200, href
    assert seen
