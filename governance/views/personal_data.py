"""Personal data pages (governance/personal_data.py holds the rules and the writes).

- /accounts/profile/data.json: the signed-in person's own data (no id in the URL).
- /accounts/people/<id>/data.json and /accounts/people/<id>/erase/: admins only; anyone
  else gets a 403 (and is logged), an unknown id a 404. Erasing asks for confirmation
  first (GET shows what will happen, POST with the confirmation box erases).
- /privacy/: the processing record (what is stored and why), for everyone signed in.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from governance import personal_data
from governance.access import log_denied


def _download(data, user):
    body = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="personal-data-{user.pk}.json"'
    return response


@require_safe
@login_required
def my_data(request):
    return _download(personal_data.personal_data_export(actor=request.user, user=request.user), request.user)


def _admin_only(request, action):
    if not personal_data.can_erase(request.user):
        log_denied(request.user, action, request.path)
        raise PermissionDenied


@require_safe
@login_required
def person_data(request, pk):
    _admin_only(request, "personal_data_export")
    person = get_object_or_404(get_user_model(), pk=pk)
    return _download(personal_data.personal_data_export(actor=request.user, user=person), person)


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that this cannot be undone."),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_erase(request, pk):
    _admin_only(request, "personal_data_erase")
    person = get_object_or_404(get_user_model(), pk=pk)
    form = EraseForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            report = personal_data.personal_data_erase(actor=request.user, user=person)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("The personal data of account %(id)s is erased; %(replaced)s mentions were replaced.")
                % {"id": person.pk, "replaced": report["replaced"]},
            )
            return redirect(reverse("admin:auth_user_change", args=[person.pk]))
    context = {
        "person": person,
        "form": form,
        "pseudonym": personal_data.pseudonym_text(person),
        "snapshots": personal_data.name_snapshots(person),
        "open_work": personal_data.open_work(person),
    }
    return render(request, "governance/personal_data_erase.html", context)


# The processing record: (what, why, who sees it, how long). Keep it in step with
# governance/personal_data.py when a model starts holding something about people.
PROCESSING_RECORD = [
    (
        gettext_lazy("Account: name, user name, e-mail, password (hashed), last sign-in, roles"),
        gettext_lazy("Signing in, addressing people in pages and e-mails, deciding who may do what."),
        gettext_lazy("Everyone signed in sees names; admins see the rest."),
        gettext_lazy("While the account exists. On erasure: replaced by a pseudonym, account deactivated."),
    ),
    (
        gettext_lazy("Preferences: language, weekly summary, notification e-mails"),
        gettext_lazy("Writing to people in their language and as often as they chose."),
        gettext_lazy("The person; admins."),
        gettext_lazy("Until changed; deleted on erasure."),
    ),
    (
        gettext_lazy("Memberships: discipline, function, weekly hours for social media"),
        gettext_lazy("Routing requests to experts, budgets and approvals by managers."),
        gettext_lazy("Everyone signed in."),
        gettext_lazy("Until changed or ended by the people import; deleted on erasure."),
    ),
    (
        gettext_lazy("Expertise and absences: topic tags, profile text, absences, deputies, consent to be named"),
        gettext_lazy("Finding the right expert, skipping people who are away, deputies approving for the absent."),
        gettext_lazy("Everyone signed in; names on the dashboard only with the person's consent."),
        gettext_lazy("Until changed; deleted on erasure."),
    ),
    (
        gettext_lazy("Job profiles and assessments: role, competency levels, who assessed, comments"),
        gettext_lazy("Comparing skills with the job profile, planning training."),
        gettext_lazy("The person, their manager, governance leads."),
        gettext_lazy("Assessments are deleted automatically after the retention period; on erasure at once."),
    ),
    (
        gettext_lazy("Requests and contributions: briefs, input, hours spent, ratings, thanks"),
        gettext_lazy("The expert input workflow and its figures (budget use, lead times)."),
        gettext_lazy("Requester, assignee, the discipline's managers, leads, people it was shared with."),
        gettext_lazy("Kept as the company's work record; after erasure they show the pseudonym."),
    ),
    (
        gettext_lazy("Timelines and the budget ledger: who did what, when"),
        gettext_lazy("An audit trail that cannot be changed, and budgets that add up."),
        gettext_lazy("Those who see the request or the budget."),
        gettext_lazy("Never changed (append-only); they point at the pseudonymised account after erasure."),
    ),
    (
        gettext_lazy("Notifications: the in-app inbox and e-mails sent"),
        gettext_lazy("Telling people what needs them."),
        gettext_lazy("The recipient."),
        gettext_lazy("Until deleted; deleted on erasure."),
    ),
    (
        gettext_lazy("Security: sessions, API tokens, failed sign-ins (user name, address)"),
        gettext_lazy("Keeping accounts safe: sign-in, locking out guessing."),
        gettext_lazy("Admins."),
        gettext_lazy("Sessions until they expire; tokens until revoked; deleted on erasure."),
    ),
]


@require_safe
@login_required
def processing_record(request):
    from django.conf import settings

    return render(
        request,
        "governance/processing_record.html",
        {
            "record": PROCESSING_RECORD,
            "retention_days": settings.ASSESSMENT_RETENTION_DAYS,
            "person_figures": settings.PERSON_FIGURES,
        },
    )
