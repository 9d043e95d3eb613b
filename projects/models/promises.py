"""You said, we did: what members said, and what the organisation did."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from coprod.models import TimeStampedModel
from projects.models.meetings import Meeting
from projects.models.project import Project


class ContributionResponse(models.TextChoices):
    WAITING = "waiting", "Not answered yet"
    ACCEPTED = "accepted", "Accepted: we will do this"
    IN_PROGRESS = "in_progress", "In progress"
    NOT_POSSIBLE = "not_possible", "Not possible"
    DONE = "done", "Done: we did it"


class Contribution(TimeStampedModel):
    """Something members said, recommended or asked for, and the organisation's answer.

    The answer comes with a promised date to report back; every step is kept
    as a ContributionEvent, so the whole trail shows ("you said, we did").
    """

    Response = ContributionResponse

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contributions")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    said = models.TextField("what members said, recommended or asked for", max_length=2000)
    response = models.CharField(max_length=20, choices=Response.choices, default=Response.WAITING)
    reason = models.TextField(
        "why, in plain words",
        blank=True,
        help_text="Needed when it is not possible: say honestly why.",
    )
    promised_update_on = models.DateField("we will report back by", null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions_responsible_for",
        verbose_name="who is responsible for reporting back",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A point a member put on record themselves, from their phone: the group
    # sees them named as they chose (Participant.credited_name), and they are
    # told of every update even after they leave the project.
    raised_by = models.ForeignKey(
        "participants.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="points_raised",
    )
    # A change the group agreed at a review, made a promise to report back on.
    review = models.ForeignKey(
        "projects.Review",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreed_promises",
    )

    class Meta:
        ordering = ["project", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(response__in=ContributionResponse.values),
                name="projects_contribution_response_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(response=ContributionResponse.NOT_POSSIBLE)
                | ~models.Q(reason=""),
                name="projects_not_possible_says_why",
            ),
        ]

    def __str__(self):
        return self.said[:60]

    def get_absolute_url(self):
        return reverse("projects:promise", kwargs={"pk": self.project_id, "promise_pk": self.pk})

    def raised_by_name(self) -> str:
        """Who put the point on record, named as they chose ("" when staff wrote it down)."""
        if self.raised_by is None:
            return ""
        if self.raised_by.erased_at is not None:
            return "A member"
        return self.raised_by.credited_name()


class ContributionEvent(TimeStampedModel):
    """One step in a contribution's trail. Rows are only added."""

    class Kind(models.TextChoices):
        RECORDED = "recorded", "Recorded"
        RESPONDED = "responded", "Answered"
        UPDATE = "update", "Update"

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    response = models.CharField(max_length=20, choices=Contribution.Response.choices)
    promised_update_on = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["contribution", "created_at", "pk"]

    def __str__(self):
        return f"{self.contribution}: {self.get_kind_display()}"
