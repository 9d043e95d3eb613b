"""Someone to talk to: a chat before or after a meeting, or a check-in after a break.

Each is a task for the project's named coordinators (or, when it has none,
every coordinator of its organisation), on their dashboard from its day until
one of them marks it done.
"""

from django.conf import settings
from django.db import models

from coprod.models import TimeStampedModel
from projects.models.meetings import Meeting
from projects.models.project import Project


class SupportKind(models.TextChoices):
    BRIEFING = "briefing", "A chat before the meeting"
    DEBRIEF = "debrief", "A chat after the meeting"
    CHECK_IN = "check_in", "A check-in after their break"


class ChatWay(models.TextChoices):
    PHONE = "phone", "A phone call"
    TEXT = "text", "Text messages"
    EMAIL = "email", "Email"
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "A video call"


class SupportTask(TimeStampedModel):
    Kind = SupportKind
    Way = ChatWay

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="support_tasks")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="support_tasks"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="support_tasks"
    )
    # From this day it shows on the dashboard.
    due_on = models.DateField()
    times = models.CharField("when suits them", max_length=200, blank=True)
    way = models.CharField("how", max_length=20, choices=Way.choices, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SupportKind.values), name="projects_support_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(way="") | models.Q(way__in=ChatWay.values),
                name="projects_support_way_valid",
            ),
            models.UniqueConstraint(
                fields=["participant", "kind", "meeting"],
                condition=models.Q(done_at__isnull=True, meeting__isnull=False),
                name="projects_support_one_open_task_a_meeting",
            ),
            models.UniqueConstraint(
                fields=["participant", "project", "kind"],
                condition=models.Q(done_at__isnull=True, meeting__isnull=True),
                name="projects_support_one_open_task_a_project",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.participant}"
