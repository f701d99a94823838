"""Forms of the request pages. They validate and translate input; the services in
`content_workflow.services` hold the rules and do the writes."""

from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content_workflow.expert_search import find_expert
from content_workflow.models import Channel, Format, Priority, Status
from content_workflow.models.requests import HOURS
from content_workflow.planning import due_date_problem, latest_due_date
from content_workflow.services.requests import EDITABLE_FIELDS, check_files
from content_workflow.submissions import OnceForm


class DisciplineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class RequestForm(OnceForm):
    """Ask for expert input. Offers only the disciplines the active model lets the
    requester ask, and says the rule before anyone submits."""

    title = forms.CharField(label=_("Title"), max_length=200)
    brief = forms.CharField(
        label=_("Brief"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you need, for whom, and what the expert should cover. A clear brief saves everyone time."),
    )
    topic_tags = forms.CharField(
        label=_("Topic tags"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas, for example: pricing, api. Routing prefers experts who know these topics."),
    )
    target_discipline = DisciplineChoiceField(
        label=_("Discipline to ask"), queryset=None, empty_label=_("Choose a discipline")
    )
    # A text field, not a select: a discipline can have thousands of experts. Without
    # JavaScript one types the username or e-mail; with it, person-search.js suggests names.
    preferred_expert = forms.CharField(
        label=_("Preferred expert (optional)"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-search-with": "target_discipline"}),
        help_text=_(
            "Their username or e-mail; empty: anyone suitable. Routing asks this person first if they have time; "
            "otherwise it picks the best match."
        ),
    )
    estimated_hours = forms.DecimalField(
        label=_("Estimated hours"),
        max_digits=HOURS["max_digits"],
        decimal_places=HOURS["decimal_places"],
        min_value=Decimal("0.25"),
        max_value=200,
        help_text=_(
            "An expert blog post of 500–1,000 words takes about 2.5 h of the expert's time "
            "(1 h raw input, 1 h editing by the social team, 0.5 h final check); an interview 0.5–1 h."
        ),
    )
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    content_piece = forms.CharField(
        label=_("Content piece"),
        required=False,
        max_length=200,
        help_text=_("What the input is for, for example “Blog post on the new pricing”."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.BLOG)
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices, initial=Format.BLOG_POST)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )

    # The fields the request services accept: one list, kept with the services.
    FIELDS = EDITABLE_FIELDS

    def __init__(self, *args, disciplines, scope, requester, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.requester = requester
        field = self.fields["target_discipline"]
        field.queryset = disciplines
        field.error_messages["invalid_choice"] = _("You may not ask this discipline. %(rule)s") % {
            "rule": scope.message
        }
        self.fields["preferred_expert"].widget.attrs["data-search-url"] = reverse("content_workflow:expert_search")
        today = timezone.localdate()
        # The browser's picker offers the window the request service accepts.
        self.fields["due_date"].widget.attrs.update(min=today.isoformat(), max=latest_due_date(today).isoformat())

    @classmethod
    def initial_for(cls, request):
        """The form's values for an existing draft."""
        initial = {name: getattr(request, name) for name in cls.FIELDS}
        initial["topic_tags"] = ", ".join(request.topic_tags or [])
        initial["target_discipline"] = request.target_discipline_id
        expert = request.preferred_expert
        initial["preferred_expert"] = expert.get_username() if expert else ""
        return initial

    def clean_due_date(self):
        # The request service's rule, checked here too so that a wrong date shows beside
        # the other fields' errors instead of after they are fixed.
        value = self.cleaned_data["due_date"]
        if problem := due_date_problem(value):
            raise forms.ValidationError(problem)
        return value

    def clean(self):
        data = super().clean()
        wanted, discipline = data.get("preferred_expert", "").strip(), data.get("target_discipline")
        data["preferred_expert"] = None
        if wanted and discipline is not None:
            expert = find_expert(discipline, wanted, exclude_user=self.requester)
            if expert is None:
                self.add_error(
                    "preferred_expert",
                    _("No expert of %(discipline)s has the username or e-mail “%(value)s”.")
                    % {"discipline": discipline.label, "value": wanted},
                )
            else:
                data["preferred_expert"] = expert
        return data

    def service_fields(self):
        """The keyword arguments for `request_create` / `request_update`."""
        data = self.cleaned_data
        return {name: data.get(name) for name in self.FIELDS}


class RequestFilterForm(forms.Form):
    """The filter of "My requests" (GET: every field optional, bad values ignored)."""

    SHOW_MINE = "mine"
    SHOW_ALL = "all"

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), ("open", _("Open (not finished)")), *Status.choices],
    )
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[(SHOW_MINE, _("Asked by me")), (SHOW_ALL, _("All I may see"))],
    )

    def values(self):
        if not self.is_valid():
            return {"q": "", "status": "", "mine": True}
        data = self.cleaned_data
        return {"q": data["q"], "status": data["status"], "mine": data["show"] != self.SHOW_ALL}


# --- Actions ------------------------------------------------------------------------------------


class ConfirmForm(forms.Form):
    """An action that needs nothing but the click."""

    def service_kwargs(self):
        return {}


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The expert and the timeline show it."),
    )

    def service_kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The requester reads it and can adjust the request; routing then asks someone else."),
        error_messages={"required": _("Say why you decline, so the requester can adjust the request.")},
    )

    def service_kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks their number, type and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class DeliverForm(OnceForm):
    text = forms.CharField(
        label=_("Your input"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The facts, quotes and links the communicator needs. Attach files below if you like."),
    )
    hours_spent = forms.DecimalField(
        label=_("Hours you actually spent"),
        max_digits=HOURS["max_digits"],
        decimal_places=HOURS["decimal_places"],
        min_value=Decimal("0.25"),
        max_value=500,
        help_text=_("They are booked against your discipline's budget; hours over the estimate are reported."),
    )
    files = MultipleFileField(
        label=_("Files (optional)"),
        required=False,
        help_text=_("Up to 5 documents or images (PDF, Office, text, PNG, JPEG…), each at most 10 MB."),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        try:
            check_files(files)  # the service's rule, so its errors come with the others
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        return files

    def service_kwargs(self):
        data = self.cleaned_data
        return {"text": data["text"], "hours_spent": data["hours_spent"], "files": data["files"]}


RATING_CHOICES = [
    (5, _("5 – very useful")),
    (4, _("4 – useful")),
    (3, _("3 – partly useful")),
    (2, _("2 – hardly useful")),
    (1, _("1 – not useful")),
]


class RatingForm(forms.Form):
    """Change the rating and thanks of a completed request (within RATING_EDIT_DAYS)."""

    rating = forms.TypedChoiceField(
        label=_("How useful was the input?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Rate the input from 1 to 5.")},
    )
    thanks = forms.CharField(
        label=_("Thank-you note"),
        required=False,
        max_length=1800,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what the input made possible. The expert sees it, and so do their discipline's managers."),
    )

    @staticmethod
    def initial_for(contribution):
        return {"rating": contribution.usefulness, "thanks": contribution.thanks}

    def service_kwargs(self):
        """Keyword arguments for `services.request_rating_change`."""
        return {"note": self.cleaned_data["thanks"].strip(), "rating": self.cleaned_data["rating"]}


class CompleteForm(OnceForm, RatingForm):
    """Complete and rate. The box is checked on the server too: a slip in the rating
    (1 for 5) is what it guards against, with or without JavaScript."""

    confirmed = forms.BooleanField(
        label=_("I have checked the rating and the note."),
        error_messages={"required": _("Check the rating and the note, then tick the box to complete.")},
    )

    field_order = ["rating", "thanks", "confirmed"]
