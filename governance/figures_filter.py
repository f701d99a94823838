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
another discipline) raises PermissionDenied: never others' figures. Three queries at
most (the disciplines, the active model's hubs and their spokes), whatever the data.
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
        from governance.models import Hub, OrganisationalModel

        reachable = self.scope
        disciplines = list(Discipline.objects.order_by("position", "name"))
        mine = [d for d in disciplines if reachable.is_everything or d.pk in reachable.discipline_ids]
        hubs = []
        if reachable.is_everything:
            hubs = list(
                Hub.objects.filter(model__status=OrganisationalModel.Status.ACTIVE)
                .select_related("home_discipline")
                .prefetch_related("spokes")
                .order_by("name")
            )
        everything = gettext("All disciplines") if reachable.is_everything else gettext("All my disciplines")
        choices = [(ALL, everything)]
        choices += [(f"hub-{hub.pk}", gettext("%(hub)s with its spokes") % {"hub": hub.name}) for hub in hubs]
        choices += [(f"discipline-{d.slug}", d.label) for d in mine]
        wanted = None
        if value.startswith("hub-") and value[4:].isdigit():
            hub = next((hub for hub in hubs if hub.pk == int(value[4:])), None)
            if hub is not None:
                wanted = {hub.home_discipline_id, *(spoke.discipline_id for spoke in hub.spokes.all())}
            elif Hub.objects.filter(pk=int(value[4:])).exists():
                # A hub outside the reader's reach: its spokes are others' disciplines.
                log_denied(user, "figures", value)
                raise PermissionDenied
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


def _messages(form):
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages += [f"{label}: {error}" if label else str(error) for error in errors]
    return messages
