"""The landing page of the one-click links in experts' e-mails (content_workflow/email_links.py).

GET shows what the link will do, for that one request (or final check), with one
button (and the reason, input or hours fields where the action needs them); POST does it
through the same service as the app's own pages, as the person the link was sent to,
claiming the link in the same transaction. No sign-in needed; signed in as someone else,
the link is refused.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from content_workflow import email_links, page_queries, services
from content_workflow.email_links import APPROVE_CHECK, LinkProblem
from content_workflow.forms_pieces import check_hours_field, quote_consent_field
from content_workflow.models import ExpertInputRequest, FinalCheck
from content_workflow.piece_transitions import PieceStatus
from content_workflow.views.requests import ACTIONS, FIELD_ALIASES, run_action
from governance.access import log_denied
from governance.errors import DomainError
from governance.form_errors import add_service_errors


class ApproveCheckForm(forms.Form):
    """Approve from the e-mail, with one optional comment (then: approved with changes)."""

    label = forms.ChoiceField(
        label=gettext_lazy("A change to make (optional): it is about"),
        required=False,
        choices=[("", "—"), *FinalCheck.Label.choices],
    )
    text = forms.CharField(
        label=gettext_lazy("What must change"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    hours_spent = check_hours_field()
    quote_consent = quote_consent_field()

    def service_kwargs(self):
        data = self.cleaned_data
        comment = {"label": data["label"], "text": data["text"]}
        verdict = (
            FinalCheck.Verdict.APPROVED_WITH_CHANGES if data["text"] or data["label"] else FinalCheck.Verdict.APPROVED
        )
        return {
            "verdict": verdict,
            "comments": [comment] if verdict != FinalCheck.Verdict.APPROVED else [],
            "hours_spent": data["hours_spent"],
            "quote_consent": data["quote_consent"],
        }


def _sign_in_url(link):
    if link.action == APPROVE_CHECK:
        piece_id = FinalCheck.objects.filter(pk=link.object_id).values_list("piece_id", flat=True).first()
        detail = reverse("content_workflow:piece_detail", args=[piece_id]) if piece_id else reverse("home")
    else:
        detail = reverse("content_workflow:request_detail", args=[link.object_id])
    return f"{reverse('login')}?next={detail}"


def _problem(request, problem):
    if problem.code == "someone_else":
        log_denied(request.user, "email_link", f"{problem.link.action}:{problem.link.object_id}")
    return render(
        request,
        "content_workflow/email_link_problem.html",
        {"message": problem.message, "sign_in": _sign_in_url(problem.link) if problem.link else None},
        status=403 if problem.code == "someone_else" else 410 if problem.code in ("expired", "used") else 400,
    )


def _moved_on(request, link, status_label):
    return render(
        request,
        "content_workflow/email_link_problem.html",
        {
            "message": _("This has moved on and is now “%(status)s”, so the link does nothing.")
            % {"status": status_label},
            "sign_in": _sign_in_url(link),
        },
        status=409,
    )


def _done(request, link, title, message):
    return render(
        request,
        "content_workflow/email_link_done.html",
        {"title": title, "message": message, "sign_in": _sign_in_url(link)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def email_link(request, token):
    try:
        link = email_links.read(token, viewer=request.user)
    except LinkProblem as problem:
        return _problem(request, problem)
    user = link.user()
    if user is None:
        return _problem(request, LinkProblem("invalid"))
    if link.action == APPROVE_CHECK:
        return _approve_check(request, link, user)
    item = ExpertInputRequest.objects.select_related("target_discipline").filter(pk=link.object_id).first()
    if item is None:
        return _problem(request, LinkProblem("invalid"))
    spec = ACTIONS[link.action]
    if request.method == "POST":
        form = spec.form(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic(), email_links.used(link):
                    run_action(link.action, item, user, form)
            except LinkProblem as problem:
                return _problem(request, problem)
            except ValidationError as exc:
                add_service_errors(form, exc, rename=FIELD_ALIASES)
            except (DomainError, PermissionDenied):
                item.refresh_from_db()
                return _moved_on(request, link, item.get_status_display())
            else:
                return _done(request, link, item.title, spec.done)
    else:
        if link.action not in page_queries.available_actions(user, item):
            return _moved_on(request, link, item.get_status_display())
        form = spec.form()
    return render(
        request,
        "content_workflow/email_link.html",
        {"item": item, "spec": spec, "form": form, "action": link.action, "person": user},
    )


def _approve_check(request, link, user):
    check = FinalCheck.objects.select_related("piece").filter(pk=link.object_id, expert=user).first()
    if check is None:
        return _problem(request, LinkProblem("invalid"))
    piece = check.piece
    open_now = check.is_pending and piece.status == PieceStatus.IN_FINAL_CHECK and piece.version == check.version
    if not open_now:
        label = check.get_verdict_display() if not check.is_pending else piece.get_status_display()
        return _moved_on(request, link, label)
    form = ApproveCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(), email_links.used(link):
                services.final_check_answer(check=check, actor=user, **form.service_kwargs())
        except LinkProblem as problem:
            return _problem(request, problem)
        except ValidationError as exc:
            add_service_errors(form, exc, rename={"comments": "text"})
        except (DomainError, PermissionDenied):
            piece.refresh_from_db()
            return _moved_on(request, link, piece.get_status_display())
        else:
            return _done(request, link, piece.title, _("Approved. The owner is told."))
    return render(
        request,
        "content_workflow/email_link_check.html",
        {"check": check, "piece": piece, "form": form, "person": user},
    )
