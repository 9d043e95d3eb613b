"""The kinds registry: each app declares its messages; the outbox refuses a kind nobody declared."""

import pytest
from django.utils import timezone

from coprod.notifications import kinds
from coprod.notifications.models import Notification
from coprod.notifications.services import notify
from coprod.reports.notifications import REPORT_ACCESS
from payments.notifications import PAYMENT_PAID
from projects.meetings.notifications import MEETING_MOVED, REMINDER
from projects.promises.notifications import UPDATE_POSTED

pytestmark = pytest.mark.django_db


def test_every_app_registers_its_messages_at_start_up():
    for code in (MEETING_MOVED, REMINDER, UPDATE_POSTED, PAYMENT_PAID, REPORT_ACCESS):
        assert kinds.get(code).code == code
    assert kinds.label(MEETING_MOVED) == "Meeting moved"
    assert kinds.get(MEETING_MOVED).email_template == "projects/notifications/meeting_moved.txt"
    assert kinds.get(PAYMENT_PAID).sms_template == "payments/notifications/payment_paid.sms.txt"
    assert kinds.reminder_codes() == [REMINDER]


def test_a_kind_nobody_registered_is_a_programming_error(world):
    with pytest.raises(kinds.UnknownKind):
        notify(
            kind="carrier_pigeon",
            about=world.project,
            recipient=world.users["coordinator"],
            project=world.project,
            due_at=timezone.now(),
        )
    assert not Notification.objects.filter(kind="carrier_pigeon").exists()


def test_one_kind_cannot_be_registered_twice_with_different_words():
    with pytest.raises(ValueError, match="Two different registrations"):
        kinds.register(MEETING_MOVED, label="Something else", build=dict, template="somewhere/else")
    assert kinds.label(MEETING_MOVED) == "Meeting moved"


def test_a_row_of_a_kind_no_longer_registered_still_shows_a_name():
    assert kinds.label("old_kind") == "Old kind"
