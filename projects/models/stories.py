"""People's stories, told with the teller in control of where each one goes.

A story belongs to its teller. It is seen by the project's group unless the
teller withdraws it; it goes further (the funders' report, the project's
public page) only when the teller chooses so, story by story, and its quotes
go further only once the teller has approved them. The words, the curation
and any uploaded file are stored encrypted (the file's bytes are encrypted
before they reach storage). Every time a story is shown or downloaded
beyond the group, a `StoryUse` row says where, so the teller can see it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from encrypted_fields.fields import EncryptedCharField, EncryptedTextField

from coprod.models import TimeStampedModel
from projects.models.project import Project


class StoryReach(models.TextChoices):
    """Where a story may go, narrowest first: each includes the ones before it."""

    GROUP = "group", "Only the people in this project"
    FUNDER = "funder", "This project, and the report our funders read"
    PUBLIC = "public", "Anyone: the funders' report and the project's public page"


# How far each choice reaches, to compare them ("is it released to funders?").
REACH_ORDER: dict[str, int] = {StoryReach.GROUP: 0, StoryReach.FUNDER: 1, StoryReach.PUBLIC: 2}


class StoryNaming(models.TextChoices):
    NAME = "name", "With the name we call me"
    CREDITED = "credited", "As I chose to be named in anything published"
    ANONYMOUS = "anonymous", "Without my name"


class StoryTheme(TimeStampedModel):
    """A theme in an organisation's shared list; it grows as people add their own words."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="story_themes"
    )
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("name"), name="projects_story_theme_once"
            ),
        ]

    def __str__(self):
        return self.name


def story_upload_to(instance, filename):
    # The stored name says nothing about the story or the person.
    return f"stories/{instance.project_id}/{uuid.uuid4().hex}.bin"


class Story(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stories")
    teller = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="stories"
    )
    gathered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = EncryptedCharField("a short name for the story", max_length=120)
    words = EncryptedTextField("the story", blank=True, null=True)
    # An audio recording or a photo: the bytes in storage are encrypted.
    file = models.FileField(upload_to=story_upload_to, max_length=200, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    reach = models.CharField(max_length=10, choices=StoryReach.choices, default=StoryReach.GROUP)
    naming = models.CharField(
        max_length=10, choices=StoryNaming.choices, default=StoryNaming.CREDITED
    )
    themes = models.ManyToManyField(StoryTheme, blank=True, related_name="stories")
    changed_for_person = EncryptedTextField("what changed for the person", blank=True, null=True)
    changed_for_organisation = EncryptedTextField(
        "what changed for the organisation", blank=True, null=True
    )
    changed_for_society = EncryptedTextField("what changed for society", blank=True, null=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "-created_at", "-pk"]
        indexes = [models.Index(fields=["project", "reach"], name="projects_story_reach")]

    def __str__(self):
        return f"Story {self.pk}"

    def get_absolute_url(self):
        return reverse("projects:story", kwargs={"pk": self.project_id, "story_pk": self.pk})

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def reaches(self, place: str) -> bool:
        """Whether the teller let the story go as far as `place` (and has not withdrawn it)."""
        return not self.withdrawn and REACH_ORDER[self.reach] >= REACH_ORDER[place]

    def told_by(self) -> str:
        """The teller's name as they chose for this story."""
        if self.naming == StoryNaming.NAME:
            return self.teller.preferred_name
        if self.naming == StoryNaming.CREDITED:
            return self.teller.credited_name()
        return "A member"


class StoryQuote(TimeStampedModel):
    """Words picked out of a story; they go beyond the group only once the teller approves."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="quotes")
    words = EncryptedTextField("the quote")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["story", "created_at", "pk"]

    def __str__(self):
        return f"Quote {self.pk}"


class StoryUse(TimeStampedModel):
    """A story shown or downloaded beyond the group: one row per place, person and day."""

    class Place(models.TextChoices):
        REPORT = "report", "shown in the funders' report"
        REPORT_CSV = "report_csv", "downloaded in a spreadsheet (CSV) of the funders' report"
        PUBLIC = "public", "shown on the project's public page"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="uses")
    place = models.CharField(max_length=20, choices=Place.choices)
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept so the teller still sees who it was if the account goes.
    viewer_name = models.CharField(max_length=200, blank=True)
    # The viewer's id as text ("" for the public): one row per story, place, viewer and day.
    viewer_key = models.CharField(max_length=20, blank=True)
    on = models.DateField()
    times = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["story", "-on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["story", "place", "viewer_key", "on"], name="projects_story_use_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.get_place_display()} on {self.on}"


class StoryRequest(TimeStampedModel):
    """Someone asked a member whether they would like to tell their story."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="story_requests")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="asked_for_stories"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField("what you would like to hear about", max_length=300, blank=True)

    class Meta:
        ordering = ["project", "-created_at", "pk"]

    def __str__(self):
        return f"Story request {self.pk}"
