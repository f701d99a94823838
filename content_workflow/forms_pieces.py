"""Forms of the content piece and calendar pages. They validate and translate input;
`content_workflow.services.pieces` holds the rules and does the writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from content_workflow.models import Channel, Format
from content_workflow.piece_transitions import TEXT_EDITABLE
from content_workflow.submissions import OnceForm
from disciplines.models import Discipline


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class PieceForm(OnceForm):
    title = forms.CharField(label=_("Working title"), max_length=200)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.BLOG)
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices, initial=Format.BLOG_POST)
    planned_publish_date = forms.DateField(
        label=_("Planned publish date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    team = TeamChoiceField(
        label=_("Team"),
        queryset=Discipline.objects.none(),
        empty_label=None,
        help_text=_("The communicators of this discipline plan and write the piece with you, and may edit it."),
    )
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=100000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Every saved change is kept as a version; you can compare any two."),
    )
    version_note = forms.CharField(
        label=_("What changed (optional)"),
        required=False,
        max_length=300,
        help_text=_("A short note for the version history, for example “Quotes from the expert added”."),
    )

    def __init__(self, *args, teams, piece=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.piece = piece
        if piece is None:
            self.fields["team"].queryset = teams
        else:
            del self.fields["team"]  # the team stays the piece's
            if piece.status not in TEXT_EDITABLE:
                self.fields["text"].disabled = True
                self.fields["text"].help_text = _("The text cannot change in this state.")
                del self.fields["version_note"]

    @classmethod
    def initial_for(cls, piece):
        return {
            "title": piece.title,
            "channel": piece.channel,
            "format": piece.format,
            "planned_publish_date": piece.planned_publish_date,
            "text": piece.text,
        }

    def service_fields(self):
        data = self.cleaned_data
        fields = {name: data[name] for name in ("title", "channel", "format", "planned_publish_date")}
        if self.piece is None:
            fields["team"] = data["team"]
            fields["text"] = data.get("text", "")
        elif not self.fields["text"].disabled:
            fields["text"] = data.get("text", "")
            fields["version_note"] = data.get("version_note", "")
        return fields


class RescheduleForm(forms.Form):
    planned_publish_date = forms.DateField(
        label=_("Planned publish date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class PieceTransitionForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000)


class PublishForm(PieceTransitionForm):
    published_url = forms.URLField(label=_("Published URL"), max_length=500, assume_scheme="https")
    published_on = forms.DateField(label=_("Published on"), widget=forms.DateInput(attrs={"type": "date"}))


def version_numbers(piece, data):
    """The two version numbers to compare from GET `from` and `to` (default: the one
    before the current and the current). Returns (from, to, problem)."""
    latest = piece.version
    try:
        new = int(data.get("to") or latest)
        old = int(data.get("from") or max(new - 1, 1))
    except (TypeError, ValueError):
        return None, None, _("Choose two version numbers to compare.")
    if not (1 <= old <= latest and 1 <= new <= latest):
        return None, None, _("This piece has versions 1 to %(latest)s.") % {"latest": latest}
    return old, new, None


__all__ = ["PieceForm", "PieceTransitionForm", "PublishForm", "RescheduleForm", "version_numbers"]


COMMENT_ROWS = 3


def check_hours_field():
    return forms.DecimalField(
        label=_("Hours the check took"),
        initial="0.5",
        min_value=0.25,
        max_value=40,
        decimal_places=2,
        help_text=_("Booked against your discipline's budget, like your input."),
    )


def quote_consent_field():
    return forms.BooleanField(label=_("I may be quoted by name in this piece"), required=False)


class FinalCheckForm(forms.Form):
    """The expert's answer to a final check: a verdict, up to three labelled comments, the
    time it took, and consent to be quoted by name."""

    verdict = forms.ChoiceField(
        label=_("Your answer"),
        widget=forms.RadioSelect,
        choices=[
            ("approved", _("Approve")),
            ("approved_with_changes", _("Approve with changes")),
            ("changes_requested", _("Request changes")),
        ],
    )
    hours_spent = check_hours_field()
    quote_consent = quote_consent_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from content_workflow.models import FinalCheck

        for number in range(1, COMMENT_ROWS + 1):
            self.fields[f"label_{number}"] = forms.ChoiceField(
                label=_("Comment %(number)s is about") % {"number": number},
                required=False,
                choices=[("", "—"), *FinalCheck.Label.choices],
            )
            self.fields[f"text_{number}"] = forms.CharField(
                label=_("What must change"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def comment_rows(self):
        return [(self[f"label_{n}"], self[f"text_{n}"]) for n in range(1, COMMENT_ROWS + 1)]

    def service_kwargs(self):
        data = self.cleaned_data
        comments = [
            {"label": data.get(f"label_{n}", ""), "text": data.get(f"text_{n}", "")} for n in range(1, COMMENT_ROWS + 1)
        ]
        return {
            "verdict": data["verdict"],
            "comments": comments,
            "hours_spent": data["hours_spent"],
            "quote_consent": data["quote_consent"],
        }
