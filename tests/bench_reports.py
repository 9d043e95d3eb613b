"""`make bench`, part two: report speed on a large organisation (the seed_scale data).

Called by tests/bench.py, in its throwaway test database.

Builds the same organisation `manage.py seed_scale --members N` builds, in a
throwaway test database, then times, as a funder sees them:
- one project's report (about 100 members, two years of history);
- the portfolio page across every project of the organisation;
- one table's CSV export.
Prints queries, median and p95 server time (Django's test client: the time
the server spends, without the network). Compare times only on one machine.

    make bench                                   # SQLite, 10,000 members
    DATABASE_URL=postgres://... make bench       # the target: PostgreSQL
    BENCH_SCALE_MEMBERS=2000 make bench          # quicker (0: skip this part)
"""

import os
import statistics
import time

MEMBERS = int(os.environ.get("BENCH_SCALE_MEMBERS", "10000"))
RUNS = int(os.environ.get("BENCH_REPORT_RUNS", "30"))


def p95(times):
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up
    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return len(queries), statistics.median(times), p95(times)


def run():
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from coprod.accounts.services import organisation_create
    from coprod.demo.scale import grow
    from payments.models import LedgerEntry
    from tests.factories import FunderGrantFactory, UserFactory

    if MEMBERS <= 0:
        return
    started = time.perf_counter()
    org = organisation_create(name="Scale Test Trust")
    grown = grow(organisation=org, members=MEMBERS, projects=max(MEMBERS // 100, 1))
    ledger = LedgerEntry.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"coprod report bench: {connection.vendor}, {grown.members} members, "
        f"{len(grown.projects)} projects, {grown.meetings} meetings, {ledger} ledger "
        f"entries (built in {time.perf_counter() - started:.0f} s), {RUNS} runs per page"
    )
    funder = UserFactory()
    for project in grown.projects:
        FunderGrantFactory(project=project, user=funder)
    client = Client()
    client.force_login(funder)
    project = grown.projects[len(grown.projects) // 2]
    pages = [
        ("project report", reverse("reports:project", kwargs={"pk": project.pk})),
        ("portfolio", reverse("reports:list")),
        (
            "CSV (hours)",
            reverse("reports:project_csv", kwargs={"pk": project.pk, "table": "hours"}),
        ),
    ]
    print(f"{'page':<16} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    for name, url in pages:
        queries, median, slow = measure(client, url)
        print(f"{name:<16} {queries:>7} {median:>10.1f} {slow:>8.1f}")
