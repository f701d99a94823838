"""Pages for organisational models: everyone signed in reads published ones, leads edit drafts.

Reads come from the selectors, every write goes through `governance.services`. Domain
refusals become messages or form errors, never a 500; the services run in a transaction,
so a refusal leaves nothing half-written.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance import selectors, services
from governance.access import log_denied
from governance.errors import DomainError
from governance.form_errors import add_service_errors
from governance.forms import (
    RACI_CHOICES,
    HubForm,
    OrganisationalModelForm,
    PublishForm,
    RaciSubmission,
    SpokeForm,
    cell_name,
    role_short,
    seen_name,
)
from governance.model_types import MODEL_TYPES
from governance.models import Hub, ModelType, OrganisationalModel, Responsibility, Spoke
from governance.permissions import can_manage_governance
from governance.validation import model_problems


def _not_draft_message():
    # Same text as the service's refusal, so one translation serves both.
    return _("A published model cannot be edited: copy it to a draft and publish that.")


class _InvalidForm(Exception):
    pass


# --- Access ------------------------------------------------------------------------------


def _visible_model(request, pk):
    """Restrict first, then look up: a draft is a 404 for anyone who may not see drafts."""
    return get_object_or_404(
        OrganisationalModel.objects.visible_to(request.user).select_related(
            "executive_sponsor", "created_by", "published_by", "based_on"
        ),
        pk=pk,
    )


def lead_required(view):
    """Signed in, a governance lead, and every refusal of the domain shown, not raised.

    A DomainError (a published model, a publish race) becomes an error message on the
    model's page; a model deleted meanwhile is a 404.
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_manage_governance(request.user):
            log_denied(request.user, view.__name__, kwargs.get("pk", ""))
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            messages.error(request, exc.message)
            if "pk" in kwargs and OrganisationalModel.objects.filter(pk=kwargs["pk"]).exists():
                return redirect("models:detail", pk=kwargs["pk"])
            return redirect("models:list")
        except OrganisationalModel.DoesNotExist:
            raise Http404 from None

    return wrapper


def _draft_or_refuse(request, pk):
    """(model, None) for a draft; (model, redirect) after telling the lead a published model stays as it is.

    Only the early, friendly answer: the service checks again under its row lock.
    """
    model = _visible_model(request, pk)
    if not model.is_draft:
        messages.error(request, _not_draft_message())
        return model, redirect("models:detail", pk=model.pk)
    return model, None


# --- Reading -----------------------------------------------------------------------------


@dataclass
class Cell:
    activity: object
    unit: object
    role: str

    @property
    def short(self):
        return role_short(self.role)

    @property
    def title(self):
        return Responsibility.Role(self.role).label if self.role else ""

    @property
    def name(self):
        return cell_name(self.activity.pk, self.unit.key)

    @property
    def seen_name(self):
        return seen_name(self.activity.pk, self.unit.key)


@dataclass
class Row:
    activity: object
    cells: list
    problems: list


def _rows(grid, problems=()):
    by_activity = defaultdict(list)
    for problem in problems:
        if problem.activity_id:
            by_activity[problem.activity_id].append(problem)
    return [
        Row(activity, [Cell(activity, unit, role) for unit, role in cells], by_activity[activity.pk])
        for activity, cells in grid.rows()
    ]


def _editor_grid(model):
    """The grid for the editor: one column per discipline, even if a discipline sits twice.

    A discipline in two places is a problem the page lists anyway; two columns with the
    same input names would make the posted values ambiguous.
    """
    grid = selectors.raci_grid(model)
    seen, units = set(), []
    for unit in grid.units:
        if unit.key not in seen:
            seen.add(unit.key)
            units.append(unit)
    grid.units = units
    return grid


def _draft_review(model, activities=None):
    """What a lead needs before publishing: the broken rules and the change against the active model."""
    active = selectors.active_model()
    return {
        "problems": model_problems(model, activities=activities),
        "active": active,
        "diff": selectors.model_diff(model, active) if active and active.pk != model.pk else None,
    }


@login_required
def model_list(request):
    models = list(selectors.model_list(request.user))
    active = next((m for m in models if m.status == OrganisationalModel.Status.ACTIVE), None)
    drafts = sorted((m for m in models if m.is_draft), key=lambda m: m.updated_at, reverse=True)
    history = sorted((m for m in models if not m.is_draft), key=lambda m: m.published_at or m.created_at, reverse=True)
    return render(
        request,
        "governance/model_list.html",
        {
            "active": active,
            "drafts": drafts,
            "history": history,
            "can_manage": can_manage_governance(request.user),
        },
    )


@login_required
def model_detail(request, pk):
    model = _visible_model(request, pk)
    can_manage = can_manage_governance(request.user)
    units = selectors.model_units(model)
    grid = selectors.raci_grid(model, units)
    context = {
        "model": model,
        "type_info": MODEL_TYPES[model.type],
        "hubs": [unit for unit in units if unit.kind == "hub"],
        "spokes": [unit for unit in units if unit.kind == "spoke"],
        "grid": grid,
        "can_manage": can_manage,
        "editable": can_manage and model.is_draft,
    }
    review = _draft_review(model, activities=grid.activities) if context["editable"] else {}
    context["rows"] = _rows(grid, review.get("problems", ()))
    context.update(review)
    return render(request, "governance/model_detail.html", context)


# --- The model itself --------------------------------------------------------------------


def _model_fields(form):
    data = form.cleaned_data
    return {
        "name": data["name"],
        "type": data["type"],
        "executive_sponsor": data["executive_sponsor"],
        "notes": data["notes"],
    }


@lead_required
def model_create(request):
    if request.method == "POST":
        form = OrganisationalModelForm(request.POST)
        if form.is_valid():
            try:
                model = services.model_create(actor=request.user, **_model_fields(form))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Draft “%(name)s” created. Add its hubs and spokes next.") % {"name": model}
                )
                return redirect("models:detail", pk=model.pk)
    else:
        wanted = request.GET.get("type")
        form = OrganisationalModelForm(initial={"type": wanted} if wanted in ModelType.values else None)
    return render(request, "governance/model_form.html", {"form": form, "model": None})


@lead_required
def model_edit(request, pk):
    model, refused = _draft_or_refuse(request, pk)
    if refused:
        return refused
    initial = {
        "name": model.name,
        "type": model.type,
        "executive_sponsor": model.executive_sponsor_id,
        "notes": model.notes,
    }
    if request.method == "POST":
        form = OrganisationalModelForm(request.POST, initial=initial)
        if form.is_valid():
            try:
                services.model_update(model=model, actor=request.user, **_model_fields(form))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("models:detail", pk=model.pk)
    else:
        form = OrganisationalModelForm(initial=initial)
    return render(request, "governance/model_form.html", {"form": form, "model": model})


@lead_required
def model_delete(request, pk):
    model, refused = _draft_or_refuse(request, pk)
    if refused:
        return refused
    if request.method == "POST":
        services.model_delete(model=model, actor=request.user)
        messages.success(request, _("Draft “%(name)s” deleted.") % {"name": model})
        return redirect("models:list")
    return render(
        request,
        "governance/model_confirm_delete.html",
        {
            "model": model,
            "title": _("Delete the draft “%(name)s”?") % {"name": model},
            "consequence": _("Its hubs, spokes and responsibilities are deleted with it. This cannot be undone."),
            "button": _("Delete draft"),
        },
    )


@lead_required
@require_POST
def model_copy(request, pk):
    source = _visible_model(request, pk)
    copy = services.model_copy(source=source, actor=request.user)
    messages.success(
        request,
        _("“%(copy)s” is a new draft with the hubs, spokes and responsibilities of “%(source)s”.")
        % {"copy": copy, "source": source},
    )
    return redirect("models:detail", pk=copy.pk)


@lead_required
def model_publish(request, pk):
    model, refused = _draft_or_refuse(request, pk)
    if refused:
        return refused
    refusal, status = None, 200
    # A copy named "… (draft)" before versions were used is offered without that suffix.
    form = PublishForm(initial={"name": services.without_copy_suffix(model.name) or model.name})
    if request.method == "POST":
        form = PublishForm(request.POST, initial=form.initial)
        previous = selectors.active_model()
        try:
            if not form.is_valid():
                raise _InvalidForm
            model = services.model_publish(model=model, actor=request.user, name=form.cleaned_data["name"] or None)
        except _InvalidForm:
            status = 400
        except ValidationError as exc:
            add_service_errors(form, exc)
            status = 400
        except services.PublishRefused as exc:
            messages.error(request, exc.message)
            refusal, status = exc.problems, 400
        else:
            if previous:
                text = _("“%(name)s” is now the active model; “%(previous)s” was archived.") % {
                    "name": model,
                    "previous": previous,
                }
            else:
                text = _("“%(name)s” is now the active model.") % {"name": model}
            messages.success(request, text)
            return redirect("models:detail", pk=model.pk)
    context = {"model": model, "form": form, **_draft_review(model)}
    if refusal is not None:
        context["problems"] = refusal  # exactly what the service refused on
    return render(request, "governance/model_publish.html", context, status=status)


# --- Hubs and spokes ---------------------------------------------------------------------


def _unit_page(request, model, form, title):
    return render(request, "governance/model_unit_form.html", {"model": model, "form": form, "title": title})


@lead_required
def hub_edit(request, pk, hub_pk=None):
    model, refused = _draft_or_refuse(request, pk)
    if refused:
        return refused
    hub = get_object_or_404(Hub, pk=hub_pk, model=model) if hub_pk else None
    initial = (
        {
            "name": hub.name,
            "home_discipline": hub.home_discipline_id,
            "lead": hub.lead_id,
            "is_coordinating_centre": hub.is_coordinating_centre,
        }
        if hub
        else {"is_coordinating_centre": model.type == ModelType.MULTIPLE_HUB_AND_SPOKE and not model.hubs.exists()}
    )
    if request.method == "POST":
        form = HubForm(request.POST, initial=initial)
        if form.is_valid():
            try:
                services.hub_save(model=model, actor=request.user, hub=hub, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Hub “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
                return redirect("models:detail", pk=model.pk)
    else:
        form = HubForm(initial=initial)
    title = _("Edit hub “%(name)s”") % {"name": hub} if hub else _("Add a hub")
    return _unit_page(request, model, form, title)


@lead_required
def spoke_edit(request, pk, spoke_pk=None):
    model, refused = _draft_or_refuse(request, pk)
    if refused:
        return refused
    spoke = (
        get_object_or_404(Spoke.objects.select_related("discipline", "liaison"), pk=spoke_pk, model=model)
        if spoke_pk
        else None
    )
    if spoke:
        initial = {"discipline": spoke.discipline_id, "hub": spoke.hub_id, "liaison": spoke.liaison_id}
    else:
        # With one hub, that is where a new spoke almost always goes.
        hubs = list(model.hubs.values_list("pk", flat=True)[:2])
        initial = {"hub": hubs[0]} if len(hubs) == 1 else {}
    if request.method == "POST":
        form = SpokeForm(request.POST, initial=initial, model=model, spoke=spoke)
        if form.is_valid():
            try:
                services.spoke_save(model=model, actor=request.user, spoke=spoke, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Spoke “%(name)s” saved.") % {"name": form.cleaned_data["discipline"].label}
                )
                return redirect("models:detail", pk=model.pk)
    else:
        form = SpokeForm(initial=initial, model=model, spoke=spoke)
    title = _("Edit spoke “%(name)s”") % {"name": spoke.discipline.label} if spoke else _("Add a spoke")
    return _unit_page(request, model, form, title)


@lead_required
def hub_delete(request, pk, hub_pk):
    model, refused = _draft_or_refuse(request, pk)
    if refused:
        return refused
    hub = get_object_or_404(Hub.objects.select_related("home_discipline"), pk=hub_pk, model=model)
    if request.method == "POST":
        services.hub_remove(hub=hub, actor=request.user)
        messages.success(request, _("Hub “%(name)s” removed.") % {"name": hub})
        return redirect("models:detail", pk=model.pk)
    return render(
        request,
        "governance/model_confirm_delete.html",
        {
            "model": model,
            "title": _("Remove the hub “%(name)s”?") % {"name": hub},
            "consequence": _(
                "Its spokes stay in the model without a hub until you choose another one. "
                "Unless %(discipline)s sits elsewhere in the model, its responsibilities leave the matrix."
            )
            % {"discipline": hub.home_discipline.label},
            "button": _("Remove hub"),
        },
    )


@lead_required
def spoke_delete(request, pk, spoke_pk):
    model, refused = _draft_or_refuse(request, pk)
    if refused:
        return refused
    spoke = get_object_or_404(Spoke.objects.select_related("discipline"), pk=spoke_pk, model=model)
    if request.method == "POST":
        services.spoke_remove(spoke=spoke, actor=request.user)
        messages.success(request, _("Spoke “%(name)s” removed.") % {"name": spoke.discipline.label})
        return redirect("models:detail", pk=model.pk)
    return render(
        request,
        "governance/model_confirm_delete.html",
        {
            "model": model,
            "title": _("Remove the spoke “%(name)s”?") % {"name": spoke.discipline.label},
            "consequence": _(
                "Unless %(discipline)s sits elsewhere in the model, its responsibilities leave the matrix."
            )
            % {"discipline": spoke.discipline.label},
            "button": _("Remove spoke"),
        },
    )


# --- Responsibilities --------------------------------------------------------------------


def _cell_label(grid, change):
    activity = next((a.label for a in grid.activities if a.pk == change.activity_id), change.activity_id)
    unit = next((u.discipline.label for u in grid.units if u.key == change.discipline_id), change.discipline_id)
    return f"“{activity}” · {unit}"


@lead_required
def model_raci(request, pk):
    model, refused = _draft_or_refuse(request, pk)
    if refused:
        return refused
    grid = _editor_grid(model)
    errors, conflicts, gone, status = [], [], [], 200
    if request.method == "POST":
        submission = RaciSubmission.read(request.POST, grid)
        if not submission.is_valid:
            errors, status = submission.errors, 400
        else:
            try:
                found = services.responsibilities_update(model=model, actor=request.user, changes=submission.changes)
            except ValidationError as exc:
                errors, status = exc.messages, 400
            else:
                saved = len(submission.changes) - len(found)
                if not found and not submission.gone:
                    if saved:
                        messages.success(request, _("Responsibilities saved (%(count)s changed).") % {"count": saved})
                    else:
                        messages.info(request, _("Nothing changed."))
                    return redirect("models:raci", pk=model.pk)
                grid = _editor_grid(model)  # now with the other editor's values
                conflicts = [
                    {
                        "cell": _cell_label(grid, change),
                        "wanted": role_short(change.wanted) or "–",
                        "now": role_short(grid.cells.get((change.activity_id, change.discipline_id), "")) or "–",
                    }
                    for change in found
                ]
                gone = submission.gone
                if saved:
                    messages.success(request, _("Your other changes were saved (%(count)s).") % {"count": saved})
    problems = model_problems(model, activities=grid.activities)
    return render(
        request,
        "governance/model_raci.html",
        {
            "model": model,
            "grid": grid,
            "rows": _rows(grid, problems),
            "problems": problems,
            "choices": RACI_CHOICES,
            "errors": errors,
            "conflicts": conflicts,
            "gone": gone,
        },
        status=status,
    )
