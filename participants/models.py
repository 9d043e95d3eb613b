from django.conf import settings
from django.db import models
from encrypted_fields.fields import EncryptedTextField


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
    # Private: seen only by the member and the coordinators of their projects,
    # encrypted at rest, and every staff read is written to AccessLog. The
    # encrypted-fields library stores "" as NULL, hence null=True.
    access_needs = EncryptedTextField(
        "what would help you take part",
        blank=True,
        null=True,
        help_text="For example: step-free access, a quiet room, breaks, someone to come with you.",
    )
    support_contact = EncryptedTextField(
        "someone we can contact if you need support",
        blank=True,
        null=True,
        help_text="Their name and how to reach them, and when you would like us to.",
    )
    wellbeing_notes = EncryptedTextField(
        "anything else that helps us look after you",
        blank=True,
        null=True,
        help_text="Only if you want to. You can change or remove this at any time.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PRIVATE_FIELDS = ("access_needs", "support_contact", "wellbeing_notes")

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


class AccessLog(models.Model):
    """One time a member of staff opened someone's private notes. Never edited."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="access_log"
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    viewer_name = models.CharField(
        max_length=150, help_text="Kept so the record still reads if the login is removed."
    )
    what = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.viewer_name} read {self.what} of {self.participant} at {self.created_at}"
