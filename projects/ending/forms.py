"""Forms for credit and ending well: input shape only."""

from django import forms

from coprod.fields import BoundedDateField, LimitedCharField, ModelMultipleChoiceField
from coprod.versions import VersionedFormMixin
from projects.forms import DATE
from projects.models import MilestoneKind

TEXT = forms.Textarea(attrs={"rows": 3})


class CreditedChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        if obj.credit_as == obj.Credit.ANONYMOUS:
            return f"{obj.preferred_name} (thanked without their name)"
        return f"{obj.preferred_name} (thanked as “{obj.credited_name()}”)"


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of milestone?", choices=MilestoneKind.choices, widget=forms.RadioSelect
    )
    title = LimitedCharField(
        label="What was achieved",
        max_length=200,
        help_text="For example: The shelter now opens at 8pm.",
    )
    what_it_means = LimitedCharField(
        label="What it means, in a few words (optional)",
        max_length=1000,
        required=False,
        widget=TEXT,
    )
    happened_on = BoundedDateField(label="When", widget=DATE)
    credited = CreditedChoiceField(
        label="Who made it happen? (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each person is named as they chose on their profile.",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credited"].queryset = people  # type: ignore[attr-defined]


class SignOffForm(forms.Form):
    role = LimitedCharField(
        label="Your role, as it should appear on the reference",
        max_length=120,
        help_text="For example: Participation coordinator.",
    )
    note = LimitedCharField(
        label="A few words about them (optional)",
        max_length=1000,
        required=False,
        widget=TEXT,
    )


class FinalAnswerForm(forms.Form):
    kept = forms.TypedChoiceField(
        label="What happened?",
        choices=[("yes", "We did it"), ("no", "It could not happen")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    words = LimitedCharField(
        label="What we did, or honestly why not",
        max_length=2000,
        widget=TEXT,
        help_text="Everyone who was part of this point is told.",
    )


DEFAULT_DATA_KEPT = (
    "We keep your contact details and your record of contribution unless you ask us to remove "
    "them, so we can tell you about other projects. Records of money we paid you are kept for "
    "as long as tax law requires."
)


class CloseForm(forms.Form):
    thanks = LimitedCharField(
        label="Thank you, in your own words",
        max_length=3000,
        widget=TEXT,
    )
    next_steps = LimitedCharField(
        label="What happens next",
        max_length=3000,
        widget=TEXT,
        help_text="Other projects people can join, and what happens to what the group made.",
    )
    stay_in_touch = LimitedCharField(
        label="How to stay in touch (optional)",
        max_length=3000,
        required=False,
        widget=TEXT,
    )
    data_kept = LimitedCharField(
        label="What happens to people's details, and when",
        max_length=3000,
        widget=TEXT,
        initial=DEFAULT_DATA_KEPT,
        help_text="Say how long you keep them. People can still download or erase their data.",
    )


class PublicPageForm(VersionedFormMixin, forms.Form):
    summary = LimitedCharField(
        label="What the project is for, for anyone to read",
        max_length=2000,
        widget=TEXT,
    )
    what_changed = LimitedCharField(
        label="What changed because of it (optional)",
        max_length=3000,
        required=False,
        widget=TEXT,
    )
    show_you_said_we_did = forms.BooleanField(
        label="Show the changes we made because of what members said", required=False
    )
    show_credits = forms.BooleanField(
        label="Thank the people who took part, by the names they chose", required=False
    )
