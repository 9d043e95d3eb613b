"""A project: its purpose, coordinators, funders and phases."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from coprod.models import CreatedAtModel, TimeStampedModel


class ProjectStatus(models.TextChoices):
    PLANNING = "planning", "Planning"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    FINISHED = "finished", "Finished"


class Project(TimeStampedModel):
    """A co-production project run by one organisation."""

    Status = ProjectStatus

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(
        "short summary", max_length=1000, help_text="Two or three sentences in plain words."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNING)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    # Purpose and scope: said plainly, up front ("cards on the table").
    purpose = models.TextField("why we are here", blank=True)
    can_change = models.TextField("what we can change together", blank=True)
    fixed = models.TextField("what is fixed, and why", blank=True)

    # Ways of working.
    payment_approach = models.TextField("how people are paid", blank=True)
    problems = models.TextField("how to raise a problem or complaint", blank=True)
    confidentiality = models.TextField("what stays in the group", blank=True)
    support = models.TextField("support we offer", blank=True)
    contact_for_members = models.CharField(
        "who members can call or text",
        max_length=200,
        blank=True,
        help_text="A name and a number, for example: Alex on 07911 123456. "
        "It goes at the end of every message about this project.",
    )

    current_phase = models.ForeignKey(
        "projects.Phase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    values_reviewed_on = models.DateField("values last reviewed", null=True, blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_projects",
        verbose_name="coordinators of this project",
        help_text="They see members' private notes, because they act on them.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="projects_project_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProjectStatus.values),
                name="projects_project_status_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"pk": self.pk})


class CoordinatorChangeKind(models.TextChoices):
    ADDED = "added", "Named"
    REMOVED = "removed", "Taken off"


class ProjectCoordinatorChange(CreatedAtModel):
    """One person named as a project's coordinator, or taken off. Rows are only added.

    Named coordinators read the private notes of the project's members, so
    members are shown who was named and when, from these rows.
    """

    Kind = CoordinatorChangeKind

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="coordinator_changes"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Names as they were, so the history still reads if a login is deleted.
    coordinator_name = models.CharField(max_length=150)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_name = models.CharField(max_length=150, blank=True)
    recorded_late = models.BooleanField(
        default=False,
        help_text="Written when this history began, for someone already named: "
        "they were named on or before this date, we do not know exactly when.",
    )

    class Meta:
        ordering = ["project", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CoordinatorChangeKind.values),
                name="projects_coordinator_change_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.project}: {self.coordinator_name} {self.get_kind_display().lower()}"


class Phase(TimeStampedModel):
    """One stage a project moves through, named by the group, in order."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=120)
    description = models.CharField("what happens in this phase", max_length=300, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["project", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                "project", Lower("name"), name="projects_phase_name_unique_in_project"
            ),
        ]

    def __str__(self):
        return self.name
