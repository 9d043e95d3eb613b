"""Batches of messages: the shared parts built once, each person a few queries, one connection."""

import datetime
import socket

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coprod.notifications import channels, dispatch, kinds, messages
from coprod.notifications.models import Notification
from tests.factories import ProjectFactory
from tests.notifications.helpers import a_coordinator, meeting_at, reachable

pytestmark = pytest.mark.django_db


def invitations_sent(people: int):
    """Invite `people` members to a meeting and send the invitations; return the queries."""
    project = ProjectFactory(contact_for_members="Alex on 07911 123456")
    a_coordinator(project)
    for n in range(people):
        reachable(project, f"Person{n}", "email")
    now = timezone.now()
    meeting_at(project, now + datetime.timedelta(days=10), now=now)
    with CaptureQueriesContext(connection) as queries:
        handled = dispatch.dispatch_due(now=now)
    assert handled == people
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == people
    return [q["sql"] for q in queries.captured_queries]


def test_a_batch_costs_a_few_queries_per_person_and_the_meeting_once(settings, smtp_inbox):
    settings.COPROD_NOTIFY_BATCH = 50
    few = invitations_sent(2)
    Notification.objects.all().delete()
    many = invitations_sent(10)

    per_person = (len(many) - len(few)) / 8
    # Its own row (read, lock, write, mark sent), whether the meeting is still
    # on and they are still invited, their consent, and the savepoint around it.
    assert per_person <= 10, per_person
    # The meeting's agenda, papers and calendar sequence are read once per batch.
    for table in ("agendaitem", "meetingpaper", "meetingchange"):
        assert sum(table in sql for sql in many) == sum(table in sql for sql in few), table
    assert smtp_inbox.count() == 12


def test_each_person_costs_the_same_few_queries_however_large_the_batch(settings, smtp_inbox):
    settings.COPROD_NOTIFY_BATCH = 50
    few = invitations_sent(5)
    Notification.objects.all().delete()
    many = invitations_sent(40)

    per_person, rest = divmod(len(many) - len(few), 35)
    # Is the meeting still on (locked) and are they still invited; their row,
    # choices and consent, locked in one statement; "started"; "sent"; and the
    # savepoint around the first four (a test runs inside a transaction).
    assert (per_person, rest) == (7, 0), (len(few), len(many))
    # Nobody's private fields are read to send them a message.
    assert not any("access_needs" in sql for sql in many)
    # What is shared by the batch (claims, its rows, the meeting's parts) is a handful.
    assert len(few) - 5 * per_person <= 20, len(few)
    assert smtp_inbox.count() == 45


def test_words_rendered_once_for_a_meeting_are_each_persons_own_words():
    # Given people invited to one meeting, some with punctuation or a web address in their name
    project = ProjectFactory(contact_for_members="Alex on 07911 123456")
    names = ("Ann", "Zoë O'Brien-Smith <Zo>", "Bob", "Jo at www.jo.org", "Mary Ann")
    people = [reachable(project, name) for name in names]
    now = timezone.now()
    meeting_at(project, now + datetime.timedelta(days=10), now=now)
    rows = list(
        Notification.objects.filter(recipient_participant__in=people, kind="meeting_scheduled")
    )
    assert len(rows) == len(names)

    # When their messages are rendered as one batch, and each alone
    shared = messages.Shared()
    together = [messages.render(row, shared=shared) for row in rows]
    alone = [messages.render(row) for row in rows]

    # Then each says the same as it would alone, with their own name
    assert together == alone
    for row, words in zip(rows, together, strict=True):
        name = row.recipient_participant.preferred_name
        assert f"Hello {name}," in words.text
        assert "\x00" not in words.text + words.subject + words.sms + words.html
    # and the later ones were not rendered from the templates again
    assert shared.words(rows[-1], kinds.get(rows[-1].kind), {}) is not None
    linked = [words.html for words in together if "Hello Jo at" in words.text]
    assert len(linked) == 1
    assert '<a href="http://www.jo.org"' in linked[0]


def test_one_connection_serves_a_batch_and_a_dropped_one_is_replaced(smtp_inbox):
    # Given two invitations and an email channel kept open between them
    project = ProjectFactory()
    ann, bob = reachable(project, "Ann"), reachable(project, "Bob")
    now = timezone.now()
    meeting_at(project, now + datetime.timedelta(days=10), now=now)
    rows = list(Notification.objects.filter(recipient_participant__in=[ann, bob]))
    way = channels.EmailChannel()
    for row in rows:
        row.address = row.recipient_participant.email
    way.send(rows[0], messages.render(rows[0]))
    first = way.connection
    way.send(rows[1], messages.render(rows[1]))
    assert way.connection is first  # one connection for both

    # When the server's end of the connection goes away while it is idle
    first.connection.sock.shutdown(socket.SHUT_RDWR)
    way.send(rows[0], messages.render(rows[0]))
    second = way.connection
    way.close()

    # Then the next message goes on a new connection, and each send arrives once
    assert second is not None
    assert second is not first
    assert smtp_inbox.count() == 3
    assert [m["To"] for m in smtp_inbox.messages].count(rows[0].address) == 2
