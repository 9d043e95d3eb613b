"""Someone to talk to: chats before and after meetings, and check-ins after a break.

A member asks for a chat on their meeting answer (or after the meeting, with
the pulse); a break with a "check in with me after" date becomes a check-in.
Each is a SupportTask on the dashboard of the people who act on it (the
project's named coordinators, or else every coordinator of its organisation)
from its day until one of them marks it done. A chat asked for is also
emailed (or put on the dashboard, by their channel) to them at once.
`register()` runs from ProjectsConfig.ready().
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from coprod.accounts.models import StaffMembership, User
from coprod.accounts.selectors import COORDINATING_ROLES
from coprod.fields import check_length
from coprod.notifications import kinds, topics
from coprod.notifications.services import notify_staff_at
from participants.models import Participant, ProjectMembership
from participants.services import BREAK_LISTENERS
from projects.meetings.notifications import coordinators_to_tell
from projects.models import Attendance, Invitee, Meeting, Project, SupportTask

CHAT_ASKED = "chat_asked"
# A chat after a meeting is asked for within this many days of it.
DEBRIEF_DAYS = 14
CHATS = (SupportTask.Kind.BRIEFING, SupportTask.Kind.DEBRIEF)


def _local_day(moment: datetime.datetime, project: Project) -> datetime.date:
    return timezone.localtime(moment, project.organisation.zone).date()


@transaction.atomic
def chat_ask(
    *,
    meeting: Meeting,
    participant: Participant,
    kinds_asked: list[str],
    times: str = "",
    way: str = "",
    now=None,
) -> list[SupportTask]:
    """A member asks for a chat before and/or after a meeting; coordinators are told once."""
    now = now or timezone.now()
    meeting = Meeting.objects.select_related("project__organisation").get(pk=meeting.pk)
    project = meeting.project
    times = check_length((times or "").strip(), 200, "chat_times")
    if way and way not in SupportTask.Way.values:
        raise ValidationError({"chat_way": "Choose how you would like to talk."})
    if any(kind not in CHATS for kind in kinds_asked):
        raise ValidationError({"chat": "Choose a chat before or after."})
    was_asked = (
        Invitee.objects.filter(meeting=meeting, participant=participant).exists()
        or Attendance.objects.filter(meeting=meeting, participant=participant).exists()
    )
    if not was_asked:
        raise ValidationError("Only people invited to this meeting can ask for a chat about it.")
    if meeting.is_cancelled:
        raise ValidationError("This meeting was called off.")
    if SupportTask.Kind.BRIEFING in kinds_asked and meeting.starts_at <= now:
        raise ValidationError({"chat": "The meeting has started: ask for a chat after it."})
    if SupportTask.Kind.DEBRIEF in kinds_asked and now > meeting.ends_at + datetime.timedelta(
        days=DEBRIEF_DAYS
    ):
        raise ValidationError({"chat": "This meeting was a while ago: call or text us instead."})
    tasks = []
    for kind in kinds_asked:
        due_on = (
            _local_day(now, project)
            if kind == SupportTask.Kind.BRIEFING
            else max(_local_day(meeting.starts_at, project), _local_day(now, project))
        )
        open_task = SupportTask.objects.filter(
            participant=participant, meeting=meeting, kind=kind, done_at__isnull=True
        ).first()
        if open_task is None:
            try:
                with transaction.atomic():
                    task = SupportTask.objects.create(
                        project=project,
                        participant=participant,
                        meeting=meeting,
                        kind=kind,
                        due_on=due_on,
                        times=times,
                        way=way,
                    )
            except IntegrityError:  # the same request, sent twice at once
                open_task = SupportTask.objects.get(
                    participant=participant, meeting=meeting, kind=kind, done_at__isnull=True
                )
            else:
                notify_staff_at(
                    users=coordinators_to_tell(project),
                    about=task,
                    project=project,
                    moments=[(CHAT_ASKED, now)],
                    now=now,
                )
        if open_task is not None:
            task = open_task
            task.times, task.way = times or task.times, way or task.way
            task.save(update_fields=["times", "way", "updated_at"])
        tasks.append(task)
    return tasks


@transaction.atomic
def task_done(*, task: SupportTask, by: User | None, now=None) -> SupportTask:
    """Mark a task done (once: doing it again changes nothing)."""
    task = SupportTask.objects.select_for_update().get(pk=task.pk)
    if task.done_at is None:
        task.done_at, task.done_by = now or timezone.now(), by
        task.save(update_fields=["done_at", "done_by", "updated_at"])
    return task


def break_changed(membership: ProjectMembership, *, now=None) -> None:
    """Keep the check-in task in step with the break: its date, or done once they are back."""
    open_task = SupportTask.objects.filter(
        participant_id=membership.participant_id,
        project_id=membership.project_id,
        kind=SupportTask.Kind.CHECK_IN,
        meeting__isnull=True,
        done_at__isnull=True,
    ).first()
    day = membership.check_in_on
    if membership.status != ProjectMembership.Status.ON_BREAK or day is None:
        if open_task is not None:
            open_task.done_at = now or timezone.now()
            open_task.save(update_fields=["done_at", "updated_at"])
        return
    if open_task is None:
        SupportTask.objects.create(
            project_id=membership.project_id,
            participant_id=membership.participant_id,
            kind=SupportTask.Kind.CHECK_IN,
            due_on=day,
        )
    elif open_task.due_on != day:
        open_task.due_on = day
        open_task.save(update_fields=["due_on", "updated_at"])


def tasks_for(user, *, today: datetime.date | None = None) -> QuerySet[SupportTask]:
    """Open tasks whose day has come, in projects this person acts for.

    That is the projects they are named coordinator of, and the projects of
    organisations they coordinate that name no coordinator.
    """
    if not getattr(user, "is_authenticated", False):
        return SupportTask.objects.none()
    today = today or timezone.localdate()
    coordinates = StaffMembership.objects.filter(user=user, role__in=COORDINATING_ROLES).values(
        "organisation_id"
    )
    named = Project.coordinators.through.objects.filter(project_id=OuterRef("project_id"))
    return (
        SupportTask.objects.filter(
            done_at__isnull=True,
            due_on__lte=today,
            # Only while they coordinate: a name left on a project's list after
            # their role changed sees nothing here.
            project__organisation_id__in=coordinates,
        )
        .filter(Q(project__coordinators=user) | ~Exists(named))
        .select_related("participant", "meeting", "project")
        .distinct()
        .order_by("due_on", "pk")
    )


# --- The message to coordinators ---------------------------------------------------


def chat_context(notification) -> dict:
    task = notification.about
    return {
        "task": task,
        "person": task.participant.preferred_name,
        "link": settings.COPROD_BASE_URL + reverse("accounts:dashboard"),
    }


def task_topics(ids):
    rows = SupportTask.objects.filter(pk__in=ids).select_related("participant", "meeting")
    return {
        task.pk: topics.Topic(
            f"{task.get_kind_display()}: {task.participant.preferred_name}",
            task.meeting.title if task.meeting else "",
            reverse("participants:person", kwargs={"pk": task.participant_id}),
        )
        for task in rows
    }


def register() -> None:
    kinds.register(
        CHAT_ASKED,
        label="A member asked for a chat (to coordinators)",
        build=chat_context,
        template="projects/notifications/chat_asked",
    )
    topics.register("projects.SupportTask", task_topics)
    if break_changed not in BREAK_LISTENERS:
        BREAK_LISTENERS.append(break_changed)
