"""The messages credit and ending send: a milestone to celebrate, and the project's close.

"We did it" goes to everyone taking part when a milestone is marked. When a
project closes, everyone still in it (taking part, invited or on a break) is
thanked, told what happens next and what happens to their details, and sent
their record of contribution (a PDF with the email; a link otherwise).
`register()` runs from ProjectsConfig.ready().
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from coprod.notifications import kinds, topics
from coprod.notifications.relevance import lock_about, still_wanted
from coprod.notifications.services import notify
from participants.models import ProjectMembership
from projects.ending.pdf import record_pdf
from projects.ending.record import record_of
from projects.models import Milestone, ProjectClosing
from projects.selectors import NOT_TAKING_PART, takes_part_now

MILESTONE = "milestone"
PROJECT_CLOSED = "project_closed"


def milestone_marked(milestone: Milestone, *, now=None) -> None:
    now = now or timezone.now()
    members = ProjectMembership.objects.filter(
        project=milestone.project, status=ProjectMembership.Status.ACTIVE
    ).select_related("participant")
    for membership in members:
        notify(
            kind=MILESTONE,
            about=milestone,
            recipient=membership.participant,
            project=milestone.project,
            due_at=now,
            key_moment=now,
        )


def project_closed(closing: ProjectClosing, *, now=None) -> None:
    now = now or timezone.now()
    members = (
        ProjectMembership.objects.filter(project=closing.project)
        .exclude(status=ProjectMembership.Status.LEFT)
        .select_related("participant")
    )
    for membership in members:
        notify(
            kind=PROJECT_CLOSED,
            about=closing,
            recipient=membership.participant,
            project=closing.project,
            due_at=now,
            key_moment=now,
        )


@still_wanted(MILESTONE)
def _milestone_wanted(row) -> str:
    milestone = lock_about(row)
    if milestone is None:
        return "The milestone was removed."
    still_in = takes_part_now(milestone.project_id, row.recipient_participant_id)
    return "" if still_in else NOT_TAKING_PART


@still_wanted(PROJECT_CLOSED)
def _closed_wanted(row) -> str:
    closing = lock_about(row)
    if closing is None:
        return "The project's closing was removed."
    return ""


def milestone_context(notification) -> dict:
    milestone = notification.about
    return {
        "milestone": milestone,
        "credits": credits_line(milestone),
        "link": settings.COPROD_BASE_URL
        + reverse("projects:achieved", kwargs={"pk": milestone.project_id}),
    }


def credits_line(milestone: Milestone) -> str:
    """The people credited, by the names they chose; those who chose none are counted."""
    people = list(milestone.credited.all())
    named = sorted(p.credited_name() for p in people if p.credit_as != p.Credit.ANONYMOUS)
    unnamed = len(people) - len(named)
    parts = list(named)
    if unnamed:
        parts.append(f"{unnamed} {'other' if unnamed == 1 else 'others'}")
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def closing_context(notification) -> dict:
    closing = notification.about
    person = notification.recipient_participant
    return {
        "closing": closing,
        "record_link": settings.COPROD_BASE_URL
        + reverse("projects:record", kwargs={"participant_pk": person.pk}),
        "achieved_link": settings.COPROD_BASE_URL
        + reverse("projects:achieved", kwargs={"pk": closing.project_id}),
    }


def closing_record(notification, context) -> list[tuple[str, bytes, str]]:
    """The person's own record of contribution, as a PDF, with the closing email."""
    person = notification.recipient_participant
    return [("record-of-contribution.pdf", record_pdf(record_of(person)), "application/pdf")]


def milestone_topics(ids):
    rows = Milestone.objects.filter(pk__in=ids).select_related("project")
    return {
        m.pk: topics.Topic(
            m.title, m.project.title, reverse("projects:achieved", kwargs={"pk": m.project_id})
        )
        for m in rows
    }


def closing_topics(ids):
    rows = ProjectClosing.objects.filter(pk__in=ids).select_related("project")
    return {
        c.pk: topics.Topic(
            "The project has closed",
            c.project.title,
            reverse("projects:achieved", kwargs={"pk": c.project_id}),
        )
        for c in rows
    }


def register() -> None:
    kinds.register(
        MILESTONE,
        label="We did it: a milestone to celebrate (to members)",
        build=milestone_context,
        template="projects/notifications/milestone",
    )
    kinds.register(
        PROJECT_CLOSED,
        label="The project has closed: thank you, and what happens next (to members)",
        build=closing_context,
        template="projects/notifications/project_closed",
        attachments=closing_record,
    )
    topics.register("projects.Milestone", milestone_topics)
    topics.register("projects.ProjectClosing", closing_topics)
