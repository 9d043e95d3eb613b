import copy
from typing import Any

from django import forms

from coprod.accounts.forms import organisation_choice
from coprod.accounts.models import Organisation
from coprod.fields import (
    BoundedDateField,
    LimitedCharField,
    ModelChoiceField,
    ModelForm,
    ModelMultipleChoiceField,
    QuickSelect,
)
from coprod.versions import VersionedFormMixin, version_of
from participants.invitations import CODE_LENGTH, contact_normalise
from participants.models import (
    CONTRIBUTE_AREAS,
    AssetTag,
    ContactTime,
    MeetingTime,
    Participant,
    ProjectMembership,
    ProjectRole,
)
from participants.phones import phone_for_display
from participants.selectors import projects_of
from participants.services import ASSETS_FIELDS, CONTACT_FIELDS, CREDIT_FIELDS, membership_version


class PrivateNotesForm(VersionedFormMixin, ModelForm):
    version_fields = Participant.PRIVATE_FIELDS

    class Meta:
        model = Participant
        fields = list(Participant.PRIVATE_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in Participant.PRIVATE_FIELDS}


class ContactForm(VersionedFormMixin, ModelForm):
    version_fields = CONTACT_FIELDS

    class Meta:
        model = Participant
        fields = [
            "preferred_name",
            "pronouns",
            "full_name",
            "preferred_channel",
            "email",
            "phone",
            "postal_address",
            "best_times",
        ]
        widgets = {
            "preferred_channel": forms.RadioSelect,
            "postal_address": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.phone and not self.is_bound:
            self.initial["phone"] = phone_for_display(self.instance.phone)


class CommunicationForm(VersionedFormMixin, ModelForm):
    version_fields = Participant.COMMUNICATION_FIELDS

    meeting_times = forms.MultipleChoiceField(
        label="When can you usually come to meetings?",
        choices=MeetingTime.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick all that suit you. Leave them all empty if any time is fine. "
        "We warn whoever plans a meeting at a time you did not tick.",
    )

    contact_times = forms.MultipleChoiceField(
        label="When may we text you?",
        choices=ContactTime.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick all that suit you. Leave them all empty if any time from 8am to 9pm "
        "is fine. We never text between 9pm and 8am.",
    )

    class Meta:
        model = Participant
        fields = list(Participant.COMMUNICATION_FIELDS)
        widgets = {
            "papers_days_ahead": forms.NumberInput(attrs={"min": 0, "max": 60}),
            "reminders": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form sent without this choice (an older page, say) keeps every reminder.
        self.fields["reminders"].required = False

    def clean_reminders(self):
        return self.cleaned_data["reminders"] or Participant.Reminders.ALL

    def clean_papers_days_ahead(self):
        days = self.cleaned_data["papers_days_ahead"]
        if days is not None and days > 60:
            raise forms.ValidationError("Please choose 60 days or fewer.")
        return days


class CreditForm(VersionedFormMixin, ModelForm):
    version_fields = CREDIT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "Not said" is a choice people can go back to.
        self.fields["story_requests"].required = False

    class Meta:
        model = Participant
        fields = ["credit_as", "story_requests", "self_description"]
        widgets = {
            "credit_as": forms.RadioSelect,
            "story_requests": forms.RadioSelect,
            "self_description": forms.Textarea(attrs={"rows": 4}),
        }


class AssetsForm(VersionedFormMixin, forms.Form):
    assets_in_own_words = LimitedCharField(
        label="What you bring, in your own words",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    contribute_areas = forms.MultipleChoiceField(
        label="Where you would like to contribute",
        choices=CONTRIBUTE_AREAS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, version=version_of(participant, ASSETS_FIELDS), **kwargs)
        self.kinds = []
        for kind in AssetTag.Kind:
            choices = AssetTag.objects.filter(organisation=participant.organisation, kind=kind)
            self.fields[f"tags_{kind}"] = ModelMultipleChoiceField(
                label=kind.label,
                queryset=choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            self.fields[f"new_{kind}"] = LimitedCharField(
                label=f"Add your own {kind.label.lower()}",
                help_text="Separate them with commas. They join the list for everyone.",
                max_length=300,
                required=False,
            )
            self.kinds.append(kind)
        if not self.is_bound:
            mine = set(participant.assets.values_list("pk", flat=True))
            for kind in AssetTag.Kind:
                self.initial[f"tags_{kind}"] = [
                    pk
                    for pk in self.fields[f"tags_{kind}"].queryset.values_list("pk", flat=True)
                    if pk in mine
                ]
            self.initial["assets_in_own_words"] = participant.assets_in_own_words
            self.initial["contribute_areas"] = participant.contribute_areas

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "tags": [tag for kind in self.kinds for tag in data[f"tags_{kind}"]],
            "new_tags": {kind.value: data[f"new_{kind}"] for kind in self.kinds},
            "assets_in_own_words": data["assets_in_own_words"],
            "contribute_areas": data["contribute_areas"],
            "version": data["version"],
        }


class BreakForm(forms.Form):
    check_in_on = BoundedDateField(
        label="Check in with me after (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="We will not contact you about this project before then. "
        "Leave it empty and we will wait for you.",
    )


def request_field(participant: Participant, *, example: str, after: str) -> forms.CharField:
    """The person's request, in the words of the member of staff acting on it."""
    name = participant.preferred_name
    return LimitedCharField(
        label=f"What did {name} ask for, and when?",
        help_text=f"For example: “{name} phoned on 3 March and {example}.” {after}",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": f"Write down what {name} asked for, and when."},
    )


class EraseForm(forms.Form):
    """Confirm an erasure; staff also write down the request they act on."""

    confirm = forms.BooleanField(
        label="I understand this cannot be undone",
        error_messages={"required": "Tick the box to confirm."},
    )

    def __init__(self, *args, participant: Participant, by_staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if by_staff:
            field = request_field(
                participant,
                example="asked us to erase everything",
                after="It is kept with the record that their data was erased.",
            )
            self.fields = {"on_request": field, **self.fields}


class ExportOnRequestForm(forms.Form):
    """An admin downloads someone's data only for a request they write down."""

    fmt = forms.ChoiceField(
        label="Which copy",
        choices=[("csv", "A spreadsheet (CSV)"), ("json", "JSON, for computers")],
        initial="csv",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        field = request_field(
            participant,
            example="asked for a copy of everything",
            after=f"{participant.preferred_name} can read what you write here.",
        )
        self.fields = {"on_request": field, **self.fields}


class OrganisationProjectMixin:
    """The organisation (asked only of people who coordinate several) and an optional project."""

    def set_choices(self, organisations):
        organisation_choice(self.fields["organisation"], organisations)
        self.fields["project"].queryset = projects_of(organisations)

    def clean(self):
        cleaned = super().clean()
        organisation, project = cleaned.get("organisation"), cleaned.get("project")
        if organisation and project and project.organisation_id != organisation.pk:
            self.add_error("project", "Choose one of this organisation's projects.")
        return cleaned


class InviteForm(OrganisationProjectMixin, forms.Form):
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        queryset=None, empty_label=None
    )
    preferred_name = LimitedCharField(label="What they like to be called", max_length=100)
    email = forms.EmailField(label="Their email address", required=False)
    phone = LimitedCharField(
        label="Or their mobile number",
        max_length=30,
        required=False,
        help_text="With no email, you tell them the code by phone.",
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    project: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(  # a Project
        queryset=None, required=False, empty_label="No project yet", label="Invite them to"
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices(organisations)


class AddOnBehalfForm(OrganisationProjectMixin, forms.Form):
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        queryset=None, empty_label=None
    )
    preferred_name = LimitedCharField(label="What they like to be called", max_length=100)
    phone = LimitedCharField(
        label="Phone number (optional)",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    postal_address = LimitedCharField(
        label="Postal address (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    project: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(  # a Project
        queryset=None, required=False, empty_label="No project yet", label="Add them to"
    )
    consented = forms.BooleanField(
        label="They agreed that we keep their details and run their part on their behalf",
        error_messages={"required": "Only add someone who has agreed to this."},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices(organisations)


class JoinCodeForm(forms.Form):
    contact = LimitedCharField(
        label="Your email address or mobile number",
        help_text="The one your invitation was sent to.",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    code = LimitedCharField(
        label="Your 6-digit code",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_contact(self) -> str:
        return contact_normalise(self.cleaned_data["contact"])

    def clean_code(self) -> str:
        digits = "".join(ch for ch in self.cleaned_data["code"] if ch in "0123456789")
        if len(digits) != CODE_LENGTH:
            raise forms.ValidationError("Your code is 6 numbers, like 123 456.")
        return digits


def reused_field(form_class, name: str, **changes) -> forms.Field:
    """A copy of another form's field (same choices, widget and checks), with a few changes."""
    field = copy.deepcopy(form_class.base_fields[name])
    for attribute, value in changes.items():
        setattr(field, attribute, value)
    return field


class AcceptForm(forms.Form):
    """Joining: what to call you, and whether and how we may contact you.

    Channel, number and text times are the About-me fields themselves; the
    yes/no has no default, so nobody agrees by leaving a box as it was.
    """

    preferred_name = LimitedCharField(label="What should we call you?", max_length=100)
    email = forms.EmailField(
        label="Your email address",
        required=False,
        help_text="We email you a code each time you log in. No password needed.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    may_contact = forms.TypedChoiceField(
        label="May we contact you about meetings and news?",
        choices=[("yes", "Yes, you may contact me"), ("no", "No, please do not contact me")],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Tell us if we may contact you: choose yes or no."},
    )
    preferred_channel = reused_field(
        ContactForm,
        "preferred_channel",
        label="If yes: how would you like us to contact you?",
        required=False,
        choices=[
            choice
            for choice in Participant.Channel.choices
            if choice[0] != Participant.Channel.NONE
        ],
    )
    phone = reused_field(
        ContactForm,
        "phone",
        label="Your mobile number",
        help_text="Needed if you choose texts or phone calls.",
    )
    postal_address = reused_field(
        ContactForm,
        "postal_address",
        label="Your postal address",
        help_text="Needed only if you choose post.",
    )
    contact_times = reused_field(CommunicationForm, "contact_times")

    def __init__(self, *args, email_for, wording="", **kwargs):
        """`email_for`: "login" (they need one to log in), "contact" (optional), or "" (known).

        `wording` is the current wording of consent to be contacted: what "yes" agrees to.
        """
        super().__init__(*args, **kwargs)
        self.fields["may_contact"].help_text = wording
        if email_for == "login":
            self.fields["email"].required = True
        elif email_for == "contact":
            self.fields["email"].help_text = "Needed if you choose email."
        else:
            del self.fields["email"]


class PeopleFilterForm(forms.Form):
    project: "forms.ModelChoiceField[Any]" = ModelChoiceField(  # a Project
        queryset=None, required=False, empty_label="Any project", widget=QuickSelect
    )
    status = forms.ChoiceField(required=False, widget=QuickSelect)
    role: "forms.ModelChoiceField[ProjectRole]" = ModelChoiceField(
        queryset=None, required=False, empty_label="Any", widget=QuickSelect
    )
    skill: "forms.ModelChoiceField[AssetTag]" = ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Any",
        label="Skill, interest or experience",
        widget=QuickSelect,
    )
    needs_only = forms.BooleanField(
        required=False, label="Only people with communication needs to act on (in my projects)"
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects_of(organisations)
        self.fields["status"].choices = [("", "Any"), *ProjectMembership.Status.choices]
        self.fields["role"].queryset = ProjectRole.objects.filter(organisation__in=organisations)
        self.fields["skill"].queryset = AssetTag.objects.filter(organisation__in=organisations)


class MembershipForm(VersionedFormMixin, forms.Form):
    status = forms.ChoiceField(widget=forms.RadioSelect)
    roles = ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, membership, **kwargs):

        super().__init__(*args, version=membership_version(membership), **kwargs)
        self.fields["status"].choices = ProjectMembership.Status.choices
        self.fields["roles"].queryset = ProjectRole.objects.filter(
            organisation_id=membership.project.organisation_id
        )
        self.fields["roles"].label_from_instance = lambda role: (
            f"{role.name}: {role.description}" if role.description else role.name
        )
        if not self.is_bound:
            self.initial = {"status": membership.status, "roles": list(membership.roles.all())}


class RoleForm(ModelForm):
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        queryset=None, empty_label=None
    )

    class Meta:
        model = ProjectRole
        fields = [
            "organisation",
            "name",
            "description",
            "leads_project",
            "edits_agendas",
            "posts_updates",
            "gathers_stories",
        ]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        organisation_choice(self.fields["organisation"], organisations)
