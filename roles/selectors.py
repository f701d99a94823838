"""Read queries shared by pages and the API, ready to render (a fixed number of queries).

Assessments are read only through `Assessment.objects.visible_to(viewer)`, so whatever a
selector returns, a viewer never learns levels they may not see. Views still look the
person up in `people_assessable_by(viewer)` first, so a stranger gets a 404 rather than
an empty page.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, Window
from django.db.models.functions import Lower, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import ModelType
from governance.selectors import active_model, model_units
from governance.suggestions import person_matches
from roles.models import (
    Assessment,
    Competency,
    CompetencyCategory,
    JobProfile,
    RequiredLevel,
    RoleAssignment,
    Seniority,
    UnitKind,
)

FOCUS_SIZE = 3


# --- Lists ----------------------------------------------------------------------------------


def profile_list():
    return JobProfile.objects.all()


def category_list():
    return CompetencyCategory.objects.prefetch_related("competencies")


def competency_list():
    return Competency.objects.select_related("category")


def required_level_list():
    return RequiredLevel.objects.select_related("profile", "competency__category")


def assignment_list(viewer, *, current=False, today=None):
    assignments = RoleAssignment.objects.visible_to(viewer).select_related(
        "user", "profile", "discipline", "created_by"
    )
    return assignments.current(today) if current else assignments


def assignment_rows(viewer, *, current=False, q=None, profile=None, unit=None):
    """The assignment list page: `assignment_list` filtered by name words, profile and
    unit (discipline), in profile, unit and name order."""
    assignments = assignment_list(viewer, current=current)
    for word in (q or "").split()[:5]:
        assignments = assignments.filter(
            Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word) | Q(user__username__icontains=word)
        )
    if profile is not None:
        assignments = assignments.filter(profile=profile)
    if unit is not None:
        assignments = assignments.filter(discipline=unit)
    return assignments.order_by(
        "profile__position", "discipline__position", "user__last_name", "user__first_name", "-since", "-pk"
    )


def people_matching(query):
    """Active people whose name, username or e-mail matches every word of `query`, by name."""
    people = person_matches(get_user_model().objects.filter(is_active=True), query)
    return people.order_by("last_name", "first_name", "username", "pk")


def assessment_list(viewer, *, person=None):
    """Assessments `viewer` may see, newest first; only `person`'s when given."""
    assessments = Assessment.objects.visible_to(viewer).select_related("user", "competency__category", "assessed_by")
    return assessments if person is None else assessments.filter(user=person)


def current_assignment(person, *, today=None):
    """The profile `person` holds now; with several, the one held since most recently."""
    return (
        RoleAssignment.objects.current(today)
        .filter(user=person)
        .select_related("profile", "discipline")
        .order_by("-since", "-pk")
        .first()
    )


# --- The matrix -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixColumn:
    profile: JobProfile
    seniority: str

    @property
    def label(self):
        if not self.profile.has_seniorities:
            return str(self.profile)
        return f"{self.profile} ({Seniority(self.seniority).label})"


@dataclass
class CompetencyMatrix:
    columns: list  # MatrixColumn, profile by profile
    categories: list  # CompetencyCategory with .competencies prefetched
    cells: dict  # (profile_id, seniority, competency_id) -> level

    def level(self, profile, seniority, competency):
        return self.cells.get((profile.pk, seniority, competency.pk))

    def rows(self):
        """(category, competency, [(column, level or None), ...]) in display order."""
        for category in self.categories:
            for competency in category.competencies.all():
                yield (
                    category,
                    competency,
                    [(column, self.level(column.profile, column.seniority, competency)) for column in self.columns],
                )

    def missing(self):
        """Cells without a level: (column, competency). Empty when the matrix is complete."""
        return [
            (column, competency)
            for _category, competency, cells in self.rows()
            for column, level in cells
            if level is None
        ]


def competency_matrix():
    """Every profile and seniority against every competency; four queries."""
    profiles = list(JobProfile.objects.all())
    columns = [MatrixColumn(profile, seniority) for profile in profiles for seniority in profile.seniorities]
    categories = list(CompetencyCategory.objects.prefetch_related("competencies"))
    cells = {
        (profile_id, seniority, competency_id): level
        for profile_id, seniority, competency_id, level in RequiredLevel.objects.values_list(
            "profile_id", "seniority", "competency_id", "level"
        )
    }
    return CompetencyMatrix(columns=columns, categories=categories, cells=cells)


# --- Gap analysis ---------------------------------------------------------------------------


@dataclass
class GapRow:
    """A competency of the person's profile: what is required, what the assessments say."""

    competency: Competency
    required: int
    assessment: Assessment | None = None  # the latest by a manager or lead
    self_assessment: Assessment | None = None  # the latest by the person
    measured: Assessment | None = None  # the one of the two the gap is measured against

    @property
    def level(self):
        return self.measured.level if self.measured else None

    @property
    def gap(self):
        return None if self.level is None else self.required - self.level

    @property
    def is_self_only(self):
        return self.assessment is None and self.self_assessment is not None


@dataclass
class Focus:
    """What to work on next: one competency, or a category when several top gaps share it."""

    competencies: list
    gap: int  # the largest gap among them
    category: CompetencyCategory | None = None

    @property
    def label(self):
        return str(self.category) if self.category else str(self.competencies[0])


@dataclass
class GapAnalysis:
    person: object
    assignment: RoleAssignment | None
    rows: list  # GapRow, largest gap first, unassessed last
    focus: list  # Focus, at most FOCUS_SIZE competencies in all
    history: list  # every visible assessment of the person, oldest first

    @property
    def shortfalls(self):
        return [row for row in self.rows if row.gap is not None and row.gap > 0]

    @property
    def falls_short(self):
        return bool(self.shortfalls)


def _sort_key(row):
    competency = row.competency
    # Largest gap first; not assessed (None) after every assessed row; then matrix order.
    return (row.gap is None, -(row.gap or 0), competency.category.position, competency.position, competency.name)


def _latest_by_kind(assessments):
    """{(competency_id, is_self): latest assessment} from assessments ordered oldest first."""
    latest = {}
    for assessment in assessments:
        latest[(assessment.competency_id, assessment.is_self)] = assessment
    return latest


def keep_measured(measured, competency_id, is_self, value):
    """Record in `measured` (competency id -> value) what a gap is measured against: a
    manager's or lead's view wins over the person's own, whichever comes first. Give it
    at most one value per competency and kind (the latest)."""
    if not is_self or competency_id not in measured:
        measured[competency_id] = value


def suggested_focus(rows, size=FOCUS_SIZE):
    """The competencies of the `size` largest gaps; several from one category become that category."""
    top = [row for row in rows if row.gap is not None and row.gap > 0][:size]
    by_category = defaultdict(list)
    for row in top:
        by_category[row.competency.category_id].append(row)
    focus = []
    for row in top:
        shared = by_category.pop(row.competency.category_id, None)
        if shared is None:
            continue  # already part of a category's focus
        focus.append(
            Focus(
                competencies=[r.competency for r in shared],
                gap=max(r.gap for r in shared),
                category=row.competency.category if len(shared) > 1 else None,
            )
        )
    return focus


def gap_analysis(*, viewer, person, assignment=None, today=None):
    """`person`'s latest levels against the required levels of their profile and seniority.

    Uses the current assignment unless one is given. Three queries: the assignment, the
    profile's required levels and the person's assessments visible to `viewer`.
    """
    if assignment is None:
        assignment = current_assignment(person, today=today)
    history = list(assessment_list(viewer, person=person).order_by("assessed_on", "pk"))
    rows = []
    if assignment is not None:
        latest = _latest_by_kind(history)
        measured = {}
        for (competency_id, is_self), assessment in latest.items():
            keep_measured(measured, competency_id, is_self, assessment)
        required = RequiredLevel.objects.filter(
            profile_id=assignment.profile_id, seniority=assignment.seniority
        ).select_related("competency__category")
        rows = sorted(
            (
                GapRow(
                    competency=cell.competency,
                    required=cell.level,
                    assessment=latest.get((cell.competency_id, False)),
                    self_assessment=latest.get((cell.competency_id, True)),
                    measured=measured.get(cell.competency_id),
                )
                for cell in required
            ),
            key=_sort_key,
        )
    return GapAnalysis(person=person, assignment=assignment, rows=rows, focus=suggested_focus(rows), history=history)


# --- Staffing -------------------------------------------------------------------------------


@dataclass
class Vacancy:
    unit: object  # governance.selectors.Unit
    profile: JobProfile
    message: str


class Held(list):
    """The first holders of a profile in a unit (or outside the units), with how many there are."""

    def __init__(self, shown=(), total=0):
        super().__init__(shown)
        self.total = total


@dataclass
class UnitStaffing:
    unit: object  # governance.selectors.Unit
    holders: list = field(default_factory=list)  # [(profile, Held)] in profile order
    vacancies: list = field(default_factory=list)

    @property
    def moved(self):
        """Shown assignments made when this discipline was the other kind of unit (a spoke now the hub)."""
        return [a for _profile, assignments in self.holders for a in assignments if a.kind != self.unit.kind]


@dataclass
class Shortfall:
    assignment: object  # a HolderRef until hydrate_shortfalls puts the RoleAssignment in
    gaps: list  # [(competency, required, level, gap)], largest first

    @property
    def person(self):
        return self.assignment.user

    @property
    def largest_gap(self):
        return self.gaps[0][3]


@dataclass
class Staffing:
    model: object
    units: list  # UnitStaffing, hubs first
    outside: Held  # current assignments in disciplines that are no unit of the model
    shortfalls: list  # Shortfall, largest gap first

    @property
    def vacancies(self):
        return [vacancy for unit in self.units for vacancy in unit.vacancies]


PERSON_ORDER = ("profile__position", Lower("user__last_name"), Lower("user__first_name"), "user__username", "pk")


def _vacancies(model, unit, held_slugs, profiles_by_slug):
    expects_spoke_cm = model.type in (ModelType.HUB_AND_SPOKE, ModelType.MULTIPLE_HUB_AND_SPOKE)
    smm = profiles_by_slug.get(JobProfile.SOCIAL_MEDIA_MANAGER)
    cm = profiles_by_slug.get(JobProfile.COMMUNITY_MANAGER)
    if unit.kind == UnitKind.HUB and smm and smm.slug not in held_slugs:
        yield Vacancy(unit, smm, _("The hub has no social media manager."))
    if unit.kind == UnitKind.SPOKE and expects_spoke_cm and cm and cm.slug not in held_slugs:
        yield Vacancy(unit, cm, _("The spoke has no community manager."))


def _held_totals(current):
    """{(discipline id, profile id): how many hold it}; one query."""
    return {
        (discipline_id, profile_id): n
        for discipline_id, profile_id, n in current.order_by()
        .values("discipline_id", "profile_id")
        .annotate(n=Count("pk"))
        .values_list("discipline_id", "profile_id", "n")
    }


def _unit_vacancies(model, unit, totals, profiles):
    held_slugs = {profiles[profile_id].slug for (key, profile_id) in totals if key == unit.key}
    return list(_vacancies(model, unit, held_slugs, {profile.slug: profile for profile in profiles.values()}))


def staffing_vacancies(*, model=None, today=None):
    """The staffing view's vacancies alone (the dashboards' model health counts them),
    without its holders and shortfalls; four queries."""
    model = model or active_model()
    if model is None:
        return []
    profiles = {profile.pk: profile for profile in JobProfile.objects.all()}
    totals = _held_totals(RoleAssignment.objects.current(today or timezone.localdate()))
    return [vacancy for unit in model_units(model) for vacancy in _unit_vacancies(model, unit, totals, profiles)]


# What a listed holder shows: the name, the profile and seniority, the unit. The page lists
# hundreds; reading only these columns (not the profile's and discipline's long texts)
# and taking the profile from the three already loaded halved the query and its rows.
HOLDER_COLUMNS = (
    "user",
    "profile",
    "seniority",
    "kind",
    "discipline",
    "user__first_name",
    "user__last_name",
    "user__username",
    "discipline__name",
    "discipline__name_de",
    "discipline__slug",
)


def _holders(assignments, profiles_by_pk):
    """`assignments` (RoleAssignment) with their person and unit, and their profile set
    from `profiles_by_pk`, as a list."""
    found = list(assignments.select_related("user", "discipline").only(*HOLDER_COLUMNS))
    for assignment in found:
        assignment.profile = profiles_by_pk[assignment.profile_id]
    return found


def _first_holders(current, shown, profiles_by_pk):
    """The first `shown` holders of each profile in each discipline (in PERSON_ORDER),
    and how many there are: two queries however many people hold profiles."""
    totals = _held_totals(current)
    rank = Window(RowNumber(), partition_by=[F("discipline_id"), F("profile_id")], order_by=PERSON_ORDER)
    first = current.annotate(rank=rank).filter(rank__lte=shown).order_by(*PERSON_ORDER)
    return totals, _holders(first, profiles_by_pk)


def staffing(*, viewer, model=None, today=None, shown=5):
    """Who holds which profile in each hub and spoke of `model` (the active one by default).

    Each unit lists the first `shown` holders of each profile (with their total); so does
    the list of assignments outside the model's units. Vacancies: a hub without a social
    media manager; in a (multiple) hub and spoke model, a spoke without a community
    manager. Shortfalls: current holders whose latest assessments visible to `viewer` fall
    below their required levels, without their people loaded (hydrate_shortfalls does that
    for the page shown). None when there is no model. A fixed number of queries however
    many units, people and assessments.
    """
    model = model or active_model()
    if model is None:
        return None
    today = today or timezone.localdate()
    units = model_units(model)
    profiles = list(JobProfile.objects.all())
    profiles_by_pk = {profile.pk: profile for profile in profiles}
    current = RoleAssignment.objects.current(today)
    totals, first = _first_holders(current, shown, profiles_by_pk)

    by_discipline = defaultdict(lambda: defaultdict(list))
    for assignment in first:
        by_discipline[assignment.discipline_id][assignment.profile_id].append(assignment)
    unit_rows = []
    for unit in units:
        grouped = by_discipline.get(unit.key, {})
        holders = [
            (profile, Held(grouped[profile.pk], totals[unit.key, profile.pk]))
            for profile in profiles
            if profile.pk in grouped
        ]
        row = UnitStaffing(unit=unit, holders=holders)
        row.vacancies = _unit_vacancies(model, unit, totals, profiles_by_pk)
        unit_rows.append(row)
    unit_keys = {unit.key for unit in units}
    outside = [assignment for assignment in first if assignment.discipline_id not in unit_keys]
    outside_total = sum(n for (key, _profile), n in totals.items() if key not in unit_keys)
    return Staffing(
        model=model,
        units=unit_rows,
        outside=Held(outside[:shown], outside_total),
        shortfalls=_shortfalls(viewer, current),
    )


# Up to this many assessed people, staffing reads only their assignments (a list of ids in
# the query); beyond, every current holder's, and skips those without assessments.
FEW_ASSESSED = 200


@dataclass(frozen=True)
class HolderRef:
    """A current holder before hydrate_shortfalls loads their assignment: building a
    RoleAssignment instance for each of hundreds of holders was half the page's time."""

    pk: int
    user_id: int
    profile_id: int
    seniority: str


def _shortfalls(viewer, current):
    """Current holders whose latest levels (manager's or lead's view first) fall short; at
    most four queries, rows as plain values (a page of them is hydrated later)."""
    # Per person, the level each competency's gap is measured against (latest_only gives
    # one row per person, competency and kind). A dictionary per person: the loop below
    # asks it for thousands of cells.
    levels = defaultdict(dict)
    rows = (
        Assessment.objects.visible_to(viewer)
        .latest_only()
        .filter(user__in=current.values("user_id"))
        .values_list("user_id", "competency_id", "is_self", "level")
    )
    for user_id, competency_id, is_self, level in rows:
        keep_measured(levels[user_id], competency_id, is_self, level)
    if not levels:  # nobody assessed (in the viewer's sight): nothing falls short
        return []
    holders = current.order_by()
    if len(levels) <= FEW_ASSESSED:
        # An expert sees their own assessments: read their assignment, not every holder's.
        holders = holders.filter(user_id__in=list(levels))
    holders = list(holders.values_list("pk", "user_id", "profile_id", "seniority"))
    cells = list(
        RequiredLevel.objects.filter(profile_id__in={row[2] for row in holders}).values_list(
            "profile_id", "seniority", "competency_id", "level"
        )
    )
    # Each competency once (a matrix names the same one in many cells; building a model
    # instance per cell was a quarter of this function's time).
    competencies = Competency.objects.select_related("category").in_bulk({cell[2] for cell in cells})
    required = defaultdict(list)  # (profile_id, seniority) -> [(competency id, competency, level)]
    for profile_id, seniority, competency_id, level in cells:
        required[(profile_id, seniority)].append((competency_id, competencies[competency_id], level))
    shortfalls = []
    for pk, user_id, profile_id, seniority in holders:
        have = levels.get(user_id)
        if not have:  # not assessed (in the viewer's sight): nothing falls short
            continue
        gaps = [
            (competency, needed, level, needed - level)
            for competency_id, competency, needed in required[(profile_id, seniority)]
            if (level := have.get(competency_id)) is not None and needed > level
        ]
        if gaps:
            gaps.sort(key=lambda gap: (-gap[3], gap[0].category.position, gap[0].position))
            shortfalls.append(Shortfall(assignment=HolderRef(pk, user_id, profile_id, seniority), gaps=gaps))
    # Largest gap first; among equals, the stable order of people by id.
    shortfalls.sort(
        key=lambda shortfall: (-shortfall.largest_gap, shortfall.assignment.user_id, shortfall.assignment.pk)
    )
    return shortfalls


def hydrate_shortfalls(shortfalls):
    """Load the assignments (with person, profile and unit) of the shortfalls about to be shown; one query."""
    loaded = RoleAssignment.objects.select_related("user", "profile", "discipline").in_bulk(
        [shortfall.assignment.pk for shortfall in shortfalls]
    )
    for shortfall in shortfalls:
        shortfall.assignment = loaded[shortfall.assignment.pk]
    return shortfalls
