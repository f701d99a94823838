"""What the dashboards' figures cover: the period (this month, last month, quarter, year,
or a custom range) and the scope (everything, one hub with its spokes, one discipline),
read from the query string and checked against what the reader may see.

    chosen = FiguresFilter.from_query(request.GET, request.user)
    chosen.period, chosen.scope      # reporting.Period, reporting.Scope
    chosen.errors                    # messages for bad input (the figures fall back)
    chosen.scope_choices             # [(value, label, current)] for the menu

Query values: `?period=month|last-month|quarter|year|custom&from=YYYY-MM-DD&to=YYYY-MM-DD`
and `?scope=all|hub-<id>|discipline-<slug>`.

Bad input (a date that is no date, a range that ends before it starts or is too long,
a scope that names nothing) gives a message and this month / the reader's whole scope,
never a 500. A real discipline or hub outside the reader's scope (a manager asking for
another discipline) raises PermissionDenied: never others' figures. Two queries (the
disciplines, the active model's spokes with their hubs), whatever the data; a hub
without spokes is its home discipline, offered as such.
"""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance import reporting

CUSTOM = "custom"
ALL = "all"
# Figures reach back to the start of the century at most; ranges of up to five years.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)
LONGEST_DAYS = 5 * 366


class RangeForm(forms.Form):
    start = forms.DateField(label=_("From"))
    end = forms.DateField(label=_("To"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(
                    _("The range ends before it starts: choose a “to” date on or after “from”.")
                )
            if start < EARLIEST or end > LATEST:
                raise forms.ValidationError(_("Choose dates between 2000 and 2099."))
            if (end - start).days >= LONGEST_DAYS:
                raise forms.ValidationError(_("Choose a range of at most five years."))
        return cleaned


@dataclass
class FiguresFilter:
    period_key: str
    period: reporting.Period
    scope: reporting.Scope
    scope_key: str = ALL
    scope_label: str = ""
    scope_choices: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    start: str = ""
    end: str = ""
    # Every discipline in page order (read for the scope menu; the figures reuse them).
    disciplines: list = field(default_factory=list)

    @property
    def is_custom(self):
        return self.period_key == CUSTOM

    @classmethod
    def from_query(cls, query, user, *, today=None):
        today = today or timezone.localdate()
        errors = []
        key = query.get("period") or reporting.DEFAULT_PERIOD
        start, end = query.get("from", ""), query.get("to", "")
        if key == CUSTOM:
            form = RangeForm({"start": start, "end": end})
            if form.is_valid():
                period = reporting.Period(form.cleaned_data["start"], form.cleaned_data["end"])
            else:
                errors += _messages(form)
                key, period = reporting.period_from_query(None, today=today)
        else:
            key, period = reporting.period_from_query(key, today=today)
        chosen = cls(key, period, reporting.Scope.for_user(user), errors=errors, start=start, end=end)
        chosen._choose_scope(query.get("scope") or ALL, user)
        return chosen

    def _choose_scope(self, value, user):
        from disciplines.models import Discipline
        from governance.access import log_denied
        from governance.models import Hub, OrganisationalModel, Spoke

        reachable = self.scope
        disciplines = self.disciplines = list(Discipline.objects.order_by("position", "name"))
        mine = [d for d in disciplines if reachable.is_everything or d.pk in reachable.discipline_ids]
        hubs = {}  # id -> (name, {discipline ids}): the active model's hubs with spokes, in one query
        if reachable.is_everything:
            spokes = (
                Spoke.objects.filter(model__status=OrganisationalModel.Status.ACTIVE, hub__isnull=False)
                .order_by("hub__name", "hub_id")
                .values_list("hub_id", "hub__name", "hub__home_discipline_id", "discipline_id")
            )
            for hub_id, name, home_id, discipline_id in spokes:
                hubs.setdefault(hub_id, (name, {home_id}))[1].add(discipline_id)
        everything = gettext("All disciplines") if reachable.is_everything else gettext("All my disciplines")
        choices = [(ALL, everything)]
        choices += [
            (f"hub-{pk}", gettext("%(hub)s with its spokes") % {"hub": name}) for pk, (name, _ids) in hubs.items()
        ]
        choices += [(f"discipline-{d.slug}", d.label) for d in mine]
        wanted = None
        # Ids beyond a 32-bit integer name nothing (and would overflow the database's type).
        if value.startswith("hub-") and value[4:].isdigit() and len(value) <= 4 + 9:
            pk = int(value[4:])
            if pk in hubs:
                wanted = set(hubs[pk][1])
            else:
                hub = Hub.objects.filter(pk=pk).values_list("home_discipline_id", "model__status", "name").first()
                if hub is not None and not reachable.is_everything:
                    # A hub is beyond a manager's reach: its spokes are others' disciplines.
                    log_denied(user, "figures", value)
                    raise PermissionDenied
                if hub is not None and hub[1] == OrganisationalModel.Status.ACTIVE:
                    wanted = {hub[0]}  # a hub without spokes: its home discipline
                    choices.append((value, gettext("%(hub)s with its spokes") % {"hub": hub[2]}))
        elif value.startswith("discipline-"):
            discipline = next((d for d in disciplines if d.slug == value[len("discipline-") :]), None)
            if discipline is not None:
                wanted = {discipline.pk}
        if value != ALL and wanted is None:
            self.errors.append(gettext("There is no such hub or discipline: showing all you may see."))
            value = ALL
        if wanted is not None:
            if not reachable.is_everything and not wanted <= reachable.discipline_ids:
                log_denied(user, "figures", value)
                raise PermissionDenied
            self.scope = reporting.Scope.of(wanted)
        self.scope_key = value
        self.scope_label = dict(choices)[value]
        self.scope_choices = [(key, label, key == value) for key, label in choices]


def known_disciplines(context):
    """Every discipline in page order, if the page's figures filter read them already
    (else None: whoever needs them makes a query)."""
    chosen = context.get("figures_filter")
    return chosen.disciplines if chosen is not None else None


def _messages(form):
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages += [f"{label}: {error}" if label else str(error) for error in errors]
    return messages
