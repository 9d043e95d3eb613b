"""Forms for meetings: input shape only; the services decide what is allowed."""

from django import forms
from django.core.exceptions import ValidationError

from coprod.accounts.forms import organisation_choice
from coprod.accounts.models import Organisation
from coprod.fields import BoundedDateField, LimitedCharField, ModelForm
from coprod.uploads import DOCUMENTS
from coprod.versions import VersionedFormMixin
from participants.models import Participant
from projects.forms import DATE
from projects.meetings.services import MEETING_DETAIL_FIELDS, MEETING_VERSION_FIELDS, VENUE_FIELDS
from projects.meetings.times import in_zone, local_datetime
from projects.models import Invitee, Meeting, MeetingPaper, SupportTask, Venue

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class FactSelect(forms.NullBooleanSelect):
    """Yes, no, or not checked yet: an unchecked fact is never shown as a yes."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "Not checked yet"), ("true", "Yes"), ("false", "No")]


class VenueForm(VersionedFormMixin, ModelForm):
    version_fields = VENUE_FIELDS
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label="Whose venue is this?", queryset=None
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organisation"]
        else:
            organisation_choice(self.fields["organisation"], organisations)
            self.order_fields(["organisation"])

    class Meta:
        model = Venue
        fields = ["name", "address", "getting_there", *Venue.ACCESS_FACTS, "notes"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "getting_there": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            **dict.fromkeys(Venue.ACCESS_FACTS, FactSelect),
        }


class MeetingForm(VersionedFormMixin, ModelForm):
    """When, where and how; times are typed in the organisation's own time zone."""

    version_fields = MEETING_VERSION_FIELDS

    online_link = forms.URLField(label="Link to join online", required=False, assume_scheme="https")
    day = BoundedDateField(label="Date", widget=DATE)
    start_time = forms.TimeField(label="Starts at", widget=TIME)
    end_time = forms.TimeField(label="Ends at", widget=TIME)
    reason = LimitedCharField(
        label="Why are you changing it? (optional)",
        required=False,
        max_length=300,
        help_text="Members will be told.",
    )
    go_ahead = forms.BooleanField(
        label="I have read the warnings and want to go ahead",
        required=False,
    )

    class Meta:
        model = Meeting
        fields = list(MEETING_DETAIL_FIELDS)
        widgets = {"format": forms.RadioSelect, "joining_help": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"venue": "Add places in the venue library."}

    def __init__(self, *args, project, venues, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = project.organisation.zone
        self.fields["venue"].queryset = venues
        self.fields["venue"].empty_label = "No venue (online only)"
        if not editing:
            del self.fields["reason"]
        if self.instance.pk and not self.is_bound:
            start = in_zone(self.instance.starts_at, self.zone)
            end = in_zone(self.instance.ends_at, self.zone)
            self.initial.update(day=start.date(), start_time=start.time(), end_time=end.time())
        self.warnings: list[str] = []
        # Offered only once there are warnings to read (see show_warnings).
        self.fields["go_ahead"].widget = forms.HiddenInput()
        # Field order: say what it is, then when, then where.
        order = ["title", "purpose", "day", "start_time", "end_time"]
        self.order_fields(order + [name for name in self.fields if name not in order])

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            try:
                data["starts_at"] = local_datetime(day, start, self.zone, field="start_time")
                data["ends_at"] = local_datetime(day, end, self.zone, field="end_time")
            except ValidationError as error:
                raise ValidationError(error.message_dict) from error
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", "The meeting ends before it starts. Check the times.")
        return data

    def show_warnings(self, warnings: list[str]) -> None:
        self.warnings = warnings
        self.fields["go_ahead"].widget = forms.CheckboxInput()

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("day", "start_time", "end_time", "go_ahead"):
            data.pop(name, None)
        return data


class CancelForm(forms.Form):
    reason = LimitedCharField(
        label="Why is it cancelled?",
        max_length=300,
        help_text="Members will be told, so say it plainly.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AgendaItemForm(forms.Form):
    title = LimitedCharField(label="Item", max_length=200, required=False)
    led_by: "forms.ModelChoiceField[Participant]" = forms.ModelChoiceField(
        label="Led by", queryset=None, required=False, empty_label="Nobody named"
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["led_by"].queryset = people


class BaseAgendaFormSet(forms.BaseFormSet):
    def __init__(self, *args, people, **kwargs):
        self.people = people
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "people": self.people}


AgendaFormSet = forms.formset_factory(
    AgendaItemForm, formset=BaseAgendaFormSet, extra=3, max_num=40, validate_max=True
)


class PaperForm(ModelForm):
    file = forms.FileField(
        help_text="PDF, Word (.docx), OpenDocument (.odt) or an image. "
        "Up to the size limit shown below.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{ext}" for kind in DOCUMENTS for ext in kind.extensions)}
        ),
    )

    class Meta:
        model = MeetingPaper
        fields = ["title", "plain_summary"]
        widgets = {"plain_summary": forms.Textarea(attrs={"rows": 3})}


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(
        label="Can you come?", choices=Invitee.Answer.choices, widget=forms.RadioSelect
    )
    needs = LimitedCharField(
        label="What do you need for this meeting? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: a lift, a quiet space, an interpreter. "
        "Only the coordinators named on this project see this, "
        "and you can see each time they read it.",
    )
    note = LimitedCharField(
        label="A note to the organisers (optional)", required=False, max_length=300
    )
    chat = forms.MultipleChoiceField(
        label="Would a chat help? (optional)",
        choices=[
            (SupportTask.Kind.BRIEFING, "A chat before the meeting, to know what to expect"),
            (SupportTask.Kind.DEBRIEF, "A chat after the meeting, to talk it over"),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A coordinator will get in touch.",
    )
    chat_times = LimitedCharField(
        label="When suits you for a chat? (optional)",
        required=False,
        max_length=200,
        help_text="For example: weekday mornings.",
    )
    chat_way = forms.ChoiceField(
        label="How would you like to talk? (optional)",
        choices=[("", "Any way is fine"), *SupportTask.Way.choices],
        required=False,
    )
    CHAT_FIELDS = ("chat", "chat_times", "chat_way")


class OnBehalfRsvpForm(RsvpForm):
    participant: "forms.ModelChoiceField[Participant]" = forms.ModelChoiceField(
        label="Who told you?", queryset=None
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = people
        self.fields["answer"].label = "Their answer"
        self.fields["needs"].label = "What they need for this meeting (optional)"
        self.fields["needs"].help_text = "Leave it empty to keep what they said before."
        for name in self.CHAT_FIELDS:
            del self.fields[name]
        self.order_fields(["participant", "answer", "needs", "note"])


class AttendanceForm(forms.Form):
    """One row per person: were they there, and for how long (minutes)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            pk, name = row["participant"].pk, row["participant"].preferred_name
            self.fields[f"attended_{pk}"] = forms.BooleanField(
                label=f"{name} was there", required=False, initial=row["attended"]
            )
            self.fields[f"minutes_{pk}"] = forms.IntegerField(
                label=f"Minutes at the meeting for {name}",
                min_value=1,
                max_value=24 * 60,
                initial=row["minutes"],
            )
            self.fields[f"preparation_{pk}"] = forms.IntegerField(
                label=f"Minutes preparing for {name}",
                min_value=0,
                max_value=24 * 60,
                initial=row["preparation_minutes"],
                required=False,
            )

    def table(self):
        """(person, their answer, attended field, minutes field, preparation field) per row."""
        return [
            (
                row["participant"],
                row["answer"],
                self[f"attended_{row['participant'].pk}"],
                self[f"minutes_{row['participant'].pk}"],
                self[f"preparation_{row['participant'].pk}"],
            )
            for row in self.rows
        ]

    def service_rows(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "participant": row["participant"],
                "attended": data[f"attended_{row['participant'].pk}"],
                "minutes": data[f"minutes_{row['participant'].pk}"],
                "preparation_minutes": data[f"preparation_{row['participant'].pk}"] or 0,
            }
            for row in self.rows
        ]


class NotesForm(ModelForm):
    class Meta:
        model = Meeting
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "notes": "Members read these. Say what was decided and what happens next, "
            "in short sentences."
        }


class ActionForm(forms.Form):
    description = LimitedCharField(label="What will be done", max_length=300)
    owner = forms.ChoiceField(label="Who will do it")
    due_on = BoundedDateField(label="By when", widget=DATE)

    def __init__(self, *args, people, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {f"p{person.pk}": person for person in people}
        self.staff = {f"u{user.pk}": user for user in staff}
        self.fields["owner"].choices = [
            ("", "Choose someone"),
            ("Members", [(key, person.preferred_name) for key, person in self.people.items()]),
            ("Staff", [(key, str(user)) for key, user in self.staff.items()]),
        ]

    def owner_arguments(self) -> dict:
        key = self.cleaned_data["owner"]
        if key in self.people:
            return {"owner_participant": self.people[key]}
        return {"owner_user": self.staff[key]}
