from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.choice_labels import ChoiceLabels
from governance.i18n import Bilingual


class ModelType(models.TextChoices):
    """The five organisational models after Altimeter Group (see DOMAIN.md)."""

    DECENTRALIZED = "decentralized", _("Decentralized (organic)")
    CENTRALIZED = "centralized", _("Centralized")
    HUB_AND_SPOKE = "hub_and_spoke", _("Hub and spoke (coordinated)")
    MULTIPLE_HUB_AND_SPOKE = "multiple_hub_and_spoke", _("Multiple hub and spoke (dandelion)")
    HOLISTIC = "holistic", _("Holistic (honeycomb)")


class OrganisationalModelQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Drafts are for governance leads only; published models are read by everyone."""
        from governance.permissions import can_manage_governance

        if not user.is_authenticated:
            return self.none()
        if can_manage_governance(user):
            return self
        return self.exclude(status=OrganisationalModel.Status.DRAFT)

    def active(self):
        return self.filter(status=OrganisationalModel.Status.ACTIVE).first()


class OrganisationalModel(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=120)
    type = models.CharField(_("type"), max_length=30, choices=ModelType.choices, default=ModelType.HUB_AND_SPOKE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    executive_sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sponsored_models",
        verbose_name=_("executive sponsor"),
    )
    notes = models.TextField(_("notes"), blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, editable=False)

    objects = OrganisationalModelQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("organisational model")
        verbose_name_plural = _("organisational models")
        constraints = [
            # Exactly one active model: publishing races end in one winner.
            models.UniqueConstraint(fields=["status"], condition=Q(status="active"), name="one_active_model"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


class Hub(models.Model):
    """A centre of excellence (or, in a centralized model, the one owning unit)."""

    model = models.ForeignKey(OrganisationalModel, on_delete=models.CASCADE, related_name="hubs")
    name = models.CharField(_("name"), max_length=120)
    home_discipline = models.ForeignKey(
        "disciplines.Discipline", on_delete=models.PROTECT, related_name="+", verbose_name=_("home discipline")
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead"),
    )
    is_coordinating_centre = models.BooleanField(
        _("coordinating centre"),
        default=False,
        help_text=_("In a multiple hub and spoke model, the centre that ties the hubs together."),
    )

    class Meta:
        ordering = ["-is_coordinating_centre", "name"]
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")

    def __str__(self):
        return self.name


class Spoke(models.Model):
    """A discipline that acts itself, enabled by a hub (or on its own when decentralized)."""

    model = models.ForeignKey(OrganisationalModel, on_delete=models.CASCADE, related_name="spokes")
    hub = models.ForeignKey(
        Hub, on_delete=models.CASCADE, null=True, blank=True, related_name="spokes", verbose_name=_("hub")
    )
    discipline = models.ForeignKey(
        "disciplines.Discipline", on_delete=models.PROTECT, related_name="+", verbose_name=_("discipline")
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("liaison"),
    )

    class Meta:
        ordering = ["discipline__position", "discipline__name"]
        # The German UI says "Spoke" inside sentences; as a heading (admin index) it gets a German word.
        verbose_name = pgettext_lazy("model name", "spoke")
        verbose_name_plural = pgettext_lazy("model name plural", "spokes")
        constraints = [models.UniqueConstraint(fields=["model", "discipline"], name="spoke_discipline_once")]

    def __str__(self):
        return str(self.discipline)


class Activity(Bilingual, models.Model):
    """A governance activity: a row of the responsibility matrix."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=120, blank=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self):
        return self.label


class Responsibility(ChoiceLabels, models.Model):
    """One cell of the RACI matrix: how a unit (hub or spoke, by its discipline) takes part."""

    class Role(models.TextChoices):
        RESPONSIBLE = "R", _("Responsible")
        ACCOUNTABLE = "A", _("Accountable")
        ACCOUNTABLE_RESPONSIBLE = "AR", _("Accountable and responsible")
        CONSULTED = "C", _("Consulted")
        INFORMED = "I", _("Informed")

    model = models.ForeignKey(OrganisationalModel, on_delete=models.CASCADE, related_name="responsibilities")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="responsibilities")
    discipline = models.ForeignKey(
        "disciplines.Discipline", on_delete=models.CASCADE, related_name="+", verbose_name=_("discipline")
    )
    role = models.CharField(_("role"), max_length=2, choices=Role.choices)

    class Meta:
        ordering = ["activity__position", "discipline__position"]
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.UniqueConstraint(fields=["model", "activity", "discipline"], name="responsibility_cell_once"),
        ]

    def __str__(self):
        return f"{self.activity} · {self.discipline}: {self.role}"

    @property
    def is_accountable(self):
        return self.role in (self.Role.ACCOUNTABLE, self.Role.ACCOUNTABLE_RESPONSIBLE)

    @property
    def is_responsible(self):
        return self.role in (self.Role.RESPONSIBLE, self.Role.ACCOUNTABLE_RESPONSIBLE)

    @property
    def short(self):
        return "A/R" if self.role == self.Role.ACCOUNTABLE_RESPONSIBLE else self.role


class UserProfile(ChoiceLabels, models.Model):
    """Settings of one person that are not about any one app: the language, and the
    weekly summary e-mail (on unless switched off).

    A user without a row (or with `language` blank) reads the site language. The
    language is used for e-mails and digests, and becomes the session's language at
    sign-in; the header's switch still changes the session only.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("For e-mails, and the language you see after signing in. Empty: the site language."),
    )
    # The weekly digest of executives and managers (governance/digest.py).
    weekly_digest = models.BooleanField(
        _("weekly summary e-mail"),
        default=True,
        help_text=_("Executives and managers: every Monday, the figures of the past week for what you oversee."),
    )
    weekly_digest_week = models.DateField(
        _("weekly summary last sent for"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The Monday of the week whose summary was sent last: at most one per week."),
    )

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self):
        return str(self.user)
