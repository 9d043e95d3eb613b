"""Sending from the outbox through a real SMTP server and the text-message file: once each."""

import datetime
import json
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from coprod.notifications import dispatch
from coprod.notifications.models import Notification
from coprod.notifications.sms import FileSmsBackend
from participants.services import private_notes_update
from projects.meetings import services as meeting_services
from projects.meetings.notifications import (
    ACTION_DUE,
    MEETING_SCHEDULED,
    NOTES_MISSING,
    PAPERS_LATE,
    REMINDER,
)
from projects.promises.notifications import PROMISE_DUE, PROMISE_OVERDUE
from tests.factories import ProjectFactory
from tests.notifications.helpers import a_coordinator, meeting_at, reachable
from tests.notifications.test_reminders import in_days, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def texts(settings, tmp_path):
    settings.COPROD_SMS_BACKEND = "file"
    settings.COPROD_SMS_FILE = tmp_path / "sms.jsonl"
    return FileSmsBackend(settings.COPROD_SMS_FILE)


@pytest.fixture
def project():
    project = ProjectFactory(contact_for_members="Alex on 07911 123456")
    a_coordinator(project)
    return project


def send_all(at):
    return dispatch.dispatch_due(now=at)


def test_each_message_arrives_once_at_its_time(project, smtp_inbox, texts):
    # Given a member who reads email and one who chose texts
    ann = reachable(project, "Ann", "email")
    tom = reachable(project, "Tom", "sms")
    private_notes_update(participant=ann, by=None, access_needs="A ramp at the side door")
    starts = local(in_days(10), 14)
    meeting = meeting_at(project, starts, what_to_bring="Your bus ticket")
    meeting_services.rsvp_record(
        meeting=meeting, participant=ann, by=ann.user, answer="yes", needs="A quiet room"
    )

    # When the dispatcher runs now, and again at each reminder's time (twice each)
    for moment in (timezone.now(), local(in_days(8), 14), local(in_days(10), 12)):
        send_all(moment)
        send_all(moment + datetime.timedelta(seconds=30))

    # Then Ann has the invitation and the 2-days email, once each, with a calendar file
    subjects = [m["Subject"] for m in smtp_inbox.messages if "ann@" in m["To"]]
    assert sorted(subjects) == sorted(
        [
            f"You are invited: Planning day, {_when(starts)}",
            f"Reminder: Planning day, {_when(starts)}",
        ]
    )
    reminder = next(m for m in smtp_inbox.messages if m["Subject"].startswith("Reminder"))
    text = smtp_inbox.text_of(reminder)
    assert "Where: " in text
    assert "How to get there: Bus 42" in text
    assert "Bring: Your bus ticket" in text
    assert "Questions? Call or text Alex on 07911 123456." in text
    assert reminder.get_body(preferencelist=("html",)) is not None
    calendar = [part for part in reminder.iter_attachments() if part.get_filename()]
    assert calendar[0].get_filename() == f"meeting-{meeting.pk}.ics"
    # And nothing private is in any message
    for message in smtp_inbox.messages:
        assert "ramp" not in message.as_string()
        assert "quiet room" not in message.as_string()

    # And Tom has the invitation and both reminders by text, once each
    sent = texts.read()
    assert sorted(r["body"].split(":")[0] for r in sent if r["to"] == tom.phone) == sorted(
        ["Reminder", "Reminder", project.title]
    )
    assert len({r["reference"] for r in sent}) == len(sent)


def _when(starts):
    from django.utils.formats import date_format

    return f"{date_format(starts, 'l j F')} at 2pm"


def test_a_refusing_mail_server_means_retries_then_a_visible_failure(project, settings, client):
    from tests.mail import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.COPROD_NOTIFY_MAX_ATTEMPTS = 3
    settings.COPROD_NOTIFY_BACKOFF_SECONDS = 60
    ann = reachable(project, "Ann", "email")
    meeting_at(project, local(in_days(10), 14))
    invitation = Notification.objects.get(recipient_participant=ann, kind=MEETING_SCHEDULED)

    now = timezone.now()
    send_all(now)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == ("pending", 1)
    assert invitation.due_at == now + datetime.timedelta(seconds=60)
    assert "ConnectionRefusedError" in invitation.last_error

    send_all(now + datetime.timedelta(seconds=61))
    invitation.refresh_from_db()
    assert invitation.due_at == now + datetime.timedelta(seconds=61 + 120)
    send_all(now + datetime.timedelta(seconds=61 + 121))
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == ("failed", 3)

    # The coordinator sees it on their dashboard, and can say they phoned.
    coordinator = project.coordinators.get()
    client.force_login(coordinator)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "could not be sent" in page
    assert "ConnectionRefusedError" in page
    response = client.post(reverse("outbox:told", args=[invitation.pk]), {"next": "/dashboard/"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "sent"
    assert invitation.handled_by == coordinator


def test_retry_sends_a_failed_message_once_the_server_works(project, smtp_inbox, client):
    ann = reachable(project, "Ann", "email")
    meeting_at(project, local(in_days(10), 14))
    row = Notification.objects.get(recipient_participant=ann, kind=MEETING_SCHEDULED)
    Notification.objects.filter(pk=row.pk).update(status="failed", attempts=6, last_error="x")

    client.force_login(project.coordinators.get())
    client.post(reverse("outbox:retry", args=[row.pk]))
    send_all(timezone.now() + datetime.timedelta(seconds=1))

    row.refresh_from_db()
    assert row.status == "sent"
    assert len([m for m in smtp_inbox.messages if "ann@" in m["To"]]) == 1


def test_people_who_asked_for_a_call_become_a_task_for_a_coordinator(project, client):
    lou = reachable(project, "Lou", "phone_call")
    meeting_at(project, local(in_days(10), 14))
    send_all(timezone.now())

    task = Notification.objects.get(recipient_participant=lou, kind=MEETING_SCHEDULED)
    assert task.status == "waiting"
    client.force_login(project.coordinators.get())
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Please phone or write to them" in page
    assert "Planning day" in page


def test_a_claim_left_by_a_dead_worker_is_taken_up_after_its_lease(project, smtp_inbox, settings):
    settings.COPROD_NOTIFY_LEASE_SECONDS = 60
    reachable(project, "Ann", "email")
    meeting_at(project, local(in_days(10), 14))
    now = timezone.now()
    # A worker claimed the row, then died.
    token, ids = dispatch.claim_due(now=now)
    assert ids
    # Another dispatcher finds nothing while the lease lasts...
    assert dispatch.claim_due(now=now + datetime.timedelta(seconds=30))[1] == []
    # ...and takes it up once the lease has ended.
    send_all(now + datetime.timedelta(seconds=61))
    assert len([m for m in smtp_inbox.messages if "ann@" in m["To"]]) == 1
    # The dead worker's claim is no longer good: it cannot send it again.
    assert dispatch.deliver(ids[0], token, now=now) == "not ours"


def test_a_text_that_went_out_before_the_worker_died_is_not_sent_again(project, texts, settings):
    settings.COPROD_NOTIFY_LEASE_SECONDS = 60
    tom = reachable(project, "Tom", "sms")
    meeting_at(project, local(in_days(10), 14))
    row = Notification.objects.get(recipient_participant=tom, kind=MEETING_SCHEDULED)
    now = local(in_days(1), 12)  # midday: texts may go
    # The worker started sending, the provider took the text, and the worker died.
    _token, _ = dispatch.claim_due(now=now)
    texts.send(to=tom.phone, body="the text", reference=row.idempotency_key)
    Notification.objects.filter(pk=row.pk).update(send_started_at=now, body="the text", attempts=1)

    send_all(now + datetime.timedelta(seconds=61))

    row.refresh_from_db()
    assert row.status == "sent"
    assert row.provider_message_id == f"file-{row.idempotency_key}"
    assert len([r for r in texts.read() if r["reference"] == row.idempotency_key]) == 1


def test_a_reminder_too_late_to_help_is_not_sent(project, smtp_inbox):
    ann = reachable(project, "Ann", "email")
    meeting = meeting_at(project, local(in_days(10), 14))
    # The workers were down until after the meeting started.
    send_all(meeting.starts_at + datetime.timedelta(minutes=5))
    reminder = Notification.objects.get(recipient_participant=ann, kind=REMINDER)
    assert reminder.status == "cancelled"
    assert reminder.last_error == "Too late to be of use."
    assert not [m for m in smtp_inbox.messages if m["Subject"].startswith("Reminder")]


def test_a_text_due_at_night_waits_for_the_morning(project, texts):
    tom = reachable(project, "Tom", "sms")
    meeting_at(project, local(in_days(10), 14))
    row = Notification.objects.get(recipient_participant=tom, kind=MEETING_SCHEDULED)
    night = local(in_days(1), 23)
    Notification.objects.filter(pk=row.pk).update(due_at=night)

    send_all(night)

    row.refresh_from_db()
    assert (row.status, row.due_at) == ("pending", local(in_days(2), 8))
    assert texts.read() == []


def test_updates_on_promises_reach_members_and_promises_remind_the_coordinator(project, smtp_inbox):
    from projects.promises import services as promise_services

    reachable(project, "Ann", "email")
    coordinator = project.coordinators.get()
    contribution = promise_services.contribution_record(
        project=project, by=coordinator, said="Open the drop-in on Sundays."
    )
    promise_services.contribution_respond(
        contribution=contribution,
        by=coordinator,
        response="accepted",
        promised_update_on=in_days(20),
    )
    due, overdue = Notification.objects.filter(
        recipient_user=coordinator, kind__in=[PROMISE_DUE, PROMISE_OVERDUE]
    ).order_by("due_at")
    assert (due.due_at, overdue.due_at) == (local(in_days(17), 9), local(in_days(21), 9))

    send_all(local(in_days(17), 9))
    assert any(m["Subject"].startswith("Promised update due") for m in smtp_inbox.messages)

    promise_services.update_post(
        contribution=contribution, by=coordinator, text="We open on Sundays from March."
    )
    send_all(timezone.now() + datetime.timedelta(seconds=1))
    overdue.refresh_from_db()
    assert overdue.status == "cancelled"
    update = [m for m in smtp_inbox.messages if "ann@" in m["To"]]
    assert len(update) == 1
    assert "We open on Sundays from March." in smtp_inbox.text_of(update[0])


def test_the_twilio_adapter_sends_and_finds_texts_through_twilios_api(settings):
    from twilio.http import HttpClient
    from twilio.http.response import Response

    from coprod.notifications.sms import SmsError, TwilioSmsBackend

    settings.TWILIO_ACCOUNT_SID = "AC" + "1" * 32
    settings.TWILIO_AUTH_TOKEN = "token"
    settings.TWILIO_FROM_NUMBER = "+447700000000"

    class TwilioApi(HttpClient):
        """Twilio's HTTP API, as far as these two calls go: the edge we cannot reach."""

        def __init__(self):
            super().__init__(logger=logging.getLogger("twilio.http_client"), is_async=False)
            self.requests = []

        def request(self, method, uri, params=None, data=None, headers=None, auth=None, **kw):
            self.requests.append((method, uri, params, data))
            if data and data.get("To") == "+447911000000":
                return Response(400, json.dumps({"code": 21211, "message": "Invalid 'To'"}))
            message = {"sid": "SM" + "a" * 32, "body": "Hello Tom", "to": "+447911123456"}
            if method == "POST":
                return Response(201, json.dumps(message))
            return Response(200, json.dumps({"messages": [message], "next_page_uri": None}))

    api = TwilioApi()
    backend = TwilioSmsBackend(http_client=api)

    assert backend.send(to="+447911123456", body="Hello Tom", reference="k") == "SM" + "a" * 32
    method, uri, _, data = api.requests[0]
    assert (method, data["To"], data["From"], data["Body"]) == (
        "POST",
        "+447911123456",
        "+447700000000",
        "Hello Tom",
    )
    assert uri.endswith(f"/Accounts/{settings.TWILIO_ACCOUNT_SID}/Messages.json")
    since = timezone.now()
    assert backend.find_sent(to="+447911123456", body="Hello Tom", reference="k", since=since)
    assert not backend.find_sent(to="+447911123456", body="Other", reference="k", since=since)
    with pytest.raises(SmsError):
        backend.send(to="+447911000000", body="Hello", reference="k2")


def test_erasure_stops_messages_and_forgets_where_they_went(project, smtp_inbox):
    from participants.data_rights import data_export, participant_erase

    ann = reachable(project, "Ann", "email")
    meeting_at(project, local(in_days(10), 14))
    send_all(timezone.now())
    exported = data_export(ann)["messages"]
    assert {row["to"] for row in exported} == {"ann@example.org"}

    participant_erase(participant=ann, by=None)

    rows = Notification.objects.filter(recipient_participant=ann)
    assert set(rows.values_list("address", flat=True)) == {""}
    assert not rows.filter(status="pending").exists()


def test_papers_notes_and_actions_each_bring_one_message(project, smtp_inbox):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import PDF_BYTES

    ann = reachable(project, "Ann", "email")
    meeting = meeting_at(project, local(in_days(10), 14))
    meeting_services.paper_add(
        meeting=meeting,
        by=None,
        upload=SimpleUploadedFile("plan.pdf", PDF_BYTES),
        title="The plan",
        plain_summary="What we might do, in five steps.",
    )
    meeting_services.papers_mark_ready(meeting=meeting, by=None)
    send_all(timezone.now())
    send_all(timezone.now() + datetime.timedelta(seconds=5))

    papers = [m for m in smtp_inbox.messages if m["Subject"].startswith("Papers for")]
    assert len(papers) == 1
    assert "The plan: What we might do, in five steps." in smtp_inbox.text_of(papers[0])
    # The coordinators' "papers are due" nudge is called off.
    nudge = Notification.objects.get(kind=PAPERS_LATE, about_id=meeting.pk)
    assert nudge.status == "cancelled"

    # After the meeting: notes posted, and an action for Ann due in 3 days
    after = meeting.ends_at + datetime.timedelta(hours=1)
    meeting_services.notes_post(meeting=meeting, by=None, notes="We agreed the plan.", now=after)
    action = meeting_services.action_add(
        meeting=meeting,
        by=None,
        description="Ask the library about the room",
        due_on=in_days(13),
        owner_participant=ann,
        now=after,
    )
    send_all(after)
    row = Notification.objects.get(kind=ACTION_DUE, about_id=action.pk)
    assert row.due_at == local(in_days(12), 10)
    send_all(row.due_at)
    subjects = [m["Subject"] for m in smtp_inbox.messages if "ann@" in m["To"]]
    assert subjects.count("What happened at Planning day") == 1
    assert subjects.count("Due tomorrow: Ask the library about the room") == 1
    missing = Notification.objects.filter(kind=NOTES_MISSING, about_id=meeting.pk)
    assert set(missing.values_list("status", flat=True)) == {"cancelled"}


def test_a_project_changes_when_reminders_go(project, client):
    client.force_login(project.coordinators.get())
    url = reverse("outbox:rules", args=[project.pk])
    form = client.get(url).context["formset"]
    rules = [f.initial for f in form.forms if f.initial]
    assert [r["label"] for r in rules] == ["2 days before", "2 hours before"]
    data = {
        "rules-TOTAL_FORMS": "3",
        "rules-INITIAL_FORMS": "2",
        "rules-0-rule": rules[0]["rule"],
        "rules-0-label": "2 days before",
        "rules-0-hours_before": "48",
        "rules-0-active": "on",
        "rules-1-rule": rules[1]["rule"],
        "rules-1-label": "2 hours before",
        "rules-1-hours_before": "2",
        "rules-1-sms_only": "on",  # switched off: not active
        "rules-2-label": "The day before",
        "rules-2-hours_before": "24",
        "rules-2-active": "on",
    }
    assert client.post(url, data).status_code == 302

    tom = reachable(project, "Tom", "sms")
    meeting_at(project, local(in_days(10), 14))
    labels = Notification.objects.filter(recipient_participant=tom, kind=REMINDER)
    assert sorted(labels.values_list("label", flat=True)) == ["2 days before", "The day before"]


def test_what_a_person_chose_since_planning_is_what_counts(project, smtp_inbox, texts):
    from participants.services import consent_record

    ann = reachable(project, "Ann", "email")
    bea = reachable(project, "Bea", "email")
    cal = reachable(project, "Cal", "email")
    meeting_at(project, local(in_days(10), 14))
    # After the meeting was planned: Ann withdraws consent, Bea switches
    # reminders off, Cal moves to texts.
    consent_record(participant=ann, topic="contact", given=False, by=None)
    bea.reminders = "none"
    bea.save()
    cal.preferred_channel = "sms"
    cal.save()

    send_all(local(in_days(8), 14))

    rows = Notification.objects.filter(kind=REMINDER)
    assert rows.get(recipient_participant=ann).last_error == (
        "They have not agreed to be contacted."
    )
    assert rows.get(recipient_participant=bea).last_error == "They switched reminders off."
    assert rows.get(recipient_participant=cal).channel == "sms"
    assert [t["to"] for t in texts.read() if t["body"].startswith("Reminder")] == [cal.phone]
    assert not [m for m in smtp_inbox.messages if m["Subject"].startswith("Reminder")]


def test_a_member_is_told_when_they_are_paid(world, smtp_inbox):
    from participants.services import consent_record
    from payments import services as money

    jo = world.membership.participant
    jo.email = "jo@example.org"
    jo.save()
    consent_record(participant=jo, topic="contact", given=True, by=None)
    money.payment_choice_save(
        participant=jo, by=None, method="cash", sort_code="123456", account_number="12345678"
    )
    money.claims_mark_paid(
        claim_ids=[world.fare.pk],
        by=world.users["finance"],
        organisation_ids=[world.org.pk],
        paid_on=timezone.localdate(),
        how="bank_transfer",
        reference="BACS 9",
    )
    send_all(timezone.now() + datetime.timedelta(seconds=1))
    paid = [m for m in smtp_inbox.messages if m["Subject"] == "We have paid you £4.50"]
    assert len(paid) == 1
    assert "Reference: BACS 9" in smtp_inbox.text_of(paid[0])
    assert "£4.50 by bank transfer on" in smtp_inbox.text_of(paid[0])
    assert "(expenses)" not in smtp_inbox.text_of(paid[0])
