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

On its own, at several sizes (each in a fresh test database), with a summary
of how much each page grows from the smallest size to the largest:

    DATABASE_URL=postgres://... BENCH_SCALE_SIZES=1000,10000,30000 \
        python -m tests.bench_reports
"""

import os
import statistics
import time

MEMBERS = int(os.environ.get("BENCH_SCALE_MEMBERS", "10000"))
SIZES = [
    int(size)
    for size in os.environ.get("BENCH_SCALE_SIZES", str(MEMBERS)).split(",")
    if size.strip()
]
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


def run(members: int = MEMBERS) -> dict[str, tuple[int, float, float]]:
    """Grow an organisation of `members` members and time the report pages; return the figures."""
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from coprod.accounts.services import organisation_create
    from coprod.demo.scale import grow
    from payments.models import LedgerEntry
    from tests.factories import FunderGrantFactory, UserFactory

    if members <= 0:
        return {}
    started = time.perf_counter()
    org = organisation_create(name="Scale Test Trust")
    grown = grow(organisation=org, members=members, projects=max(members // 100, 1))
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
    figures = {}
    for name, url in pages:
        queries, median, slow = measure(client, url)
        figures[name] = (queries, median, slow)
        print(f"{name:<16} {queries:>7} {median:>10.1f} {slow:>8.1f}", flush=True)
    return figures


def main():
    """Each size in a fresh test database, then one line per page: its figures at every size."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coprod.test_settings")
    import django

    django.setup()
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    results = {}
    for members in SIZES:
        old = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        try:
            results[members] = run(members)
        finally:
            teardown_databases(old, verbosity=0)
        print(flush=True)
    if len(results) < 2:
        return
    smallest, largest = min(results), max(results)
    print("median ms (queries) by members; growth = largest / smallest")
    print(f"{'page':<16} " + " ".join(f"{m:>14}" for m in results) + f" {'growth':>7}")
    for name in results[smallest]:
        cells = " ".join(f"{results[m][name][1]:>8.1f} ({results[m][name][0]:>3})" for m in results)
        growth = results[largest][name][1] / results[smallest][name][1]
        print(f"{name:<16} {cells} {growth:>6.2f}x")


if __name__ == "__main__":
    main()
