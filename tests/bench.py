"""`make bench`: server time and queries for every registered page, as each person sees it.

Builds the test world plus a heavier organisation (many projects, members,
values and ladder views) in a throwaway test database, then requests every
GET page in tests/pages.py as the role the browser gate uses. Query counts
are exact and comparable between runs; times depend on the machine, so
compare them only on the same machine. Not part of the test suite.

    make bench                      # SQLite
    DATABASE_URL=postgres://... make bench

Then the reports on a 10,000-member organisation (tests/bench_reports.py), and
how fast one worker sends email from the outbox (tests/bench_dispatch.py).
"""

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coprod.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from tests import bench_dispatch, bench_reports  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
PROJECTS = int(os.environ.get("BENCH_PROJECTS", "40"))
MEMBERS_PER_PROJECT = int(os.environ.get("BENCH_MEMBERS", "12"))
VALUES_PER_PROJECT = int(os.environ.get("BENCH_VALUES", "8"))


def grow(world):
    """Give organisation A the size of a busy charity."""
    from projects import services
    from tests.factories import ProjectFactory, ProjectMembershipFactory

    coordinator = world.users["coordinator"]
    projects = [world.project, *ProjectFactory.create_batch(PROJECTS - 1, organisation=world.org)]
    for project in projects:
        ProjectMembershipFactory.create_batch(MEMBERS_PER_PROJECT, project=project)
        for n in range(VALUES_PER_PROJECT):
            value = services.value_propose(
                project=project, by=coordinator, title=f"Value {n}", meaning="What it means."
            )
            if n % 2 == 0:
                services.value_agree(value=value, by=coordinator, agreed_on=timezone.localdate())
        services.phases_start_from_template(project=project, by=coordinator, template="ptc")
        for member in project.memberships.select_related("participant")[:5]:
            services.ladder_assess(
                project=project,
                by=None,
                rung="engaging",
                reason="Getting there.",
                participant=member.participant,
            )


def main():
    from tests.conftest import build_world
    from tests.pages import PAGES

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        world = build_world()
        grow(world)
        print(
            f"coprod bench: {connection.vendor}, {PROJECTS} projects x {MEMBERS_PER_PROJECT} "
            f"members x {VALUES_PER_PROJECT} values, {RUNS} runs per page"
        )
        print(f"{'page':<34} {'as':<12} {'queries':>7} {'median ms':>10} {'p90 ms':>8}")
        for page in PAGES:
            role = page.role_for_browser()
            if page.method != "get" or not role or page.journey:
                continue
            client = Client()
            if world.users[role] is not None:
                client.force_login(world.users[role])
            url = reverse(page.name, kwargs=page.kwargs(world))
            client.get(url)  # warm caches and sessions
            times = []
            for _ in range(RUNS):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (page.name, response.status_code)
            p90 = sorted(times)[max(0, int(len(times) * 0.9) - 1)]
            print(
                f"{page.name:<34} {role:<12} {len(queries):>7} "
                f"{statistics.median(times):>10.1f} {p90:>8.1f}"
            )
        print()
        bench_reports.run()
        print()
        bench_dispatch.run()
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
