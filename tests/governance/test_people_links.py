"""Links to people's pages (governance/templatetags/people_links.py): the address of each
is Django's own, from one reverse per page view."""

from unittest import mock

from django.test import RequestFactory
from django.urls import reverse

from governance.request_cache import RequestCacheMiddleware
from governance.templatetags import people_links


def _links(users, visible):
    return [people_links.person_link(user) for user in users] + [
        people_links.assessed_person_link(user.pk, user, visible) for user in users
    ]


def test_each_link_is_the_reversed_address_and_one_reverse_per_view_in_a_page_view(make_user):
    users = [make_user(first_name=f"Person {n}", last_name="Linked") for n in range(3)]
    visible = {users[0].pk, users[2].pk}
    answered = {}

    def view(request):
        with mock.patch.object(people_links, "reverse", wraps=reverse) as reversed_:
            answered["links"] = _links(users, visible)
            answered["reverses"] = reversed_.call_count

    RequestCacheMiddleware(view)(RequestFactory().get("/staffing/"))
    expected = [f'<a href="{reverse("disciplines:person", args=[u.pk])}">{u.get_full_name()}</a>' for u in users]
    expected += [
        f'<a href="{reverse("roles:person", args=[u.pk])}">{u.get_full_name()}</a>'
        if u.pk in visible
        else u.get_full_name()
        for u in users
    ]
    assert answered["links"] == expected
    assert answered["reverses"] == 2  # one per kind of page, not one per person


def test_outside_a_page_view_nothing_is_kept(make_user):
    user = make_user(first_name="Lone", last_name="Reader")
    with mock.patch.object(people_links, "reverse", wraps=reverse) as reversed_:
        _links([user, user], {user.pk})
    assert reversed_.call_count == 4
