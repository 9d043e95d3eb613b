"""Soak test: `make run`'s processes, left running with a steady stream of changes.

    make soak                    # 20 minutes
    SOAK_MINUTES=3 make soak     # a shorter run

Not a pytest module (pytest never collects it). It runs web, worker and beat
from the Procfile through the same runner as `make run` (coprod/supervisor.py),
on the embedded defaults: SQLite and the SQLite broker, no DATABASE_URL or
REDIS_URL, in a fresh temporary COPROD_VAR_DIR. Email goes to a real SMTP
server on localhost (aiosmtpd, tests/mail.py) run by this script; texts to the
file SMS backend.

This script is the coordinator: through the Django ORM, on the same SQLite
file, it schedules, moves and cancels meetings, marks papers ready and posts
notes, for members who can be reached by email, by text, or by a coordinator's
phone call. When the time is up it waits for what fell due to go out, stops
the runner as Ctrl-C would, and checks:

- no process exited or was restarted (the runner's log);
- every message that fell due reached an end (sent, cancelled, or waiting
  for a coordinator): none failed, none still pending or being sent a minute
  after it was due;
- each email arrived at most once (per Message-ID), each text at most once;
- nothing about a cancelled meeting arrived after the cancellation, except
  the cancellation itself;
- the web server answered /healthz throughout;
- no "database is locked" and no traceback in any process's output.

It ends with "soak: N passed, N failed" and exits 1 if any check failed.
"""

import collections
import datetime
import logging
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import zoneinfo
from pathlib import Path

from django.db.models import Count
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
MINUTES = float(os.environ.get("SOAK_MINUTES", "20"))
STEP_SECONDS = 5  # one change this often
DISPATCH_EVERY = 15  # beat's tick (make run: 60 s); also sends soon after every change
SETTLE_SECONDS = 150  # at the end, how long what fell due may take to go out
LATE_SECONDS = 60  # a message still pending or sending this long after it was due is stuck
A_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def say(text):
    print(f"{time.strftime('%H:%M:%S')} soak | {text}", flush=True)


def daytime_zone() -> zoneinfo.ZoneInfo:
    """A fixed-offset zone where it is about midday now, so texts are allowed all run long."""
    now = datetime.datetime.now(datetime.UTC)
    for hours in range(-12, 15):
        name = f"Etc/GMT{'+' if hours <= 0 else '-'}{abs(hours)}"
        if 10 <= now.astimezone(zoneinfo.ZoneInfo(name)).hour < 13:
            return zoneinfo.ZoneInfo(name)
    raise AssertionError("no zone is at midday: impossible")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- The stack -----------------------------------------------------------------


def stack_environment(var_dir: Path, smtp_port: int, web_port: int) -> dict:
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "EMAIL_URL"}
    }
    environ.update(
        {
            "DJANGO_DEBUG": "true",  # as make run
            "COPROD_VAR_DIR": str(var_dir),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "COPROD_SMS_BACKEND": "file",
            "COPROD_PORT": str(web_port),
            "COPROD_DISPATCH_EVERY_SECONDS": str(DISPATCH_EVERY),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return environ


def manage(environ, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def healthy(web_port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/healthz", timeout=10) as reply:
            return reply.status == 200 and b'"sqlalchemy"' in reply.read()
    except OSError:
        return False


# --- The coordinator's changes ---------------------------------------------------


class Driver:
    """Makes one change at a time through the same services the pages call."""

    def __init__(self, project):
        self.project = project
        self.random = random.Random(16)
        self.cancelled_at = {}  # meeting id -> when the cancellation had committed
        self.done = collections.Counter()

    def now(self):
        return timezone.now()

    def upcoming(self):
        from projects.models import Meeting

        return list(
            Meeting.objects.filter(
                project=self.project,
                status=Meeting.Status.SCHEDULED,
                starts_at__gt=self.now() + datetime.timedelta(seconds=30),
            )
        )

    def schedule(self):
        from tests.notifications.helpers import meeting_at

        now = self.now()
        spread = datetime.timedelta(seconds=self.random.randint(20, 420))
        when = self.random.choice(
            [
                # "2 days before" falls due during the run
                datetime.timedelta(days=2) + spread,
                # "2 hours before" (texts) falls due during the run
                datetime.timedelta(hours=2) + spread,
                # starts during the run: its notes can be posted
                spread,
                # far off: only the invitation
                datetime.timedelta(days=9) + spread,
            ]
        )
        meeting_at(
            self.project,
            now + when,
            length=datetime.timedelta(minutes=5),
            title=f"Meeting {self.done['schedule'] + 1}",
        )
        self.done["schedule"] += 1

    def move(self):
        from projects.meetings import services as meeting_services

        meetings = self.upcoming()
        if not meetings:
            return self.schedule()
        meeting = self.random.choice(meetings)
        by = datetime.timedelta(seconds=self.random.randint(60, 600))
        meeting_services.meeting_update(
            meeting=meeting,
            by=None,
            starts_at=meeting.starts_at + by,
            ends_at=meeting.ends_at + by,
            reason="The room is needed earlier.",
        )
        self.done["move"] += 1

    def cancel(self):
        from projects.meetings import services as meeting_services

        meetings = self.upcoming()
        if not meetings:
            return self.schedule()
        meeting = self.random.choice(meetings)
        meeting_services.meeting_cancel(meeting=meeting, by=None, reason="The speaker is ill.")
        self.cancelled_at[meeting.pk] = self.now()
        self.done["cancel"] += 1

    def papers(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from projects.meetings import services as meeting_services

        meetings = [m for m in self.upcoming() if m.papers_ready_at is None]
        if not meetings:
            return self.schedule()
        meeting = self.random.choice(meetings)
        meeting_services.paper_add(
            meeting=meeting,
            by=None,
            upload=SimpleUploadedFile("agenda.pdf", A_PDF),
            title="Agenda",
            plain_summary="What we will talk about, in order.",
        )
        meeting_services.papers_mark_ready(meeting=meeting, by=None)
        self.done["papers ready"] += 1

    def notes(self):
        from projects.meetings import services as meeting_services
        from projects.models import Meeting

        started = Meeting.objects.filter(
            project=self.project,
            status=Meeting.Status.SCHEDULED,
            starts_at__lte=self.now(),
            notes_posted_at__isnull=True,
        ).first()
        if started is None:
            return self.schedule()
        meeting_services.notes_post(
            meeting=started, by=None, notes="We agreed the next steps together."
        )
        self.done["notes posted"] += 1

    def step(self):
        action = self.random.choices(
            [self.schedule, self.move, self.cancel, self.papers, self.notes],
            weights=[4, 2, 1, 1, 2],
        )[0]
        action()


def set_up_project():
    from tests.factories import OrganisationFactory, ProjectFactory, reseed_test_data
    from tests.notifications.helpers import a_coordinator, reachable

    reseed_test_data()
    organisation = OrganisationFactory(timezone=str(daytime_zone()))
    project = ProjectFactory(organisation=organisation, title="Soak")
    a_coordinator(project)
    for name, channel in [
        ("Ann", "email"),
        ("Bea", "email"),
        ("Cal", "email"),
        ("Dev", "sms"),
        ("Eve", "sms"),
        ("Fay", "phone_call"),
    ]:
        reachable(project, name, channel)
    return project


# --- The checks ------------------------------------------------------------------


def check_everything(*, driver, inbox, texts, runner_log, health, checked_at):
    from coprod.notifications.channels import message_id
    from coprod.notifications.models import Notification
    from projects.meetings.notifications import MEETING_CANCELLED
    from projects.models import Meeting

    results = []

    def check(name, problems):
        results.append((name, problems))

    log = runner_log.read_text(errors="replace")
    exits = re.findall(r"runner\s+\| (\w+ exited \(.*?\))", log)
    check("no process died or was restarted", exits)
    restarts = re.search(r"stopped; restarts: (.*)", log)
    check(
        "the runner stopped cleanly, with no restarts",
        [] if restarts and not re.search(r" [1-9]", restarts[1]) else [restarts and restarts[0]],
    )

    rows = Notification.objects.all()
    late = checked_at - datetime.timedelta(seconds=LATE_SECONDS)
    stuck = rows.filter(status__in=["pending", "sending"], due_at__lte=late)
    check(
        "every message that fell due reached an end (sent, cancelled, waiting)",
        [f"{n.pk} {n.kind} {n.status} due {n.due_at:%H:%M:%S}" for n in stuck]
        + [f"{n.pk} {n.kind} failed: {n.last_error}" for n in rows.filter(status="failed")],
    )

    ids = collections.Counter(m["Message-ID"] for m in inbox.messages)
    references = collections.Counter(t["reference"] for t in texts)
    check(
        "each email and each text arrived at most once",
        [f"email {mid} x{count}" for mid, count in ids.items() if count > 1]
        + [f"text {ref} x{count}" for ref, count in references.items() if count > 1],
    )

    meeting_type = Meeting._meta.label_lower
    by_message_id, by_reference = {}, {}
    for row in rows.filter(about_type__model="meeting").select_related("about_type"):
        if f"{row.about_type.app_label}.{row.about_type.model}" == meeting_type:
            by_message_id[message_id(row)] = row
            by_reference[row.idempotency_key] = row  # the SMS channel's reference
    after = []
    arrivals = [
        (by_message_id.get(m["Message-ID"]), datetime.datetime.fromtimestamp(at, datetime.UTC))
        for m, at in zip(inbox.messages, inbox.arrived_at, strict=True)
    ]
    arrivals += [
        (by_reference.get(text["reference"]), datetime.datetime.fromisoformat(text["at"]))
        for text in texts
    ]
    for row, arrived in arrivals:
        if row is None or row.kind == MEETING_CANCELLED:
            continue
        cancelled = driver.cancelled_at.get(row.about_id)
        if cancelled and arrived > cancelled:
            after.append(f"{row.kind} to {row.address} about meeting {row.about_id}")
    check("nothing about a cancelled meeting arrived after its cancellation", after)

    check(
        "the web server answered /healthz every time",
        [f"{health['failed']} of {health['asked']} failed"] if health["failed"] else [],
    )
    check(
        'no "database is locked" and no traceback in any output',
        [line for line in log.splitlines() if "database is locked" in line or "Traceback" in line],
    )
    return results


# --- The run ---------------------------------------------------------------------


def main() -> int:
    from tests.mail import start_smtp_server

    var_dir = Path(tempfile.mkdtemp(prefix="coprod-soak-"))
    controller, inbox = start_smtp_server()
    web_port = free_port()
    environ = stack_environment(var_dir, controller.port, web_port)
    say(f"{MINUTES:g} minutes in {var_dir}; web on port {web_port}, SMTP on {controller.port}")

    # This process is the coordinator, on the same SQLite file as the stack.
    os.environ.clear()
    os.environ.update(environ)
    os.environ["DJANGO_SETTINGS_MODULE"] = "coprod.settings"
    manage(environ, "migrate", "--noinput")
    manage(environ, "seed_demo")
    import django

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd: every SMTP command
    from django.conf import settings

    from coprod.notifications.models import Notification
    from coprod.notifications.sms import FileSmsBackend

    assert settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    assert settings.CELERY_BROKER_URL.startswith("sqla+sqlite:")
    project = set_up_project()
    driver = Driver(project)

    runner_log = var_dir / "runner.log"
    runner = subprocess.Popen(
        [sys.executable, "-m", "coprod.supervisor", "--procfile", "Procfile"],
        cwd=ROOT,
        env=environ,
        stdout=runner_log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    health = {"asked": 0, "failed": 0}
    started = time.monotonic()  # again once the stack is up
    try:
        deadline = time.monotonic() + 60
        while not healthy(web_port):
            if time.monotonic() > deadline or runner.poll() is not None:
                print(runner_log.read_text()[-5000:])
                raise SystemExit("soak: the stack did not come up")
            time.sleep(1)
        say("the stack is up; making changes")

        started = time.monotonic()
        end = started + MINUTES * 60
        next_report = time.monotonic() + 60
        next_health = time.monotonic() + 20
        while time.monotonic() < end:
            driver.step()
            if time.monotonic() >= next_health:
                health["asked"] += 1
                health["failed"] += not healthy(web_port)
                next_health += 20
            if time.monotonic() >= next_report:
                counts = dict(
                    Notification.objects.values_list("status").annotate(n=Count("pk")).order_by()
                )
                say(f"{dict(driver.done)}; emails {inbox.count()}; messages {counts}")
                next_report += 60
            time.sleep(STEP_SECONDS)

        say("no more changes; waiting for what fell due to go out")
        settle_until = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < settle_until:
            waiting = Notification.objects.filter(
                status__in=["pending", "sending"], due_at__lte=timezone.now()
            )
            if not waiting.exists():
                break
            time.sleep(2)
        checked_at = timezone.now()
        runner_alive = runner.poll() is None
    finally:
        if runner.poll() is None:
            runner.send_signal(signal.SIGTERM)  # as Ctrl-C in make run
        try:
            runner.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
        controller.stop()

    results = check_everything(
        driver=driver,
        inbox=inbox,
        texts=FileSmsBackend(settings.COPROD_SMS_FILE).read(),
        runner_log=runner_log,
        health=health,
        checked_at=checked_at,
    )
    if not runner_alive:
        results.insert(0, ("the runner was still running at the end", ["it had exited"]))

    statuses = collections.Counter(Notification.objects.values_list("status", flat=True))
    minutes = (time.monotonic() - started) / 60
    say(
        f"ran {minutes:.1f} minutes: changes {dict(driver.done)}; emails {inbox.count()}, "
        f"texts {len(FileSmsBackend(settings.COPROD_SMS_FILE).read())}; "
        f"messages by status {dict(statuses)}; healthz {health['asked']} asked"
    )
    restarts = re.search(r"stopped; restarts: (.*)", runner_log.read_text(errors="replace"))
    say(f"restarts: {restarts[1] if restarts else 'unknown (the runner did not say)'}")
    for name, problems in results:
        say(f"{'ok  ' if not problems else 'FAIL'} {name}")
        for problem in problems[:10]:
            say(f"       {problem}")
        if len(problems) > 10:
            say(f"       ... and {len(problems) - 10} more")
    failed = sum(1 for _, problems in results if problems)
    if failed:
        say(f"the runner's log: {runner_log}")
    print(f"soak: {len(results) - failed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
