"""What is checked at the moment of sending, and what "may have been sent" means.

These run the dispatcher in this process against a real SMTP server on
localhost and the text-message file. The same guarantees under real worker
processes, kills and slow relays are in test_reliability.py.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coprod.notifications import dispatch
from coprod.notifications.models import Notification
from coprod.notifications.sms import FileSmsBackend
from projects.meetings import services as meeting_services
from projects.meetings.notifications import (
    MEETING_CANCELLED,
    MEETING_SCHEDULED,
    PAPERS_LATE,
    REMINDER,
)
from projects.models import Meeting
from tests.factories import ProjectFactory
from tests.fake_twilio import ACCOUNT_SID, FakeTwilio, LocalClient, LocalTwilioBackend
from tests.mail import start_smtp_server
from tests.notifications.helpers import a_coordinator, meeting_at, reachable
from tests.notifications.test_reminders import in_days, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    project = ProjectFactory()
    a_coordinator(project)
    return project


@pytest.fixture
def mail_server(settings):
    """Point email at a real SMTP server on localhost, started with the options given."""
    controllers = []

    def start(**options):
        controller, inbox = start_smtp_server(**options)
        controllers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


def reminders_to(inbox, person):
    return [m for m in inbox.messages if person.email in m["To"] and "Reminder" in m["Subject"]]


def claim_reminders(at):
    """A dispatcher takes the reminders due at `at` (and is then slow to get to them)."""
    token, ids = dispatch.claim_due(now=at)
    reminders = Notification.objects.filter(pk__in=ids, kind=REMINDER)
    assert reminders.exists(), "the reminders should be due and claimed"
    return token, ids


def test_a_reminder_claimed_before_the_meeting_was_cancelled_never_goes(project, mail_server):
    inbox = mail_server()
    ann = reachable(project, "Ann", "email")
    starts = local(in_days(10), 14)
    meeting = meeting_at(project, starts)
    dispatch.dispatch_due()  # the invitation goes now
    reminder_time = local(in_days(8), 14)

    # Given a dispatcher that has claimed the "2 days before" reminder
    token, ids = claim_reminders(reminder_time)
    # When the meeting is called off before it gets to it
    meeting_services.meeting_cancel(meeting=meeting, by=None, reason="The hall flooded.")
    for pk in ids:
        dispatch.deliver(pk, token, now=reminder_time)
    dispatch.dispatch_due(now=reminder_time)

    # Then Ann hears it is cancelled, and no reminder ever reaches her
    assert reminders_to(inbox, ann) == []
    assert any("cancelled" in m["Subject"].lower() for m in inbox.messages)
    reminder = Notification.objects.get(kind=REMINDER, recipient_participant=ann)
    assert (reminder.status, reminder.last_error) == ("cancelled", "The meeting was cancelled.")


def test_a_claimed_reminder_of_a_moved_meeting_goes_only_for_the_new_time(project, mail_server):
    inbox = mail_server()
    ann = reachable(project, "Ann", "email")
    meeting = meeting_at(project, local(in_days(10), 14))
    dispatch.dispatch_due()
    reminder_time = local(in_days(8), 14)
    token, ids = claim_reminders(reminder_time)

    # The meeting moves a week later while the old reminder is claimed
    new_start = local(in_days(17), 14)
    meeting_services.meeting_update(
        meeting=meeting,
        by=None,
        starts_at=new_start,
        ends_at=new_start + datetime.timedelta(hours=2),
    )
    for pk in ids:
        assert dispatch.deliver(pk, token, now=reminder_time) == "not ours"
    dispatch.dispatch_due(now=reminder_time)
    assert reminders_to(inbox, ann) == []

    # The new reminder goes at its own time, once
    dispatch.dispatch_due(now=local(in_days(15), 14))
    dispatch.dispatch_due(now=local(in_days(15), 14) + datetime.timedelta(minutes=1))
    assert len(reminders_to(inbox, ann)) == 1


def test_the_dispatcher_asks_about_the_meeting_itself_not_only_the_outbox(project, mail_server):
    """Even if a change forgot to call its messages off, a reminder checks the meeting as it is."""
    inbox = mail_server()
    ann = reachable(project, "Ann", "email")
    meeting = meeting_at(project, local(in_days(10), 14))
    dispatch.dispatch_due()
    # The meeting is marked cancelled by a path that does not touch the outbox
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    dispatch.dispatch_due(now=local(in_days(8), 14))
    assert reminders_to(inbox, ann) == []
    reminder = Notification.objects.get(kind=REMINDER, recipient_participant=ann)
    assert reminder.last_error == "The meeting was cancelled."


def test_a_reminder_stops_for_someone_no_longer_invited(project, mail_server):
    inbox = mail_server()
    ann = reachable(project, "Ann", "email")
    meeting = meeting_at(project, local(in_days(10), 14))
    dispatch.dispatch_due()
    meeting.invitees.filter(participant=ann).delete()
    dispatch.dispatch_due(now=local(in_days(8), 14))
    assert reminders_to(inbox, ann) == []


def test_a_nudge_about_late_papers_stops_once_they_are_ready(project, mail_server):
    inbox = mail_server()
    reachable(project, "Ann", "email")
    meeting = meeting_at(project, local(in_days(10), 14))
    late = Notification.objects.get(kind=PAPERS_LATE)
    # A dispatcher claims the nudge, then the papers are marked ready by a path
    # that does not call it off: the nudge is checked against the meeting.
    token, ids = dispatch.claim_due(now=late.due_at)
    assert late.pk in ids
    Meeting.objects.filter(pk=meeting.pk).update(papers_ready_at=timezone.now())
    assert dispatch.deliver(late.pk, token, now=late.due_at) == "cancelled"
    late.refresh_from_db()
    assert late.last_error == "The papers are ready."
    assert not [m for m in inbox.messages if "papers" in m["Subject"].lower()]


@pytest.fixture
def twilio(settings):
    """Texts through the real Twilio backend to Twilio's API faked on localhost."""
    fake = FakeTwilio().start()
    LocalClient.port = fake.port
    settings.COPROD_SMS_BACKEND = "tests.fake_twilio.LocalTwilioBackend"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, "token"
    settings.TWILIO_FROM_NUMBER = "+447700900000"
    yield fake
    fake.stop()


def test_a_failed_look_up_never_turns_into_a_second_text(project, settings, twilio):
    settings.COPROD_NOTIFY_LEASE_SECONDS = 60
    tom = reachable(project, "Tom", "sms")
    meeting_at(project, local(in_days(10), 14))
    row = Notification.objects.get(recipient_participant=tom, kind=MEETING_SCHEDULED)
    now = local(in_days(1), 12)  # midday: texts may go

    # Twilio took the text, then the worker died before recording it
    dispatch.claim_due(now=now)
    LocalTwilioBackend().send(to=tom.phone, body="the text", reference=row.idempotency_key)
    Notification.objects.filter(pk=row.pk).update(send_started_at=now, body="the text", attempts=1)

    # The next dispatcher asks Twilio what went, and the look-up fails
    twilio.fail_lookups = 1
    dispatch.dispatch_due(now=now + datetime.timedelta(seconds=61))
    row.refresh_from_db()
    assert row.status == "pending"
    assert row.may_have_gone_since == now
    # The one after asks again (it does not just send), and finds it
    dispatch.dispatch_due(now=now + datetime.timedelta(hours=1))
    row.refresh_from_db()
    assert row.status == "sent"
    assert row.provider_message_id == twilio.texts[0]["sid"]
    assert len(twilio.texts) == 1
    assert twilio.lookups == 2


def test_a_text_whose_answer_was_lost_is_looked_up_not_sent_again(project, twilio):
    tom = reachable(project, "Tom", "sms")
    meeting_at(project, local(in_days(10), 14))
    row = Notification.objects.get(recipient_participant=tom, kind=MEETING_SCHEDULED)
    now = local(in_days(1), 12)

    # Twilio keeps the text but the line drops before it answers
    twilio.hang_up_after_create = True
    dispatch.dispatch_due(now=now)
    row.refresh_from_db()
    assert (row.status, row.may_have_gone_since) == ("pending", now)
    # The retry finds it at Twilio and records it, without a second text
    dispatch.dispatch_due(now=now + datetime.timedelta(hours=1))
    row.refresh_from_db()
    assert row.status == "sent"
    assert [t["to"] for t in twilio.texts] == [tom.phone]


def test_a_relay_that_hangs_up_after_taking_the_message_means_may_have_been_sent(
    project, mail_server, settings, client
):
    settings.COPROD_NOTIFY_MAX_ATTEMPTS = 2
    settings.COPROD_NOTIFY_BACKOFF_SECONDS = 1
    inbox = mail_server(hang_up=True)
    ann = reachable(project, "Ann", "email")
    meeting_at(project, local(in_days(10), 14))
    row = Notification.objects.get(recipient_participant=ann, kind=MEETING_SCHEDULED)

    now = timezone.now()
    dispatch.dispatch_due(now=now)
    dispatch.dispatch_due(now=now + datetime.timedelta(seconds=5))

    # The server kept both copies but never said so: not "failed", but "may have been sent"
    row.refresh_from_db()
    assert inbox.count() == 2
    assert len({m["Message-ID"] for m in inbox.messages}) == 1  # a repeat looks the same
    assert row.status == "unsure"
    assert row.may_have_gone_since is not None
    # The coordinator is told plainly before sending it again
    client.force_login(project.coordinators.get())
    page = client.get(reverse("outbox:list", args=[project.pk])).content.decode()
    assert "May have been sent" in page
    assert "may already have it" in page


def test_a_refused_message_is_failed_not_may_have_been_sent(project, mail_server, settings):
    settings.COPROD_NOTIFY_MAX_ATTEMPTS = 1
    inbox = mail_server(refuse=True)
    ann = reachable(project, "Ann", "email")
    meeting_at(project, local(in_days(10), 14))
    dispatch.dispatch_due()
    row = Notification.objects.get(recipient_participant=ann, kind=MEETING_SCHEDULED)
    assert (row.status, row.may_have_gone_since, inbox.count()) == ("failed", None, 0)


def test_an_error_after_the_hand_over_is_not_called_a_failure(project, settings):
    """A fault inside the channel, once it has the message, may mean the message went."""
    settings.COPROD_SMS_BACKEND = "tests.notifications.test_send_time_checks.BreaksAfterSending"
    settings.COPROD_NOTIFY_MAX_ATTEMPTS = 1
    tom = reachable(project, "Tom", "sms")
    meeting_at(project, local(in_days(10), 14))
    dispatch.dispatch_due(now=local(in_days(1), 12))
    row = Notification.objects.get(recipient_participant=tom, kind=MEETING_SCHEDULED)
    assert row.status == "unsure"
    assert "ValueError" in row.last_error


class BreaksAfterSending(FileSmsBackend):
    """A provider client with a bug in reading the answer: the text went, then it raises."""

    def send(self, **kwargs):
        super().send(**kwargs)
        raise ValueError("could not read the provider's answer")


def test_a_fault_before_the_hand_over_is_a_failure_and_nothing_went(project, mail_server):
    inbox = mail_server()
    ann = reachable(project, "Ann", "email")
    meeting_at(project, local(in_days(10), 14))
    row = Notification.objects.get(recipient_participant=ann, kind=MEETING_SCHEDULED)
    Notification.objects.filter(pk=row.pk).update(kind="no_such_kind")
    dispatch.dispatch_due()
    row.refresh_from_db()
    assert row.status == "failed"
    assert row.last_error.startswith("Coprod could not prepare this message")
    assert inbox.count() == 0


def test_a_cancelled_meeting_takes_its_phone_tasks_off_the_dashboard(project, client):
    lou = reachable(project, "Lou", "phone_call")
    meeting = meeting_at(project, local(in_days(10), 14), title="Bus routes")
    dispatch.dispatch_due()
    invite = Notification.objects.get(recipient_participant=lou, kind=MEETING_SCHEDULED)
    assert invite.status == "waiting"  # "phone Lou to invite them"

    meeting_services.meeting_cancel(meeting=meeting, by=None, reason="The hall flooded.")
    dispatch.dispatch_due()

    invite.refresh_from_db()
    assert (invite.status, invite.last_error) == ("cancelled", "The meeting was cancelled.")
    tasks = Notification.objects.filter(recipient_participant=lou, status="waiting")
    assert [task.kind for task in tasks] == [MEETING_CANCELLED]  # phone to say it is off


def test_a_message_past_its_moment_cannot_be_tried_again(project, mail_server, settings, client):
    settings.COPROD_NOTIFY_MAX_ATTEMPTS = 1
    inbox = mail_server(refuse=True)
    ann = reachable(project, "Ann", "email")
    meeting_at(project, local(in_days(10), 14))
    dispatch.dispatch_due()
    row = Notification.objects.get(recipient_participant=ann, kind=MEETING_SCHEDULED)
    assert row.status == "failed"
    Notification.objects.filter(pk=row.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    client.force_login(project.coordinators.get())
    answer = client.post(reverse("outbox:retry", args=[row.pk]), {"next": "/"}, follow=True)

    assert "too late for this message to help" in answer.content.decode()
    row.refresh_from_db()
    assert row.status == "failed"
    assert inbox.count() == 0


def test_saying_yes_later_brings_back_what_was_held_for_want_of_consent(project, mail_server):
    from participants.services import consent_record

    inbox = mail_server()
    ann = reachable(project, "Ann", "email")
    consent_record(participant=ann, topic="contact", given=False, by=None)
    meeting_at(project, local(in_days(10), 14), title="Bus routes")
    dispatch.dispatch_due()
    assert inbox.count() == 0
    held = Notification.objects.filter(recipient_participant=ann)
    assert set(held.values_list("last_error", flat=True)) == {
        "They have not agreed to be contacted."
    }

    # Ann tells her coordinator she is happy to hear from us after all
    consent_record(participant=ann, topic="contact", given=True, by=None)
    dispatch.dispatch_due()
    dispatch.dispatch_due(now=local(in_days(8), 14))

    to_ann = [m for m in inbox.messages if ann.email in m["To"]]
    assert sorted(m["Subject"].split(":")[0] for m in to_ann) == ["Reminder", "You are invited"]
