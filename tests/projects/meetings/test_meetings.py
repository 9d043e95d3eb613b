"""Meetings people can get to: planning, papers, answers, attendance, notes, calendars."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants.services import membership_come_back, membership_take_break, membership_update
from projects.meetings import services as services
from projects.meetings.selectors import (
    People,
    late_papers,
    meetings_for_feed,
    meetings_for_member,
    next_meeting_for_member,
    open_actions_for,
    papers_due,
    project_people_for_meetings,
    time_clashes,
)
from projects.meetings.times import local_datetime
from projects.models import Attendance, Invitee, Meeting, MeetingAction, MeetingChange
from tests.conftest import PDF_BYTES, at_local
from tests.factories import ProjectFactory, ProjectMembershipFactory


def meeting_url(world, name="projects:meeting", meeting=None):
    meeting = meeting or world.meeting
    return reverse(name, kwargs={"pk": world.project.pk, "meeting_pk": meeting.pk})


def planner_data(world, **changes):
    day = timezone.localdate() + datetime.timedelta(days=14)
    return {
        "title": "Menu tasting",
        "purpose": "Choose the food for the drop-in.",
        "day": day.isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "format": "in_person",
        "venue": world.venue.pk,
        **changes,
    }


# --- Scheduling ------------------------------------------------------------------


def test_scheduling_invites_active_members_but_not_those_on_a_break(world):
    resting = ProjectMembershipFactory(project=world.project, status="on_break")

    meeting = services.meeting_schedule(
        project=world.project,
        by=world.users["coordinator"],
        starts_at=at_local(3, 10),
        ends_at=at_local(3, 11),
        title="Check-in",
        purpose="See how everyone is.",
        format="online",
        online_link="https://meet.example.org/safe-nights",
    )

    invited = set(meeting.invitees.values_list("participant__preferred_name", flat=True))
    assert {"Jo", "Sam"} <= invited
    assert resting.participant.preferred_name not in invited
    assert meeting.changes.get().kind == MeetingChange.Kind.SCHEDULED


def test_a_member_on_a_break_can_still_choose_to_come(world):
    membership = membership_take_break(membership=world.membership, by=None)
    assert not world.meeting.invitees.filter(participant=membership.participant).exists()

    services.rsvp_record(
        meeting=world.meeting,
        participant=membership.participant,
        by=membership.participant.user,
        answer="yes",
    )

    invitee = world.meeting.invitees.get(participant=membership.participant)
    assert invitee.answer == "yes"
    assert not invitee.answered_on_behalf


def test_coming_back_from_a_break_brings_back_invitations_to_upcoming_meetings(world):
    membership = membership_take_break(membership=world.membership, by=None)
    membership_come_back(membership=membership, by=None)
    assert world.meeting.invitees.filter(participant=membership.participant).exists()
    # A meeting that has already happened keeps the list it had.
    assert world.past_meeting.invitees.filter(participant=membership.participant).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_time": "09:00"}, "end_time", "ends before it starts"),
        ({"day": "2020-01-06"}, "day", "already passed"),
        ({"venue": ""}, "venue", "Choose where people will meet"),
        ({"format": "online", "venue": ""}, "online_link", "link or a phone number"),
    ],
)
def test_the_planner_refuses_bad_meetings_with_a_clear_message(
    world, client_for, changes, field, message
):
    client = client_for(world, "coordinator")
    response = client.post(
        reverse("projects:meeting_create", kwargs={"pk": world.project.pk}),
        planner_data(world, **changes),
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Meeting.objects.filter(title="Menu tasting").exists()


def test_the_planner_warns_when_the_time_does_not_suit_members(world, client_for):
    jo = world.membership.participant
    jo.meeting_times = ["weekday_evening"]
    jo.save()
    client = client_for(world, "coordinator")
    url = reverse("projects:meeting_create", kwargs={"pk": world.project.pk})
    # A weekday morning, 14 days from now or the Monday after.
    day = timezone.localdate() + datetime.timedelta(days=14)
    day += datetime.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)

    warned = client.post(url, planner_data(world, day=day.isoformat()))

    assert warned.status_code == 200
    assert "Jo said weekday evenings suit them." in warned.content.decode()
    assert not Meeting.objects.filter(title="Menu tasting").exists()

    saved = client.post(url, planner_data(world, day=day.isoformat(), go_ahead="on"))
    assert saved.status_code == 302
    assert Meeting.objects.filter(title="Menu tasting").exists()


def test_a_venue_of_another_organisation_cannot_be_used(world):
    other_venue = services.venue_save(
        organisation=world.other_org, by=None, name="Hilltop Hall", address="1 Hill Road"
    )
    with pytest.raises(ValidationError) as error:
        services.meeting_schedule(
            project=world.project,
            by=None,
            starts_at=at_local(3, 10),
            ends_at=at_local(3, 11),
            title="X",
            purpose="Y",
            format="in_person",
            venue=other_venue,
        )
    assert "venue" in error.value.message_dict


def test_moving_a_meeting_keeps_the_old_time_in_its_history(world, client_for):
    client = client_for(world, "co_lead")
    old_start = world.meeting.starts_at
    new_day = timezone.localdate() + datetime.timedelta(days=12)

    response = client.post(
        meeting_url(world, "projects:meeting_update"),
        {
            **planner_data(world, title=world.meeting.title, purpose=world.meeting.purpose),
            "day": new_day.isoformat(),
            "start_time": "14:00",
            "end_time": "16:00",
            "reason": "The hall is booked in the morning.",
        },
    )

    assert response.status_code == 302
    change = world.meeting.changes.get(kind=MeetingChange.Kind.RESCHEDULED)
    assert change.old_starts_at == old_start
    assert change.new_starts_at == at_local(12, 14)
    assert change.reason == "The hall is booked in the morning."
    page = client_for(world, "member").get(meeting_url(world)).content.decode()
    assert "Moved to a new time" in page
    assert "The hall is booked in the morning." in page


def test_cancelling_keeps_the_meeting_marked_cancelled_with_the_reason(world, client_for):
    client = client_for(world, "coordinator")
    response = client.post(
        meeting_url(world, "projects:meeting_cancel"), {"reason": "The hall flooded."}
    )

    assert response.status_code == 302
    world.meeting.refresh_from_db()
    assert world.meeting.status == Meeting.Status.CANCELLED
    assert world.meeting.changes.filter(kind=MeetingChange.Kind.CANCELLED).exists()
    page = client_for(world, "member").get(meeting_url(world)).content.decode()
    assert "This meeting is cancelled." in page
    assert "The hall flooded." in page
    with pytest.raises(ValidationError):
        services.rsvp_record(
            meeting=world.meeting, participant=world.membership.participant, by=None, answer="yes"
        )


# --- Papers ---------------------------------------------------------------------


def test_papers_out_by_is_the_earliest_any_invitee_needs_them(world):
    world.org.papers_days_default = 7
    world.org.save()
    meeting_day = world.meeting.starts_at.astimezone(world.org.zone).date()
    assert papers_due(world.meeting).out_by == meeting_day - datetime.timedelta(days=7)

    jo = world.membership.participant
    jo.papers_days_ahead = 10
    jo.save()
    due = papers_due(world.meeting, viewer=world.users["coordinator"])
    assert due.out_by == meeting_day - datetime.timedelta(days=10)
    assert due.who.names == ["Jo"]
    # Without someone who may see Jo's needs, Jo is counted, not named.
    assert papers_due(world.meeting).who == People(names=[], others=1)

    # Someone who said they cannot come does not set the date.
    services.rsvp_record(meeting=world.meeting, participant=jo, by=jo.user, answer="no")
    assert papers_due(world.meeting).days == 7


def test_the_meeting_page_warns_the_coordinator_when_papers_are_late(world, client_for):
    # The meeting is 10 days away; Jo needs papers 14 days before, so they are late for Jo.
    jo = world.membership.participant
    jo.papers_days_ahead = 14
    jo.save()

    assert late_papers(world.meeting, viewer=world.users["coordinator"]).names == ["Jo"]
    page = client_for(world, "coordinator").get(meeting_url(world)).content.decode()
    assert "Papers are late for 1 person:" in page
    assert "Jo" in page
    # Members are not shown the coordinators' warning.
    assert (
        "Papers are late"
        not in client_for(world, "member").get(meeting_url(world)).content.decode()
    )


def test_papers_marked_ready_in_time_are_not_late(world):
    world.meeting = services.papers_mark_ready(meeting=world.meeting, by=None)
    assert not late_papers(world.meeting)
    later = world.meeting.starts_at.astimezone(world.org.zone).date()
    # Checked on the meeting day itself, papers that went out 10 days before are on time.
    assert not late_papers(world.meeting, today=later)


def test_a_disguised_file_is_refused_and_nothing_is_stored(world, client_for):
    client = client_for(world, "co_lead")
    before = world.meeting.papers.count()

    response = client.post(
        meeting_url(world, "projects:meeting_papers"),
        {
            "title": "Budget",
            "plain_summary": "How the money is spent.",
            "file": SimpleUploadedFile("budget.pdf", b"MZ\x90\x00" + b"\x00" * 100),
        },
    )

    assert response.status_code == 200
    assert "it is not a PDF" in " ".join(response.context["form"].errors["file"])
    assert world.meeting.papers.count() == before


def test_a_paper_downloads_with_its_own_name_for_members_only(world, client_for):
    url = reverse(
        "projects:meeting_paper",
        kwargs={"pk": world.project.pk, "meeting_pk": world.meeting.pk, "paper_pk": world.paper.pk},
    )
    response = client_for(world, "member").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert 'filename="house-rules.pdf"' in response["Content-Disposition"]
    assert client_for(world, "other_coordinator").get(url).status_code == 404


def test_a_removed_paper_is_gone_but_the_record_says_who_removed_it(
    world, client_for, django_capture_on_commit_callbacks
):
    storage, name = world.paper.file.storage, world.paper.file.name
    assert storage.exists(name)

    client = client_for(world, "coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "projects:meeting_paper_remove",
                kwargs={
                    "pk": world.project.pk,
                    "meeting_pk": world.meeting.pk,
                    "paper_pk": world.paper.pk,
                },
            )
        )

    assert response.status_code == 302
    world.paper.refresh_from_db()
    assert world.paper.removed_by == world.users["coordinator"]
    assert not storage.exists(name)
    # Its old address now answers "not found", not a server error.
    old_address = reverse(
        "projects:meeting_paper",
        kwargs={"pk": world.project.pk, "meeting_pk": world.meeting.pk, "paper_pk": world.paper.pk},
    )
    assert client_for(world, "member").get(old_address).status_code == 404
    assert (
        "Draft house rules"
        not in client_for(world, "member")
        .get(meeting_url(world))
        .content.decode()
        .split("<h2>Papers</h2>")[1]
        .split("<h2")[0]
    )


# --- Answers ----------------------------------------------------------------------


def test_a_member_answers_with_a_need_on_their_phone(world, client_for):
    client = client_for(world, "member")
    response = client.post(
        meeting_url(world, "projects:meeting_rsvp"),
        {"answer": "yes", "needs": "A lift from the station", "note": "Might be 5 minutes late"},
    )

    assert response.status_code == 302
    invitee = world.meeting.invitees.get(participant=world.membership.participant)
    assert invitee.answer == "yes"
    assert invitee.needs == "A lift from the station"
    assert not invitee.answered_on_behalf
    # The quick "Maybe" button on the home page keeps the need already given.
    client.post(meeting_url(world, "projects:meeting_rsvp"), {"answer": "maybe"})
    invitee.refresh_from_db()
    assert (invitee.answer, invitee.needs) == ("maybe", "A lift from the station")


def test_meeting_needs_are_encrypted_in_the_database(world):
    services.rsvp_record(
        meeting=world.meeting,
        participant=world.membership.participant,
        by=None,
        answer="yes",
        needs="A quiet room to rest in",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT needs FROM projects_invitee WHERE needs IS NOT NULL")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored
    assert all("quiet room" not in str(value) for value in stored)


def test_needs_are_shown_only_to_the_coordinators_named_on_the_project(world, client_for):
    services.rsvp_record(
        meeting=world.meeting,
        participant=world.membership.participant,
        by=world.membership.participant.user,
        answer="yes",
        needs="A quiet room to rest in",
    )
    url = meeting_url(world, "projects:meeting_replies")

    assert "A quiet room to rest in" in client_for(world, "coordinator").get(url).content.decode()
    # The admin coordinates the organisation but is not named on this project.
    admin_page = client_for(world, "admin").get(url).content.decode()
    assert "A quiet room to rest in" not in admin_page
    assert "Jo" in admin_page
    for role in ("member", "co_lead", "finance"):
        assert client_for(world, role).get(url).status_code == 403


def test_a_coordinator_records_an_answer_taken_by_phone(world, client_for):
    client = client_for(world, "coordinator")
    response = client.post(
        meeting_url(world, "projects:meeting_replies"),
        {"participant": world.offline.pk, "answer": "yes", "needs": "Large print papers"},
    )

    assert response.status_code == 302
    invitee = world.meeting.invitees.get(participant=world.offline)
    assert invitee.answered_on_behalf
    assert invitee.answered_by == world.users["coordinator"]
    assert "taken by" in client.get(meeting_url(world, "projects:meeting_replies")).content.decode()


def test_a_member_cannot_answer_for_a_meeting_of_a_project_they_are_not_in(world, client_for):
    other_meeting = services.meeting_schedule(
        project=world.other_project,
        by=None,
        starts_at=at_local(5, 10),
        ends_at=at_local(5, 11),
        title="Clear letters review",
        purpose="Read letters together.",
        format="online",
        dial_in="0161 496 0001",
    )
    url = reverse(
        "projects:meeting_rsvp",
        kwargs={"pk": world.other_project.pk, "meeting_pk": other_meeting.pk},
    )
    assert client_for(world, "member").post(url, {"answer": "yes"}).status_code == 404
    # Nor through their own project's address with the other meeting's number.
    wrong = reverse(
        "projects:meeting_rsvp", kwargs={"pk": world.project.pk, "meeting_pk": other_meeting.pk}
    )
    assert client_for(world, "member").post(wrong, {"answer": "yes"}).status_code == 404
    assert not other_meeting.invitees.filter(answer="yes").exists()
    with pytest.raises(ValidationError):
        services.rsvp_record(
            meeting=other_meeting, participant=world.membership.participant, by=None, answer="yes"
        )


# --- Attendance --------------------------------------------------------------------


def test_attendance_defaults_to_the_meeting_length_and_sending_twice_records_once(
    world, client_for
):
    client = client_for(world, "coordinator")
    form = client.get(
        meeting_url(world, "projects:meeting_attendance", world.past_meeting)
    ).context["form"]
    jo = world.membership.participant
    assert form[f"minutes_{jo.pk}"].value() == 120

    # Start from the form as the browser sends it (every row), then tick two people.
    data = {
        name: field.initial for name, field in form.fields.items() if not name.startswith("att")
    }
    rows = {jo: (90, 30), world.offline: (120, 0)}
    for person, (minutes, preparation) in rows.items():
        data[f"attended_{person.pk}"] = "on"
        data[f"minutes_{person.pk}"] = str(minutes)
        data[f"preparation_{person.pk}"] = str(preparation)
    url = meeting_url(world, "projects:meeting_attendance", world.past_meeting)
    for _ in range(2):  # a double click sends the form twice
        assert client.post(url, data).status_code == 302

    recorded = Attendance.objects.filter(meeting=world.past_meeting)
    assert recorded.count() == 2
    assert recorded.get(participant=jo).minutes == 90
    assert recorded.get(participant=jo).preparation_minutes == 30

    # Unticking someone removes their attendance.
    del data[f"attended_{world.offline.pk}"]
    client.post(url, data)
    assert list(recorded.values_list("participant", flat=True)) == [jo.pk]


def test_attendance_is_unique_per_person_per_meeting_in_the_database(world):
    from django.db import IntegrityError, transaction

    Attendance.objects.create(meeting=world.past_meeting, participant=world.offline, minutes=60)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=world.past_meeting, participant=world.offline, minutes=60)


def test_attendance_cannot_be_recorded_before_the_meeting(world):
    with pytest.raises(ValidationError, match="has not happened yet"):
        services.attendance_record(
            meeting=world.meeting,
            by=None,
            rows=[{"participant": world.membership.participant, "attended": True}],
        )


# --- Notes and actions ------------------------------------------------------------------


def test_notes_and_actions_reach_members_and_the_action_owner(world, client_for):
    client = client_for(world, "co_lead")
    url = meeting_url(world, "projects:meeting_notes", world.past_meeting)
    assert client.post(url, {"notes-notes": "We agreed to open at 8pm."}).status_code == 302
    due = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(
        url,
        {
            "action-description": "Book the hall for January",
            "action-owner": f"u{world.users['coordinator'].pk}",
            "action-due_on": due,
        },
    )
    assert response.status_code == 302

    page = (
        client_for(world, "member")
        .get(meeting_url(world, meeting=world.past_meeting))
        .content.decode()
    )
    assert "We agreed to open at 8pm." in page
    assert "Book the hall for January" in page
    dashboard = client_for(world, "coordinator").get(reverse("accounts:dashboard"))
    assert "Book the hall for January" in dashboard.content.decode()
    home = client_for(world, "member").get(reverse("participants:home")).content.decode()
    assert "Ask three friends what they think of the shelter rules" in home
    assert world.past_meeting.changes.filter(kind=MeetingChange.Kind.NOTES_POSTED).count() == 1


def test_an_action_owner_marks_it_done_and_it_leaves_their_home_page(world, client_for):
    client = client_for(world, "member")
    home = reverse("participants:home")
    client.post(reverse("projects:action_done", kwargs={"pk": world.action.pk}), {"next": home})
    world.action.refresh_from_db()
    assert world.action.done_at is not None
    done_url = reverse("projects:action_done", kwargs={"pk": world.action.pk})
    assert done_url not in client.get(home).content.decode()


# --- Calendars ---------------------------------------------------------------------------


def test_the_meeting_downloads_as_a_calendar_file(world, client_for):
    response = client_for(world, "member").get(meeting_url(world, "projects:meeting_ics"))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "SUMMARY:Planning the winter shelter (Safe Nights)" in text
    assert "Riverside Community Hall" in text
    assert "Bus 42 to Mill Lane" in text.replace("\r\n ", "")


def test_the_private_feed_shows_the_persons_meetings_and_stops_when_revoked(world, client):
    url = reverse("projects:calendar_feed", kwargs={"token": world.feed_token})
    text = client.get(url).content.decode()
    assert "Planning the winter shelter" in text
    assert "First get-together" in text
    # Nothing private: answers and needs never go in.
    services.rsvp_record(
        meeting=world.meeting,
        participant=world.membership.participant,
        by=None,
        answer="maybe",
        needs="A quiet room",
    )
    assert "quiet room" not in client.get(url).content.decode()

    services.meeting_cancel(meeting=world.meeting, by=None, reason="Flood")
    assert "STATUS:CANCELLED" in client.get(url).content.decode()

    services.calendar_feed_revoke(user=world.users["member"])
    assert client.get(url).status_code == 404
    assert client.get(url.replace(world.feed_token, "not-a-token")).status_code == 404


def test_making_a_calendar_link_shows_it_once(world, client_for):
    client = client_for(world, "member")
    url = reverse("projects:calendar_link")
    made = client.post(url, {"action": "make"}).content.decode()
    assert "/projects/meetings/calendar/" in made
    # The old link stopped; the page later shows only that a link exists.
    assert client.get(reverse("projects:calendar_feed", args=[world.feed_token])).status_code == 404
    later = client.get(url).content.decode()
    assert "/projects/meetings/calendar/" not in later.replace(url, "")
    assert "You made a calendar link" in later


def test_my_meetings_lists_only_my_meetings(world, client_for):
    page = client_for(world, "member").get(reverse("projects:my_meetings")).content.decode()
    assert "Planning the winter shelter" in page
    assert "First get-together" in page
    assert Invitee.objects.filter(participant__user=world.users["member"]).count() == 2


# --- Roles, data rights, and cost -------------------------------------------------------------


def test_an_agenda_setter_shapes_the_agenda_but_does_not_schedule(world, client):
    setter = ProjectMembershipFactory(project=world.project, roles=["Agenda-setter"])
    client.force_login(setter.participant.user)

    assert client.get(meeting_url(world, "projects:meeting_agenda")).status_code == 200
    assert client.get(meeting_url(world, "projects:meeting_papers")).status_code == 200
    assert client.get(meeting_url(world, "projects:meeting_update")).status_code == 403
    assert client.get(meeting_url(world, "projects:meeting_cancel")).status_code == 403
    response = client.post(
        meeting_url(world, "projects:meeting_agenda"),
        {
            "agenda-TOTAL_FORMS": "1",
            "agenda-INITIAL_FORMS": "0",
            "agenda-0-title": "Open questions",
            "agenda-0-led_by": str(setter.participant.pk),
        },
    )
    assert response.status_code == 302
    assert list(world.meeting.agenda.values_list("title", "led_by")) == [
        ("Open questions", setter.participant.pk)
    ]


def test_a_member_says_when_they_can_come_and_the_planner_knows(world, client_for):
    client = client_for(world, "member")
    url = reverse("participants:edit_communication", kwargs={"pk": world.membership.participant.pk})
    response = client.post(url, {"meeting_times": ["weekday_evening", "weekend_afternoon"]})
    assert response.status_code == 302

    world.membership.participant.refresh_from_db()
    assert world.membership.participant.meeting_times == ["weekday_evening", "weekend_afternoon"]
    monday = timezone.localdate() + datetime.timedelta(days=7)
    monday -= datetime.timedelta(days=monday.weekday())
    morning = local_datetime(monday, datetime.time(10), world.org.zone)
    evening = local_datetime(monday, datetime.time(18), world.org.zone)
    hour = datetime.timedelta(hours=1)

    coordinator = world.users["coordinator"]
    assert time_clashes(world.project, morning, morning + hour, viewer=coordinator) == [
        "Jo said weekday evenings, weekend afternoons suit them."
    ]
    assert time_clashes(world.project, evening, evening + hour, viewer=coordinator) == []


def test_the_planner_warns_when_papers_could_not_reach_someone_in_time(world, client_for):
    jo = world.membership.participant
    jo.papers_days_ahead = 10
    jo.save()
    client = client_for(world, "coordinator")
    soon = timezone.localdate() + datetime.timedelta(days=4)

    response = client.post(
        reverse("projects:meeting_create", kwargs={"pk": world.project.pk}),
        planner_data(world, day=soon.isoformat()),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Jo needs papers 10 days before, so they would get them late." in page
    assert "Papers usually go out 7 days before a meeting; this one is 4 days away." in page


def test_erasure_removes_meeting_needs_and_keeps_attendance(world):
    from participants.data_rights import data_export, participant_erase

    jo = world.membership.participant
    services.rsvp_record(
        meeting=world.meeting, participant=jo, by=None, answer="yes", needs="A quiet room"
    )
    # Jo's attendance at the past meeting is in the world already (120 minutes).
    exported = data_export(jo)["meetings"]
    answers = {row["meeting"]: row for row in exported["answers"]}
    assert answers["Safe Nights: Planning the winter shelter"]["what_you_needed"] == "A quiet room"
    assert exported["attended"][0]["minutes"] == 120

    participant_erase(participant=jo, by=None)

    assert world.meeting.invitees.get(participant=jo).needs is None
    assert Attendance.objects.get(participant=jo).minutes == 120


def test_the_attendance_page_costs_the_same_queries_for_5_people_or_25(world, client_for):
    from django.test.utils import CaptureQueriesContext

    client = client_for(world, "coordinator")
    url = meeting_url(world, "projects:meeting_attendance", world.past_meeting)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for _ in range(2):
        invitee = ProjectMembershipFactory(project=world.project, status="active")
        Invitee.objects.create(meeting=world.past_meeting, participant=invitee.participant)
    few = count()
    for _ in range(20):
        invitee = ProjectMembershipFactory(project=world.project, status="active")
        Invitee.objects.create(meeting=world.past_meeting, participant=invitee.participant)
    assert count() == few


# --- Whose membership counts -------------------------------------------------------------


def test_one_member_leaving_takes_the_meetings_from_nobody_else(world, client_for, client):
    # Given a project where one member leaves, one takes a break and one
    # leaves and later rejoins, and another member says no to the meeting.

    leaver = ProjectMembershipFactory(project=world.project)
    resting = ProjectMembershipFactory(project=world.project)
    rejoiner = ProjectMembershipFactory(project=world.project)
    nay_sayer = ProjectMembershipFactory(project=world.project)
    for membership in (leaver, resting, rejoiner, nay_sayer):
        services.rsvp_record(
            meeting=world.meeting, participant=membership.participant, by=None, answer="yes"
        )
    services.rsvp_record(
        meeting=world.meeting, participant=nay_sayer.participant, by=None, answer="no"
    )

    # When they change their places in the project.
    membership_update(membership=leaver, by=None, status="left", roles=[])
    membership_take_break(membership=resting, by=None)
    membership_update(membership=rejoiner, by=None, status="left", roles=[])
    membership_update(membership=rejoiner, by=None, status="active", roles=[])

    # Then everyone still in the project keeps the meeting on every page.
    for user in (world.users["member"], world.users["co_lead"], rejoiner.participant.user):
        assert world.meeting in meetings_for_member(user)["upcoming"], user
        assert next_meeting_for_member(user)[0] == world.meeting, user
        assert world.meeting in meetings_for_feed(user), user
    page = client_for(world, "member").get(reverse("participants:home")).content.decode()
    assert "Planning the winter shelter" in page
    feed = client.get(reverse("projects:calendar_feed", kwargs={"token": world.feed_token}))
    assert "Planning the winter shelter" in feed.content.decode()
    # The person who left no longer sees it; someone else's "no" hides it from nobody else.
    assert world.meeting not in meetings_for_member(leaver.participant.user)["upcoming"]
    assert world.meeting not in meetings_for_feed(nay_sayer.participant.user)


def test_leaving_one_project_keeps_a_person_in_their_others(world):

    other = ProjectFactory(organisation=world.org, title="Food Bank Voices")
    elsewhere = ProjectMembershipFactory(project=other, participant=world.membership.participant)
    membership_update(membership=elsewhere, by=None, status="left", roles=[])

    assert world.membership.participant in project_people_for_meetings(world.project)
    assert world.membership.participant not in project_people_for_meetings(other)


@pytest.mark.parametrize("format", ["in_person", "hybrid"])
def test_the_next_meeting_card_needs_no_further_query(world, format):
    # Issue 18: the next meeting reads only the columns its card shows; a
    # column the card reads but the query left out would cost one query more.
    Meeting.objects.filter(pk=world.meeting.pk).update(
        format=format, online_link="https://meet.example.org/room", dial_in="0800 000 000"
    )
    meeting, invitee = next_meeting_for_member(world.users["member"])

    with CaptureQueriesContext(connection) as queries:
        html = render_to_string(
            "projects/includes/meeting_card.html", {"meeting": meeting, "invitee": invitee}
        )

    assert len(queries) == 0, [q["sql"] for q in queries]
    assert "Riverside Community Hall" in html
    assert "Bus 42 to Mill Lane" in html
    assert ("Join online" in html) == (format == "hybrid")
    assert "House rules: what would you change?" in html
    assert "Draft house rules" in html
    assert "Planning the winter shelter" in html


def test_the_next_meeting_reads_only_the_columns_its_card_shows(world):
    with CaptureQueriesContext(connection) as queries:
        next_meeting_for_member(world.users["member"])

    assert '"accounts_organisation"."name"' not in queries[0]["sql"]
    assert '"projects_meeting"."purpose"' not in queries[0]["sql"]
    assert '"projects_meetingpaper"."file"' not in queries[-1]["sql"]


def test_a_person_s_action_list_needs_no_further_query(world):
    # Issue 18: /me/, the dashboard and "My meetings" list open actions from
    # one query that reads only what the list shows.
    MeetingAction.objects.create(
        meeting=world.meeting,
        description="Ask the hall about step-free access",
        owner_participant=world.membership.participant,
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    with CaptureQueriesContext(connection) as reading:
        actions = list(open_actions_for(world.users["member"]))
    with CaptureQueriesContext(connection) as rendering:
        html = render_to_string("projects/includes/action_list.html", {"actions": actions})

    assert len(rendering) == 0, [q["sql"] for q in rendering]
    assert "Ask the hall about step-free access" in html
    assert world.meeting.get_absolute_url() in html
    assert world.project.title in html
    assert '"projects_meeting"."purpose"' not in reading[0]["sql"]
    assert '"participants_participant"' not in reading[0]["sql"].split("FROM")[0]


def test_the_meeting_page_takes_the_project_it_already_read(world):
    # Issue 18: the page has read the project (and its organisation) to let
    # the person in; the meeting does not read them a second time.
    from projects.meetings.selectors import meeting_get
    from projects.selectors import project_get_visible

    project = project_get_visible(world.users["member"], world.project.pk)
    with CaptureQueriesContext(connection) as queries:
        meeting = meeting_get(project, world.meeting.pk)

    assert meeting.project is project
    assert not [q["sql"] for q in queries if '"accounts_organisation"' in q["sql"]]
    assert not [q["sql"] for q in queries if '"projects_project"."title"' in q["sql"]]
    assert [item.title for item in meeting.agenda.all()]
    assert meeting.venue.name == "Riverside Community Hall"
