"""The landing page of the one-click links in experts' e-mails (content_workflow/email_links.py).

GET shows what the link will do, for that one request, with one button (and the reason
or input fields where the action needs them); POST does it through the same service as
the request's own page, as the person the link was sent to, claiming the link in the
same transaction. No sign-in needed; signed in as someone else, the link is refused.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from content_workflow import email_links, page_queries
from content_workflow.email_links import LinkProblem
from content_workflow.models import ExpertInputRequest
from content_workflow.views.requests import ACTIONS, FIELD_ALIASES, run_action
from governance.access import log_denied
from governance.errors import DomainError
from governance.form_errors import add_service_errors


def _sign_in_url(request_id):
    detail = reverse("content_workflow:request_detail", args=[request_id])
    return f"{reverse('login')}?next={detail}"


def _problem(request, problem):
    if problem.code == "someone_else":
        log_denied(request.user, "email_link", f"request:{problem.link.request_id}")
    return render(
        request,
        "content_workflow/email_link_problem.html",
        {"message": problem.message, "sign_in": _sign_in_url(problem.link.request_id) if problem.link else None},
        status=403 if problem.code == "someone_else" else 410 if problem.code in ("expired", "used") else 400,
    )


def _moved_on(request, item):
    return render(
        request,
        "content_workflow/email_link_problem.html",
        {
            "message": _("This request has moved on and is now “%(status)s”, so the link does nothing.")
            % {"status": item.get_status_display()},
            "sign_in": _sign_in_url(item.pk),
        },
        status=409,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def email_link(request, token):
    try:
        link = email_links.read(token, viewer=request.user)
    except LinkProblem as problem:
        return _problem(request, problem)
    user = link.user()
    item = ExpertInputRequest.objects.select_related("target_discipline").filter(pk=link.request_id).first()
    if user is None or item is None:
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
                return _moved_on(request, item)
            else:
                return render(
                    request,
                    "content_workflow/email_link_done.html",
                    {"item": item, "message": spec.done, "sign_in": _sign_in_url(item.pk)},
                )
    else:
        if link.action not in page_queries.available_actions(user, item):
            return _moved_on(request, item)
        form = spec.form()
    return render(
        request,
        "content_workflow/email_link.html",
        {"item": item, "spec": spec, "form": form, "action": link.action, "person": user},
    )
