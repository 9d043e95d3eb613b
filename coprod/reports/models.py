from django.conf import settings
from django.db import models


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
        "projects.FunderGrant",
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
