from typing import cast

from django import forms
from django.utils import timezone

from coprod.accounts.forms import organisation_choice
from coprod.accounts.models import Organisation
from coprod.accounts.selectors import coordinators_of
from coprod.fields import (
    DATE_WIDGET,
    BoundedDateField,
    LimitedCharField,
    ModelForm,
    ModelMultipleChoiceField,
)
from coprod.versions import VERSION_FIELD, VersionedFormMixin, seen_version, version_of
from projects.models import RUNG_MEANINGS, Phase, Project, Rung, Value, ValueVersion
from projects.services import (
    BASICS_FIELDS,
    NO_COORDINATOR,
    PHASE_TEMPLATES,
    PURPOSE_FIELDS,
    WAYS_FIELDS,
)

DATE = DATE_WIDGET


class ProjectForm(VersionedFormMixin, ModelForm):
    version_fields = BASICS_FIELDS

    class Meta:
        model = Project
        fields = ["title", "summary", "status", "start_date", "end_date", "coordinators"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "start_date": DATE,
            "end_date": DATE,
            "coordinators": forms.CheckboxSelectMultiple,
        }
        field_classes = {
            "start_date": BoundedDateField,
            "end_date": BoundedDateField,
            "coordinators": ModelMultipleChoiceField,
        }
        help_texts = {"end_date": "Leave empty if the project has no planned end."}

    def __init__(self, *args, may_change_coordinators: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_change_coordinators:
            # Not shown, and anything posted under this name is ignored.
            del self.fields["coordinators"]
            return
        organisation = self.instance.organisation if self.instance.pk else None
        field = cast(forms.ModelMultipleChoiceField, self.fields["coordinators"])
        field.queryset = coordinators_of(organisation.pk if organisation else None)
        field.required = True
        field.error_messages["required"] = NO_COORDINATOR
        field.help_text = (
            "They see members' private notes for this project, because they act on them. "
            "Members are told who they are and since when."
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date is before the start date.")
        return cleaned


class ProjectCreateForm(ProjectForm):
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        queryset=None, empty_label=None
    )

    class Meta(ProjectForm.Meta):
        fields = ["organisation", *ProjectForm.Meta.fields]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        # Its creator is the first coordinator; others are named in the basics step.
        organisation_choice(self.fields["organisation"], organisations)


class PurposeForm(VersionedFormMixin, ModelForm):
    version_fields = PURPOSE_FIELDS

    class Meta:
        model = Project
        fields = ["purpose", "can_change", "fixed"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}
        help_texts = {
            "purpose": "Why does this project exist? What problem are we trying to fix?",
            "can_change": "What can the group really decide or change? Be specific.",
            "fixed": "What cannot change (money, law, decisions already made), and why. "
            "Saying this up front builds trust.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].required = True


class WaysOfWorkingForm(VersionedFormMixin, ModelForm):
    version_fields = WAYS_FIELDS

    class Meta:
        model = Project
        fields = [
            "problems",
            "payment_approach",
            "confidentiality",
            "support",
            "contact_for_members",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields[:4]}
        help_texts = {
            "problems": "How can someone raise a worry or complaint, and who deals with it?",
            "payment_approach": "How and when people are paid for their time, and expenses.",
            "confidentiality": (
                "What is shared outside the group, and how we protect who said what."
            ),
            "support": "For example: a chat before and after meetings, a named wellbeing contact.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problems"].required = True


class PhaseTemplateForm(forms.Form):
    template = forms.ChoiceField(
        label="Start from a list",
        choices=[(key, spec["label"]) for key, spec in PHASE_TEMPLATES.items()],
        widget=forms.RadioSelect,
    )


class PhaseRowForm(forms.Form):
    phase = forms.ModelChoiceField(
        queryset=Phase.objects.none(), required=False, widget=forms.HiddenInput
    )
    name = LimitedCharField(label="Phase name", max_length=120, required=False)
    description = LimitedCharField(label="What happens in it", max_length=300, required=False)
    position = forms.IntegerField(label="Order", min_value=1, max_value=99, required=False)
    remove = forms.BooleanField(label="Remove", required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = project.phases.all()


class BasePhaseFormSet(forms.BaseFormSet):
    def __init__(self, *args, project, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"project": self.project}

    def clean(self):
        """Mark every row whose name another row already uses, next to the name."""
        rows = [
            form
            for form in self.forms
            if form.cleaned_data.get("name", "").strip() and not form.cleaned_data.get("remove")
        ]
        seen: dict[str, list] = {}
        for form in rows:
            seen.setdefault(form.cleaned_data["name"].strip().casefold(), []).append(form)
        duplicates = sorted(name for name, forms in seen.items() if len(forms) > 1)
        for name in duplicates:
            for form in seen[name]:
                form.add_error("name", "Another phase has this name.")
        if duplicates:
            raise forms.ValidationError(
                "Each phase needs its own name. Used more than once: " + ", ".join(duplicates) + "."
            )


PhaseFormSet = forms.formset_factory(PhaseRowForm, formset=BasePhaseFormSet, extra=2)


class CurrentPhaseForm(forms.Form):
    current_phase = forms.ModelChoiceField(
        queryset=Phase.objects.none(),
        required=False,
        empty_label="Not started yet",
        label="Where we are now",
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["current_phase"].queryset = project.phases.all()


class ValueForm(ModelForm):
    class Meta:
        model = ValueVersion
        fields = ["title", "meaning"]
        widgets = {"meaning": forms.Textarea(attrs={"rows": 4})}
        labels = {"title": "The value, in a few words"}
        help_texts = {"meaning": "What will people see us doing if we live by this value?"}


class AgreedOnForm(forms.Form):
    agreed_on = BoundedDateField(
        label="Date the group agreed it", widget=DATE, initial=timezone.localdate
    )


class ValueReviseForm(ValueForm):
    agreed_on = BoundedDateField(
        label="Date the group agreed the new words",
        widget=DATE,
        required=False,
        initial=timezone.localdate,
    )

    version = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)

    def __init__(self, *args, value: Value, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[VERSION_FIELD].initial = version_of(value)
        if value.status == Value.Status.AGREED:
            self.fields["agreed_on"].required = True
        else:
            del self.fields["agreed_on"]

    def clean(self):
        cleaned = super().clean()
        cleaned[VERSION_FIELD] = seen_version(self.data, self.prefix)
        return cleaned


class ValuesReviewedForm(forms.Form):
    reviewed_on = BoundedDateField(
        label="Date the group reviewed its values", widget=DATE, initial=timezone.localdate
    )


class LadderForm(forms.Form):
    rung = forms.ChoiceField(
        label="Where does the project sit now?",
        choices=[(rung.value, f"{rung.label}: {RUNG_MEANINGS[rung]}") for rung in Rung],
        widget=forms.RadioSelect,
    )
    reason = LimitedCharField(
        label="Why do you say that?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="An honest sentence or two is enough.",
    )
