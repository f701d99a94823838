"""Pages for job profiles, the competency matrix, assignments, assessments and staffing.

Everyone signed in reads the profiles, the matrix, who holds which profile where and the
staffing of the active model. Assessments are private: a person's page exists only for
those in `people_assessable_by(viewer)` (themselves, their discipline's manager, leads);
for everyone else it is a 404, the same answer as for a person who does not exist.

Reads come from `roles.selectors`; every write goes through `roles.services`, which
checks the permission again. A ValidationError from a service becomes a form error on
the same page, a DomainError a message, never a 500.
"""

import copy
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from governance.access import log_denied
from governance.errors import DomainError
from governance.form_errors import add_service_errors
from governance.forms import person_name
from governance.permissions import can_manage_governance
from governance.selectors import active_model, model_units
from governance.suggestions import suggestions
from roles import selectors, services
from roles.charts import gap_chart, profile_label
from roles.forms import (
    LEVEL_NAMES,
    AssessmentForm,
    AssignmentFilterForm,
    AssignmentForm,
    EndAssignmentForm,
    LevelSubmission,
    ProfileForm,
    level_choices,
    level_name,
    level_seen_name,
)
from roles.models import MAX_LEVEL, MIN_LEVEL, JobProfile, RequiredLevel, RoleAssignment, Seniority
from roles.permissions import can_assess, can_edit_profiles, can_manage_assignments, people_assessable_by

ASSIGNMENTS_PER_PAGE = 50
SHORTFALLS_PER_PAGE = 25
# Holders listed per profile and unit on the staffing page (and assignments outside the units).
HOLDERS_SHOWN = 5


# --- Access ----------------------------------------------------------------------------------


def reader_view(view):
    return login_required(require_safe(view))


def allowed_only(predicate):
    """Signed in, GET or POST, and `predicate(user)`; a 403 otherwise (logged). The services check again."""

    def decorate(view):
        @wraps(view)
        def check(request, *args, **kwargs):
            if not predicate(request.user):
                log_denied(request.user, f"roles:{view.__name__}", request.path)
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(require_http_methods(["GET", "POST"])(check))

    return decorate


def _person_or_404(request, user_id):
    """Restrict first, then look up: someone whose assessments the viewer may not see does not exist here."""
    return get_object_or_404(people_assessable_by(request.user), pk=user_id)


def _visible_people(viewer, user_ids):
    """The ids among `user_ids` whose person page `viewer` may open; one query at most."""
    user_ids = set(user_ids)
    if not user_ids:
        return set()
    if can_manage_governance(viewer):
        return user_ids
    return set(people_assessable_by(viewer).filter(pk__in=user_ids).values_list("pk", flat=True))


def _levels():
    return [(level, LEVEL_NAMES[level]) for level in range(MIN_LEVEL, MAX_LEVEL + 1)]


# --- The matrix ------------------------------------------------------------------------------


@dataclass
class MatrixCell:
    column: object
    competency: object
    level: int | None

    @property
    def name(self):
        return level_name(self.column.profile.pk, self.column.seniority, self.competency.pk)

    @property
    def seen_name(self):
        return level_seen_name(self.column.profile.pk, self.column.seniority, self.competency.pk)


def _matrix_context(matrix):
    """Column groups for the two header rows and the rows grouped by category."""
    profiles = []
    for column in matrix.columns:
        if profiles and profiles[-1][0].pk == column.profile.pk:
            profiles[-1][1].append(column)
        else:
            profiles.append((column.profile, [column]))
    groups = defaultdict(list)
    order = []
    for category, competency, cells in matrix.rows():
        if category.pk not in groups:
            order.append(category)
        groups[category.pk].append((competency, [MatrixCell(column, competency, level) for column, level in cells]))
    return {
        "matrix": matrix,
        "profile_groups": profiles,
        "has_seniorities": any(profile.has_seniorities for profile, _columns in profiles),
        "category_rows": [(category, groups[category.pk]) for category in order],
        "levels": _levels(),
        "span": len(matrix.columns) + 1,
    }


@reader_view
def matrix(request):
    context = _matrix_context(selectors.competency_matrix())
    context["can_edit"] = can_edit_profiles(request.user)
    return render(request, "roles/matrix.html", context)


def _save_levels(actor, changes):
    """Write the changed cells in one transaction; cells someone else changed since `seen` are left alone."""
    conflicts = []
    with transaction.atomic():
        keys = {(c.profile.pk, c.seniority, c.competency.pk) for c in changes}
        current = {
            (cell.profile_id, cell.seniority, cell.competency_id): cell.level
            for cell in RequiredLevel.objects.select_for_update().filter(
                profile_id__in={k[0] for k in keys}, competency_id__in={k[2] for k in keys}
            )
        }
        for change in changes:
            now = current.get((change.profile.pk, change.seniority, change.competency.pk))
            if now != change.seen:
                conflicts.append((change, now))
                continue
            services.required_level_set(
                actor=actor,
                profile=change.profile,
                competency=change.competency,
                seniority=change.seniority,
                level=change.wanted,
            )
    return conflicts


@allowed_only(can_edit_profiles)
def matrix_edit(request):
    """The matrix with a select per cell: governance leads change required levels in place."""
    matrix = selectors.competency_matrix()
    errors, conflicts, status = [], [], 200
    if request.method == "POST":
        submission = LevelSubmission.read(request.POST, matrix)
        if not submission.is_valid:
            errors, status = submission.errors, 400
        else:
            try:
                found = _save_levels(request.user, submission.changes)
            except ValidationError as exc:
                errors, status = exc.messages, 400
            else:
                saved = len(submission.changes) - len(found)
                if not found:
                    if saved:
                        messages.success(request, _("Required levels saved (%(count)s changed).") % {"count": saved})
                    else:
                        messages.info(request, _("Nothing changed."))
                    return redirect("roles:matrix")
                matrix = selectors.competency_matrix()  # now with the other editor's levels
                conflicts = [
                    {"cell": change.where, "wanted": change.wanted, "now": now if now is not None else "–"}
                    for change, now in found
                ]
                if saved:
                    messages.success(request, _("Your other changes were saved (%(count)s).") % {"count": saved})
    context = _matrix_context(matrix)
    context.update(
        {
            "errors": errors,
            "conflicts": conflicts,
            "choices": [(level, f"{level}") for level in range(MIN_LEVEL, MAX_LEVEL + 1)],
        }
    )
    return render(request, "roles/matrix_edit.html", context, status=status)


# --- Profiles --------------------------------------------------------------------------------


def responsibility_items(text):
    """A profile's responsibilities as a list: one per line, or separated by semicolons."""
    text = (text or "").strip()
    if not text:
        return []
    parts = text.splitlines() if "\n" in text else re.split(r";\s*", text)
    items = [part.strip(" •-–;").strip() for part in parts]
    return [item[0].upper() + item[1:] for item in items if item]


@reader_view
def profile(request, slug):
    profile = get_object_or_404(JobProfile, slug=slug)
    matrix = selectors.competency_matrix()
    columns = [column for column in matrix.columns if column.profile.pk == profile.pk]
    category_rows = [
        (
            category,
            [
                (competency, [matrix.level(profile, column.seniority, competency) for column in columns])
                for competency in category.competencies.all()
            ],
        )
        for category in matrix.categories
    ]
    holders = list(
        selectors.assignment_list(request.user, current=True)
        .filter(profile=profile)
        .order_by("discipline__position", "user__last_name", "user__first_name", "user__username")
    )
    return render(
        request,
        "roles/profile.html",
        {
            "profile": profile,
            "responsibilities": responsibility_items(profile.responsibilities_text),
            "columns": columns,
            "category_rows": category_rows,
            "holders": holders,
            "visible": _visible_people(request.user, [a.user_id for a in holders]),
            "can_edit": can_edit_profiles(request.user),
            "can_assign": can_manage_assignments(request.user),
            "levels": _levels(),
        },
    )


@allowed_only(can_edit_profiles)
def profile_edit(request, slug):
    profile = get_object_or_404(JobProfile, slug=slug)
    # The form works on a copy, so a refused change does not rename the page heading.
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=copy.copy(profile))
    if form.is_bound and form.is_valid():
        try:
            saved = services.profile_update(actor=request.user, profile=profile, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved the job profile “%(name)s”.") % {"name": saved.label})
            return redirect("roles:profile", slug=saved.slug)
    return render(request, "roles/profile_form.html", {"form": form, "profile": profile})


# --- Assignments -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assignments(request):
    """Who holds which profile where; governance leads assign profiles on the same page."""
    can_assign = can_manage_assignments(request.user)
    model = active_model()
    units = model_units(model) if model else []
    form = None
    if request.method == "POST":
        if not can_assign:
            log_denied(request.user, "roles:assignment_create", request.path)
            raise PermissionDenied
        form = AssignmentForm(request.POST, units=units)
        if form.is_valid():
            try:
                assignment = services.assignment_create(actor=request.user, **form.cleaned_data)
            except (ValidationError, DomainError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(person)s now holds %(profile)s in %(unit)s.")
                    % {
                        "person": person_name(assignment.user),
                        "profile": profile_label(assignment),
                        "unit": assignment.discipline.label,
                    },
                )
                return redirect("roles:assignments")
    elif can_assign and units:
        initial = {}
        if request.GET.get("profile"):
            initial["profile"] = (
                JobProfile.objects.filter(slug=request.GET["profile"]).values_list("pk", flat=True).first()
            )
        if request.GET.get("user", "").isdigit():
            people = get_user_model().objects.filter(pk=int(request.GET["user"]), is_active=True)
            initial["user"] = people.values_list("username", flat=True).first()
        form = AssignmentForm(units=units, initial=initial)

    show_all = request.GET.get("show") == "all"
    filters = AssignmentFilterForm(request.GET)
    wanted = filters.values()
    queryset = selectors.assignment_rows(request.user, current=not show_all, **wanted)
    page = Paginator(queryset, ASSIGNMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "roles/assignments.html",
        {
            "form": form,
            "model": model,
            "page_obj": page,
            "filters": filters,
            "filtered": any(wanted.values()),
            "show_all": show_all,
            "can_assign": can_assign,
            "visible": _visible_people(request.user, [a.user_id for a in page]),
            "today": timezone.localdate(),
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@login_required
@require_safe
def person_search(request):
    """Suggestions for the assignment form's person field (leads only), as JSON."""
    if not can_manage_assignments(request.user):
        log_denied(request.user, "roles:person_search", request.path)
        raise PermissionDenied
    return suggestions(
        request,
        selectors.people_matching(request.GET.get("q", "")[:100]),
        value=lambda person: person.get_username(),
        label=person_name,
    )


@allowed_only(can_manage_assignments)
def assignment_end(request, pk):
    assignment = get_object_or_404(RoleAssignment.objects.select_related("user", "profile", "discipline"), pk=pk)
    if assignment.until is not None:
        messages.info(request, _("This assignment already ended on %(date)s.") % {"date": assignment.until})
        return redirect("roles:assignments")
    form = EndAssignmentForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.assignment_end(actor=request.user, assignment=assignment, until=form.cleaned_data["until"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("roles:assignments")
        else:
            messages.success(
                request,
                _("%(person)s no longer holds %(profile)s in %(unit)s.")
                % {
                    "person": person_name(assignment.user),
                    "profile": profile_label(assignment),
                    "unit": assignment.discipline.label,
                },
            )
            return redirect("roles:assignments")
    return render(
        request,
        "roles/assignment_end.html",
        {"assignment": assignment, "form": form, "person": person_name(assignment.user)},
    )


# --- People: gap analysis and assessments ----------------------------------------------------


@login_required
@require_safe
def my_profile(request):
    return redirect("roles:person", user_id=request.user.pk)


def _chosen_assignment(request, person):
    """The person's current assignments, and the one to analyse (`?assignment=<id>`, else the latest)."""
    current = list(
        RoleAssignment.objects.current()
        .filter(user=person)
        .select_related("profile", "discipline")
        .order_by("-since", "-pk")
    )
    wanted = request.GET.get("assignment", "")
    chosen = next((a for a in current if str(a.pk) == wanted), current[0] if current else None)
    return current, chosen


@dataclass
class TableRow:
    row: object  # selectors.GapRow
    trend: list  # levels by a manager or lead, oldest first
    self_trend: list

    @property
    def over(self):
        """How far the level exceeds the requirement (0 when it does not)."""
        gap = self.row.gap
        return -gap if gap is not None and gap < 0 else 0


@dataclass
class Session:
    """Assessments recorded by one person on one day."""

    assessed_on: object
    assessed_by: object
    is_self: bool
    items: list

    @property
    def key(self):
        return (self.assessed_on, getattr(self.assessed_by, "pk", None), self.is_self)

    @property
    def notes(self):
        """The notes of the session, each once (a note given with a whole form repeats on every level)."""
        return list(dict.fromkeys(item.note for item in self.items if item.note))


def _history(analysis):
    trends, self_trends = defaultdict(list), defaultdict(list)
    sessions = []
    for assessment in analysis.history:  # oldest first
        (self_trends if assessment.is_self else trends)[assessment.competency_id].append(assessment.level)
        key = (assessment.assessed_on, assessment.assessed_by_id, assessment.is_self)
        if sessions and sessions[-1].key == key:
            sessions[-1].items.append(assessment)
        else:
            sessions.append(Session(assessment.assessed_on, assessment.assessed_by, assessment.is_self, [assessment]))
    rows = [TableRow(row, trends[row.competency.pk], self_trends[row.competency.pk]) for row in analysis.rows]
    return rows, list(reversed(sessions))


@reader_view
def person(request, user_id):
    person = _person_or_404(request, user_id)
    current, chosen = _chosen_assignment(request, person)
    analysis = selectors.gap_analysis(viewer=request.user, person=person, assignment=chosen)
    rows, sessions = _history(analysis)
    assessed = sum(1 for row in rows if row.row.gap is not None)
    prefix = f"gap-chart-{person.pk}"
    return render(
        request,
        "roles/person.html",
        {
            "person": person,
            "name": person_name(person),
            "is_self": person.pk == request.user.pk,
            "can_assign": can_manage_assignments(request.user),
            "current": current,
            "chosen": chosen,
            "analysis": analysis,
            "profile_label": profile_label(chosen),
            "chart": gap_chart(analysis, id_prefix=prefix),
            "chart_compact": gap_chart(analysis, id_prefix=prefix, compact=True),
            "rows": rows,
            "sessions": sessions,
            "has_self": any(row.row.self_assessment for row in rows),
            "assessed_count": assessed,
            "unassessed_count": len(rows) - assessed,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assess(request, user_id):
    """Record levels for a person: their manager and leads assess them; on oneself it is a self-assessment."""
    person = _person_or_404(request, user_id)
    if not can_assess(request.user, person):
        log_denied(request.user, "roles:assess", f"user:{person.pk}")
        raise PermissionDenied
    is_self = person.pk == request.user.pk
    _current, chosen = _chosen_assignment(request, person)
    analysis = selectors.gap_analysis(viewer=request.user, person=person, assignment=chosen)
    categories = list(selectors.category_list())
    form = AssessmentForm(request.POST if request.method == "POST" else None, categories=categories)
    if form.is_bound and form.is_valid():
        recorded = _record(request.user, person, form)
        if recorded is not None:
            text = (
                _("Self-assessment recorded (%(count)s competencies).")
                if is_self
                else _("Assessment of %(person)s recorded (%(count)s competencies).")
            )
            messages.success(request, text % {"count": recorded, "person": person_name(person)})
            return redirect("roles:person", user_id=person.pk)
    return render(
        request,
        "roles/assess.html",
        {
            "person": person,
            "name": person_name(person),
            "is_self": is_self,
            "chosen": chosen,
            "profile_label": profile_label(chosen),
            "form": form,
            "groups": form.groups(analysis.rows, is_self=is_self),
            "levels": _levels(),
            "level_choices": level_choices(_("not assessed")),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _record(actor, person, form):
    """Every level of the form in one transaction: all recorded, or none and the form says why."""
    data = form.cleaned_data
    try:
        with transaction.atomic():
            for competency, level in form.levels():
                field = form.level_field(competency)
                try:
                    services.assessment_record(
                        actor=actor,
                        person=person,
                        competency=competency,
                        level=level,
                        note=data["note"],
                        assessed_on=data["assessed_on"],
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc, rename={"level": field, "competency": field})
                    raise
    except ValidationError:
        return None
    return len(form.levels())


# --- Staffing --------------------------------------------------------------------------------


@reader_view
def staffing(request):
    """Every unit with the first HOLDERS_SHOWN holders of each profile (the rest are a
    link to the filtered assignment list), and the shortfalls a page at a time."""
    result = selectors.staffing(viewer=request.user, shown=HOLDERS_SHOWN)
    page, people = None, []
    if result is not None:
        page = Paginator(result.shortfalls, SHORTFALLS_PER_PAGE).get_page(request.GET.get("page"))
        page.object_list = selectors.hydrate_shortfalls(page.object_list)
        people = [a.user_id for unit in result.units for _p, held in unit.holders for a in held]
        people += [a.user_id for a in result.outside]
        people += [shortfall.assignment.user_id for shortfall in page]
    return render(
        request,
        "roles/staffing.html",
        {
            "staffing": result,
            "page_obj": page,
            "holders_shown": HOLDERS_SHOWN,
            "visible": _visible_people(request.user, people),
            "can_assign": can_manage_assignments(request.user),
            "seniority_none": Seniority.NONE,
        },
    )
