"""Pages of expert input requests: ask, follow, accept, decline, deliver, complete.

Thin views. Every read starts from `ExpertInputRequest.objects.visible_to(user)` (through
the selectors), so someone else's request is a 404 by construction. Every POST calls one
service: a `ValidationError` becomes a form error on the same page, a `DomainError` (an
illegal transition, a decided allocation) an error message on the request's page, and
`PermissionDenied` a 403. Nothing ends in a 500, and a refusal leaves nothing written.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from content_workflow import page_queries, selectors, services
from content_workflow.api.filters import PAGE_FILTERS, ExpertRequestFilter
from content_workflow.expert_search import expert_search
from content_workflow.forms import (
    CancelForm,
    CompleteForm,
    ConfirmForm,
    DeclineForm,
    DeliverForm,
    RatingForm,
    RequestFilterForm,
    RequestForm,
)
from content_workflow.models import Attachment, ContentPiece, Contribution, TimeAllocationRequest
from content_workflow.permissions import can_edit_piece, can_edit_request, can_request, rating_edit_until
from content_workflow.planning import due_date_problem
from content_workflow.submissions import AlreadySubmitted, submission_claim, submission_record
from governance.access import log_denied
from governance.errors import DomainError
from governance.form_errors import add_service_errors
from governance.pagination import KeysFirstPaginator
from governance.suggestions import suggestions

PER_PAGE = 25
# Service errors name a few fields differently from the form.
FIELD_ALIASES = {"tags": "topic_tags"}


def _detail_url(item):
    return reverse("content_workflow:request_detail", args=[item.pk])


def _already_sent(request, exc, text):
    """A form sent a second time: show what the first post made, with `text`."""
    if exc.object_id is None:
        messages.info(request, _("This form was sent already."))
        return redirect("content_workflow:request_list")
    messages.info(request, text)
    return redirect("content_workflow:request_detail", pk=exc.object_id)


# --- Asking --------------------------------------------------------------------------------


def _budget_context(form, disciplines):
    """The budget table of the request form: what is left per discipline for the next
    months (and the due month, once known), with the chosen cell marked."""
    today = timezone.localdate()
    months = page_queries.months_from(today, 3)
    due = discipline_id = None
    if form.is_bound:
        due = form.cleaned_data.get("due_date") if hasattr(form, "cleaned_data") else None
        discipline_id = form.data.get("target_discipline")
    else:
        due = form.initial.get("due_date")
        discipline_id = form.initial.get("target_discipline")
    chosen_month = page_queries.month_start(due) if due else None
    if chosen_month and chosen_month not in months and chosen_month > months[0]:
        months.append(chosen_month)
    rows = page_queries.remaining_budgets(disciplines, months)
    chosen = {"discipline": str(discipline_id or ""), "month": chosen_month}
    for row in rows:
        if str(row.discipline.pk) == chosen["discipline"]:
            chosen["row"] = row
            chosen["remaining"] = dict(row.cells).get(chosen_month, None) if chosen_month else None
    return {
        "budget_rows": [row for row in rows if row.has_budget],
        "no_budget": [row.discipline for row in rows if not row.has_budget],
        "budget_months": months,
        "chosen": chosen,
    }


def _form_page(request, form, *, item=None, disciplines=None, scope=None, piece=None):
    context = {"form": form, "item": item, "scope": scope, "piece": piece}
    if disciplines is not None:
        context.update(_budget_context(form, disciplines))
    return render(request, "content_workflow/request_form.html", context)


def _request_form(request, *, initial=None):
    disciplines, scope = selectors.askable_disciplines(request.user)
    form = RequestForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        disciplines=disciplines,
        scope=scope,
        requester=request.user,
    )
    return form, disciplines, scope


def _piece_for(request):
    """The content piece a new request feeds (`?piece=<id>`, kept in the form), or None.
    A piece the user may not see is a 404; one they may not edit, a 403."""
    wanted = request.POST.get("piece") or request.GET.get("piece") or ""
    if not wanted:
        return None
    if not wanted.isdigit():
        raise Http404
    piece = get_object_or_404(ContentPiece.objects.visible_to(request.user), pk=int(wanted))
    if not can_edit_piece(request.user, piece):
        log_denied(request.user, "request_create_for_piece", f"piece:{piece.pk}")
        raise PermissionDenied
    return piece


def _initial_for_piece(piece):
    """The request form pre-filled from a piece: what it is for, and a due date a week
    before it is planned to go out (when that is a date the form accepts)."""
    initial = {
        "title": _("Input for: %(title)s") % {"title": piece.title},
        "content_piece": piece.title,
        "channel": piece.channel,
        "format": piece.format,
    }
    if piece.planned_publish_date:
        due = piece.planned_publish_date - timedelta(days=7)
        if not due_date_problem(due):
            initial["due_date"] = due
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request):
    piece = _piece_for(request)
    form, disciplines, scope = _request_form(request, initial=_initial_for_piece(piece) if piece else None)
    if scope.is_empty:
        # Nobody to ask: say why, instead of a form that can only fail.
        return render(request, "content_workflow/request_form.html", {"form": None, "scope": scope, "blocked": True})
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("intent") == "submit"
        try:
            with transaction.atomic():
                claim = submission_claim(form, user=request.user, kind="request_create")
                item = services.request_create(actor=request.user, submit=submit, piece=piece, **form.service_fields())
                submission_record(claim, item)
        except AlreadySubmitted as exc:
            return _already_sent(request, exc, _("This was already sent; here is the request you made."))
        except ValidationError as exc:
            add_service_errors(form, exc, rename=FIELD_ALIASES)
        else:
            if submit:
                messages.success(request, _("Your request is submitted. Routing looks for the best expert."))
            else:
                messages.success(request, _("Saved as a draft. Submit it when it is ready."))
            return redirect(_detail_url(item))
    return _form_page(request, form, disciplines=disciplines, scope=scope, piece=piece)


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request, pk):
    item = get_object_or_404(selectors.request_list(request.user), pk=pk)
    if not can_edit_request(request.user, item):
        if item.requester_id != request.user.pk:
            log_denied(request.user, "request_edit", f"request:{item.pk}")
            raise PermissionDenied
        messages.error(request, _("Only a draft can be changed."))
        return redirect(_detail_url(item))
    form, disciplines, scope = _request_form(request, initial=RequestForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("intent") == "submit"
        try:
            # Save and submit together or not at all: a refused submit keeps the old draft.
            with transaction.atomic():
                item = services.request_update(request=item, actor=request.user, **form.service_fields())
                if submit:
                    item = services.request_submit(request=item, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc, rename=FIELD_ALIASES)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(_detail_url(item))
        else:
            if submit:
                messages.success(request, _("Your request is submitted. Routing looks for the best expert."))
            else:
                messages.success(request, _("Draft saved."))
            return redirect(_detail_url(item))
    return _form_page(request, form, item=item, disciplines=disciplines, scope=scope)


@login_required
@require_safe
def expert_suggestions(request):
    """Suggestions for the request form's preferred expert: the experts of the
    disciplines the user may ask (of one with ?target_discipline=<id>) matching ?q=.
    Anything unexpected just matches nobody."""
    disciplines, _scope = selectors.askable_disciplines(request.user)
    wanted = request.GET.get("target_discipline", "")
    if wanted:
        disciplines = disciplines.filter(pk=int(wanted)) if wanted.isdigit() else disciplines.none()
    experts = expert_search(disciplines, query=request.GET.get("q", "")[:100], exclude_user=request.user)
    return suggestions(
        request,
        experts,
        value=lambda m: m.user.get_username(),
        label=lambda m: f"{m.user.get_full_name() or m.user.get_username()} · {m.discipline.label}",
    )


# --- Following -----------------------------------------------------------------------------


def filtered_requests(request):
    """(filter form, rows, drill-down filters, their problems) of the request list for
    these GET parameters: the page and its CSV export (views/exports.py) show the same
    rows. A drill-down filter that is not valid matches nothing and says why."""
    filters = RequestFilterForm(request.GET or None)
    values = filters.values()
    rows = page_queries.request_rows(request.user, mine=values["mine"], status=values["status"], query=values["q"])
    # The drill-down from the dashboards' figures: the API's filters, the same rules.
    drill_down = {name: request.GET[name] for name in PAGE_FILTERS if request.GET.get(name)}
    problems = []
    if drill_down:
        filterset = ExpertRequestFilter(drill_down, queryset=rows)
        if filterset.is_valid():
            rows = filterset.qs
        else:
            rows = rows.none()
            problems = [message for messages in filterset.errors.values() for message in messages]
    return filters, rows, drill_down, problems


@login_required
@require_safe
def request_list(request):
    filters, rows, drill_down, problems = filtered_requests(request)
    page = KeysFirstPaginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "content_workflow/request_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "filtered": any(request.GET.get(name) for name in ("q", "status", "show", *PAGE_FILTERS)),
            "drill_down": drill_down,
            "drill_down_problems": problems,
            "can_request": can_request(request.user),
        },
    )


@login_required
@require_safe
def request_detail(request, pk):
    item = get_object_or_404(selectors.request_detail(request.user), pk=pk)
    actions = page_queries.available_actions(request.user, item)
    try:
        contribution = item.contribution
    except Contribution.DoesNotExist:
        contribution = None
    budget, remaining = page_queries.budget_for(item)
    return render(
        request,
        "content_workflow/request_detail.html",
        {
            "item": item,
            "actions": actions,
            "events": item.events.all(),
            "contribution": contribution,
            "attachments": contribution.attachments.all() if contribution else (),
            "completion": page_queries.completion(item),
            "allocation": page_queries.pending_allocation(item),
            "offer": page_queries.pending_offer(item),
            "budget": budget,
            "remaining": remaining,
            # The forms the page shows in place (each posts to its action's URL).
            "complete_form": CompleteForm() if "complete" in actions else None,
            "rating_form": RatingForm(initial=RatingForm.initial_for(contribution)) if "rate" in actions else None,
            "rating_edit_until": rating_edit_until(item) if "rate" in actions else None,
            "rating_edit_days": settings.RATING_EDIT_DAYS,
            "deliver_form": DeliverForm() if "deliver" in actions else None,
            "decline_form": DeclineForm() if "decline" in actions else None,
            "is_requester": item.requester_id == request.user.pk,
        },
    )


@login_required
@require_safe
def attachment_download(request, pk):
    """A contribution's file, as a download, for anyone who may see the request."""
    try:
        attachment = selectors.attachment_for_download(request.user, pk)
    except Attachment.DoesNotExist:
        raise Http404 from None
    try:
        return attachment.download_response()
    except FileNotFoundError:
        raise Http404 from None


# --- Actions: one URL each, one service each ----------------------------------------------------


@dataclass(frozen=True)
class Action:
    form: type
    title: str
    intro: str
    button: str
    done: str
    danger: bool = False
    back_to_work: bool = False  # after declining, the request is no longer the expert's


ACTIONS = {
    "submit": Action(
        ConfirmForm,
        gettext_lazy("Submit the request"),
        gettext_lazy(
            "Routing then looks for the best expert with time and reserves the hours in the discipline's budget."
        ),
        gettext_lazy("Submit"),
        gettext_lazy("Your request is submitted. Routing looks for the best expert."),
    ),
    "cancel": Action(
        CancelForm,
        gettext_lazy("Cancel the request"),
        gettext_lazy(
            "Reserved hours go back to the budget, a pending request for more time is withdrawn and the expert "
            "is told. This cannot be undone."
        ),
        gettext_lazy("Cancel the request"),
        gettext_lazy("The request is cancelled."),
        danger=True,
    ),
    "accept": Action(
        ConfirmForm,
        gettext_lazy("Accept the request"),
        gettext_lazy("You confirm that you will deliver your input by the due date. The requester is told."),
        gettext_lazy("Accept"),
        gettext_lazy("Accepted. The requester is told."),
    ),
    "decline": Action(
        DeclineForm,
        gettext_lazy("Decline the request"),
        gettext_lazy("The reserved hours go back to the budget and routing asks someone else, never you again."),
        gettext_lazy("Decline"),
        gettext_lazy("Declined. Routing looks for someone else."),
        back_to_work=True,
    ),
    "deliver": Action(
        DeliverForm,
        gettext_lazy("Deliver your input"),
        gettext_lazy("The requester is told at once, and your hours are booked."),
        gettext_lazy("Deliver"),
        gettext_lazy("Delivered. The requester is told."),
    ),
    "complete": Action(
        CompleteForm,
        gettext_lazy("Complete and rate"),
        gettext_lazy("Close the request, rate how useful the input was and thank the expert."),
        gettext_lazy("Complete"),
        gettext_lazy("Completed. The expert sees your rating and thanks."),
    ),
    "rate": Action(
        RatingForm,
        gettext_lazy("Change the rating"),
        gettext_lazy(
            "For a few days after completing you may correct the rating and the thank-you note. "
            "The timeline keeps the change; the expert and their managers see the new rating."
        ),
        gettext_lazy("Save the rating"),
        gettext_lazy("The rating is saved. The expert and their managers see it."),
    ),
    "accept_offer": Action(
        ConfirmForm,
        gettext_lazy("Accept the smaller estimate"),
        gettext_lazy("A manager approved fewer hours than asked. Accept the smaller estimate and routing continues."),
        gettext_lazy("Accept the smaller estimate"),
        gettext_lazy("The smaller estimate is accepted; routing continues."),
    ),
    "withdraw": Action(
        CancelForm,
        gettext_lazy("Withdraw the request"),
        gettext_lazy("Rather than going ahead with fewer hours, the request is cancelled. This cannot be undone."),
        gettext_lazy("Withdraw the request"),
        gettext_lazy("The request is withdrawn."),
        danger=True,
    ),
}


# What a repeated post of a once-only action says on the request's page.
ONCE_MESSAGES = {
    "deliver": gettext_lazy("This was already sent; here is the request with the input you delivered."),
    "complete": gettext_lazy("This was already sent; here is the request you completed."),
}


class NoOffer(DomainError):
    def __init__(self):
        super().__init__(_("No smaller estimate is waiting for your answer."), code="no_offer")


def _offer(user, item):
    offer = (
        TimeAllocationRequest.objects.visible_to(user)
        .filter(request=item, status=TimeAllocationRequest.Status.PARTIALLY_APPROVED)
        .first()
    )
    if offer is None:
        raise NoOffer()
    return offer


def run_action(action, item, user, form):
    """Call the one service behind `action`."""
    kwargs = form.service_kwargs()
    if action == "accept_offer":
        return services.allocation_accept_offer(allocation=_offer(user, item), actor=user)
    if action == "withdraw":
        return services.allocation_withdraw(allocation=_offer(user, item), actor=user, **kwargs)
    service = {
        "submit": services.request_submit,
        "cancel": services.request_cancel,
        "accept": services.request_accept,
        "decline": services.request_decline,
        "deliver": services.request_deliver,
        "complete": services.request_complete,
        "rate": services.request_rating_change,
    }[action]
    return service(request=item, actor=user, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def request_action(request, pk, action):
    """GET: the action's form or confirmation. POST: do it, through one service."""
    spec = ACTIONS[action]
    item = get_object_or_404(selectors.request_list(request.user).prefetch_related("allocations"), pk=pk)
    if request.method == "POST":
        form = spec.form(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    # Delivering and completing are sent once (a contribution, thanks).
                    claim = submission_claim(form, user=request.user, kind=f"request_{action}")
                    run_action(action, item, request.user, form)
                    submission_record(claim, item)
            except AlreadySubmitted as exc:
                return _already_sent(request, exc, ONCE_MESSAGES[action])
            except ValidationError as exc:
                add_service_errors(form, exc, rename=FIELD_ALIASES)
            except DomainError as exc:
                messages.error(request, exc.message)
                return redirect(_detail_url(item))
            else:
                messages.success(request, spec.done)
                return redirect("content_workflow:work" if spec.back_to_work else _detail_url(item))
    else:
        if action not in page_queries.available_actions(request.user, item):
            messages.info(request, _("This is not possible for this request now."))
            return redirect(_detail_url(item))
        form = spec.form(initial=_initial(action, item))
    return render(
        request,
        "content_workflow/request_action.html",
        {
            "item": item,
            "action": action,
            "spec": spec,
            "form": form,
            "offer": page_queries.pending_offer(item),
            "rating_edit_days": settings.RATING_EDIT_DAYS,
        },
    )


def _initial(action, item):
    """A changed rating starts from the one given."""
    if action == "rate":
        return RatingForm.initial_for(item.contribution)
    return None


# --- The expert's side ----------------------------------------------------------------------


@login_required
@require_safe
def work(request):
    return render(
        request,
        "content_workflow/work.html",
        {
            **page_queries.work_sections(request.user),
            "recent": list(page_queries.contributions_of(request.user)[:3]),
        },
    )


@login_required
@require_safe
def contributions(request):
    page = KeysFirstPaginator(page_queries.contributions_of(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "content_workflow/work_contributions.html", {"page_obj": page})
