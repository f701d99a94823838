"""The people import page: upload a CSV, read the dry run, apply it.

Governance leads and admins only (others 403), checked here and again by the service.
Uploading runs a dry run and saves nothing. The "Apply" button posts back the file's
content, compressed and signed by the server for this user (valid for an hour), never a
diff: the server verifies the signature, reads the file again and re-plans inside the
transaction that applies it. That keeps the web tier stateless (no upload stored on one
machine) and a tampered or stale form is refused with a message.
"""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from disciplines import people_import
from disciplines.views import _render, editor_view

MAX_FILE_BYTES = 5 * 1024 * 1024
SHOWN = 50  # of each kind of change on the page; the counts are always complete
SIGNED_MAX_AGE = 3600


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "One line per person: e-mail, name (or first and last name), discipline, function, "
            "weekly capacity, expertise (separated by ; or |), manager (yes/no), language."
        ),
    )
    deactivate_missing = forms.BooleanField(
        label=gettext_lazy("Deactivate people who are not in the file"),
        required=False,
        help_text=gettext_lazy(
            "People with a membership whom the file does not list can no longer sign in. Nobody is deleted."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB; split it."))
        return upload


def _salt(user):
    return f"disciplines.people_import:{user.pk}"


def _sign(user, content, deactivate_missing):
    return signing.dumps({"csv": content, "deactivate": deactivate_missing}, salt=_salt(user), compress=True)


def _unsign(user, token):
    return signing.loads(token, salt=_salt(user), max_age=SIGNED_MAX_AGE)


def _result_context(plan):
    return {
        "plan": plan,
        "summary": plan.summary(),
        "new_people": plan.new_people[:SHOWN],
        "changed_people": plan.changed_people[:SHOWN],
        "missing_people": plan.missing[:SHOWN],
        "shown": SHOWN,
        "errors_hidden": plan.error_count - len(plan.errors),
    }


@editor_view
def people_import_page(request):
    context = {"sample_url": reverse("disciplines:people_import_sample")}
    if request.method == "POST" and "payload" in request.POST:
        return _apply(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        content = form.cleaned_data["file"].read()
        deactivate = form.cleaned_data["deactivate_missing"]
        try:
            rows = people_import.parse_csv(content)
        except people_import.ImportError_ as exc:
            form.add_error("file", exc.messages)
        else:
            plan = people_import.people_import(actor=request.user, rows=rows, deactivate_missing=deactivate)
            text = people_import.decode(content)  # parse_csv has read it as this text
            context.update(_result_context(plan), payload=_sign(request.user, text, deactivate), deactivate=deactivate)
    context["form"] = form
    return _render(request, "disciplines/people_import.html", context)


def _apply(request):
    try:
        data = _unsign(request.user, request.POST["payload"])
    except signing.SignatureExpired:
        messages.error(request, _("The dry run is more than an hour old. Upload the file again."))
        return redirect("disciplines:people_import")
    except signing.BadSignature:
        messages.error(request, _("The form was changed or belongs to someone else. Upload the file again."))
        return redirect("disciplines:people_import")
    try:
        rows = people_import.parse_csv(data["csv"])
        plan = people_import.people_import(
            actor=request.user, rows=rows, apply=True, deactivate_missing=bool(data["deactivate"])
        )
    except people_import.ImportError_ as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("disciplines:people_import")
    except PermissionDenied:
        raise
    if not plan.applied:
        # The data changed since the dry run and a row no longer fits: show why.
        messages.error(request, _("Nothing was saved: some rows have errors now."))
        context = {"form": UploadForm(), "sample_url": reverse("disciplines:people_import_sample")}
        context.update(_result_context(plan), payload=request.POST["payload"], deactivate=data["deactivate"])
        return _render(request, "disciplines/people_import.html", context)
    summary = plan.summary()
    messages.success(
        request,
        _(
            "Import applied: %(new)s new people, %(changed)s changed, %(unchanged)s unchanged, "
            "%(deactivated)s deactivated."
        )
        % {
            "new": summary["new_people"],
            "changed": summary["changed_people"],
            "unchanged": summary["unchanged_people"],
            "deactivated": summary["deactivated_people"],
        },
    )
    return redirect("disciplines:people_import")


@require_safe
@editor_view
def people_import_sample(request):
    response = HttpResponse(people_import.sample_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people-sample.csv"'
    return response
