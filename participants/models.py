from django.conf import settings
from django.db import models


class Participant(models.Model):
    """A person with lived experience taking part in an organisation's projects.

    Many members never log in, so `user` is optional: coordinators can run a
    member's participation on their behalf.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant_profiles",
    )
    preferred_name = models.CharField(
        "what we call you", max_length=100, help_text="The name you want us to use."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["preferred_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(user__isnull=False),
                name="participants_one_profile_per_user_per_org",
            ),
        ]

    def __str__(self):
        return self.preferred_name


class ProjectMembership(models.Model):
    """A participant's place in one project."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Active"
        ON_BREAK = "on_break", "Taking a break"
        LEFT = "left", "Left"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="memberships"
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="memberships"
    )

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        CO_LEAD = "co_lead", "Co-lead"

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    role = models.CharField(
        max_length=20,
        choices=Role.choices,
        default=Role.MEMBER,
        help_text="A co-lead can do what a coordinator does in this project, except money "
        "and personal details.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project__title", "participant__preferred_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "project"], name="participants_one_membership_per_project"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["invited", "active", "on_break", "left"]),
                name="participants_membership_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["member", "co_lead"]),
                name="participants_membership_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.participant} in {self.project} ({self.get_status_display()})"
