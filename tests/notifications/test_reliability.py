"""Reminders under real conditions: PostgreSQL, Redis, Celery worker and beat processes, SMTP.

Each test starts real `celery worker` and `celery beat` processes (production
settings, not eager mode) against the test database and Redis, with a real
SMTP server on localhost capturing mail, then checks that every message
arrives exactly once: on time, after a worker is killed mid-batch, with two
dispatchers side by side, across a Redis restart, and that a refusing mail
server ends in a visible failure.

They need PostgreSQL and Redis (a worker in another process cannot share
SQLite's in-memory test database). In CI (.ci/run sets COPROD_REQUIRE_SERVICES=1)
a missing service fails the run; on the embedded defaults they are skipped
with that reason in the summary. Run them alone with `make test-services`.
"""

import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from coprod.notifications.models import Notification
from coprod.notifications.sms import FileSmsBackend
from projects.meetings.notifications import MEETING_SCHEDULED, REMINDER
from tests.factories import OrganisationFactory, ProjectFactory
from tests.mail import free_port, start_smtp_server
from tests.notifications.helpers import a_coordinator, meeting_at, reachable

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 4


@pytest.fixture(autouse=True)
def real_services(postgres_and_redis):
    """Every test here needs PostgreSQL and Redis (see tests/conftest.py)."""


def daytime_zone() -> zoneinfo.ZoneInfo:
    """A fixed-offset zone where it is early afternoon now, so texts are allowed."""
    for hours in range(-12, 15):
        name = f"Etc/GMT{'+' if hours <= 0 else '-'}{abs(hours)}"
        if 12 <= timezone.now().astimezone(zoneinfo.ZoneInfo(name)).hour < 16:
            return zoneinfo.ZoneInfo(name)
    raise AssertionError("no zone is in the afternoon: impossible")


class Stack:
    """Real Celery worker and beat processes with production settings."""

    def __init__(self, tmp_path, *, smtp_port, redis_url):
        self.tmp = tmp_path
        self.sms_file = tmp_path / "sms.jsonl"
        self.processes = []
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "coprod.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "COPROD_ENCRYPTION_SALT": os.environ["COPROD_ENCRYPTION_SALT"],
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
                f"/{db['NAME']}"
            ),
            "REDIS_URL": redis_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "COPROD_SMS_BACKEND": "file",
            "COPROD_SMS_FILE": str(self.sms_file),
            "COPROD_VAR_DIR": str(tmp_path),
            "COPROD_BASE_URL": "http://coprod.test",
            "COPROD_DISPATCH_EVERY_SECONDS": "1",
            "COPROD_NOTIFY_LEASE_SECONDS": str(LEASE_SECONDS),
            "COPROD_NOTIFY_BACKOFF_SECONDS": "1",
            "COPROD_NOTIFY_MAX_ATTEMPTS": "3",
        }

    def start(self, what, name=None, *, pool="solo"):
        """Start `worker` or `beat`; a worker runs in one process (solo) or with
        `pool="prefork"`, as in production: a parent that talks to the broker and
        two children that run the tasks."""
        name = name or what
        command = [sys.executable, "-m", "celery", "--app", "coprod"]
        if what == "worker":
            pool_options = (
                ["--pool=prefork", "--concurrency=2"] if pool == "prefork" else ["--pool=solo"]
            )
            command += [
                "worker",
                *pool_options,
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                f"--hostname={name}@%h",
            ]
        else:
            command += ["beat", "--loglevel=INFO", "--pidfile=", f"--schedule={self.tmp}/beat"]
        log = (self.tmp / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    @staticmethod
    def kill(process):
        """SIGKILL: no chance to finish anything, as when a machine dies."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text()[-3000:]}" for log in self.tmp.glob("*.log")
        )

    def texts(self):
        return FileSmsBackend(self.sms_file).read()


def wait_until(check, timeout, stack, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"Timed out waiting for {what}.\n{stack.logs()}")


@pytest.fixture
def mail():
    servers = []

    def start(**options):
        controller, inbox = start_smtp_server(**options)
        servers.append(controller)
        return controller, inbox

    yield start
    for controller in servers:
        controller.stop()


@pytest.fixture
def stack_for(tmp_path):
    stacks = []

    def make(smtp_port, redis_url=None):
        stack = Stack(tmp_path, smtp_port=smtp_port, redis_url=redis_url or os.environ["REDIS_URL"])
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop()


class RedisServer:
    """A redis-server of the test's own on a free port, to stop and start again."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        server = shutil.which("redis-server")
        assert server, "redis-server must be installed (it is on this machine kind)"
        self.process = subprocess.Popen(
            [
                *(server, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self):
        """SIGKILL: Redis goes away at once, with everything queued in it."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_for(tmp_path):
    servers = []

    def start():
        server = RedisServer(tmp_path)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def a_project(zone=None):
    organisation = OrganisationFactory(timezone=str(zone or daytime_zone()))
    project = ProjectFactory(organisation=organisation)
    a_coordinator(project)
    return project


def once_each(inbox):
    ids = [message["Message-ID"] for message in inbox.messages]
    assert len(ids) == len(set(ids)), "a message arrived twice"
    return ids


def test_reminders_arrive_at_their_time_exactly_once(mail, stack_for):
    controller, inbox = mail()
    stack = stack_for(controller.port)
    project = a_project()
    ann = reachable(project, "Ann", "email")
    tom = reachable(project, "Tom", "sms")
    now = timezone.now()
    # Given a meeting whose "2 days before" reminder falls due in 15 seconds,
    # and one whose "2 hours before" text falls due in 20 seconds
    first = meeting_at(project, now + datetime.timedelta(days=2, seconds=15), title="First")
    second = meeting_at(project, now + datetime.timedelta(hours=2, seconds=20), title="Second")
    due = {
        (row.recipient_participant_id, row.about_id, row.label): row.due_at
        for row in Notification.objects.filter(kind=REMINDER, status="pending")
    }
    # The second meeting is too close for a "2 days before" reminder at all.
    assert set(due) == {
        (ann.pk, first.pk, "2 days before"),
        (tom.pk, first.pk, "2 days before"),
        (tom.pk, first.pk, "2 hours before"),
        (tom.pk, second.pk, "2 hours before"),
    }

    # When a real worker and beat run
    stack.start("worker")
    stack.start("beat")

    def everything_arrived():
        texts = [t for t in stack.texts() if t["body"].startswith("Reminder")]
        reminders = [m for m in inbox.messages if m["Subject"].startswith("Reminder")]
        return len(texts) == 2 and len(reminders) == 1 and inbox.count() == 3

    wait_until(everything_arrived, 60, stack, "the reminders")
    time.sleep(4)  # several more beat ticks: nothing may come twice

    # Then each arrived once, not before its time
    once_each(inbox)
    assert inbox.count() == 3  # two invitations and one reminder for Ann
    reminder_at = inbox.arrived_at[
        next(i for i, m in enumerate(inbox.messages) if m["Subject"].startswith("Reminder"))
    ]
    assert reminder_at >= due[(ann.pk, first.pk, "2 days before")].timestamp()
    texts = stack.texts()
    assert len(texts) == len({t["reference"] for t in texts}) == 4  # 2 invitations, 2 reminders
    for text in texts:
        if text["body"].startswith("Reminder"):
            key = (
                (tom.pk, first.pk, "2 days before")
                if '"First"' in text["body"]
                else (tom.pk, second.pk, "2 hours before")
            )
            assert datetime.datetime.fromisoformat(text["at"]) >= due[key]
    assert set(Notification.objects.filter(project=project).values_list("status", flat=True)) <= {
        "sent",
        "pending",  # the coordinators' nudges, days away
    }


def test_killing_the_worker_mid_batch_loses_and_repeats_nothing(mail, stack_for):
    controller, inbox = mail(delay=1.0)  # a slow mail server: the batch takes a while
    stack = stack_for(controller.port)
    project = a_project()
    people = [reachable(project, f"Person{n}", "email") for n in range(6)]
    meeting_at(project, timezone.now() + datetime.timedelta(days=5))
    assert Notification.objects.filter(kind=MEETING_SCHEDULED).count() == 6

    worker = stack.start("worker", "first")
    stack.start("beat")
    wait_until(lambda: inbox.count() >= 2, 60, stack, "the first messages")
    # Killed while the mail server is thinking about the third message.
    time.sleep(0.3)
    stack.kill(worker)
    stranded = Notification.objects.filter(status="sending").count()
    assert stranded >= 1, "the kill should leave claimed messages behind"

    stack.start("worker", "second")
    wait_until(lambda: inbox.count() >= 6, 60, stack, "the rest of the messages")
    time.sleep(LEASE_SECONDS + 2)

    once_each(inbox)
    assert sorted(m["To"] for m in inbox.messages) == sorted(p.email for p in people)
    rows = Notification.objects.filter(kind=MEETING_SCHEDULED)
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    # The one cut off mid-conversation was tried again, and arrived once.
    assert rows.filter(attempts=2).count() == 1


def test_two_dispatchers_side_by_side_send_each_message_once(mail, stack_for):
    controller, inbox = mail(delay=0.05)
    stack = stack_for(controller.port)
    stack.env["COPROD_NOTIFY_BATCH"] = "3"  # small claims, so the two interleave
    project = a_project()
    people = [reachable(project, f"Member{n}", "email") for n in range(30)]
    meeting_at(project, timezone.now() + datetime.timedelta(days=5))

    stack.start("worker", "one")
    stack.start("worker", "two")
    stack.start("beat")
    wait_until(lambda: inbox.count() >= 30, 90, stack, "thirty messages")
    time.sleep(3)

    once_each(inbox)
    assert sorted(m["To"] for m in inbox.messages) == sorted(p.email for p in people)
    # Both workers claimed and sent some of them (a claim starts with its process id).
    claims = Notification.objects.filter(kind=MEETING_SCHEDULED).values_list("claim", flat=True)
    senders = {claim.split(":")[0] for claim in claims}
    assert len(senders) == 2, f"one worker did everything: {senders}"


def test_nothing_is_lost_when_redis_restarts_between_beat_ticks(mail, stack_for, redis_for):
    redis = redis_for()
    controller, inbox = mail()
    stack = stack_for(controller.port, redis_url=redis.url)
    project = a_project()
    people = [reachable(project, f"Friend{n}", "email") for n in range(3)]
    stack.start("worker")
    stack.start("beat")
    meeting_at(project, timezone.now() + datetime.timedelta(days=5), title="Before")
    wait_until(lambda: inbox.count() >= 3, 60, stack, "the first invitations")

    # Redis goes away (with everything queued in it), and meanwhile more is planned
    redis.stop()
    meeting_at(project, timezone.now() + datetime.timedelta(days=6), title="During")
    time.sleep(3)  # beat ticks that cannot reach the broker
    assert inbox.count() == 3
    redis.start()

    wait_until(lambda: inbox.count() >= 6, 90, stack, "the invitations planned while down")
    time.sleep(3)
    stack.stop()

    once_each(inbox)
    subjects = sorted(m["Subject"].split(",")[0] for m in inbox.messages)
    assert subjects == ["You are invited: Before"] * 3 + ["You are invited: During"] * 3
    assert sorted({m["To"] for m in inbox.messages}) == sorted(p.email for p in people)


def test_a_prefork_worker_outlives_a_redis_restart_mid_batch(mail, stack_for, redis_for):
    redis = redis_for()
    controller, inbox = mail(delay=0.7)  # a slow relay: one batch takes several seconds
    stack = stack_for(controller.port, redis_url=redis.url)
    # A lease longer than the batch: this test is about the broker, not leases.
    stack.env["COPROD_NOTIFY_LEASE_SECONDS"] = "60"
    project = a_project()
    people = [reachable(project, f"Guest{n}", "email") for n in range(8)]
    worker = stack.start("worker", pool="prefork")
    stack.start("beat")
    meeting_at(project, timezone.now() + datetime.timedelta(days=5), title="Before")
    wait_until(lambda: inbox.count() >= 2, 60, stack, "the first invitations")

    # While a dispatch task is still handing invitations to the slow relay,
    # Redis stops; it comes back a few seconds later, empty.
    assert Notification.objects.filter(status="sending").exists(), "a batch must be in flight"
    redis.stop()
    time.sleep(4)
    redis.start()
    # The batch in flight ends on its own (it needs the database and the relay,
    # not Redis); only then is more planned, so a live worker must fetch it.
    wait_until(lambda: inbox.count() >= 8, 60, stack, "the batch in flight")
    wait_until(
        lambda: not Notification.objects.filter(status="sending").exists(),
        60,
        stack,
        "the batch in flight to end",
    )
    meeting_at(project, timezone.now() + datetime.timedelta(days=6), title="After")

    wait_until(lambda: inbox.count() >= 16, 120, stack, "the invitations planned after")
    time.sleep(3)  # more beat ticks: nothing may come twice

    # The worker that lived through it (same process) sent what came after.
    assert worker.poll() is None, f"the worker died:\n{stack.logs()}"
    once_each(inbox)
    subjects = sorted(m["Subject"].split(",")[0] for m in inbox.messages)
    assert subjects == ["You are invited: After"] * 8 + ["You are invited: Before"] * 8
    assert sorted({m["To"] for m in inbox.messages}) == sorted(p.email for p in people)
    stack.stop()


def test_a_refusing_mail_server_ends_in_a_failure_coordinators_see(mail, stack_for, client):
    controller, inbox = mail(refuse=True)
    stack = stack_for(controller.port)
    project = a_project()
    reachable(project, "Ann", "email")
    meeting_at(project, timezone.now() + datetime.timedelta(days=5))
    row = Notification.objects.get(kind=MEETING_SCHEDULED)

    stack.start("worker")
    stack.start("beat")

    def failed():
        row.refresh_from_db()
        return row.status == "failed"

    wait_until(failed, 60, stack, "the message to be marked failed")
    assert row.attempts == 3
    assert "550" in row.last_error
    assert inbox.count() == 0
    client.force_login(project.coordinators.get())
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "could not be sent" in page
    assert "550" in page


def test_a_slow_relay_never_lets_a_second_worker_send_the_same_message(mail, stack_for):
    """The mail server takes longer than a lease to answer: the lease is kept alive meanwhile."""
    controller, inbox = mail(delay=LEASE_SECONDS + 3)
    stack = stack_for(controller.port)
    project = a_project()
    people = [reachable(project, f"Slow{n}", "email") for n in range(2)]
    meeting_at(project, timezone.now() + datetime.timedelta(days=5))

    stack.start("worker", "one")
    stack.start("worker", "two")
    stack.start("beat")
    wait_until(lambda: inbox.count() >= 2, 90, stack, "both invitations")
    time.sleep(LEASE_SECONDS + 4)  # long enough for a wrongly re-taken row to arrive again

    once_each(inbox)
    assert sorted(m["To"] for m in inbox.messages) == sorted(p.email for p in people)
    rows = Notification.objects.filter(kind=MEETING_SCHEDULED)
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    assert set(rows.values_list("attempts", flat=True)) == {1}


def test_a_worker_killed_after_the_server_took_the_message_does_not_repeat_it(mail, stack_for):
    """The server has the message and is slow to say goodbye when the worker dies.

    The message is recorded as sent before the goodbye, so the next worker
    does not send it again.
    """
    controller, inbox = mail(quit_delay=6)
    stack = stack_for(controller.port)
    project = a_project()
    people = [reachable(project, f"Quit{n}", "email") for n in range(3)]
    meeting_at(project, timezone.now() + datetime.timedelta(days=5))

    worker = stack.start("worker", "first")
    stack.start("beat")
    wait_until(lambda: inbox.count() >= 1, 60, stack, "the first message")
    time.sleep(1)  # the server is still saying goodbye
    stack.kill(worker)

    stack.start("worker", "second")
    wait_until(lambda: inbox.count() >= 3, 90, stack, "the other messages")
    time.sleep(LEASE_SECONDS + 3)

    once_each(inbox)
    assert sorted(m["To"] for m in inbox.messages) == sorted(p.email for p in people)
    statuses = Notification.objects.filter(kind=MEETING_SCHEDULED).values_list("status", flat=True)
    assert set(statuses) == {"sent"}


def test_no_reminder_starts_after_the_meeting_is_called_off(mail, stack_for):
    """A worker is part-way through a meeting's reminders when it is cancelled."""
    from projects.meetings import services as meeting_services

    controller, inbox = mail(delay=0.3)
    stack = stack_for(controller.port)
    project = a_project()
    people = [reachable(project, f"Rem{n}", "email") for n in range(16)]
    # The "2 days before" reminders fall due together, 12 seconds from now
    meeting = meeting_at(project, timezone.now() + datetime.timedelta(days=2, seconds=12))
    stack.start("worker")
    stack.start("beat")

    def reminders():
        return [m for m in inbox.messages if m["Subject"].startswith("Reminder")]

    wait_until(lambda: len(reminders()) >= 3, 120, stack, "the first reminders")
    meeting_services.meeting_cancel(meeting=meeting, by=None, reason="The hall flooded.")
    called_off = timezone.now()  # the cancellation has committed by now
    arrived_before = len(reminders())

    wait_until(
        lambda: sum("cancelled" in m["Subject"].lower() for m in inbox.messages) >= 16,
        120,
        stack,
        "the cancellation notices",
    )
    rows = Notification.objects.filter(kind=REMINDER, about_id=meeting.pk)
    started_after = (
        rows.filter(send_started_at__gt=called_off).count()
        + rows.filter(status="sent", sent_at__gt=called_off, attempts__gt=1).count()
    )
    assert started_after == 0
    # At most the one message already being handed over arrived after the cancellation
    assert len(reminders()) - arrived_before <= 1
    assert set(rows.values_list("status", flat=True)) == {"sent", "cancelled"}
    assert rows.filter(status="sent").count() == len(reminders())
    assert len(people) == 16
