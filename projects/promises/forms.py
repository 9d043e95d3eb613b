"""Forms for promises: input shape only."""

from django import forms

from coprod.accounts.models import User
from coprod.fields import BoundedDateField, LimitedCharField
from coprod.versions import VersionedFormMixin
from projects.forms import DATE
from projects.models import Contribution, Meeting


class ContributionForm(forms.Form):
    said = LimitedCharField(
        label="What did members say, recommend or ask for?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In their words, as far as you can. Do not name who said it.",
    )
    meeting: "forms.ModelChoiceField[Meeting]" = forms.ModelChoiceField(
        label="At which meeting? (optional)", queryset=None, required=False
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class PointForm(forms.Form):
    said = LimitedCharField(
        label="What do you want the group to know?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In your own words. The organisation will answer, and say when it will "
        "report back.",
    )


class ResponseForm(VersionedFormMixin, forms.Form):
    response = forms.ChoiceField(
        label="Our answer",
        choices=[c for c in Contribution.Response.choices if c[0] != "waiting"],
        widget=forms.RadioSelect,
    )
    reason = LimitedCharField(
        label="Why, or what was done, in plain words",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed if it is not possible (say why) or done (say what we did). "
        "Be honest: members will read this.",
    )
    promised_update_on = BoundedDateField(
        label="We will report back by", required=False, widget=DATE
    )
    responsible: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(
        label="Who will report back", queryset=None, required=False, empty_label="Me"
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = staff


class UpdateForm(forms.Form):
    text = LimitedCharField(
        label="What happened",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Say what changed because of what members said, or what is next. "
        "Everyone who was part of it is told, including people who have left since.",
    )
