from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse


class Project(models.Model):
    """A co-production project run by one organisation."""

    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        FINISHED = "finished", "Finished"

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
                condition=models.Q(status__in=["planning", "active", "paused", "finished"]),
                name="projects_project_status_valid",
            ),
        ]

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


class Phase(models.Model):
    """One stage a project moves through, named by the group, in order."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=120)
    description = models.CharField("what happens in this phase", max_length=300, blank=True)
    position = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                "project", Lower("name"), name="projects_phase_name_unique_in_project"
            ),
        ]

    def __str__(self):
        return self.name


class Value(models.Model):
    """A value the group holds; its wording lives in versions, oldest first."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Suggested"
        AGREED = "agreed", "Agreed"
        RETIRED = "retired", "No longer used"

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["proposed", "agreed", "retired"]),
                name="projects_value_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="agreed") | models.Q(agreed_on__isnull=False),
                name="projects_agreed_value_has_a_date",
            ),
        ]

    def __str__(self):
        return self.current_version.title if self.current_version_id else f"Value {self.pk}"


class ValueVersion(models.Model):
    """One wording of a value. Versions are never edited: a revision adds one."""

    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField("the value", max_length=120)
    meaning = models.TextField("what this means for us", max_length=1000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agreed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["value", "number"]
        constraints = [
            models.UniqueConstraint(fields=["value", "number"], name="projects_value_version_once"),
        ]

    def __str__(self):
        return f"{self.title} (version {self.number})"


class Endorsement(models.Model):
    """A member saying "I hold this value too", for one wording of it."""

    version = models.ForeignKey(ValueVersion, on_delete=models.CASCADE, related_name="endorsements")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="endorsements"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["version", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "participant"], name="projects_endorse_a_wording_once"
            ),
        ]

    def __str__(self):
        return f"{self.participant} endorses {self.version}"


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


class LadderAssessment(models.Model):
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    rung__in=["informing", "consulting", "engaging", "co_designing", "co_producing"]
                ),
                name="projects_ladder_rung_valid",
            ),
        ]

    def __str__(self):
        return f"{self.project}: {self.get_rung_display()}"

    @property
    def is_member_view(self):
        return self.participant_id is not None
