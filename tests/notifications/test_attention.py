"""The dashboard's "messages to act on": by meeting, then person, with totals and bulk "told"."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coprod.notifications import dispatch
from coprod.notifications.models import Notification
from coprod.notifications.selectors import GROUPS_SHOWN, attention_for
from coprod.notifications.services import notifications_mark_told
from projects.meetings.notifications import MEETING_SCHEDULED, REMINDER
from tests.factories import ProjectFactory
from tests.notifications.helpers import a_coordinator, meeting_at, reachable
from tests.notifications.test_reminders import in_days, local

pytestmark = pytest.mark.django_db
DASHBOARD = "/dashboard/"


@pytest.fixture
def project():
    project = ProjectFactory(title="Safe Nights")
    a_coordinator(project)
    return project


def callers(project, count, start=0):
    """People who asked to be phoned: every message to them is a coordinator's task."""
    return [reachable(project, f"Caller{start + n}", "phone_call") for n in range(count)]


def tasks_for(meeting):
    return Notification.objects.filter(
        about_id=meeting.pk, kind=MEETING_SCHEDULED, status="waiting"
    )


def test_tasks_are_grouped_by_meeting_then_person_and_counted_in_full(project, client):
    people = callers(project, 55)
    first = meeting_at(project, local(in_days(10), 14), title="Planning day")
    meeting_at(project, local(in_days(20), 14), title="Review day")
    dispatch.dispatch_due(now=timezone.now())
    failed = tasks_for(first).filter(recipient_participant=people[0])
    Notification.objects.filter(pk=failed.get().pk).update(status="failed", last_error="x")
    coordinator = project.coordinators.get()

    attention = attention_for(coordinator)

    # Every task is counted, not only the first 50.
    assert (attention.tasks, attention.problems) == (109, 1)
    assert [group.topic.title for group in attention.groups] == ["Planning day", "Review day"]
    planning = attention.groups[0]
    assert (planning.tasks, planning.problems, planning.total) == (54, 1, 55)
    assert planning.people[0].name == people[0].preferred_name
    assert planning.not_shown == 55 - len(planning.shown_ids) > 0

    client.force_login(coordinator)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "109 phone calls or letters" in page
    assert "1 message that could not be sent" in page
    outbox = reverse("outbox:list", args=[project.pk]) + "?show=problems"
    assert f'href="{outbox}">Safe Nights (110)' in page
    assert f"Mark these {len(planning.shown_ids)} as told" in page


def test_the_dashboard_costs_the_same_queries_for_few_messages_or_many(project, client):
    callers(project, 2)
    meeting_at(project, local(in_days(10), 14))
    dispatch.dispatch_due(now=timezone.now())
    coordinator = project.coordinators.get()
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:dashboard"))

    callers(project, 30, start=2)
    for day in range(GROUPS_SHOWN + 3):
        meeting_at(project, local(in_days(11 + day), 14), title=f"Meeting {day}")
    dispatch.dispatch_due(now=timezone.now())
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("accounts:dashboard")).content.decode()

    assert "4 more meetings or other things need doing" in page
    assert len(many) == len(few)


def test_the_attention_list_is_a_fixed_number_of_queries(project, django_assert_num_queries):
    callers(project, 40)
    for day in range(GROUPS_SHOWN + 2):
        meeting_at(project, local(in_days(10 + day), 14))
    dispatch.dispatch_due(now=timezone.now())
    coordinator = type(project.coordinators.get()).objects.get(pk=project.coordinators.get().pk)

    # Roles, counts by project, how many groups, the groups, what they are about, their rows.
    with django_assert_num_queries(6):
        attention = attention_for(coordinator)
        assert attention.tasks == 40 * (GROUPS_SHOWN + 2)
        assert len(attention.groups) == GROUPS_SHOWN


def test_mark_all_as_told_records_each_one_once(project, client):
    callers(project, 6)
    meeting = meeting_at(project, local(in_days(10), 14))
    dispatch.dispatch_due(now=timezone.now())
    coordinator = project.coordinators.get()
    client.force_login(coordinator)
    page = client.get(DASHBOARD).content.decode()
    assert "Mark all 6 as told" in page
    ids = list(tasks_for(meeting).values_list("pk", flat=True))

    response = client.post(reverse("outbox:told_many"), {"ids": ids, "next": DASHBOARD})

    assert response.status_code == 302
    assert response.url == DASHBOARD
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Recorded: 6 marked as told."]
    told = Notification.objects.filter(pk__in=ids)
    assert set(told.values_list("status", "handled_by")) == {("sent", coordinator.pk)}
    assert attention_for(coordinator).total == 0
    # A second press (another tab) changes nothing.
    response = client.post(reverse("outbox:told_many"), {"ids": ids, "next": DASHBOARD})
    assert "already dealt with" in str(list(get_messages(response.wsgi_request))[-1])


def test_bulk_told_ignores_rows_outside_the_coordinators_organisations(project, client):
    callers(project, 2)
    meeting = meeting_at(project, local(in_days(10), 14))
    other = ProjectFactory()
    stranger = a_coordinator(other)
    dispatch.dispatch_due(now=timezone.now())
    ids = list(tasks_for(meeting).values_list("pk", flat=True))

    client.force_login(stranger)
    response = client.post(reverse("outbox:told_many"), {"ids": ids})

    assert response.status_code == 302
    assert set(tasks_for(meeting).values_list("pk", flat=True)) == set(ids)


def test_bulk_told_only_acts_on_rows_that_need_attention(project):
    ann = reachable(project, "Ann", "email")
    lou = reachable(project, "Lou", "phone_call")
    meeting = meeting_at(project, local(in_days(10), 14))
    dispatch.dispatch_due(now=timezone.now())
    sent = Notification.objects.get(recipient_participant=ann, kind=MEETING_SCHEDULED)
    pending = Notification.objects.get(recipient_participant=ann, kind=REMINDER)
    task = tasks_for(meeting).get(recipient_participant=lou)

    count = notifications_mark_told(
        ids=[sent.pk, pending.pk, task.pk, 10**12], by=project.coordinators.get()
    )

    assert count == 1
    pending.refresh_from_db()
    assert pending.status == "pending"
    sent.refresh_from_db()
    assert sent.handled_by is None


def test_bulk_told_refuses_people_who_coordinate_nothing(world, client_for):
    response = client_for(world, "finance").post(
        reverse("outbox:told_many"), {"ids": [world.failed_message.pk]}
    )
    assert response.status_code == 403
    world.failed_message.refresh_from_db()
    assert world.failed_message.status == "failed"


def test_a_task_whose_meeting_has_begun_is_not_on_the_dashboard(project, client):
    callers(project, 1)
    meeting = meeting_at(project, local(in_days(10), 14))
    dispatch.dispatch_due(now=timezone.now())
    Notification.objects.filter(pk=tasks_for(meeting).get().pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client.force_login(project.coordinators.get())
    page = client.get(DASHBOARD).content.decode()
    assert "Messages to act on" not in page
    outbox = client.get(reverse("outbox:list", args=[project.pk]) + "?show=problems")
    assert "No messages yet." in outbox.content.decode()
