"""`make bench`, part three: how fast one worker sends email from the outbox.

Called by tests/bench.py, in its throwaway test database.

Plans meetings for a project of reachable members (each invitation a row in
the outbox, due now), then runs the dispatcher, as one worker does, against a
real SMTP server on localhost (aiosmtpd, tests/mail.py, in a process of its
own so it does not share this one's CPU) and prints messages per second and
queries per message. Every message must arrive once.

    make bench                                      # SQLite, 2,000 messages
    DATABASE_URL=postgres://... make bench          # the target: PostgreSQL
    BENCH_DISPATCH_MEETINGS=5 make bench            # quicker (0: skip this part)

Times depend on the machine: compare them only on one machine.
"""

import datetime
import multiprocessing
import os
import time

MEMBERS = int(os.environ.get("BENCH_DISPATCH_MEMBERS", "100"))
MEETINGS = int(os.environ.get("BENCH_DISPATCH_MEETINGS", "20"))


def _sink(ready, stop, found):
    """The SMTP server's process: say where it listens, then, when told, what arrived."""
    from tests.mail import start_smtp_server

    controller, inbox = start_smtp_server()
    ready.put((controller.hostname, controller.port))
    stop.wait()
    controller.stop()
    found.put([message["Message-ID"] for message in inbox.messages])


def run():
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from coprod.notifications import dispatch
    from coprod.notifications.models import Notification
    from tests.factories import ProjectFactory
    from tests.notifications.helpers import a_coordinator, meeting_at, reachable

    if MEETINGS <= 0 or MEMBERS <= 0:
        return
    started = time.perf_counter()
    project = ProjectFactory(contact_for_members="Alex on 07911 123456")
    a_coordinator(project)
    for n in range(MEMBERS):
        reachable(project, f"Bench{n}", "email")
    now = timezone.now()
    for n in range(MEETINGS):
        meeting_at(project, now + datetime.timedelta(days=10, hours=n), now=now)
    due = Notification.objects.filter(
        status=Notification.Status.PENDING, due_at__lte=now, recipient_participant__isnull=False
    ).count()
    print(
        f"coprod dispatch bench: {connection.vendor}, {due} messages due to {MEMBERS} members "
        f"about {MEETINGS} meetings (built in {time.perf_counter() - started:.0f} s), "
        f"batch {settings.COPROD_NOTIFY_BATCH}"
    )
    queries = []

    def counter(execute, sql, params, many, context):
        queries.append(1)  # counted, not kept: thousands of messages
        return execute(sql, params, many, context)

    ready, stop, found = multiprocessing.Queue(), multiprocessing.Event(), multiprocessing.Queue()
    sink = multiprocessing.Process(target=_sink, args=(ready, stop, found), daemon=True)
    sink.start()
    host, port = ready.get(timeout=30)
    try:
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                EMAIL_HOST=host,
                EMAIL_PORT=port,
                EMAIL_HOST_USER="",
                EMAIL_HOST_PASSWORD="",
                EMAIL_USE_TLS=False,
                EMAIL_USE_SSL=False,
            ),
            connection.execute_wrapper(counter),
        ):
            start, cpu = time.perf_counter(), time.process_time()
            handled = dispatch.dispatch_due(now=now)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:
        stop.set()
        ids = found.get(timeout=60)
        sink.join(timeout=10)
    sent = Notification.objects.filter(status=Notification.Status.SENT).count()
    assert len(ids) == len(set(ids)), "a message arrived twice"
    # msg/CPU s: per second of the dispatcher's own CPU time, the figure to
    # read on a machine busy with other work.
    print(
        f"{'handled':>8} {'sent':>6} {'arrived':>8} {'seconds':>8} {'msg/s':>7} "
        f"{'msg/CPU s':>9} {'queries/msg':>11}"
    )
    print(
        f"{handled:>8} {sent:>6} {len(ids):>8} {seconds:>8.2f} {handled / seconds:>7.0f} "
        f"{handled / cpu:>9.0f} {len(queries) / max(handled, 1):>11.1f}"
    )


def main():
    """Run this part alone: `python -m tests.bench_dispatch`."""
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        run()
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coprod.test_settings")
    import django

    django.setup()
    main()
