"""Reads of the outbox, scoped to the projects a person coordinates."""

from django.db.models import QuerySet

from coprod.accounts.selectors import COORDINATING_ROLES, organisation_ids_for
from coprod.notifications.models import Notification, ReminderRule


def outbox_for_project(project, *, only_problems: bool = False) -> QuerySet[Notification]:
    """Return a project's messages, newest first, with whom they were for."""
    rows = Notification.objects.filter(project=project).select_related(
        "recipient_participant", "recipient_user", "handled_by"
    )
    if only_problems:
        rows = rows.filter(
            status__in=[
                Notification.Status.FAILED,
                Notification.Status.UNSURE,
                Notification.Status.WAITING,
            ]
        )
    return rows.order_by("-due_at", "-pk")


def needing_attention(user) -> QuerySet[Notification]:
    """Return failed messages and phone-or-write tasks in organisations the user coordinates."""
    return (
        Notification.objects.filter(
            organisation_id__in=organisation_ids_for(user, COORDINATING_ROLES),
            status__in=[Notification.Status.FAILED, Notification.Status.WAITING],
        )
        .select_related("project", "recipient_participant", "recipient_user")
        .order_by("due_at", "pk")[:50]
    )


def notification_get_for_staff(user, pk) -> Notification:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Notification.objects.select_related("project__organisation", "recipient_participant"),
        organisation_id__in=organisation_ids_for(user, COORDINATING_ROLES),
        pk=pk,
    )


def rules_for_page(project) -> QuerySet[ReminderRule]:
    return ReminderRule.objects.filter(project=project).order_by("-minutes_before")
