"""Which messages a meeting plans, and when: in the organisation's zone, never late."""

import datetime
import zoneinfo

import pytest
from django.db import transaction
from django.utils import timezone

from coprod.notifications.models import Notification
from coprod.notifications.timing import text_moment
from projects.meetings import services as meeting_services
from projects.meetings.notifications import (
    MEETING_CANCELLED,
    MEETING_CHANGED,
    MEETING_MOVED,
    MEETING_SCHEDULED,
    NOTES_MISSING,
    PAPERS_LATE,
    REMINDER,
)
from tests.factories import ProjectFactory
from tests.notifications.helpers import a_coordinator, meeting_at, reachable
from tests.projects.meetings.test_meeting_times import next_clock_change

LONDON = zoneinfo.ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def local(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def planned(person, kind=REMINDER, **filters):
    return Notification.objects.filter(recipient_participant=person, kind=kind, **filters)


@pytest.fixture
def project():
    project = ProjectFactory()
    a_coordinator(project)
    return project


def test_email_people_get_the_2_days_reminder_and_texters_the_2_hours_one_too(project):
    ann = reachable(project, "Ann", "email")
    tom = reachable(project, "Tom", "sms")
    starts = local(in_days(10), 14)

    meeting = meeting_at(project, starts)

    assert planned(ann, kind=MEETING_SCHEDULED).get().channel == "email"
    assert list(planned(ann).values_list("label", "due_at")) == [
        ("2 days before", local(in_days(8), 14))
    ]
    assert sorted(planned(tom).values_list("label", "due_at", "channel")) == [
        ("2 days before", local(in_days(8), 14), "sms"),
        ("2 hours before", local(in_days(10), 12), "sms"),
    ]
    assert all(row.expires_at == meeting.starts_at for row in planned(tom))


def test_people_who_chose_fewer_or_no_reminders_get_fewer_or_none(project):
    fewer = reachable(project, "Fay", "sms", reminders="fewer")
    none = reachable(project, "Ned", "email", reminders="none")

    meeting_at(project, local(in_days(10), 14))

    assert list(planned(fewer).values_list("label", flat=True)) == ["2 hours before"]
    assert not planned(none).exists()
    # They still hear about the meeting itself.
    assert planned(none, kind=MEETING_SCHEDULED).exists()


def test_a_meeting_booked_for_tomorrow_gets_no_2_days_reminder(project):
    tom = reachable(project, "Tom", "sms")
    meeting_at(project, local(in_days(1), 14))
    assert list(planned(tom).values_list("label", flat=True)) == ["2 hours before"]


def test_a_reminder_just_inside_its_window_still_goes_now(project):
    ann = reachable(project, "Ann", "email")
    now = timezone.now()
    # The 2-days moment passed 3 hours ago; the rule allows 6 hours.
    meeting_at(project, now + datetime.timedelta(days=2, hours=-3))
    row = planned(ann).get()
    assert row.due_at == now or abs(row.due_at - now) < datetime.timedelta(seconds=5)


def test_a_meeting_entered_after_it_happened_sends_nothing(project):
    from projects.meetings.notifications import meeting_scheduled
    from projects.models import Invitee, Meeting

    ann = reachable(project, "Ann", "email")
    past = timezone.now() - datetime.timedelta(days=3)
    # Recorded afterwards (imported from an old spreadsheet, say).
    meeting = Meeting.objects.create(
        project=project,
        title="Last week",
        purpose="Already happened.",
        format="online",
        dial_in="0161 496 0000",
        starts_at=past,
        ends_at=past + datetime.timedelta(hours=1),
    )
    Invitee.objects.create(meeting=meeting, participant=ann)

    meeting_scheduled(meeting)

    assert not Notification.objects.filter(project=project).exists()


def test_reminders_keep_the_clock_time_across_the_change_to_summer_time(project):
    ann = reachable(project, "Ann", "email")
    change = next_clock_change(3)  # a Sunday
    monday = change + datetime.timedelta(days=1)

    meeting_at(project, local(monday, 10))

    due = planned(ann).get().due_at
    assert due.astimezone(LONDON) == local(monday - datetime.timedelta(days=2), 10)
    # That is 47 real hours before, because the clocks went forward in between.
    assert local(monday, 10) - due == datetime.timedelta(hours=47)


def test_no_texts_at_night_and_only_in_the_persons_chosen_times():
    day = in_days(5)
    # Due at 6am: waits until 8am.
    assert text_moment(local(day, 6), contact_times=[], zone=LONDON) == local(day, 8)
    # Due at 10pm: waits until 8am tomorrow.
    assert text_moment(local(day, 22), contact_times=[], zone=LONDON) == local(
        day + datetime.timedelta(days=1), 8
    )
    # Evenings only: a 10am text waits until 5pm.
    assert text_moment(local(day, 10), contact_times=["evening"], zone=LONDON) == local(day, 17)
    # A 9am meeting's 7am text would be useless at 8am, so it goes at 8:59pm the night before.
    assert text_moment(
        local(day, 7), contact_times=[], zone=LONDON, expires_at=local(day, 8)
    ) == local(day - datetime.timedelta(days=1), 20, 59)


def test_a_2_hours_text_for_a_9am_meeting_waits_for_8am(project):
    tom = reachable(project, "Tom", "sms")
    meeting_at(project, local(in_days(6), 9))
    row = planned(tom, label="2 hours before").get()
    assert row.due_at == local(in_days(6), 8)


def test_moving_a_meeting_moves_its_reminders_and_says_so(project):
    ann = reachable(project, "Ann", "email")
    meeting = meeting_at(project, local(in_days(10), 14))
    old = planned(ann).get()

    meeting_services.meeting_update(
        meeting=meeting,
        by=None,
        starts_at=local(in_days(12), 11),
        ends_at=local(in_days(12), 13),
        reason="The hall is double-booked.",
    )

    old.refresh_from_db()
    assert old.status == Notification.Status.CANCELLED
    assert planned(ann, status="pending").get().due_at == local(in_days(10), 11)
    assert planned(ann, kind=MEETING_MOVED).count() == 1


def test_cancelling_calls_off_reminders_and_sends_a_cancellation(project):
    ann = reachable(project, "Ann", "email")
    meeting = meeting_at(project, local(in_days(10), 14))
    meeting_services.meeting_cancel(meeting=meeting, by=None, reason="The hall flooded.")

    assert planned(ann).get().status == Notification.Status.CANCELLED
    assert planned(ann, kind=MEETING_CANCELLED).count() == 1
    nudges = Notification.objects.filter(kind__in=[NOTES_MISSING, PAPERS_LATE])
    assert set(nudges.values_list("status", flat=True)) == {"cancelled"}


def test_saying_no_stops_reminders_and_saying_yes_again_brings_them_back(project):
    ann = reachable(project, "Ann", "email")
    meeting = meeting_at(project, local(in_days(10), 14))
    meeting_services.rsvp_record(meeting=meeting, participant=ann, by=ann.user, answer="no")
    assert not planned(ann, status="pending").exists()
    meeting_services.rsvp_record(meeting=meeting, participant=ann, by=ann.user, answer="yes")
    assert planned(ann, status="pending").count() == 1


def test_messages_are_written_with_the_change_or_not_at_all(project):
    reachable(project, "Ann", "email")

    def schedule_then_fail():
        with transaction.atomic():
            meeting_at(project, local(in_days(10), 14))
            raise RuntimeError("the request failed after scheduling")

    with pytest.raises(RuntimeError):
        schedule_then_fail()
    assert not Notification.objects.exists()


def test_planning_twice_writes_one_row(project):
    ann = reachable(project, "Ann", "email")
    meeting = meeting_at(project, local(in_days(10), 14))
    from projects.meetings.notifications import meeting_scheduled

    meeting_scheduled(meeting)
    assert planned(ann).count() == 1
    assert planned(ann, kind=MEETING_SCHEDULED).count() == 1


def test_people_who_did_not_agree_to_contact_are_not_sent_anything(project):
    from tests.factories import ProjectMembershipFactory

    quiet = ProjectMembershipFactory(project=project).participant
    quiet.email = "quiet@example.org"
    quiet.save()
    meeting_at(project, local(in_days(10), 14))
    rows = Notification.objects.filter(recipient_participant=quiet)
    assert rows.exists()
    assert set(rows.values_list("status", "last_error")) == {
        ("cancelled", "They have not agreed to be contacted.")
    }


def test_coordinators_are_nudged_when_notes_are_missing_3_and_7_days_after(project):
    meeting = meeting_at(project, local(in_days(10), 14))
    nudges = Notification.objects.filter(kind=NOTES_MISSING, about_id=meeting.pk)
    assert sorted(row.due_at for row in nudges) == [
        local(in_days(13), 10),
        local(in_days(17), 10),
    ]
    papers = Notification.objects.get(kind=PAPERS_LATE, about_id=meeting.pk)
    assert papers.due_at == local(in_days(3), 9)  # 7 days before, the organisation's default


def test_a_new_venue_is_news_but_new_refreshments_are_not(project):
    from projects.meetings.services import venue_save

    ann = reachable(project, "Ann", "email")
    meeting = meeting_at(project, local(in_days(10), 14))
    times = {"starts_at": meeting.starts_at, "ends_at": meeting.ends_at}
    meeting = meeting_services.meeting_update(
        meeting=meeting, by=None, refreshments="Soup and bread", **times
    )
    assert not planned(ann, kind=MEETING_CHANGED).exists()

    other = venue_save(organisation=project.organisation, by=None, name="Library", address="2 Road")
    meeting_services.meeting_update(meeting=meeting, by=None, venue=other, **times)
    assert planned(ann, kind=MEETING_CHANGED).count() == 1
    # The reminders stay as they were: the time did not change.
    assert planned(ann, status="pending").count() == 1
