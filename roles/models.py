"""Job profiles, the competency matrix, who holds which profile where, and assessments.

Default content (DOMAIN.md) is bilingual: `name`/`name_de` and so on; `label` and
`text` pick the German variant when German is active (governance.i18n.localized).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.choice_labels import ChoiceLabels
from governance.i18n import Bilingual, localized

MIN_LEVEL = 1
MAX_LEVEL = 5
level_validators = [MinValueValidator(MIN_LEVEL), MaxValueValidator(MAX_LEVEL)]


class Seniority(models.TextChoices):
    """Community and social media managers come junior or senior; the consultant has no variants."""

    JUNIOR = "junior", _("Junior")
    SENIOR = "senior", _("Senior")
    NONE = "none", "—"


class JobProfile(Bilingual, models.Model):
    """One of the three social media job profiles (after the BVCM profiles, 2012).

    The slug is fixed (staffing looks profiles up by it); everything else a lead may edit.
    `has_seniorities` decides which seniorities the profile is held and rated in: junior
    and senior, or none. It is not editable, because the required levels are stored per
    seniority actually held.
    """

    COMMUNITY_MANAGER = "community-manager"
    SOCIAL_MEDIA_MANAGER = "social-media-manager"
    SOCIAL_MEDIA_CONSULTANT = "social-media-consultant"

    slug = models.SlugField(_("short name"), max_length=60, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_de = models.TextField(_("description (German)"), blank=True)
    responsibilities = models.TextField(_("responsibilities"), blank=True)
    responsibilities_de = models.TextField(_("responsibilities (German)"), blank=True)
    has_seniorities = models.BooleanField(
        _("junior and senior variants"),
        default=False,
        editable=False,
        help_text=_("The profile is held as junior or senior, each with its own required levels."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("job profile")
        verbose_name_plural = _("job profiles")

    def __str__(self):
        return self.label

    @property
    def responsibilities_text(self):
        return localized(self, "responsibilities")

    @property
    def seniorities(self):
        """The seniorities this profile is held in, and has required levels for."""
        return [Seniority.JUNIOR, Seniority.SENIOR] if self.has_seniorities else [Seniority.NONE]


class CompetencyCategory(Bilingual, models.Model):
    """Professional, methodological, social and personal competence (the usual German four)."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_de = models.TextField(_("description (German)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("competency category")
        verbose_name_plural = _("competency categories")

    def __str__(self):
        return self.label


class Competency(Bilingual, models.Model):
    category = models.ForeignKey(
        CompetencyCategory, on_delete=models.PROTECT, related_name="competencies", verbose_name=_("category")
    )
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_de = models.TextField(_("description (German)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["category__position", "position", "name"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self):
        return self.label


class RequiredLevel(ChoiceLabels, models.Model):
    """One cell of the matrix: the level (1 to 5) a profile needs in a competency.

    Stored once per seniority the profile is held in (junior and senior for the community
    and social media manager, `none` for the consultant), so a lookup is always the exact
    (profile, competency, seniority) row; there is no base row to fall back on.
    """

    profile = models.ForeignKey(
        JobProfile, on_delete=models.CASCADE, related_name="required_levels", verbose_name=_("job profile")
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="required_levels", verbose_name=_("competency")
    )
    seniority = models.CharField(_("seniority"), max_length=10, choices=Seniority.choices, default=Seniority.NONE)
    level = models.PositiveSmallIntegerField(_("required level"), validators=level_validators)

    class Meta:
        ordering = ["profile__position", "competency__category__position", "competency__position", "seniority"]
        verbose_name = _("required level")
        verbose_name_plural = _("required levels")
        constraints = [
            models.UniqueConstraint(fields=["profile", "competency", "seniority"], name="required_level_once"),
            models.CheckConstraint(
                condition=Q(level__gte=MIN_LEVEL) & Q(level__lte=MAX_LEVEL), name="required_level_range"
            ),
        ]

    def __str__(self):
        return f"{self.profile} ({self.get_seniority_display()}) · {self.competency}: {self.level}"


class UnitKind(models.TextChoices):
    HUB = "hub", _("Hub")
    SPOKE = "spoke", _("Spoke")


class RoleAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who holds which profile where is the organisation chart: every signed-in user reads it."""
        if not user.is_authenticated:
            return self.none()
        return self

    def current(self, today=None):
        """Started, and not ended before `today`."""
        today = today or timezone.localdate()
        return self.filter(Q(since__lte=today) & (Q(until__isnull=True) | Q(until__gte=today)))


class RoleAssignment(ChoiceLabels, models.Model):
    """Someone holds a job profile (at a seniority) in a unit of the organisational model.

    The unit is stored as its discipline (the hub's home discipline or the spoke's
    discipline) plus the kind it had when assigned, not as a Hub or Spoke row. Publishing
    a new model version copies the hub and spoke rows, so a foreign key to them would drop
    the assignment from staffing; a discipline sits in at most one place in a published
    model, so it identifies the unit in every version. Staffing matches by discipline;
    when the discipline changed kind in a later version (a spoke became the hub), the
    assignment still shows there and `kind` tells where it was made.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("person")
    )
    profile = models.ForeignKey(
        JobProfile, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("job profile")
    )
    seniority = models.CharField(_("seniority"), max_length=10, choices=Seniority.choices, default=Seniority.NONE)
    kind = models.CharField(_("unit"), max_length=10, choices=UnitKind.choices)
    discipline = models.ForeignKey(
        "disciplines.Discipline", on_delete=models.PROTECT, related_name="+", verbose_name=_("discipline")
    )
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-since", "-pk"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")), name="role_assignment_until_after_since"
            ),
            # A person holds a profile in a unit once at a time; a promotion ends the old one.
            models.UniqueConstraint(
                fields=["user", "profile", "discipline"],
                condition=Q(until__isnull=True),
                name="role_assignment_open_once",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.profile_label} · {self.discipline}"

    @property
    def profile_label(self):
        if self.seniority == Seniority.NONE:
            return str(self.profile)
        return f"{self.profile} ({self.get_seniority_display()})"

    def is_current(self, today=None):
        today = today or timezone.localdate()
        return self.since <= today and (self.until is None or self.until >= today)


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, viewer):
        """The one scope for every list and detail: own, one's team as its manager, or all as a lead.

        See roles.permissions.assessable_people_condition for who counts as the manager.
        """
        from roles.permissions import assessable_people_condition

        if not viewer.is_authenticated:
            return self.none()
        condition = assessable_people_condition(viewer, "user")
        return self if condition is None else self.filter(condition)

    def latest_only(self):
        """Per person, competency and kind (self or not), only the latest assessment.

        Latest is the one with the latest date; on the same date, the one recorded last.
        """
        newer = Assessment.objects.filter(
            user=OuterRef("user"), competency=OuterRef("competency"), is_self=OuterRef("is_self")
        ).filter(
            Q(assessed_on__gt=OuterRef("assessed_on")) | Q(assessed_on=OuterRef("assessed_on"), pk__gt=OuterRef("pk"))
        )
        return self.filter(~Exists(newer))


class Assessment(models.Model):
    """A person's level in a competency as somebody saw it on a day.

    `is_self` is derived by the service (assessed_by == user) and stored so queries can
    keep self-assessments apart from their manager's or a lead's.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("person")
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("competency")
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=level_validators)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="assessments_given",
        verbose_name=_("assessed by"),
    )
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    is_self = models.BooleanField(_("self-assessment"), default=False, editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=MIN_LEVEL) & Q(level__lte=MAX_LEVEL), name="assessment_level_range"
            ),
            # A NULL assessor (deleted account) passes: that was never a self-assessment.
            models.CheckConstraint(
                condition=(Q(is_self=True) & Q(assessed_by=F("user"))) | (Q(is_self=False) & ~Q(assessed_by=F("user"))),
                name="assessment_is_self_matches_assessor",
            ),
        ]
        indexes = [models.Index(fields=["user", "competency", "is_self", "assessed_on"], name="assessment_latest_idx")]

    def __str__(self):
        return f"{self.user} · {self.competency}: {self.level}"
