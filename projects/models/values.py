"""The values a group agrees, how their wording changed, and who endorsed them."""

from django.conf import settings
from django.db import models

from coprod.models import TimeStampedModel
from projects.models.project import Project


class ValueStatus(models.TextChoices):
    PROPOSED = "proposed", "Suggested"
    AGREED = "agreed", "Agreed"
    RETIRED = "retired", "No longer used"


class Value(TimeStampedModel):
    """A value the group holds; its wording lives in versions, oldest first."""

    Status = ValueStatus

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="values")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agreed_on = models.DateField(null=True, blank=True)
    agreed_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    current_version = models.ForeignKey(
        "projects.ValueVersion", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ValueStatus.values),
                name="projects_value_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ValueStatus.AGREED) | models.Q(agreed_on__isnull=False),
                name="projects_agreed_value_has_a_date",
            ),
        ]

    def __str__(self):
        return self.current_version.title if self.current_version_id else f"Value {self.pk}"


class ValueVersion(TimeStampedModel):
    """One wording of a value. Versions are never edited: a revision adds one."""

    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField("the value", max_length=120)
    meaning = models.TextField("what this means for us", max_length=1000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agreed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["value", "number"]
        constraints = [
            models.UniqueConstraint(fields=["value", "number"], name="projects_value_version_once"),
        ]

    def __str__(self):
        return f"{self.title} (version {self.number})"


class Endorsement(TimeStampedModel):
    """A member saying "I hold this value too", for one wording of it."""

    version = models.ForeignKey(ValueVersion, on_delete=models.CASCADE, related_name="endorsements")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="endorsements"
    )

    class Meta:
        ordering = ["version", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "participant"], name="projects_endorse_a_wording_once"
            ),
        ]

    def __str__(self):
        return f"{self.participant} endorses {self.version}"
