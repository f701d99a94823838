"""A discipline manager's pages: time budgets, time allocation requests and the team.

Managers act for their disciplines (deputies while granted, admins for all); governance
leads and executives read everything here and change nothing: every form answers them
403. Anyone else gets 403 on these pages. An object outside what the user may see is a
404 (restrict first, then look up). Reads come from the selectors and manage_queries;
each form posts to a view that calls exactly one service, whose ValidationError becomes
a form error and whose domain refusal a form error or a message, never a 500. The
services run in a transaction, so a refusal leaves nothing half-written.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from content_workflow import selectors, services
from content_workflow.expert_search import askable_experts, expert_search
from content_workflow.forms_manage import (
    AllocationApproveForm,
    AllocationReassignForm,
    AllocationRejectForm,
    BudgetAdjustForm,
    BudgetApproveForm,
)
from content_workflow.manage_queries import (
    BudgetRow,
    acting_discipline_ids,
    acting_disciplines,
    allocation_queue,
    bar_scale,
    budget_rows,
    may_open_manage_pages,
    month_param,
    month_start,
    parse_month,
    shift_month,
)
from content_workflow.models import TimeAllocationRequest
from content_workflow.models.messages import format_hours
from content_workflow.permissions import can_decide_allocation, reads_everything
from content_workflow.services import AllocationDecided
from content_workflow.submissions import AlreadySubmitted, submission_claim, submission_record
from content_workflow.team_queries import team_experts, team_summaries, with_figures
from disciplines.models import Discipline
from governance.access import log_denied
from governance.errors import DomainError
from governance.form_errors import add_service_errors
from governance.pagination import KeysFirstPaginator
from governance.suggestions import suggestions

ALLOCATIONS_PER_PAGE = 25
ENTRIES_PER_PAGE = 50
EXPERTS_PER_PAGE = 25


# --- Access ------------------------------------------------------------------------------------


def manage_page(view):
    """Signed in and a manager, deputy, governance lead, executive or admin; sets
    `request.acting_ids`, the disciplines the user acts for (empty for readers)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.acting_ids = acting_discipline_ids(request.user)
        if not may_open_manage_pages(request.user, request.acting_ids):
            log_denied(request.user, view.__name__, kwargs.get("pk", ""))
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def acting_required(view):
    """Only those who act for at least one discipline; readers get 403."""

    @manage_page
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.acting_ids:
            log_denied(request.user, view.__name__, kwargs.get("pk", ""))
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _month_url(month):
    return f"{reverse('content_workflow:budget_list')}?month={month_param(month)}"


# --- Budgets -------------------------------------------------------------------------------------


@manage_page
def budget_list(request):
    today = timezone.localdate()
    this_month = month_start(today)
    month = parse_month(request.GET.get("month"), default=this_month)
    acting = list(acting_disciplines(request.acting_ids))
    rows = budget_rows(request.user, month, acting=acting)
    form = None
    if acting:
        form = BudgetApproveForm(
            disciplines=acting_disciplines(request.acting_ids),
            today=today,
            initial={"month": month_param(month)},
        )
    return render(
        request,
        "content_workflow/budget_list.html",
        {
            "month": month,
            "this_month": this_month,
            "months": [
                (_("Previous month"), shift_month(month, -1), "prev"),
                (_("This month"), this_month, None),
                (_("Next month"), shift_month(month, 1), "next"),
            ],
            "rows": rows,
            "scale": bar_scale(rows),
            "totals": _totals(rows),
            "form": form,
            "can_act": bool(acting),
            "reads_all": reads_everything(request.user),
        },
    )


def _totals(rows):
    budgets = [row for row in rows if row.budget is not None]
    if len(budgets) < 2:
        return None
    return {
        name: sum((getattr(row, name) for row in budgets), 0)
        for name in ("approved", "reserved", "used", "overrun", "remaining")
    }


@manage_page
def budget_detail(request, pk):
    budget = get_object_or_404(selectors.budget_list(request.user), pk=pk)
    entries = selectors.budget_entries(budget).order_by("-created_at", "-pk")
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    can_act = budget.discipline_id in request.acting_ids
    return render(
        request,
        "content_workflow/budget_detail.html",
        {
            "budget": budget,
            "row": BudgetRow(budget.discipline, budget, can_act),
            "page_obj": page,
            "can_act": can_act,
            "form": BudgetAdjustForm(budget=budget) if can_act else None,
        },
    )


@acting_required
def budget_approve(request):
    today = timezone.localdate()
    disciplines = acting_disciplines(request.acting_ids)
    if request.method == "POST":
        form = BudgetApproveForm(request.POST, disciplines=disciplines, today=today)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    claim = submission_claim(form, user=request.user, kind="budget_approve")
                    budget = services.budget_approve(
                        actor=request.user,
                        discipline=data["discipline"],
                        month=data["month"],
                        hours=data["hours"],
                        reason=data["reason"],
                        idempotency_key=form.key(),
                    )
                    submission_record(claim, budget)
            except AlreadySubmitted as exc:
                return _budget_already_sent(request, exc)
            except (ValidationError, DomainError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(hours)s h approved for %(discipline)s in %(month)s; %(approved)s h approved in all.")
                    % {
                        "hours": format_hours(data["hours"]),
                        "discipline": budget.discipline,
                        "month": _month_label(budget.month),
                        "approved": format_hours(budget.approved_hours),
                    },
                )
                return HttpResponseRedirect(_month_url(budget.month))
    else:
        month = parse_month(request.GET.get("month"), default=month_start(today))
        initial = {"month": month_param(month)}
        wanted = request.GET.get("discipline")
        if wanted and wanted.isdigit() and int(wanted) in request.acting_ids:
            initial["discipline"] = int(wanted)
        form = BudgetApproveForm(disciplines=disciplines, today=today, initial=initial)
    return render(request, "content_workflow/budget_approve.html", {"form": form})


def _budget_already_sent(request, exc):
    """A budget form sent a second time: the budget as the first post left it."""
    if exc.object_id is None:
        messages.info(request, _("This form was sent already."))
        return redirect("content_workflow:budget_list")
    messages.info(request, _("This was already sent; here is the budget with the hours you approved."))
    return redirect("content_workflow:budget_detail", pk=exc.object_id)


def _month_label(month):
    return date_format(month, "YEAR_MONTH_FORMAT")


@acting_required
def budget_adjust(request, pk):
    budget = get_object_or_404(selectors.budget_list(request.user), pk=pk)
    if budget.discipline_id not in request.acting_ids:
        log_denied(request.user, "budget_adjust", f"budget:{budget.pk}")
        raise PermissionDenied
    if request.method != "POST":
        form = BudgetAdjustForm(budget=budget)
        return render(request, "content_workflow/budget_adjust.html", {"budget": budget, "form": form})
    form = BudgetAdjustForm(request.POST, budget=budget)
    if form.is_valid():
        seen = form.cleaned_data["seen"]
        if seen is not None and seen != budget.approved_hours:
            # Someone changed the total since the form was shown: show the new one.
            data = request.POST.copy()
            data["seen"] = str(budget.approved_hours)
            form = BudgetAdjustForm(data, budget=budget)
            form.is_valid()
            form.add_error(
                "approved_hours",
                _("The approved hours changed to %(hours)s h meanwhile. Check the new total and save again.")
                % {"hours": format_hours(budget.approved_hours)},
            )
        elif form.change() is None:
            messages.info(request, _("Nothing changed: that is what is approved already."))
            return redirect("content_workflow:budget_detail", pk=budget.pk)
        else:
            try:
                with transaction.atomic():
                    claim = submission_claim(form, user=request.user, kind="budget_adjust")
                    budget = services.budget_adjust(
                        actor=request.user,
                        budget=budget,
                        hours=form.change(),
                        reason=form.cleaned_data["reason"],
                        idempotency_key=form.key(),
                    )
                    submission_record(claim, budget)
            except AlreadySubmitted as exc:
                return _budget_already_sent(request, exc)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except DomainError as exc:
                form.add_error("approved_hours", exc.message)
            else:
                messages.success(
                    request,
                    _("%(discipline)s has %(hours)s h approved for %(month)s now.")
                    % {
                        "discipline": budget.discipline,
                        "hours": format_hours(budget.approved_hours),
                        "month": _month_label(budget.month),
                    },
                )
                return redirect("content_workflow:budget_detail", pk=budget.pk)
    return render(request, "content_workflow/budget_adjust.html", {"budget": budget, "form": form})


# --- Allocation requests ----------------------------------------------------------------------


@manage_page
def allocation_list(request):
    queue = allocation_queue(request.user, request.acting_ids)
    page = KeysFirstPaginator(queue, ALLOCATIONS_PER_PAGE).get_page(request.GET.get("page"))
    items = [
        {"allocation": allocation, "can_decide": _decidable(allocation, request.acting_ids)}
        for allocation in page.object_list
    ]
    return render(
        request,
        "content_workflow/allocation_list.html",
        {
            "items": items,
            "page_obj": page,
            "can_act": bool(request.acting_ids),
            "reads_all": reads_everything(request.user),
            # The decide forms come back here (this page of the list) when refused.
            "here": request.get_full_path(),
        },
    )


def _decidable(allocation, acting_ids):
    return allocation.status == TimeAllocationRequest.Status.OPEN and allocation.discipline_id in acting_ids


def _visible_allocation(request, pk):
    return get_object_or_404(allocation_queue(request.user, request.acting_ids), pk=pk)


def _own_or_managed_allocation(request, pk):
    """The detail page follows the API: the requester of the request sees its allocation
    too (read only); anyone else outside `visible_to` gets a 404."""
    queryset = selectors.allocation_list(request.user).select_related("request__target_discipline")
    return get_object_or_404(queryset, pk=pk)


def _other_experts(allocation):
    """The experts a manager may name instead: the discipline's, but not the requester."""
    return askable_experts([allocation.discipline_id], exclude_user=allocation.request.requester_id)


def _allocation_page(request, allocation, *, approve_form=None, fewer_form=None, reassign_form=None, status=200):
    can_decide = _decidable(allocation, request.acting_ids)
    manages = may_open_manage_pages(request.user, request.acting_ids)
    context = {
        "allocation": allocation,
        "can_decide": can_decide,
        "manages": manages,
        "budget": manages
        and selectors.budget_list(request.user, month=allocation.month, discipline=allocation.discipline_id).first(),
    }
    if can_decide:
        context |= {
            "approve_form": approve_form or AllocationApproveForm(allocation=allocation),
            "fewer_form": fewer_form or AllocationApproveForm(allocation=allocation, prefix="fewer"),
            "reassign_form": reassign_form or AllocationReassignForm(allocation=allocation),
            "has_experts": _other_experts(allocation).exists(),
        }
    return render(request, "content_workflow/allocation_detail.html", context, status=status)


@login_required
def allocation_detail(request, pk):
    request.acting_ids = acting_discipline_ids(request.user)
    return _allocation_page(request, _own_or_managed_allocation(request, pk))


def _decider_only(request, allocation):
    """The allocation a manager may decide now; readers and other disciplines get 403,
    a decided one a message (returned as a redirect)."""
    if not can_decide_allocation(request.user, allocation):
        log_denied(request.user, "allocation_decide", f"allocation:{allocation.pk}")
        raise PermissionDenied
    if allocation.status != TimeAllocationRequest.Status.OPEN:
        return _already_decided(request)
    return None


def _already_decided(request):
    messages.warning(request, AllocationDecided().message)
    return redirect("content_workflow:allocation_list")


@acting_required
@require_POST
def allocation_approve(request, pk):
    """Approve in full (no hours posted) or fewer hours (the `fewer-` form)."""
    allocation = _visible_allocation(request, pk)
    refused = _decider_only(request, allocation)
    if refused:
        return refused
    fewer = "fewer-hours" in request.POST
    form = AllocationApproveForm(request.POST, allocation=allocation, prefix="fewer" if fewer else None)
    if fewer and form.is_valid() and form.cleaned_data["hours"] is None:
        form.add_error("hours", _("Enter the hours you approve."))
    if form.is_valid():
        hours = form.cleaned_data["hours"] if fewer else None
        try:
            allocation = services.allocation_approve(
                allocation=allocation, actor=request.user, hours=hours, reason=form.cleaned_data["reason"]
            )
        except AllocationDecided:
            return _already_decided(request)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            title = allocation.request.title
            if allocation.status == TimeAllocationRequest.Status.APPROVED:
                text = _("%(hours)s h approved for “%(title)s”; routing continues.")
            else:
                text = _("%(hours)s h approved for “%(title)s”; the requester may accept the smaller estimate.")
            messages.success(request, text % {"hours": format_hours(allocation.hours_approved), "title": title})
            return redirect("content_workflow:allocation_list")
    back = _back_to_list(request)
    if back:
        # Sent from the list: back there, with what was wrong, at this allocation.
        for error in _error_texts(form):
            messages.error(request, _("“%(title)s”: %(error)s") % {"title": allocation.request.title, "error": error})
        return HttpResponseRedirect(f"{back}#allocation-{allocation.pk}")
    forms = {"fewer_form": form} if fewer else {"approve_form": form}
    return _allocation_page(request, allocation, **forms)


def _back_to_list(request):
    """The allocation list's page a form was sent from (its `next`), or None."""
    target = request.POST.get("next", "")
    if target.startswith(reverse("content_workflow:allocation_list")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target.split("#")[0]
    return None


def _error_texts(form):
    texts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for error in errors:
            texts.append(f"{field.label}: {error}" if field is not None and field.label else str(error))
    return texts


@acting_required
@require_POST
def allocation_reassign(request, pk):
    allocation = _visible_allocation(request, pk)
    refused = _decider_only(request, allocation)
    if refused:
        return refused
    form = AllocationReassignForm(request.POST, allocation=allocation)
    if form.is_valid():
        expert = form.cleaned_data["expert"]
        try:
            allocation = services.allocation_reassign(
                allocation=allocation, actor=request.user, expert=expert, reason=form.cleaned_data["reason"]
            )
        except AllocationDecided:
            return _already_decided(request)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(hours)s h approved for “%(title)s”, and %(expert)s asked to do it.")
                % {
                    "hours": format_hours(allocation.hours_approved),
                    "title": allocation.request.title,
                    "expert": expert.get_full_name() or expert.get_username(),
                },
            )
            warning = allocation.request.capacity_warning
            if warning:
                messages.warning(request, warning)
            return redirect("content_workflow:allocation_list")
    return _allocation_page(request, allocation, reassign_form=form)


@acting_required
@require_safe
def allocation_experts(request, pk):
    """Suggestions for "approve for a named expert", as JSON: for those who decide it."""
    allocation = _visible_allocation(request, pk)
    if not can_decide_allocation(request.user, allocation):
        log_denied(request.user, "allocation_experts", f"allocation:{allocation.pk}")
        raise PermissionDenied
    experts = expert_search(
        [allocation.discipline_id],
        query=request.GET.get("q", "")[:100],
        exclude_user=allocation.request.requester_id,
    )
    return suggestions(
        request,
        experts,
        value=lambda m: m.user.get_username(),
        label=lambda m: m.user.get_full_name() or m.user.get_username(),
    )


@acting_required
def allocation_reject(request, pk):
    """GET: confirm, with the reason to give; POST: reject."""
    allocation = _visible_allocation(request, pk)
    refused = _decider_only(request, allocation)
    if refused:
        return refused
    if request.method == "POST":
        form = AllocationRejectForm(request.POST)
        if form.is_valid():
            try:
                services.allocation_reject(
                    allocation=allocation, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except AllocationDecided:
                return _already_decided(request)
            except (ValidationError, DomainError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("More time for “%(title)s” refused; the request went back to its requester.")
                    % {"title": allocation.request.title},
                )
                return redirect("content_workflow:allocation_list")
    else:
        form = AllocationRejectForm()
    return render(request, "content_workflow/allocation_reject.html", {"allocation": allocation, "form": form})


# --- The team -----------------------------------------------------------------------------------


@manage_page
def team(request):
    """A summary per discipline, then its experts a page at a time (filter by
    discipline, search by name), with the figures of the page's experts only."""
    reads_all = reads_everything(request.user)
    if reads_all:
        disciplines = Discipline.objects.order_by("position", "name")
    else:
        disciplines = acting_disciplines(request.acting_ids)
    disciplines = list(disciplines)
    wanted = request.GET.get("discipline")
    chosen = next((d for d in disciplines if d.slug == wanted), None)
    today = timezone.localdate()
    summaries = team_summaries([chosen] if chosen else disciplines, today=today)
    if reads_all and not chosen:
        # Readers see the disciplines that have a team; managers see all of theirs.
        summaries = [s for s in summaries if s.has_team]
    query = request.GET.get("q", "").strip()[:100]
    experts = team_experts([s.discipline.pk for s in summaries], query=query)
    paginator = Paginator(experts, EXPERTS_PER_PAGE)
    if not query:
        # The summaries counted these same experts: no second count (a join over a
        # discipline's thousands of memberships) for the paginator.
        paginator.count = sum(summary.experts for summary in summaries)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = with_figures(page.object_list, today=today)
    return render(
        request,
        "content_workflow/team.html",
        {
            "summaries": summaries,
            "page_obj": page,
            "query": query,
            "disciplines": disciplines if len(disciplines) > 1 else [],
            "chosen": chosen,
            "today": today,
            "reads_all": reads_all,
        },
    )
