"""Check-ins that happen: on a break's date, the member and the coordinator each hear once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coprod.notifications import dispatch
from coprod.notifications.models import Notification
from participants import services as participant_services
from participants.models import ProjectMembership
from participants.services import consent_record
from projects.checkins import CHECK_IN, CHECK_IN_DUE
from tests.notifications.helpers import reachable

pytestmark = pytest.mark.django_db


def _membership(person):
    return ProjectMembership.objects.get(participant=person)


def _break(person, days):
    return participant_services.membership_take_break(
        membership=_membership(person),
        by=None,
        check_in_on=timezone.localdate() + datetime.timedelta(days=days),
    )


def _pending(kind):
    return Notification.objects.filter(kind=kind, status=Notification.Status.PENDING)


def test_a_break_with_a_date_plans_one_message_to_each_side_that_morning(world):
    bea = reachable(world.project, "Bea")

    membership = _break(bea, 10)
    participant_services.membership_take_break(
        membership=membership, by=None, check_in_on=membership.check_in_on
    )

    member_rows, coordinator_rows = list(_pending(CHECK_IN)), list(_pending(CHECK_IN_DUE))
    assert [row.recipient_participant for row in member_rows] == [bea]
    assert [row.recipient_user for row in coordinator_rows] == [world.users["coordinator"]]
    local = timezone.localtime(member_rows[0].due_at, world.project.organisation.zone)
    assert (local.date(), local.hour) == (membership.check_in_on, 10)
    assert coordinator_rows[0].due_at == member_rows[0].due_at


def test_coming_back_or_moving_the_date_calls_off_the_old_messages(world):
    bea = reachable(world.project, "Bea")
    _break(bea, 10)

    moved = _break(bea, 20)  # "Not yet"

    assert _pending(CHECK_IN).get().about_moment.date() == moved.check_in_on
    assert _pending(CHECK_IN_DUE).count() == 1
    participant_services.membership_come_back(membership=moved, by=None)
    assert not _pending(CHECK_IN).exists()
    assert not _pending(CHECK_IN_DUE).exists()


def test_someone_who_has_not_agreed_to_contact_gets_no_message_but_the_coordinator_is_nudged(world):
    bea = reachable(world.project, "Bea")
    consent_record(participant=bea, topic="contact", given=False, by=None)

    _break(bea, 5)

    row = Notification.objects.get(kind=CHECK_IN)
    assert row.status == Notification.Status.CANCELLED
    assert _pending(CHECK_IN_DUE).count() == 1


def test_a_text_waits_for_the_hours_they_chose(world):
    bea = reachable(world.project, "Bea", channel="sms", contact_times=["evening"])

    membership = _break(bea, 5)

    local = timezone.localtime(_pending(CHECK_IN).get().due_at, world.project.organisation.zone)
    assert local.date() == membership.check_in_on
    assert 17 <= local.hour < 21


def test_on_the_day_each_side_hears_exactly_once_and_never_after_coming_back(world, smtp_inbox):
    bea = reachable(world.project, "Bea")
    ann = reachable(world.project, "Ann")
    membership = _break(bea, 3)
    _break(ann, 3)
    # Ann came back by a path that tells no listener (an admin's bulk edit).
    ProjectMembership.objects.filter(participant=ann).update(status=ProjectMembership.Status.ACTIVE)
    day = timezone.localtime(_pending(CHECK_IN).first().due_at) + datetime.timedelta(minutes=5)

    dispatch.dispatch_due(now=day)
    dispatch.dispatch_due(now=day + datetime.timedelta(hours=1))

    to_bea = [m for m in smtp_inbox.messages if m["To"] == "bea@example.org"]
    to_coordinator = [
        m
        for m in smtp_inbox.messages
        if m["To"] == world.users["coordinator"].email and m["Subject"].startswith("Check in")
    ]
    assert len(to_bea) == 1
    assert to_bea[0]["Subject"] == "Safe Nights: how are you?"
    assert [m["Subject"] for m in to_coordinator] == ["Check in with Bea today"]
    # Ann gets no check-in (other messages, such as "have your say" for the
    # project's open review, are not this test's business).
    assert not [
        m
        for m in smtp_inbox.messages
        if m["To"] == "ann@example.org" and m["Subject"] == "Safe Nights: how are you?"
    ]
    assert Notification.objects.get(kind=CHECK_IN, recipient_participant=ann).status == (
        Notification.Status.CANCELLED
    )
    assert membership.pk


def test_the_member_page_offers_back_and_not_yet_in_one_tap(world, client_for):
    membership = world.membership
    participant_services.membership_take_break(
        membership=membership,
        by=None,
        check_in_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    client = client_for(world, "member")

    home = client.get(reverse("participants:home")).content.decode()
    later = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        reverse("participants:take_break", kwargs={"pk": membership.pk}),
        {"check_in_on": later.isoformat()},
    )

    assert reverse("participants:come_back", kwargs={"pk": membership.pk}) in home
    assert "Not yet" in home
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == ProjectMembership.Status.ON_BREAK
    assert membership.check_in_on == later
    assert _pending(CHECK_IN_DUE).get().about_moment.date() == later
