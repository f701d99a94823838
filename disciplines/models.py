from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.choice_labels import ChoiceLabels
from governance.i18n import Bilingual

# Paths under /catalogue/ that a discipline's slug would otherwise hide.
RESERVED_SLUGS = frozenset({"add", "people"})

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb, for example #1d4ed8."))


class Discipline(ChoiceLabels, Bilingual, models.Model):
    class Kind(models.TextChoices):
        MARKETING = "marketing", _("Marketing")
        COMMUNICATIONS = "communications", _("Communications")
        SERVICE = "service", _("Customer service")
        SALES = "sales", _("Sales")
        PRODUCT = "product", _("Product and innovation")
        RESEARCH = "research", _("Research and intelligence")
        HR = "hr", _("Human resources")
        INTERNAL = "internal", _("Internal communications")
        LEGAL = "legal", _("Legal and compliance")
        INVESTOR_RELATIONS = "investor_relations", _("Investor relations")
        IT = "it", _("IT")
        MANAGEMENT = "management", _("Management")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=100, blank=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("description"), blank=True)
    description_de = models.TextField(_("description (German)"), blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#64748b", validators=[colour_validator])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")

    def __str__(self):
        return self.label

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": _("“%(slug)s” is reserved; choose another short name.") % {"slug": self.slug}}
            )


class ApplicationArea(Bilingual, models.Model):
    """What social media is used for in a discipline."""

    discipline = models.ForeignKey(
        Discipline, on_delete=models.CASCADE, related_name="application_areas", verbose_name=_("discipline")
    )
    title = models.CharField(_("title"), max_length=120)
    title_de = models.CharField(_("title (German)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_de = models.TextField(_("description (German)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["discipline__position", "position", "title"]
        verbose_name = _("application area")
        verbose_name_plural = _("application areas")
        constraints = [models.UniqueConstraint(fields=["discipline", "title"], name="application_area_unique_title")]

    label_field = "title"

    def __str__(self):
        return self.label


class Membership(ChoiceLabels, models.Model):
    """Someone works in a discipline as an expert, manager or communicator."""

    class Function(models.TextChoices):
        EXPERT = "expert", _("Expert")
        MANAGER = "manager", _("Manager")
        COMMUNICATOR = "communicator", _("Communicator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    discipline = models.ForeignKey(
        Discipline, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("discipline")
    )
    function = models.CharField(_("function"), max_length=20, choices=Function.choices)
    weekly_capacity_hours = models.DecimalField(
        _("weekly capacity (hours)"),
        max_digits=4,
        decimal_places=1,
        default=4,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        help_text=_("Hours a week this person can give to social media work."),
    )

    class Meta:
        ordering = ["discipline__position", "function", "user__last_name", "user__first_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "discipline", "function"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(weekly_capacity_hours__gte=0) & Q(weekly_capacity_hours__lte=60),
                name="membership_capacity_range",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.discipline} · {self.get_function_display()}"


class Expertise(models.Model):
    """Topic tags and a short profile, so routing can match requests to experts."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expertise", verbose_name=_("person")
    )
    tags = models.JSONField(_("topic tags"), default=list, blank=True)
    profile = models.TextField(_("profile"), blank=True, max_length=2000)
    # Consent, given by the expert alone (services.recognition_opt_in_set): only then does
    # the management dashboard name them beside their thanked contributions.
    recognition_opt_in = models.BooleanField(
        _("name me in recognition"),
        default=False,
        help_text=_("Show my name beside my most thanked contributions on the management dashboard."),
    )

    class Meta:
        # "Expertise" reads as English on the German admin index: the context gives German its own word.
        verbose_name = pgettext_lazy("model name", "expertise")
        verbose_name_plural = pgettext_lazy("model name plural", "expertise")

    def __str__(self):
        return f"{self.user}: {', '.join(self.tags)}"


class Absence(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences", verbose_name=_("person")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputising",
        verbose_name=_("deputy"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_start"),
            models.CheckConstraint(condition=~Q(deputy=models.F("user")), name="absence_deputy_not_self"),
        ]

    def __str__(self):
        return f"{self.user}: {self.starts_on} – {self.ends_on}"
