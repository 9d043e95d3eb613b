"""Someone to talk to: chats asked for, check-ins, and members' points, on the dashboard."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coprod.notifications.models import Notification
from participants import services as participant_services
from participants.models import ProjectMembership
from projects.models import Pulse, SupportTask
from projects.promises import services as promises
from projects.support import CHAT_ASKED, chat_ask, tasks_for

pytestmark = pytest.mark.django_db


def _rsvp(world, client, **extra):
    url = reverse(
        "projects:meeting_rsvp", kwargs={"pk": world.project.pk, "meeting_pk": world.meeting.pk}
    )
    return client.post(url, {"answer": "yes", **extra})


def test_a_member_asks_for_a_chat_on_their_answer_and_the_coordinator_hears_once(world, client_for):
    client = client_for(world, "other_member")
    ash = world.users["other_member"].participant_profiles.get()
    chat = {"chat": ["briefing", "debrief"], "chat_times": "After 4pm", "chat_way": "text"}

    first = _rsvp(world, client, **chat)
    _rsvp(world, client, **chat)

    assert first.status_code == 302
    tasks = SupportTask.objects.filter(participant=ash).order_by("kind")
    assert [(t.kind, t.times, t.way) for t in tasks] == [
        ("briefing", "After 4pm", "text"),
        ("debrief", "After 4pm", "text"),
    ]
    told = Notification.objects.filter(kind=CHAT_ASKED)
    assert [row.recipient_user for row in told] == [world.users["coordinator"]] * 2


def test_the_dashboard_shows_a_chat_to_the_named_coordinator_until_it_is_done(world, client_for):
    dashboard = reverse("accounts:dashboard")
    coordinator = client_for(world, "coordinator")
    assert "Weekday mornings" in coordinator.get(dashboard).content.decode()
    # An organisation coordinator not named on this project is not asked to act.
    assert (
        "Weekday mornings"
        not in client_for(world, "unnamed_coordinator").get(dashboard).content.decode()
    )

    coordinator = client_for(world, "coordinator")
    done = coordinator.post(reverse("projects:task_done", kwargs={"pk": world.chat.pk}))

    assert done.status_code == 302
    assert "Weekday mornings" not in coordinator.get(dashboard).content.decode()
    world.chat.refresh_from_db()
    assert world.chat.done_by == world.users["coordinator"]


def test_a_chat_before_a_meeting_that_started_is_refused_with_a_reason(world):
    world.past_meeting.invitees.get_or_create(participant=world.membership.participant)

    with pytest.raises(ValidationError, match="ask for a chat after it"):
        chat_ask(
            meeting=world.past_meeting,
            participant=world.membership.participant,
            kinds_asked=["briefing"],
        )
    (after,) = chat_ask(
        meeting=world.past_meeting,
        participant=world.membership.participant,
        kinds_asked=["debrief"],
    )
    assert after.due_on == timezone.localdate()


def test_a_debrief_asked_with_the_pulse_leaves_the_pulse_unnamed(world, client_for):
    client = client_for(world, "member")
    url = reverse(
        "projects:meeting_pulse",
        kwargs={"pk": world.project.pk, "meeting_pk": world.past_meeting.pk},
    )
    world.past_meeting.invitees.get_or_create(participant=world.membership.participant)

    response = client.post(url, {"step": "2", "change": "Too rushed", "debrief": "on"})

    assert response.status_code == 302
    task = SupportTask.objects.get(kind=SupportTask.Kind.DEBRIEF)
    assert task.participant == world.membership.participant
    assert Pulse.objects.get().step == 2
    assert "participant" not in {f.name for f in Pulse._meta.get_fields()}


def test_a_check_in_date_becomes_a_task_on_that_day_and_ends_when_they_come_back(world):
    membership = ProjectMembership.objects.get(pk=world.membership.pk)
    day = timezone.localdate() + datetime.timedelta(days=10)
    coordinator = world.users["coordinator"]

    membership = participant_services.membership_take_break(
        membership=membership, by=None, check_in_on=day
    )

    def check_ins(today):
        return [t for t in tasks_for(coordinator, today=today) if t.kind == "check_in"]

    assert check_ins(day - datetime.timedelta(days=1)) == []
    assert [t.due_on for t in check_ins(day)] == [day]
    later = day + datetime.timedelta(days=5)
    participant_services.membership_take_break(membership=membership, by=None, check_in_on=later)
    assert check_ins(day) == []
    assert [t.due_on for t in check_ins(later)] == [later]

    participant_services.membership_come_back(
        membership=ProjectMembership.objects.get(pk=membership.pk), by=None
    )
    assert check_ins(later) == []


def test_coordinators_see_how_many_members_points_wait_for_an_answer(world, client_for):
    promises.point_raise(
        project=world.project, participant=world.membership.participant, said="More notice"
    )

    page = client_for(world, "coordinator").get(reverse("accounts:dashboard")).content.decode()
    assert "1 new point" in page
    other = client_for(world, "other_coordinator").get(reverse("accounts:dashboard"))
    assert "new point" not in other.content.decode()
