"""Credit and ending well: milestones the group celebrates, each person's record of what
they did, how a project was closed, and its optional public page."""

from django.conf import settings
from django.db import models

from coprod.models import TimeStampedModel
from projects.models.project import Project


class MilestoneKind(models.TextChoices):
    PHASE = "phase", "A phase finished"
    PROMISE = "promise", "A promise kept"
    CHANGE = "change", "A change agreed in a review"
    GOAL = "goal", "A goal reached"
    TRAINING = "training", "Training completed"


class Milestone(TimeStampedModel):
    """Something the group achieved, celebrated with everyone and credited to the people
    who made it happen (each named as they chose)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=10, choices=MilestoneKind.choices)
    title = models.CharField("what was achieved", max_length=200)
    what_it_means = models.TextField("what it means, in a few words", blank=True)
    happened_on = models.DateField("when")
    credited = models.ManyToManyField(
        "participants.Participant", blank=True, related_name="milestones_credited"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "-happened_on", "-pk"]

    def __str__(self):
        return self.title


class RecordSignOff(TimeStampedModel):
    """A coordinator checked a person's record of contribution and vouches for it, as it
    stood that day (a reference for CVs and job applications)."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="record_sign_offs"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Kept so the reference still reads true if the account goes.
    signed_by_name = models.CharField(max_length=200)
    role = models.CharField("their role", max_length=120)
    note = models.TextField("a few words about them (optional)", blank=True, max_length=1000)

    class Meta:
        ordering = ["participant", "-created_at", "-pk"]

    def __str__(self):
        return f"Signed off by {self.signed_by_name}"


class ProjectClosing(TimeStampedModel):
    """How a project was closed: the thanks, what happens next, and what happens to data."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="closing")
    thanks = models.TextField("thank you, in your own words")
    next_steps = models.TextField("what happens next")
    stay_in_touch = models.TextField("how to stay in touch", blank=True)
    data_kept = models.TextField("what happens to people's details, and when")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField()

    def __str__(self):
        return f"Closing of project {self.project_id}"


class PublicPage(TimeStampedModel):
    """A project's small public page: nothing shows unless a lead publishes it, and only
    stories their tellers made public."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="public_page")
    # The address: random, so unpublished projects cannot be found by counting.
    slug = models.SlugField(max_length=40, unique=True)
    summary = models.TextField("what the project is for, for anyone to read", max_length=2000)
    what_changed = models.TextField("what changed because of it (optional)", blank=True)
    show_you_said_we_did = models.BooleanField(
        "show the changes we made because of what members said", default=True
    )
    show_credits = models.BooleanField(
        "thank the people who took part, by the names they chose", default=True
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self):
        return f"Public page of project {self.project_id}"

    @property
    def published(self) -> bool:
        return self.published_at is not None
