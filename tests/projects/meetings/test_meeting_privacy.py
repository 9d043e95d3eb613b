"""Who is named on a meeting's warnings, and who may read (and is seen reading) meeting needs."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from participants.models import AccessLog, Participant
from participants.selectors import participants_with_needs_visible_to
from projects.meetings import services as services
from projects.models import Invitee
from tests.conftest import ROLES
from tests.factories import ProjectMembershipFactory


def meeting_url(world, name="projects:meeting"):
    return reverse(name, kwargs={"pk": world.project.pk, "meeting_pk": world.meeting.pk})


@pytest.fixture
def jo(world):
    """Jo needs papers 14 days ahead (the meeting is 10 days away) and meets only on evenings."""
    jo = world.membership.participant
    jo.papers_days_ahead = 14
    jo.meeting_times = ["weekday_evening"]
    jo.save()
    return jo


# --- The meeting page and the planner ---------------------------------------------------


@pytest.mark.parametrize("role", ["co_lead", "admin"])
def test_co_leads_and_coordinators_not_named_see_counts_not_names(world, client_for, jo, role):
    # The admin coordinates the organisation but is not named on the project.
    page = client_for(world, role).get(meeting_url(world)).content.decode()

    assert "Papers are late for 1 person.</strong>" in page
    assert "because 1 person asked for that" in page
    assert "1 person said this time may not suit them." in page
    assert "because Jo asked" not in page
    assert "Jo said" not in page
    assert "Papers are late for 1 person:" not in page


def test_the_named_coordinator_sees_who(world, client_for, jo):
    page = client_for(world, "coordinator").get(meeting_url(world)).content.decode()

    assert "Papers are late for 1 person:</strong> Jo." in page
    assert "because Jo asked for that" in page
    assert "Jo said weekday evenings suit them." in page


def test_the_papers_page_names_nobody_to_an_agenda_setter_or_co_lead(world, client_for, jo):
    url = meeting_url(world, "projects:meeting_papers")

    assert (
        "because 1 person asked for that" in client_for(world, "co_lead").get(url).content.decode()
    )
    assert "because Jo asked for that" in client_for(world, "coordinator").get(url).content.decode()


def test_the_planner_names_people_only_to_those_who_may_see_their_needs(world, client_for, jo):
    jo.papers_days_ahead = 10
    jo.save()
    soon = timezone.localdate() + datetime.timedelta(days=4)
    while soon.weekday() >= 5:  # a weekday morning, which Jo's evenings do not cover
        soon += datetime.timedelta(days=1)
    days = (soon - timezone.localdate()).days
    data = {
        "title": "Menu tasting",
        "purpose": "Choose the food for the drop-in.",
        "day": soon.isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "format": "in_person",
        "venue": world.venue.pk,
    }
    url = reverse("projects:meeting_create", kwargs={"pk": world.project.pk})

    co_lead = client_for(world, "co_lead").post(url, data).content.decode()
    assert "1 person said this time may not suit them." in co_lead
    assert f"1 person needs papers more than {days} days before" in co_lead
    assert "Jo" not in " ".join(
        client_for(world, "co_lead").post(url, data).context["form"].warnings
    )

    coordinator = client_for(world, "coordinator").post(url, data).content.decode()
    assert "Jo said weekday evenings suit them." in coordinator
    assert "Jo needs papers 10 days before, so they would get them late." in coordinator


def test_the_meeting_page_costs_the_same_queries_for_few_invitees_or_many(world, client_for, jo):
    client = client_for(world, "coordinator")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(meeting_url(world)).status_code == 200
        return len(queries)

    def add_people(n):
        for _ in range(n):
            person = ProjectMembershipFactory(
                project=world.project, participant__papers_days_ahead=14
            ).participant
            Invitee.objects.create(meeting=world.meeting, participant=person)

    add_people(2)
    few = count()
    add_people(20)
    assert count() == few


# --- The selector and the rule agree ----------------------------------------------------


def test_who_may_be_named_is_exactly_who_passes_the_rule(world):
    left = ProjectMembershipFactory(project=world.project, status="left").participant
    people = [*Participant.objects.all(), left]
    for role in ROLES:
        user = world.users[role]
        if user is None:
            continue
        visible = set(participants_with_needs_visible_to(user).values_list("pk", flat=True))
        for person in people:
            assert (person.pk in visible) == user.has_perm(
                "participants.view_communication_needs", person
            ), (role, person)


# --- What members need for a meeting: read, and seen to be read -------------------------


@pytest.fixture
def quiet_room(world):
    services.rsvp_record(
        meeting=world.meeting,
        participant=world.membership.participant,
        by=world.membership.participant.user,
        answer="yes",
        needs="A quiet room to rest in",
    )


def test_a_named_coordinator_reading_needs_is_logged_once_and_the_member_sees_it(
    world, client_for, quiet_room
):
    jo = world.membership.participant

    page = client_for(world, "coordinator").get(meeting_url(world, "projects:meeting_replies"))

    assert "A quiet room to rest in" in page.content.decode()
    entry = AccessLog.objects.get(participant=jo)
    assert entry.viewer == world.users["coordinator"]
    assert entry.kind == AccessLog.Kind.MEETING_NEEDS
    assert entry.detail.startswith("the meeting on ")
    # Only people who said something: Sam and the others said nothing, so nothing was read.
    assert AccessLog.objects.count() == 1
    day = timezone.localtime(world.meeting.starts_at, world.org.zone)
    log = (
        client_for(world, "member")
        .get(reverse("participants:access_log", kwargs={"pk": jo.pk}))
        .content.decode()
    )
    assert f"read what you said you need for the meeting on {day:%-d %B %Y}" in log
    assert escape(world.users["coordinator"]) in log


@pytest.mark.parametrize("role", ["admin", "co_lead", "finance"])
def test_nobody_else_reads_meeting_needs_and_nothing_is_logged(world, client_for, quiet_room, role):
    response = client_for(world, role).get(meeting_url(world, "projects:meeting_replies"))

    assert "A quiet room to rest in" not in response.content.decode()
    for name in ("projects:meeting", "projects:meeting_attendance", "projects:meeting_ics"):
        assert (
            "quiet room"
            not in client_for(world, role).get(meeting_url(world, name)).content.decode()
        )
    assert not AccessLog.objects.exists()


def test_the_member_reading_their_own_answer_is_not_logged(world, client_for, quiet_room):
    page = client_for(world, "member").get(meeting_url(world)).content.decode()
    assert "A quiet room to rest in" in page
    assert not AccessLog.objects.exists()


def test_a_phone_answer_with_the_needs_box_empty_keeps_what_they_said(
    world, client_for, quiet_room
):
    # The admin may not read Jo's needs, so must not wipe them out either.
    response = client_for(world, "admin").post(
        meeting_url(world, "projects:meeting_replies"),
        {"participant": world.membership.participant.pk, "answer": "maybe", "needs": ""},
    )

    assert response.status_code == 302
    invitee = world.meeting.invitees.get(participant=world.membership.participant)
    assert (invitee.answer, invitee.needs) == ("maybe", "A quiet room to rest in")


def test_the_answers_page_costs_the_same_queries_for_few_needs_or_many(world, client_for):
    coordinator = world.users["coordinator"]
    client = client_for(world, "coordinator")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(meeting_url(world, "projects:meeting_replies")).status_code == 200
        return len(queries)

    def add_people(n):
        for _ in range(n):
            person = ProjectMembershipFactory(project=world.project).participant
            Invitee.objects.create(meeting=world.meeting, participant=person, needs="A lift")

    add_people(2)
    few = count()
    add_people(20)
    assert count() == few
    # One row per person per page view: 2 after the first view, 2 + 22 after the second.
    assert AccessLog.objects.filter(viewer=coordinator).count() == 24


def test_staff_who_also_take_part_are_not_logged_reading_their_own_needs(world, client_for):
    coordinator = world.users["coordinator"]
    own = ProjectMembershipFactory(project=world.project, participant__user=coordinator)
    Invitee.objects.create(meeting=world.meeting, participant=own.participant, needs="Step-free")

    client_for(world, "coordinator").get(meeting_url(world, "projects:meeting_replies"))

    assert not AccessLog.objects.filter(participant=own.participant).exists()
