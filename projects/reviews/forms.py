"""Forms for reviews and the pulse: input shape only."""

from typing import cast

from django import forms

from coprod.fields import BoundedDateField, LimitedCharField, ModelChoiceField
from coprod.versions import VersionedFormMixin
from projects.forms import DATE
from projects.meetings.forms import ActionForm
from projects.models import SCALE_STEPS, AnswerVisibility, Meeting, Phase, Scale

EQUAL_STEPS = SCALE_STEPS[Scale.HOW_EQUAL]


class ReviewForm(forms.Form):
    title = LimitedCharField(
        label="Name of the review",
        max_length=120,
        help_text="For example: Our six-month review.",
    )
    when = forms.ChoiceField(
        label="When does it open?",
        choices=[
            ("dates", "On a date I choose"),
            ("phase", "When a phase of the project ends"),
        ],
        initial="dates",
        widget=forms.RadioSelect,
    )
    opens_on = BoundedDateField(label="Answers open on", required=False, widget=DATE)
    closes_on = BoundedDateField(label="Answers close after", required=False, widget=DATE)
    repeat_months = forms.IntegerField(
        label="Repeat every this many months (optional)",
        required=False,
        min_value=1,
        max_value=24,
        help_text="Leave empty for a one-off review.",
    )
    after_phase: "forms.ModelChoiceField[Phase]" = ModelChoiceField(
        label="The phase", queryset=Phase.objects.none(), required=False
    )
    open_days = forms.IntegerField(
        label="Days to answer, once the phase ends",
        required=False,
        min_value=1,
        max_value=92,
        initial=14,
    )
    meeting: "forms.ModelChoiceField[Meeting]" = ModelChoiceField(
        label="The meeting where the group talks it over (optional)",
        queryset=Meeting.objects.none(),
        required=False,
    )

    def __init__(self, *args, phases, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["after_phase"].queryset = phases
        self.fields["meeting"].queryset = meetings

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        if data.pop("when") == "phase":
            data.update(opens_on=None, closes_on=None)
        else:
            data.update(after_phase=None, open_days=None)
        return data


class QuestionForm(VersionedFormMixin, forms.Form):
    text = LimitedCharField(label="The question", max_length=200)
    hint = LimitedCharField(label="A hint, if it helps (optional)", max_length=300, required=False)
    scale = forms.ChoiceField(
        label="How people answer",
        choices=Scale.choices,
        initial=Scale.WORDS,
        widget=forms.RadioSelect,
        help_text="With a scale, people can also add words. Scales can be counted in reports.",
    )


class AnswerForm(forms.Form):
    """One question of a review. `visibility` only for members."""

    step = forms.TypedChoiceField(
        label="Your answer",
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    words = LimitedCharField(
        label="In your words (optional)",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    visibility = forms.ChoiceField(
        label="Who sees this answer?",
        choices=[
            (AnswerVisibility.NAMED, "The group, with my name"),
            (AnswerVisibility.ANONYMOUS, "The group, without my name"),
            (AnswerVisibility.COORDINATORS, "Only the coordinators, with my name"),
        ],
        initial=AnswerVisibility.NAMED,
        widget=forms.RadioSelect,
        help_text="Without your name, nobody can find out it was you: not the group, not "
        "the coordinators. If only a few people could have written it, we keep it back "
        "until more have answered.",
    )

    def __init__(self, *args, question, member: bool, **kwargs):
        super().__init__(*args, **kwargs)
        steps = SCALE_STEPS.get(question.scale, ())
        step = cast(forms.TypedChoiceField, self.fields["step"])
        step.label, step.help_text = question.text, question.hint
        if steps:
            step.choices = list(enumerate(steps, start=1))
        else:
            del self.fields["step"]
            self.fields["words"].label = question.text
            self.fields["words"].help_text = question.hint
        if not member:
            del self.fields["visibility"]


class AgreedChangeForm(ActionForm):
    kind = forms.ChoiceField(
        label="What kind of change",
        choices=[
            ("action", "An action: someone does it by a date"),
            ("promise", "A promise: the organisation reports back by a date"),
        ],
        widget=forms.RadioSelect,
        initial="action",
        help_text="A promise is owned by a coordinator (choose one under Staff).",
    )
    meeting: "forms.ModelChoiceField[Meeting]" = ModelChoiceField(
        label="Agreed at which meeting",
        queryset=Meeting.objects.none(),
        required=False,
        help_text="Needed for an action.",
    )
    field_order = ["kind", "description", "owner", "due_on", "meeting"]

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].label = "What the group agreed to change"
        self.fields["meeting"].queryset = meetings


class PulseForm(forms.Form):
    step = forms.TypedChoiceField(
        label="How equal did today feel?",
        coerce=int,
        choices=list(enumerate(EQUAL_STEPS, start=1)),
        widget=forms.RadioSelect,
        help_text="Nobody in the group sees who said what.",
        error_messages={"required": "Choose how equal it felt."},
    )
    change = LimitedCharField(
        label="Anything we should change? (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    debrief = forms.BooleanField(
        label="I would like a chat with someone about today",
        required=False,
        help_text="A coordinator will get in touch. They will not see your answer above.",
    )
