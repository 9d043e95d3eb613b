"""Joining by invitation asks whether and how we may contact you, and the answer is kept."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coprod.notifications import dispatch
from coprod.notifications.models import Notification
from coprod.notifications.sms import FileSmsBackend
from participants import invitations
from participants.models import ConsentRecord, Participant
from participants.selectors import has_consent
from projects.meetings.notifications import MEETING_SCHEDULED, REMINDER
from tests.factories import ProjectFactory, UserFactory
from tests.notifications.helpers import a_coordinator, meeting_at
from tests.notifications.test_reminders import LONDON, in_days, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    project = ProjectFactory(title="Safe Nights")
    a_coordinator(project)
    return project


@pytest.fixture
def texts(settings, tmp_path):
    settings.COPROD_SMS_BACKEND = "file"
    settings.COPROD_SMS_FILE = tmp_path / "sms.jsonl"
    return FileSmsBackend(settings.COPROD_SMS_FILE)


def invite(project, **changes):
    data = {
        "organisation": project.organisation,
        "by": project.coordinators.get(),
        "preferred_name": "Sky",
        "email": "sky@example.org",
        "project": project,
        **changes,
    }
    invitation, _ = invitations.invitation_create(**data)
    return invitation


def person(invitation) -> Participant:
    return Participant.objects.get(pk=invitation.participant_id)


def subjects_to(inbox, address):
    return [message["Subject"] for message in inbox.messages if address in message["To"]]


def test_the_join_page_asks_yes_or_no_with_nothing_chosen_for_them(project, client):
    invitation = invite(project)

    page = client.get(invitation.link).content.decode()

    assert "May we contact you about meetings and news?" in page
    # The words they agree to are the current wording of the consent
    assert "We may contact you about meetings and projects you are part of" in page
    answers = re.findall(r'<input[^>]*name="may_contact"[^>]*>', page)
    assert len(answers) == 2
    assert not [answer for answer in answers if "checked" in answer]
    # The channel and text times are the profile's own choices
    assert 'value="sms"' in page
    assert 'name="contact_times"' in page
    assert "We never text between 9pm and 8am." in page


def test_joining_without_saying_yes_or_no_is_refused_next_to_the_question(project, client):
    invitation = invite(project)

    response = client.post(invitation.link, {"preferred_name": "Sky"})

    assert response.status_code == 200
    assert 'href="#id_may_contact_0"' in response.content.decode()
    assert person(invitation).user is None
    assert not ConsentRecord.objects.filter(participant=person(invitation)).exists()


def test_a_text_choice_needs_a_mobile_number_said_next_to_the_field(project, client):
    invitation = invite(project)

    response = client.post(
        invitation.link, {"preferred_name": "Sky", "may_contact": "yes", "preferred_channel": "sms"}
    )

    errors = response.context["form"].errors
    assert errors["phone"] == ["We need a mobile number to text you."]
    assert 'href="#id_phone"' in response.content.decode()
    assert person(invitation).user is None


def test_an_email_choice_needs_an_email_said_next_to_the_field(project, client):
    # Someone already logged in opens an invitation sent to their phone
    invitation = invite(project, email="", phone="07911 123456")
    client.force_login(UserFactory(email="sky@example.org"))

    response = client.post(
        invitation.link,
        {"preferred_name": "Sky", "may_contact": "yes", "preferred_channel": "email", "email": ""},
    )

    assert response.context["form"].errors["email"] == ["We need an email address to email you."]
    assert person(invitation).user is None


def test_a_yes_is_recorded_with_the_current_wording_and_their_choices(project, client):
    invitation = invite(project, email="", phone="07911 123456")

    client.post(
        invitation.link,
        {
            "preferred_name": "Sky",
            "email": "sky@example.org",
            "may_contact": "yes",
            "preferred_channel": "sms",
            "phone": "07911 123456",
            "contact_times": ["evening"],
        },
    )

    sky = person(invitation)
    assert has_consent(sky, "contact")
    record = ConsentRecord.objects.get(participant=sky, wording__topic="contact")
    assert record.given
    assert record.recorded_by == sky.user
    assert not record.on_behalf
    assert (sky.preferred_channel, sky.phone, sky.contact_times) == (
        "sms",
        "+447911123456",
        ["evening"],
    )


def test_a_member_who_joins_and_says_yes_gets_the_invitation_and_the_reminder(
    project, client, smtp_inbox, texts
):
    # Given Sky joins by an emailed invitation and says we may email them
    invitation = invite(project)
    client.post(
        invitation.link,
        {"preferred_name": "Sky", "may_contact": "yes", "preferred_channel": "email"},
    )

    # When the next meeting is planned, and the dispatcher runs now and at the reminder's time
    starts = local(in_days(10), 14)
    meeting_at(project, starts)
    dispatch.dispatch_due(now=timezone.now())
    dispatch.dispatch_due(now=local(in_days(8), 14))

    # Then the invitation and the 2-days reminder arrive by email
    got = subjects_to(smtp_inbox, "sky@example.org")
    assert len(got) == 2
    assert got[0].startswith("You are invited: Planning day")
    assert got[1].startswith("Reminder: Planning day")


def test_a_member_who_chose_texts_gets_them_at_the_times_they_chose(project, client, texts):
    # Given Sky, invited by phone, joins after the meeting was planned, for texts in the evening
    starts = local(in_days(10), 14)
    meeting_at(project, starts)
    invitation = invite(project, email="", phone="07911 123456")
    client.post(
        invitation.link,
        {
            "preferred_name": "Sky",
            "email": "sky@example.org",
            "may_contact": "yes",
            "preferred_channel": "sms",
            "phone": "07911 123456",
            "contact_times": ["evening"],
        },
    )

    # When the dispatcher runs now, and in the evening two days before the meeting
    dispatch.dispatch_due(now=timezone.now())
    dispatch.dispatch_due(now=local(in_days(8), 17, 5))

    # Then the invitation and the 2-days reminder came by text, each due in the evening
    sent = texts.read()
    assert [row["to"] for row in sent] == ["+447911123456", "+447911123456"]
    bodies = sorted(row["body"] for row in sent)
    assert bodies[0].startswith("Reminder: ")
    assert bodies[1].startswith("Safe Nights: meeting")
    assert "Can you come?" in bodies[1]
    delivered = Notification.objects.filter(recipient_participant=person(invitation), status="sent")
    assert sorted(delivered.values_list("kind", flat=True)) == [
        MEETING_SCHEDULED,
        REMINDER,
    ]
    for row in delivered:
        assert 17 <= row.due_at.astimezone(LONDON).hour < 21


def test_a_member_who_says_no_gets_nothing_and_the_lead_is_told(project, client, smtp_inbox, texts):
    # Given Sky joins and says no
    invitation = invite(project)
    response = client.post(invitation.link, {"preferred_name": "Sky", "may_contact": "no"})
    assert response.status_code == 302
    sky = person(invitation)
    assert sky.user is not None
    record = ConsentRecord.objects.get(participant=sky, wording__topic="contact")
    assert not record.given

    # When the coordinator plans a meeting, and the dispatcher runs
    coordinator = project.coordinators.get()
    lead = Client()
    lead.force_login(coordinator, backend=settings.AUTHENTICATION_BACKENDS[1])
    starts = local(in_days(10), 14)
    scheduled = lead.post(
        reverse("projects:meeting_create", kwargs={"pk": project.pk}),
        planner_data(project, starts),
        follow=True,
    )
    dispatch.dispatch_due(now=timezone.now())
    dispatch.dispatch_due(now=local(in_days(8), 14))

    # Then nothing reaches Sky, and the coordinator is told at once, and why
    assert subjects_to(smtp_inbox, "sky@example.org") == []
    assert texts.read() == []
    rows = Notification.objects.filter(recipient_participant=sky)
    assert rows.filter(kind=MEETING_SCHEDULED).get().status == "cancelled"
    page = scheduled.content.decode()
    assert "1 person will not hear about this meeting" in page
    assert "Sky" in page
    assert "They have not agreed to be contacted." in page


def planner_data(project, starts, **changes):
    from projects.meetings.services import venue_save

    venue = venue_save(
        organisation=project.organisation,
        by=None,
        name="Riverside Hall",
        address="1 Main Street",
        getting_there="Bus 42.",
    )
    data = {
        "title": "Menu tasting",
        "purpose": "Choose the winter menu.",
        "day": starts.date().isoformat(),
        "start_time": starts.strftime("%H:%M"),
        "end_time": (starts + datetime.timedelta(hours=2)).strftime("%H:%M"),
        "format": "in_person",
        "venue": venue.pk,
        "go_ahead": "on",
    }
    data.update(changes)
    return data
