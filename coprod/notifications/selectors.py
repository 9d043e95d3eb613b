"""Reads of the outbox, scoped to the projects a person coordinates."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coprod.accounts.selectors import COORDINATING_ROLES, organisation_ids_for
from coprod.notifications.models import Notification, ReminderRule
from coprod.notifications.topics import Topic, topics_for

# The statuses a coordinator must act on: a message that did not go, one that
# may have gone but was never confirmed, and a phone-or-write task. The
# dashboard, its counts, the outbox's "problems" and bulk "told" all read this
# one list.
NEEDS_ATTENTION = (
    Notification.Status.FAILED,
    Notification.Status.UNSURE,
    Notification.Status.WAITING,
)
# Of those, the ones that are a coordinator's task rather than a problem.
TASK_STATUSES = (Notification.Status.WAITING,)
# The dashboard shows this many groups (things messages are about), and this
# many rows in each; the counts are of everything.
GROUPS_SHOWN = 10
ROWS_PER_GROUP = 12


def still_of_use(now: datetime.datetime | None = None) -> Q:
    """Rows whose moment has not passed (no expiry, or an expiry still to come)."""
    return Q(expires_at__isnull=True) | Q(expires_at__gt=now or timezone.now())


def outbox_for_project(project, *, only_problems: bool = False) -> QuerySet[Notification]:
    """Return a project's messages, newest first, with whom they were for.

    "Only problems" is what the dashboard counts: rows to act on that can still help.
    """
    rows = Notification.objects.filter(project=project).select_related(
        "recipient_participant", "recipient_user", "handled_by"
    )
    if only_problems:
        rows = rows.filter(still_of_use(), status__in=NEEDS_ATTENTION)
    return rows.order_by("-due_at", "-pk")


def needing_attention(user, *, now=None) -> QuerySet[Notification]:
    """Return failed messages and phone-or-write tasks, still of use, in the user's organisations.

    A task or failure whose moment has passed (a call to invite someone to a
    meeting that has begun) is left out at once; the sweep (expiry.py) then
    marks it cancelled.
    """
    return Notification.objects.filter(
        still_of_use(now),
        organisation_id__in=organisation_ids_for(user, COORDINATING_ROLES),
        status__in=NEEDS_ATTENTION,
    )


@dataclass
class PersonRows:
    name: str
    rows: list[Notification] = field(default_factory=list)


@dataclass
class AttentionGroup:
    """What needs doing about one thing (a meeting, a change, a promise), person by person."""

    topic: Topic
    project_id: int
    project_title: str
    tasks: int
    problems: int
    people: list[PersonRows] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.tasks + self.problems

    @property
    def shown_ids(self) -> list[int]:
        return [row.pk for person in self.people for row in person.rows]

    @property
    def not_shown(self) -> int:
        return self.total - len(self.shown_ids)


@dataclass
class ProjectCount:
    project_id: int
    title: str
    tasks: int
    problems: int

    @property
    def total(self) -> int:
        return self.tasks + self.problems


@dataclass
class Attention:
    tasks: int = 0
    problems: int = 0
    groups: list[AttentionGroup] = field(default_factory=list)
    group_count: int = 0
    projects: list[ProjectCount] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.tasks + self.problems

    @property
    def more_groups(self) -> int:
        return self.group_count - len(self.groups)


def _counts():
    return {
        "tasks": Count("pk", filter=Q(status__in=TASK_STATUSES)),
        "problems": Count("pk", filter=~Q(status__in=TASK_STATUSES)),
    }


def attention_for(user, *, now=None) -> Attention:
    """Return what the user must act on, grouped by the thing it is about, then by person.

    The counts are of every row (database aggregates, never cut); the groups
    are the GROUPS_SHOWN with the oldest rows, each with up to ROWS_PER_GROUP
    rows. A fixed number of queries, however many rows there are: one per
    step below, and one per kind of thing the shown groups are about.
    """
    rows = needing_attention(user, now=now)
    # 1. How many, project by project (the totals are their sums).
    projects = [
        ProjectCount(row["project_id"], row["project__title"], row["tasks"], row["problems"])
        for row in rows.values("project_id", "project__title")
        .annotate(**_counts())
        .order_by("project__title", "project_id")
    ]
    attention = Attention(
        tasks=sum(p.tasks for p in projects),
        problems=sum(p.problems for p in projects),
        projects=projects,
    )
    if not projects:
        return attention
    # 2. The groups: one per thing a row is about, oldest first.
    grouped = rows.values(
        "project_id",
        "project__title",
        "about_type_id",
        "about_type__app_label",
        "about_type__model",
        "about_id",
    ).annotate(first_due=Min("due_at"), **_counts())
    # 3. How many groups there are in all.
    attention.group_count = grouped.order_by().count()
    shown = list(grouped.order_by("first_due", "about_type_id", "about_id")[:GROUPS_SHOWN])
    # 4. What each group is about, named by its app (one query per kind of thing).
    topics = topics_for(
        (g["about_type__app_label"], g["about_type__model"], g["about_id"]) for g in shown
    )
    by_key = {}
    for g in shown:
        group = AttentionGroup(
            topic=topics[(g["about_type__app_label"], g["about_type__model"], g["about_id"])],
            project_id=g["project_id"],
            project_title=g["project__title"],
            tasks=g["tasks"],
            problems=g["problems"],
        )
        by_key[(g["about_type_id"], g["about_id"])] = group
        attention.groups.append(group)
    # 5. The first rows of each shown group, person by person.
    in_shown = Q()
    for about_type_id, about_id in by_key:
        in_shown |= Q(about_type_id=about_type_id, about_id=about_id)
    person_order = [
        F("recipient_participant_id").asc(nulls_last=True),
        F("recipient_user_id").asc(nulls_last=True),
        F("due_at").asc(),
        F("pk").asc(),
    ]
    first_rows = (
        rows.filter(in_shown)
        .select_related("recipient_participant", "recipient_user")
        .annotate(
            place=Window(
                RowNumber(), partition_by=[F("about_type_id"), F("about_id")], order_by=person_order
            )
        )
        .filter(place__lte=ROWS_PER_GROUP)
        .order_by("about_type_id", "about_id", *person_order)
    )
    for row in first_rows:
        group = by_key[(row.about_type_id, row.about_id)]
        if not group.people or _who(group.people[-1].rows[0]) != _who(row):
            group.people.append(PersonRows(row.recipient_name))
        group.people[-1].rows.append(row)
    return attention


def _who(row) -> tuple:
    return (row.recipient_participant_id, row.recipient_user_id)


def notification_get_for_staff(user, pk) -> Notification:

    return get_object_or_404(
        Notification.objects.select_related("project__organisation", "recipient_participant"),
        organisation_id__in=organisation_ids_for(user, COORDINATING_ROLES),
        pk=pk,
    )


def rules_for_page(project) -> QuerySet[ReminderRule]:
    return ReminderRule.objects.filter(project=project).order_by("-minutes_before")
