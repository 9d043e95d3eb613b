from django.conf import settings
from django.db import models
from django.urls import reverse


class Project(models.Model):
    """A co-production project run by one organisation."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(
        "short summary", max_length=1000, help_text="Two or three sentences in plain words."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"pk": self.pk})


class FunderGrant(models.Model):
    """Read-only report access to one project for one funder, until it expires."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funder_grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="funder_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_on = models.DateField(help_text="Access ends at the end of this day.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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
