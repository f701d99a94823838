"""Recognition without surveillance: expert work is seen, people are not ranked.

- Figures are per discipline, and a discipline (or scope) with fewer than
  `reporting.MIN_PEOPLE` contributing experts shows "fewer than 3 people" instead of
  numbers (`reporting.delivery_figures`, `reporting.delivery_by_discipline`).
- `most_thanked`: the period's most useful contributions with their thanks. The expert
  is named only if they opted in on their expertise (`Expertise.recognition_opt_in`, set
  by the expert alone); otherwise "an expert in <discipline>".
- `person_figures`: contributions, hours and average rating per expert, only where the
  installation turned on `settings.PERSON_FIGURES` (after its works council agreed).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, F, Q, Sum

from content_workflow.models import Contribution

# How many thanked contributions the card shows.
THANKS_SHOWN = 5


def _delivered(period, scope):
    """The contributions of the requests delivered in the period: the same requests the
    delivery figures count."""
    begin, after = period.bounds()
    contributions = Contribution.objects.filter(request__delivered_at__gte=begin, request__delivered_at__lt=after)
    return scope.filter(contributions, "request__target_discipline_id")


@dataclass
class Thanks:
    contribution: Contribution
    name: str  # the expert's name, or "" when they did not opt in

    @property
    def discipline(self):
        return self.contribution.request.target_discipline

    @property
    def rating(self):
        return self.contribution.usefulness

    @property
    def text(self):
        return self.contribution.thanks


def most_thanked(period, scope, *, limit=THANKS_SHOWN):
    """The contributions delivered in the period that their requesters thanked, most
    useful first (then newest). One query."""
    from governance.figures_cache import remembered

    def ranking():
        # Which contributions, kept for a few minutes like the figures; who they are and
        # whether they may be named is read fresh, so a withdrawn consent counts at once.
        thanked = _delivered(period, scope).exclude(thanks="")
        order = (F("usefulness").desc(nulls_last=True), "-request__delivered_at", "-pk")
        return list(thanked.order_by(*order).values_list("pk", flat=True)[:limit])

    ids = remembered("most_thanked", [period], scope, ranking, extra=(limit,))
    rows = Contribution.objects.select_related("author", "author__expertise", "request__target_discipline").in_bulk(ids)
    return [Thanks(rows[pk], _name_if_opted_in(rows[pk].author)) for pk in ids if pk in rows]


def _name_if_opted_in(user):
    expertise = getattr(user, "expertise", None)
    if expertise is None or not expertise.recognition_opt_in:
        return ""
    return user.get_full_name() or user.get_username()


def person_figures_enabled():
    return bool(getattr(settings, "PERSON_FIGURES", False))


def person_figures(period, scope):
    """Per expert: contributions, hours spent and average rating in the period, most
    contributions first; a values queryset to paginate (count and page: two queries).
    None unless `settings.PERSON_FIGURES` is on."""
    if not person_figures_enabled():
        return None
    return (
        _delivered(period, scope)
        .order_by()
        .values("author_id", "author__username", "author__first_name", "author__last_name")
        .annotate(
            contributions=Count("pk"),
            hours=Sum("hours_spent"),
            rating=Avg("usefulness", filter=Q(usefulness__isnull=False)),
        )
        .order_by("-contributions", "author__last_name", "author__username", "author_id")
    )
