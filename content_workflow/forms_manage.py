"""Forms of the budget, allocation and inbox pages.

They read and translate input; the services hold the rules (a reason is required, hours
are positive, a budget cannot drop below what is booked) and their ValidationErrors come
back as errors on these forms.
"""

from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from content_workflow.expert_search import find_expert
from content_workflow.manage_queries import month_param, parse_month, shift_month
from content_workflow.models import NotificationPreference
from content_workflow.submissions import OnceForm

# The services' own words, so one translation serves both.
SAY_WHY = _("Say why, for the record.")
HOURS_INPUT = {"step": "any", "inputmode": "decimal"}
# A month back (to correct it) and a year ahead.
MONTHS_BACK, MONTHS_AHEAD = 1, 12


def month_choices(today):
    current = today.replace(day=1)
    months = [shift_month(current, offset) for offset in range(-MONTHS_BACK, MONTHS_AHEAD + 1)]
    return [(month_param(month), date_format(month, "YEAR_MONTH_FORMAT")) for month in months]


class BudgetApproveForm(OnceForm):
    discipline = forms.ModelChoiceField(label=_("Discipline"), queryset=None, empty_label=None)
    month = forms.ChoiceField(label=_("Month"))
    hours = forms.DecimalField(
        label=_("Hours to approve"),
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs=HOURS_INPUT | {"min": "0.25"}),
        help_text=_("Added to what the month has already."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For the record, e.g. “Q3 content plan: two posts a week”."),
        error_messages={"required": SAY_WHY},
    )

    field_order = ["discipline", "month", "hours", "reason", "submission_token"]

    def __init__(self, *args, disciplines, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discipline"].queryset = disciplines
        self.fields["month"].choices = month_choices(today)

    def clean_month(self):
        return parse_month(self.cleaned_data["month"], default=None)

    def clean_hours(self):
        # The service's rule, here too so that it shows with the other fields' errors.
        hours = self.cleaned_data["hours"]
        if hours is not None and hours <= 0:
            raise forms.ValidationError(_("Approve more than zero hours."))
        return hours


class BudgetAdjustForm(OnceForm):
    approved_hours = forms.DecimalField(
        label=_("New approved hours"),
        max_digits=8,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs=HOURS_INPUT | {"min": "0"}),
        help_text=_("The month's new total. It cannot go below the hours already reserved and used."),
    )
    # The total the manager saw, so a change made meanwhile is not silently overwritten.
    seen = forms.DecimalField(widget=forms.HiddenInput, required=False, max_digits=8, decimal_places=2)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": SAY_WHY},
    )

    def __init__(self, *args, budget, **kwargs):
        kwargs.setdefault("initial", {"approved_hours": budget.approved_hours, "seen": budget.approved_hours})
        super().__init__(*args, **kwargs)
        self.budget = budget

    def change(self):
        """Hours to add (negative: to take back), or None when nothing would change."""
        delta = self.cleaned_data["approved_hours"] - self.budget.approved_hours
        return delta or None


class AllocationApproveForm(forms.Form):
    """Approve in full (no hours) or fewer hours than asked for."""

    hours = forms.DecimalField(
        label=_("Hours to approve"),
        required=False,
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs=HOURS_INPUT | {"min": "0.25"}),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, allocation, **kwargs):
        super().__init__(*args, **kwargs)
        self.allocation = allocation
        self.fields["hours"].widget.attrs["max"] = str(allocation.hours_requested)

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and hours <= 0:
            raise forms.ValidationError(_("Approve more than zero hours, or reject with a reason."))
        if hours is not None and hours > self.allocation.hours_requested:
            raise forms.ValidationError(
                _("%(hours)s h were asked for: approve that many or fewer."),
                params={"hours": _plain(self.allocation.hours_requested)},
            )
        return hours


class AllocationReassignForm(forms.Form):
    """Name an expert of the allocation's discipline (not the requester) by username or
    e-mail; person-search.js suggests names."""

    expert = forms.CharField(
        label=_("Expert"),
        max_length=254,
        help_text=_("Their username or e-mail; type a name to get suggestions."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, allocation, **kwargs):
        super().__init__(*args, **kwargs)
        self.allocation = allocation
        url = reverse("content_workflow:allocation_experts", args=[allocation.pk])
        self.fields["expert"].widget.attrs["data-search-url"] = url

    def clean_expert(self):
        wanted = self.cleaned_data["expert"].strip()
        discipline = self.allocation.discipline
        expert = find_expert(discipline, wanted, exclude_user=self.allocation.request.requester_id)
        if expert is None:
            raise forms.ValidationError(
                _("No expert of %(discipline)s has the username or e-mail “%(value)s”."),
                params={"discipline": discipline.label, "value": wanted},
            )
        return expert


class AllocationRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why, so the requester can revise the request.")},
        help_text=_("The requester reads this and may revise the request."),
    )


class NotificationPreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("E-mail"),
        choices=NotificationPreference.Email.choices,
        widget=forms.RadioSelect,
    )


def _plain(value):
    return f"{Decimal(value).normalize():f}"
