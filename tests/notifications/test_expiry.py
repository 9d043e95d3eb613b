"""Every nudge and task stops when it can no longer help, and then leaves the dashboard."""

import datetime
import importlib

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from coprod.notifications import dispatch
from coprod.notifications.expiry import expire_stale
from coprod.notifications.models import Notification
from coprod.notifications.selectors import attention_for
from coprod.reports.notifications import REPORT_ACCESS
from projects.meetings import services as meeting_services
from projects.meetings.notifications import (
    MEETING_CANCELLED,
    MEETING_MOVED,
    MEETING_SCHEDULED,
    NOTES_MISSING,
    NOTES_POSTED,
    PAPERS_LATE,
    PAPERS_READY,
    REMINDER,
)
from projects.promises import services as promise_services
from projects.promises.notifications import PROMISE_DUE, PROMISE_OVERDUE
from tests.factories import ProjectFactory
from tests.notifications.helpers import a_coordinator, meeting_at, reachable
from tests.notifications.test_reminders import in_days, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    project = ProjectFactory()
    a_coordinator(project)
    return project


def rows(kind, **filters):
    return Notification.objects.filter(kind=kind, **filters)


def test_news_of_a_meeting_is_of_use_until_it_starts(project):
    ann = reachable(project, "Ann", "email")
    meeting = meeting_at(project, local(in_days(10), 14))
    assert rows(MEETING_SCHEDULED, recipient_participant=ann).get().expires_at == (
        meeting.starts_at
    )
    assert rows(PAPERS_LATE).get().expires_at == meeting.starts_at

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import PDF_BYTES

    meeting_services.paper_add(
        meeting=meeting,
        by=None,
        upload=SimpleUploadedFile("plan.pdf", PDF_BYTES, "application/pdf"),
        title="The plan",
        plain_summary="What we will talk about.",
    )
    meeting_services.papers_mark_ready(meeting=meeting, by=None)
    assert rows(PAPERS_READY).get().expires_at == meeting.starts_at

    times = {"starts_at": local(in_days(12), 11), "ends_at": local(in_days(12), 13)}
    meeting = meeting_services.meeting_update(meeting=meeting, by=None, **times)
    assert rows(MEETING_MOVED).get().expires_at == local(in_days(12), 11)

    meeting_services.meeting_cancel(meeting=meeting, by=None, reason="The hall flooded.")
    # A cancellation is worth sending up to the time it would have started.
    assert rows(MEETING_CANCELLED).get().expires_at == local(in_days(12), 11)


def test_notes_nudges_stop_two_weeks_after_the_meeting_and_the_notes_never_expire(project):
    reachable(project, "Ann", "email")
    meeting = meeting_at(project, local(in_days(10), 14))
    assert set(rows(NOTES_MISSING).values_list("expires_at", flat=True)) == {local(in_days(24), 10)}

    later = local(in_days(11), 9)
    meeting_services.notes_post(
        meeting=meeting, by=None, notes="We chose three questions.", now=later
    )
    assert rows(NOTES_POSTED).get().expires_at is None


def test_promise_nudges_stop_at_the_date_and_four_weeks_after_it(project):
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
    assert rows(PROMISE_DUE).get().expires_at == local(in_days(21), 9)
    assert rows(PROMISE_OVERDUE).get().expires_at == local(in_days(48), 9)


def test_telling_a_funder_about_access_stops_when_the_access_ends(project):
    from coprod.reports.services import funder_access_grant

    funder_access_grant(
        organisation=project.organisation,
        by=project.coordinators.get(),
        email="funder@example.org",
        projects=[project],
        expires_on=in_days(30),
    )
    assert rows(REPORT_ACCESS).get().expires_at == local(in_days(31), 0)


def test_a_papers_late_nudge_never_goes_after_the_meeting_has_started(project, smtp_inbox):
    meeting = meeting_at(project, local(in_days(10), 14))

    # The workers were down: the nudge is first reached 15 days after the meeting.
    dispatch.dispatch_due(now=meeting.starts_at + datetime.timedelta(days=15))

    nudge = rows(PAPERS_LATE).get()
    assert (nudge.status, nudge.last_error) == ("cancelled", "Too late to be of use.")
    assert not [m for m in smtp_inbox.messages if "papers" in m["Subject"].lower()]


def test_a_call_to_invite_someone_leaves_the_dashboard_once_the_meeting_starts(project):
    lou = reachable(project, "Lou", "phone_call")
    meeting = meeting_at(project, local(in_days(10), 14))
    dispatch.dispatch_due(now=timezone.now())
    task = rows(MEETING_SCHEDULED, recipient_participant=lou).get()
    assert task.status == "waiting"
    coordinator = project.coordinators.get()
    assert attention_for(coordinator).tasks == 1

    after = meeting.starts_at + datetime.timedelta(minutes=1)
    # Gone from the dashboard at once, before any sweep...
    assert attention_for(coordinator, now=after).total == 0
    # ...and the sweep says why in the outbox, once.
    assert expire_stale(now=after) == 1
    assert expire_stale(now=after) == 0
    task.refresh_from_db()
    assert task.status == "cancelled"
    assert task.last_error == "Not needed any more: the moment it was for has passed."


def test_the_sweep_keeps_why_a_message_failed_and_leaves_the_rest_alone(project):
    ann = reachable(project, "Ann", "email")
    meeting = meeting_at(project, local(in_days(10), 14))
    invitation = rows(MEETING_SCHEDULED, recipient_participant=ann).get()
    Notification.objects.filter(pk=invitation.pk).update(
        status="failed", last_error="SMTP 550: mailbox unavailable"
    )
    # Failed too, but never expires (the notes stay worth reading).
    lasting = rows(NOTES_MISSING).first()
    Notification.objects.filter(pk=lasting.pk).update(status="failed", expires_at=None)

    assert expire_stale(now=meeting.starts_at - datetime.timedelta(minutes=1)) == 0
    assert expire_stale(now=meeting.starts_at) == 1

    invitation.refresh_from_db()
    assert invitation.status == "cancelled"
    assert invitation.last_error == (
        "Too late to be of use. It had failed: SMTP 550: mailbox unavailable"
    )
    lasting.refresh_from_db()
    assert lasting.status == "failed"
    # Reminders still to be sent are the dispatcher's to call off, not the sweep's.
    assert rows(REMINDER, recipient_participant=ann).get().status == "pending"


def test_beat_runs_the_sweep():
    from coprod.celery import app

    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "notifications.expire_stale" in entries
    app.loader.import_default_modules()
    assert "notifications.expire_stale" in app.tasks


def test_messages_planned_before_expiry_dates_get_them(project):
    """The data migration gives old rows the cut-offs new rows get when planned."""
    migration = importlib.import_module("projects.migrations.0008_expire_old_messages")
    lou = reachable(project, "Lou", "phone_call")
    meeting = meeting_at(project, local(in_days(10), 14))
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
    times = {"starts_at": local(in_days(12), 11), "ends_at": local(in_days(12), 13)}
    meeting = meeting_services.meeting_update(meeting=meeting, by=None, **times)
    planned = dict(Notification.objects.exclude(kind=REMINDER).values_list("pk", "expires_at"))
    Notification.objects.exclude(kind=REMINDER).update(expires_at=None)

    # The models as they stood when the migration ran (FunderGrant was in projects then).
    loader = MigrationLoader(connection)
    migration.forwards(loader.project_state(("projects", "0008_expire_old_messages")).apps, None)

    again = dict(Notification.objects.exclude(kind=REMINDER).values_list("pk", "expires_at"))
    # The old invitation and nudges get the meeting's (new) start, as the moved notice does.
    invitation = rows(MEETING_SCHEDULED, recipient_participant=lou).first()
    assert again[invitation.pk] == meeting.starts_at
    moved = rows(MEETING_MOVED, recipient_participant=lou).get()
    assert again[moved.pk] == planned[moved.pk] == meeting.starts_at
    for kind in (PROMISE_DUE, PROMISE_OVERDUE):
        row = rows(kind).get()
        assert again[row.pk] == planned[row.pk]
    notes = rows(NOTES_MISSING, status="pending").first()
    assert again[notes.pk] == planned[notes.pk]
