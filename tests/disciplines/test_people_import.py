"""The people import (disciplines/people_import/): dry run equals apply, idempotence,
bad rows with their numbers and nothing saved, deactivation only when asked, who may
import, the API's JSON rows and the management command."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disciplines.models import Expertise, Membership
from disciplines.people_import import parse_csv, people_import, sample_csv
from governance.access import Role, has_role
from governance.models import UserProfile

User = get_user_model()

CSV = """email,name,discipline,function,weekly capacity,expertise,manager,language
ada@example.com,Ada Lovelace,product,expert,6,api; Pricing,no,en
grace@example.com,Grace Hopper,IT,expert,4,security|cloud,,de
max@example.com,Max Mustermann,Marketing,manager,2,,yes,
erika@example.com,Erika Musterfrau,corporate-communications,communicator,"8,5",,no,Deutsch
"""


def state():
    """What the import may change, in a comparable form."""
    return {
        "users": sorted(User.objects.values_list("email", "first_name", "last_name", "is_active")),
        "memberships": sorted(
            Membership.objects.values_list("user__email", "discipline__slug", "function", "weekly_capacity_hours")
        ),
        "tags": sorted((e.user.email, tuple(e.tags)) for e in Expertise.objects.select_related("user")),
        "languages": sorted(UserProfile.objects.values_list("user__email", "language")),
        "groups": sorted(User.groups.through.objects.values_list("user__email", "group__name")),
    }


@pytest.fixture
def imported(disciplines, lead):
    return people_import(actor=lead, rows=parse_csv(CSV), apply=True)


def test_dry_run_saves_nothing_and_matches_apply(disciplines, lead):
    before = state()
    dry = people_import(actor=lead, rows=parse_csv(CSV))
    assert dry.ok and not dry.applied
    assert state() == before
    applied = people_import(actor=lead, rows=parse_csv(CSV), apply=True)
    assert applied.applied
    assert applied.summary() == dry.summary()
    assert [c.as_dict() for c in applied.new_people] == [c.as_dict() for c in dry.new_people]
    assert dry.summary()["new_people"] == 4 and dry.summary()["memberships_added"] == 4

    ada = User.objects.get(email="ada@example.com")
    assert (ada.first_name, ada.last_name, ada.username) == ("Ada", "Lovelace", "ada@example.com")
    assert not ada.has_usable_password()
    assert ada.expertise.tags == ["api", "pricing"]
    assert ada.profile.language == "en"
    assert has_role(ada, Role.EXPERT)
    max_ = User.objects.get(email="max@example.com")
    assert set(max_.memberships.values_list("function", flat=True)) == {"manager"}
    assert has_role(max_, Role.MANAGER)
    erika = User.objects.get(email="erika@example.com")
    assert erika.memberships.get().weekly_capacity_hours == Decimal("8.5")
    assert erika.profile.language == "de"


def test_same_file_twice_changes_nothing(imported, lead):
    after_first = state()
    again = people_import(actor=lead, rows=parse_csv(CSV), apply=True)
    assert again.applied and not again.has_changes
    assert again.summary()["unchanged_people"] == 4
    assert state() == after_first


def test_changes_are_listed_and_applied(imported, lead):
    changed = CSV.replace(
        "ada@example.com,Ada Lovelace,product,expert,6,api; Pricing,no,en",
        "ADA@example.com,Ada King,product,communicator,3,api,yes,de",
    )
    dry = people_import(actor=lead, rows=parse_csv(changed))
    assert dry.summary() | {"rows": 0} == {
        "rows": 0,
        "new_people": 0,
        "changed_people": 1,
        "unchanged_people": 3,
        "missing_people": 0,
        "deactivated_people": 0,
        "memberships_added": 2,
        "memberships_changed": 0,
        "memberships_removed": 1,
        "errors": 0,
    }
    people_import(actor=lead, rows=parse_csv(changed), apply=True)
    ada = User.objects.get(email="ada@example.com")
    assert ada.last_name == "King"
    assert set(ada.memberships.values_list("function", flat=True)) == {"communicator", "manager"}
    assert ada.expertise.tags == ["api"]
    ada = User.objects.get(pk=ada.pk)  # roles are cached on the instance
    assert not has_role(ada, Role.EXPERT) and has_role(ada, Role.COMMUNICATOR) and has_role(ada, Role.MANAGER)


def test_memberships_in_other_disciplines_stay(imported, lead, disciplines):
    ada = User.objects.get(email="ada@example.com")
    Membership.objects.create(user=ada, discipline=disciplines["sales"], function="expert")
    plan = people_import(actor=lead, rows=parse_csv(CSV), apply=True)
    assert not plan.has_changes
    assert ada.memberships.filter(discipline__slug="sales").exists()


BAD = """email,name,discipline,function,weekly capacity
ok@example.com,Fine Person,product,expert,4
not-an-email,Bad Mail,product,expert,4
unknown@example.com,No Discipline,astrology,expert,4
negative@example.com,Negative,product,expert,-2
ok@example.com,Twice,product,expert,4
odd@example.com,Odd Function,product,wizard,4
"""


def test_bad_rows_are_reported_with_row_numbers_and_nothing_is_saved(disciplines, lead):
    before = state()
    plan = people_import(actor=lead, rows=parse_csv(BAD), apply=True)
    assert not plan.applied
    assert state() == before
    assert {(e.row, e.field) for e in plan.errors} == {
        (3, "email"),
        (4, "discipline"),
        (5, "weekly_capacity"),
        (6, "email"),
        (7, "function"),
    }
    duplicate = next(e for e in plan.errors if e.row == 6)
    assert "row 2" in duplicate.message


def test_missing_people_are_deactivated_only_when_asked(imported, lead):
    without_max = "\n".join(line for line in CSV.splitlines() if not line.startswith("max@"))
    plan = people_import(actor=lead, rows=parse_csv(without_max), apply=True)
    assert [email for _pk, email, _name in plan.missing] == ["max@example.com"]
    assert User.objects.get(email="max@example.com").is_active
    plan = people_import(actor=lead, rows=parse_csv(without_max), apply=True, deactivate_missing=True)
    assert plan.deactivated == 1
    max_ = User.objects.get(email="max@example.com")
    assert not max_.is_active and max_.memberships.exists()  # never deleted
    # Back in the file: reactivated.
    plan = people_import(actor=lead, rows=parse_csv(CSV), apply=True)
    assert User.objects.get(email="max@example.com").is_active


def test_queries_do_not_grow_with_rows(disciplines, lead):
    def queries(prefix, count):
        lines = ["email,name,discipline,function,weekly capacity,expertise,manager,language"]
        lines += [f"{prefix}{i}@example.com,Person {i},product,expert,4,a;b,no,de" for i in range(count)]
        with CaptureQueriesContext(connection) as captured:
            plan = people_import(actor=lead, rows=parse_csv("\n".join(lines)), apply=True)
        assert plan.applied and len(plan.new_people) == count
        return len(captured)

    queries("warm", 2)  # the role groups exist from now on
    assert queries("few", 5) == queries("many", 120)


# --- Pages ------------------------------------------------------------------------------------


def upload(client, content, **extra):
    return client.post(
        "/catalogue/people/import/",
        {"file": SimpleUploadedFile("people.csv", content.encode(), content_type="text/csv"), **extra},
    )


def test_page_dry_run_then_apply(client_for, lead, disciplines):
    client = client_for(lead)
    assert client.get("/catalogue/people/import/").status_code == 200
    response = upload(client, CSV)
    assert response.status_code == 200
    assert not User.objects.filter(email="ada@example.com").exists()
    assert b"ada@example.com" in response.content
    payload = response.context["payload"]
    response = client.post("/catalogue/people/import/", {"payload": payload})
    assert response.status_code == 302
    assert User.objects.filter(email="ada@example.com").exists()
    # The same form again: nothing changes.
    before = state()
    client.post("/catalogue/people/import/", {"payload": payload})
    assert state() == before


def test_page_refuses_a_tampered_payload(client_for, lead, disciplines):
    client = client_for(lead)
    payload = upload(client, CSV).context["payload"]
    response = client.post("/catalogue/people/import/", {"payload": payload[:-3] + "abc"}, follow=True)
    assert not User.objects.filter(email="ada@example.com").exists()
    assert b"Upload the file again" in response.content


def test_page_shows_errors_with_rows(client_for, lead, disciplines):
    response = upload(client_for(lead), BAD)
    assert response.status_code == 200
    assert b"astrology" in response.content
    assert b"Apply the import" not in response.content


def test_page_with_a_file_that_is_not_csv(client_for, lead, disciplines):
    response = upload(client_for(lead), "just some words")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_page_summarises_large_files(client_for, lead, disciplines):
    lines = ["email,name,discipline,function"] + [f"x{i}@example.com,X {i},product,expert" for i in range(300)]
    response = upload(client_for(lead), "\n".join(lines))
    assert response.context["summary"]["new_people"] == 300
    assert response.content.count(b"@example.com</small>") == 50


def test_sample_csv_imports_cleanly(client_for, lead, disciplines):
    response = client_for(lead).get("/catalogue/people/import/sample.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert people_import(actor=lead, rows=parse_csv(response.content)).ok
    assert response.content.decode() == sample_csv()


@pytest.mark.parametrize("persona", ["communicator", "expert", "manager", "executive", "outsider"])
def test_only_leads_and_admins_import(request, persona, client_for, api_for, disciplines):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get("/catalogue/people/import/").status_code == 403
    assert upload(client, CSV).status_code == 403
    assert client.get("/catalogue/people/import/sample.csv").status_code == 403
    response = api_for(user).post("/api/v1/people-import/", {"rows": [{"email": "a@example.com"}]}, format="json")
    assert response.status_code == 403
    assert not User.objects.filter(email="ada@example.com").exists()


def test_anonymous_is_sent_to_sign_in(client, api_for):
    assert client.get("/catalogue/people/import/").status_code == 302
    assert api_for().post("/api/v1/people-import/", {"rows": []}, format="json").status_code in (401, 403)


def test_admin_imports(client_for, superuser, disciplines):
    assert upload(client_for(superuser), CSV).status_code == 200


# --- API -----------------------------------------------------------------------------------------

JSON_ROWS = [
    {
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "discipline": "product",
        "function": "expert",
        "weekly_capacity": 6,
        "expertise": ["api", "pricing"],
        "manager": False,
        "language": "en",
    },
    {
        "email": "max@example.com",
        "name": "Max Mustermann",
        "discipline": "marketing",
        "function": "manager",
        "weekly_capacity": "2",
        "manager": True,
    },
]


def test_api_dry_run_and_apply(api_for, lead, disciplines):
    api = api_for(lead)
    dry = api.post("/api/v1/people-import/", {"rows": JSON_ROWS}, format="json")
    assert dry.status_code == 200, dry.content
    assert dry.json()["summary"]["new_people"] == 2 and not dry.json()["applied"]
    assert not User.objects.filter(email="ada@example.com").exists()
    applied = api.post("/api/v1/people-import/", {"rows": JSON_ROWS, "apply": True}, format="json")
    assert applied.status_code == 200 and applied.json()["applied"]
    assert applied.json()["summary"] == dry.json()["summary"]
    assert User.objects.get(email="ada@example.com").expertise.tags == ["api", "pricing"]
    again = api.post("/api/v1/people-import/", {"rows": JSON_ROWS, "apply": True}, format="json")
    assert again.json()["summary"]["unchanged_people"] == 2


def test_api_bad_rows_answer_400_with_row_numbers(api_for, lead, disciplines):
    rows = [*JSON_ROWS, {"email": "bad", "discipline": "product", "function": "expert", "weekly_capacity": -1}]
    response = api_for(lead).post("/api/v1/people-import/", {"rows": rows, "apply": True}, format="json")
    assert response.status_code == 400
    assert {(e["row"], e["field"]) for e in response.json()["errors"]} == {(3, "email"), (3, "weekly_capacity")}
    assert not User.objects.filter(email="ada@example.com").exists()


def test_api_malformed_body_is_a_400(api_for, lead, disciplines):
    api = api_for(lead)
    assert api.post("/api/v1/people-import/", {"rows": "nope"}, format="json").status_code == 400
    assert api.post("/api/v1/people-import/", {"rows": [1, 2]}, format="json").status_code == 400


# --- Management command ----------------------------------------------------------------------------


def test_command_dry_run_apply_and_deactivate(tmp_path, disciplines, capsys):
    path = tmp_path / "people.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("import_people", str(path))
    assert not User.objects.filter(email="ada@example.com").exists()
    assert "dry run" in capsys.readouterr().out
    call_command("import_people", str(path), "--apply")
    assert User.objects.filter(email="ada@example.com").exists()
    path.write_text("\n".join(line for line in CSV.splitlines() if not line.startswith("ada@")), encoding="utf-8")
    call_command("import_people", str(path), "--apply")
    assert User.objects.get(email="ada@example.com").is_active
    call_command("import_people", str(path), "--apply", "--deactivate-missing")
    assert not User.objects.get(email="ada@example.com").is_active


def test_command_with_bad_rows_fails_and_saves_nothing(tmp_path, disciplines, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_people", str(path), "--apply")
    assert "row 4: discipline" in capsys.readouterr().err
    assert not User.objects.filter(email="ok@example.com").exists()


def test_a_concurrent_change_saves_nothing_and_says_so(api_for, lead, disciplines, monkeypatch):
    from django.db import IntegrityError

    from disciplines import people_import as module

    def clash(plan):
        User.objects.bulk_create(plan.ops["new_users"])
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(module, "execute", clash)
    response = api_for(lead).post("/api/v1/people-import/", {"rows": JSON_ROWS, "apply": True}, format="json")
    assert response.status_code == 409 and "Try again" in response.json()["detail"]
    assert not User.objects.filter(email="ada@example.com").exists()


def test_excel_csv_with_semicolons_in_windows_1252(lead, disciplines):
    content = (
        "E-Mail;Vorname;Nachname;Disziplin;Funktion;Wochenstunden\n"
        "j.mueller@example.com;Jörg;Müller;Vertrieb;Experte;2,5\n"
    )
    plan = people_import(actor=lead, rows=parse_csv(content.encode("cp1252")), apply=True)
    assert plan.applied, plan.errors
    assert User.objects.get(email="j.mueller@example.com").last_name == "Müller"
