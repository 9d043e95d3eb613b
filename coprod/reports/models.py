from django.conf import settings
from django.db import models

from coprod.models import TimeStampedModel


class FunderGrant(TimeStampedModel):
    """Read-only report access to one project for one funder, until it expires."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="funder_grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="funder_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_on = models.DateField(help_text="Access ends at the end of this day.")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table keeps the name it had when the model lived in projects.
        db_table = "projects_fundergrant"
        ordering = ["project__title", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"],
                condition=models.Q(revoked_at__isnull=True),
                name="projects_one_open_grant_per_funder",
            ),
        ]

    def __str__(self):
        return f"{self.user} may read reports of {self.project} until {self.expires_on}"


class ReportEvent(models.Model):
    """Who gave report access, who took it away, and who read or exported what, when.

    Rows are only added. Organisation admins read them on the funder access page.
    """

    class Kind(models.TextChoices):
        GRANTED = "granted", "Access given"
        REVOKED = "revoked", "Access taken away"
        PORTFOLIO = "portfolio", "Read the portfolio"
        VIEWED = "viewed", "Read a report"
        EXPORTED = "exported", "Exported a table"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    user_email = models.EmailField(help_text="Kept when the account is gone.")
    as_funder = models.BooleanField(default=False)
    grant = models.ForeignKey(
        FunderGrant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_events",
    )
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self):
        return f"{self.user_email}: {self.get_kind_display()} ({self.created_at:%Y-%m-%d})"


class WorkedTotal(TimeStampedModel):
    """Minutes one person has worked on one project: at its meetings and preparing for them.

    A running total of attendance at meetings that were not cancelled, kept
    by coprod.reports.totals when attendance is recorded (through the
    meetings service's listeners, in the same transaction), so the portfolio
    reads one row per person instead of every meeting's attendance.
    """

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="+"
    )
    minutes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["project", "participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "participant"], name="reports_one_worked_total_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.minutes} minutes worked by {self.participant} on {self.project}"
