"""Where a project stands on the ladder of participation, as the group judged it."""

from django.conf import settings
from django.db import models

from coprod.models import TimeStampedModel
from projects.models.project import Project


class Rung(models.TextChoices):
    """The ladder of participation, lowest rung first."""

    INFORMING = "informing", "Informing"
    CONSULTING = "consulting", "Consulting"
    ENGAGING = "engaging", "Engaging"
    CO_DESIGNING = "co_designing", "Co-designing"
    CO_PRODUCING = "co_producing", "Co-producing"


RUNG_MEANINGS = {
    Rung.INFORMING: "The organisation tells people what it has decided.",
    Rung.CONSULTING: "The organisation asks people what they think, then decides.",
    Rung.ENGAGING: "People take part in discussions, but the organisation keeps the power.",
    Rung.CO_DESIGNING: "People help design things, and their ideas shape what happens.",
    Rung.CO_PRODUCING: "People and the organisation decide and deliver together, as equals.",
}


class LadderAssessment(TimeStampedModel):
    """Where someone honestly thinks the project sits on the ladder, on a date.

    Rows are only ever added, so the project's journey stays visible. A row
    with a participant is that member's own view; one without is the
    organisation's view, recorded by its staff.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ladder")
    rung = models.CharField(max_length=20, choices=Rung.choices)
    reason = models.TextField("why", max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ladder_views",
    )

    class Meta:
        ordering = ["project", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rung__in=Rung.values),
                name="projects_ladder_rung_valid",
            ),
        ]

    def __str__(self):
        return f"{self.project}: {self.get_rung_display()}"

    @property
    def is_member_view(self):
        return self.participant_id is not None
