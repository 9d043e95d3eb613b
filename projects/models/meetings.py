"""Venues, meetings and everything that hangs off a meeting."""

import datetime
import uuid
from typing import cast

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from encrypted_fields.fields import EncryptedTextField

from coprod.models import TimeStampedModel
from projects.models.project import Project


class Venue(TimeStampedModel):
    """A place an organisation meets, with the access facts people ask about.

    Each fact is yes, no, or "not checked yet" (None): an unchecked fact is
    never shown as a yes.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="venues"
    )
    name = models.CharField(max_length=120)
    address = models.TextField()
    getting_there = models.TextField(
        "how to get there by public transport",
        blank=True,
        help_text="Buses, trains or trams, the nearest stop, and the walk from it.",
    )
    step_free = models.BooleanField("step-free access", null=True, blank=True)
    accessible_toilet = models.BooleanField("accessible toilet", null=True, blank=True)
    hearing_loop = models.BooleanField("hearing loop", null=True, blank=True)
    quiet_room = models.BooleanField("quiet room", null=True, blank=True)
    parking = models.BooleanField("parking", null=True, blank=True)
    childcare = models.BooleanField("childcare available", null=True, blank=True)
    notes = models.TextField("anything else people should know", blank=True)

    ACCESS_FACTS = (
        "step_free",
        "accessible_toilet",
        "hearing_loop",
        "quiet_room",
        "parking",
        "childcare",
    )

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("name"), name="projects_venue_name_unique_in_org"
            ),
        ]

    def __str__(self):
        return self.name

    def access_facts(self) -> list[tuple[str, str]]:
        """(label, "yes" / "no" / "not checked yet") for each access fact, in a fixed order."""
        words = {True: "yes", False: "no", None: "not checked yet"}
        return [
            (
                str(cast(models.Field, self._meta.get_field(name)).verbose_name).capitalize(),
                words[getattr(self, name)],
            )
            for name in self.ACCESS_FACTS
        ]


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "In person and online"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Going ahead"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(TimeStampedModel):
    """A meeting of a project. Times are stored in UTC and shown in the organisation's zone."""

    Format = MeetingFormat
    Status = MeetingStatus

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=150)
    purpose = models.CharField(
        "what this meeting is for, in one line",
        max_length=200,
        help_text="For example: choose the questions for the survey.",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    online_link = models.URLField("link to join online", blank=True)
    dial_in = models.CharField("phone number to join by phone", max_length=100, blank=True)
    joining_help = models.TextField(
        "help with joining",
        blank=True,
        help_text="Who to call or text if joining does not work, and when.",
    )
    interpreters = models.CharField(
        "interpreters booked",
        max_length=200,
        blank=True,
        help_text="Languages, for example Polish. Leave empty if none.",
    )
    bsl_interpreter = models.BooleanField("BSL interpreter booked", default=False)
    refreshments = models.CharField(
        max_length=200, blank=True, help_text="For example: lunch, with vegan and halal options."
    )
    what_to_bring = models.CharField(
        "what to bring",
        max_length=200,
        blank=True,
        help_text="For example: your bus ticket, to be paid back. Leave empty if nothing.",
    )
    travel_covered = models.BooleanField("travel costs are paid back", default=False)
    childcare_covered = models.BooleanField("childcare costs are paid back", default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_reason = models.CharField(max_length=300, blank=True)
    papers_ready_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField("notes of the meeting", blank=True)
    notes_posted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="projects_meeting_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=MeetingFormat.values),
                name="projects_meeting_format_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MeetingStatus.values),
                name="projects_meeting_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["project", "starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:meeting", kwargs={"pk": self.project_id, "meeting_pk": self.pk})

    @property
    def minutes(self) -> int:
        """Length in real minutes, right across a clock change.

        Python subtracts two times in the same zone by their clock faces, so
        both are turned into UTC first.
        """
        utc = datetime.UTC
        length = self.ends_at.astimezone(utc) - self.starts_at.astimezone(utc)
        return int(length.total_seconds() // 60)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def in_person(self):
        return self.format in (self.Format.IN_PERSON, self.Format.HYBRID)

    @property
    def online(self):
        return self.format in (self.Format.ONLINE, self.Format.HYBRID)


class MeetingChange(TimeStampedModel):
    """One thing that happened to a meeting, kept for history and for telling people.

    Rows are only added. The notifications issue reads them to send "the
    meeting has moved" and "the meeting is cancelled" messages.
    """

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        RESCHEDULED = "rescheduled", "Moved to a new time"
        DETAILS_CHANGED = "details_changed", "Details changed"
        CANCELLED = "cancelled", "Cancelled"
        PAPERS_READY = "papers_ready", "Papers ready"
        NOTES_POSTED = "notes_posted", "Notes posted"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    old_starts_at = models.DateTimeField(null=True, blank=True)
    old_ends_at = models.DateTimeField(null=True, blank=True)
    new_starts_at = models.DateTimeField(null=True, blank=True)
    new_ends_at = models.DateTimeField(null=True, blank=True)
    changed_fields = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "created_at", "pk"]

    def __str__(self):
        return f"{self.meeting}: {self.get_kind_display()}"


class AgendaItem(TimeStampedModel):
    """One item on a meeting's agenda, optionally led by a member."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    title = models.CharField(max_length=200)
    led_by = models.ForeignKey(
        "participants.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.title


def paper_upload_to(instance, filename):
    # The stored name never carries the uploader's file name: that is shown
    # from `original_name`, and a guessed path reveals nothing.

    return f"papers/{instance.meeting.project_id}/{uuid.uuid4().hex}.{instance.extension}"


class MeetingPaper(TimeStampedModel):
    """A paper for a meeting, stored through Django's storage API."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=200)
    plain_summary = models.TextField(
        "plain-language summary",
        help_text="What the paper says, in a few short sentences anyone can follow.",
    )
    file = models.FileField(upload_to=paper_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A removed paper's file is deleted; the row stays so the history shows it.
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "created_at", "pk"]

    def __str__(self):
        return self.title


class InviteeAnswer(models.TextChoices):
    YES = "yes", "Yes, I will come"
    MAYBE = "maybe", "Maybe"
    NO = "no", "No, I cannot come"


class Invitee(TimeStampedModel):
    """A person asked to a meeting, and their answer.

    The project's active members are invited when a meeting is scheduled;
    someone taking a break is only here if they chose to come.
    """

    Answer = InviteeAnswer

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="meeting_invites"
    )
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    note = models.CharField("a note to the organisers", max_length=300, blank=True)
    # What they need for this meeting is an access need: encrypted, and
    # shown only to the people who arrange it.
    needs = EncryptedTextField("what I need for this meeting", blank=True, null=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_on_behalf = models.BooleanField(
        "taken by phone or in person by a coordinator", default=False
    )

    class Meta:
        ordering = ["meeting", "participant__preferred_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant"], name="projects_invited_once_per_meeting"
            ),
            models.CheckConstraint(
                condition=models.Q(answer__in=["", *InviteeAnswer.values]),
                name="projects_invitee_answer_valid",
            ),
        ]

    def __str__(self):
        return f"{self.participant} at {self.meeting}"


class Attendance(TimeStampedModel):
    """Who came to a meeting and for how long: what payment claims are built from.

    One row per person per meeting (a database constraint), so sending the
    attendance form twice changes the row instead of adding one.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="attendance"
    )
    minutes = models.PositiveIntegerField("minutes at the meeting")
    preparation_minutes = models.PositiveIntegerField("minutes preparing", default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "participant__preferred_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant"], name="projects_attendance_once_per_person"
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0) & models.Q(minutes__lte=24 * 60),
                name="projects_attendance_minutes_sensible",
            ),
            models.CheckConstraint(
                condition=models.Q(preparation_minutes__lte=24 * 60),
                name="projects_preparation_minutes_sensible",
            ),
        ]

    def __str__(self):
        return f"{self.participant} at {self.meeting} ({self.minutes} minutes)"


class MeetingAction(TimeStampedModel):
    """Something agreed at a meeting, with one owner (a member or staff) and a date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField("what will be done", max_length=300)
    owner_participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meeting_actions",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meeting_actions",
    )
    due_on = models.DateField("by when")
    done_at = models.DateTimeField(null=True, blank=True)
    # A change the group agreed at a review, made an action of this meeting.
    review = models.ForeignKey(
        "projects.Review",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreed_actions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(owner_participant__isnull=False, owner_user__isnull=True)
                    | models.Q(owner_participant__isnull=True, owner_user__isnull=False)
                ),
                name="projects_action_has_one_owner",
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def owner_name(self) -> str:
        if self.owner_participant is not None:
            return self.owner_participant.preferred_name
        return str(self.owner_user)


class CalendarFeed(TimeStampedModel):
    """A private calendar address for one person: their meetings, read by their calendar app.

    Only a hash of the secret is stored; the address is shown once, when it is
    made. Stopping it (revoked_at) makes the address answer "not found".
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="projects_one_live_calendar_feed_per_user",
            ),
        ]

    def __str__(self):
        return f"Calendar feed for {self.user}"
