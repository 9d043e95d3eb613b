"""`make bench-http`: each page's cost as a ratio to a bare Django floor, over real HTTP.

Issue 18's method. On a PostgreSQL database holding a `seed_scale`
organisation of BENCH_HTTP_MEMBERS members (default 1,000), it starts Coprod
under gunicorn on production settings (debug off, Redis cache, 2 workers) and,
beside it, the floor app (tests/bench_floor: the same middleware and security
settings, sessions on the same PostgreSQL server, one small page that reads
the session and the user) under the same gunicorn with 2 workers. For each
page, as the person it is for, it runs `wrk -t2 -c4` against the floor and
the page in turn, BENCH_HTTP_RUNS times (default 3), and prints the medians:
requests per second, the ratio floor / page, and whether it is within the
target (3x for member pages, 5x for staff pages).

    make bench-http                                    # 1,000 members
    BENCH_HTTP_MEMBERS=10000 make bench-http           # 10,000 members
    BENCH_HTTP_DATABASE_URL=postgres://postgres@127.0.0.1:5432/mine make bench-http

The database (default `coprod_bench_http_<members>` on 127.0.0.1:5432) is the
bench's own: it is created and seeded the first time and reused after, as
seeding 10,000 members takes minutes (BENCH_HTTP_FRESH=1 drops it and starts
again). The floor's database is the same name with `_floor`. Requests say
they came through a TLS proxy (X-Forwarded-Proto: https, with
DJANGO_SECURE_PROXY_SSL_HEADER on), as in production, and accept gzip as
browsers do. Ratios, not times, are what to compare between machines.
"""

import datetime
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
MEMBERS = int(os.environ.get("BENCH_HTTP_MEMBERS", "1000"))
RUNS = int(os.environ.get("BENCH_HTTP_RUNS", "3"))
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "5"))
THREADS = os.environ.get("BENCH_HTTP_THREADS", "2")
CONNECTIONS = os.environ.get("BENCH_HTTP_CONNECTIONS", "4")
WORKERS = os.environ.get("BENCH_HTTP_WORKERS", "2")
DATABASE_URL = os.environ.get(
    "BENCH_HTTP_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/coprod_bench_http_{MEMBERS}"
)
REDIS_URL = os.environ.get("BENCH_HTTP_REDIS_URL", "redis://127.0.0.1:6379/0")
FRESH = os.environ.get("BENCH_HTTP_FRESH", "") not in ("", "0", "false")
ORGANISATION = "Scale Test Trust"
TARGETS = {"member": 3.0, "staff": 5.0}
HOST = "127.0.0.1"
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip, deflate, br"}

# Production settings for the bench only. The key and salt stay the same from
# run to run, because the reused database holds rows encrypted with them.
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "coprod.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": os.environ.get(
        "BENCH_HTTP_SECRET_KEY", "coprod-bench-http-only-secret-key-never-use-it-0123456789abcdef"
    ),
    "COPROD_ENCRYPTION_SALT": os.environ.get(
        "BENCH_HTTP_ENCRYPTION_SALT", "coprod-bench-http-only-salt-never-use-it"
    ),
    "DJANGO_ALLOWED_HOSTS": HOST,
    "DJANGO_SECURE_PROXY_SSL_HEADER": "true",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "COPROD_VAR_DIR": str(BASE_DIR / "var" / "bench-http"),
}


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


FLOOR_DATABASE_URL = with_database(DATABASE_URL, urlsplit(DATABASE_URL).path.lstrip("/") + "_floor")


@dataclass
class Page:
    name: str
    role: str  # who asks for it: a key of the sessions dict
    kind: str  # "member" or "staff": which target applies
    path: str


@dataclass
class Run:
    requests_per_second: float
    requests: int
    p50_ms: float
    bytes_per_request: float
    errors: int


# --- The databases -------------------------------------------------------------


def ensure_database(url: str, *, fresh: bool) -> bool:
    """Create the database `url` names if it is missing (dropped first if fresh); True if new."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            if fresh:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    finally:
        admin.close()


def prepare_coprod():
    """Migrate, seed (once), collect static files; return the sessions and the pages."""
    import django

    os.environ.update(PRODUCTION_ENV)
    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from coprod.accounts.models import Organisation

    ensure_database(DATABASE_URL, fresh=FRESH)
    call_command("migrate", verbosity=0, interactive=False)
    org = Organisation.objects.filter(name=ORGANISATION).first()
    if org is None:
        started = time.monotonic()
        call_command("seed_scale", members=MEMBERS, organisation=ORGANISATION, verbosity=0)
        print(f"Seeded {MEMBERS} members in {time.monotonic() - started:.0f} s.", flush=True)
        org = Organisation.objects.get(name=ORGANISATION)
    seeded = org.participants.count()
    if seeded < MEMBERS:
        sys.exit(
            f"{urlsplit(DATABASE_URL).path.lstrip('/')} holds {seeded} members, not {MEMBERS}. "
            "Set BENCH_HTTP_FRESH=1 to seed it again, or name another BENCH_HTTP_DATABASE_URL."
        )
    sessions, pages = people_and_pages(org)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    call_command("collectstatic", verbosity=0, interactive=False)
    return seeded, sessions, pages


def people_and_pages(org):
    """The bench's people in the scale organisation (made once), logged in; and the pages."""
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from coprod.accounts.models import StaffMembership, StaffRole, User
    from coprod.reports.models import FunderGrant
    from participants.models import ProjectMembership
    from projects.models import Invitee, Meeting
    from projects.services import project_coordinators_set
    from tests.bench_floor.sessions import login_session

    project = org.projects.order_by("pk").first()
    with transaction.atomic():

        def person(role):
            user, _ = User.objects.get_or_create(
                email=f"bench-{role}@bench-http.test", defaults={"display_name": f"Bench {role}"}
            )
            return user

        coordinator, finance, funder, member = (
            person(role) for role in ("coordinator", "finance", "funder", "member")
        )
        for user, role in ((coordinator, StaffRole.COORDINATOR), (finance, StaffRole.FINANCE)):
            StaffMembership.objects.get_or_create(user=user, organisation=org, role=role)
        if not project.coordinators.filter(pk=coordinator.pk).exists():
            project_coordinators_set(
                project=project,
                by=coordinator,
                coordinators=[*project.coordinators.all(), coordinator],
            )
        expires = timezone.localdate() + datetime.timedelta(days=365)
        for each in org.projects.all():
            FunderGrant.objects.update_or_create(
                project=each, user=funder, defaults={"expires_on": expires, "revoked_at": None}
            )
        # The member: a plain member of the project, who gets a login.
        if not member.participant_profiles.exists():
            place = (
                ProjectMembership.objects.filter(
                    project=project,
                    status=ProjectMembership.Status.ACTIVE,
                    participant__user__isnull=True,
                )
                .order_by("pk")
                .first()
            )
            place.participant.user = member
            place.participant.save(update_fields=["user"])
        # seed_scale's meetings are all past: give the project its next one, as
        # members mostly look at the meeting that is coming.
        now = timezone.now()
        meeting = project.meetings.filter(status="scheduled", starts_at__gt=now).first()
        if meeting is None:
            starts = (now + datetime.timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
            meeting = Meeting.objects.create(
                project=project,
                title="Next meeting",
                purpose="Agree the questions for the survey.",
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
                papers_ready_at=starts - datetime.timedelta(days=7),
            )
            Invitee.objects.bulk_create(
                Invitee(meeting=meeting, participant_id=participant_id)
                for participant_id in project.memberships.filter(
                    status=ProjectMembership.Status.ACTIVE
                ).values_list("participant_id", flat=True)
            )

    backend = "coprod.accounts.backends.LoginBackend"  # how Coprod logs people in
    sessions = {
        role: login_session(user, backend=backend)
        for role, user in (
            ("member", member),
            ("coordinator", coordinator),
            ("finance", finance),
            ("funder", funder),
        )
    }
    detail = reverse("projects:detail", kwargs={"pk": project.pk})
    pages = [
        Page("my next things (/me/)", "member", "member", reverse("participants:home")),
        Page("project page", "member", "member", detail),
        Page(
            "meeting page",
            "member",
            "member",
            reverse("projects:meeting", kwargs={"pk": project.pk, "meeting_pk": meeting.pk}),
        ),
        Page("dashboard", "coordinator", "staff", reverse("accounts:dashboard")),
        Page("people list", "coordinator", "staff", reverse("participants:people")),
        Page("project page", "coordinator", "staff", detail),
        Page("finance queue", "finance", "staff", reverse("payments:queue")),
        Page("portfolio", "funder", "staff", reverse("reports:list")),
        Page(
            "project report",
            "funder",
            "staff",
            reverse("reports:project", kwargs={"pk": project.pk}),
        ),
    ]
    return sessions, pages


def prepare_floor() -> str:
    """Create and migrate the floor's database; return its logged-in session key."""
    ensure_database(FLOOR_DATABASE_URL, fresh=FRESH)
    out = subprocess.run(
        [sys.executable, "-m", "tests.bench_floor.prepare"],
        cwd=BASE_DIR,
        env=server_env("tests.bench_floor.settings"),
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


# --- The servers ---------------------------------------------------------------


def server_env(settings_module: str) -> dict[str, str]:
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": settings_module}
    env["BENCH_FLOOR_DATABASE_URL"] = FLOOR_DATABASE_URL
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Servers:
    """The gunicorns the bench starts; every one is stopped, with its workers, on exit."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.processes: list[subprocess.Popen] = []

    def start(self, name: str, wsgi: str, settings_module: str) -> int:
        port = free_port()
        log = (self.logs / f"{name}.log").open("w")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            wsgi,
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            WORKERS,
        ]
        self.processes.append(
            subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=server_env(settings_module),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        return port

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes = []


def get(port: int, path: str, session: str) -> tuple[int, bytes]:
    connection = HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", path, headers={**HEADERS, "Cookie": f"sessionid={session}"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_up(port: int, path: str, session: str, log: Path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            get(port, path, session)
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"The server on port {port} did not answer in 60 s; see {log}:\n{log.read_text()}")


# --- wrk -----------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
SIZES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


def parse_wrk(output: str) -> Run:
    """Requests per second, median latency, bytes per response and errors from `wrk --latency`."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    median = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    value, unit = median.groups() if median else ("nan", "ms")
    amount, size = re.search(r"Transfer/sec:\s+([\d.]+)(B|KB|MB|GB)", output).groups()
    errors = 0
    if found := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        errors += int(found.group(1))
    if found := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in found.groups())
    return Run(
        requests_per_second=rps,
        requests=requests,
        p50_ms=float(value) * UNITS[unit],
        bytes_per_request=float(amount) * SIZES[size] / rps if rps else 0.0,
        errors=errors,
    )


def wrk(port: int, path: str, session: str, seconds: int = SECONDS) -> Run:
    # wrk leaves out of its counts a request slower than --timeout (2 s by default).
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "60s"]
    command.append("--latency")
    for name, value in {**HEADERS, "Cookie": f"sessionid={session}"}.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}{path}")
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return parse_wrk(out.stdout)


@dataclass
class Result:
    page: Page
    floor: list[Run]
    runs: list[Run]

    @property
    def floor_rps(self) -> float:
        return statistics.median(r.requests_per_second for r in self.floor)

    @property
    def page_rps(self) -> float:
        return statistics.median(r.requests_per_second for r in self.runs)

    @property
    def ratio(self) -> float:
        return self.floor_rps / self.page_rps if self.page_rps else float("inf")

    @property
    def target(self) -> float:
        return TARGETS[self.page.kind]

    @property
    def passed(self) -> bool:
        return self.ratio <= self.target and not any(r.errors for r in self.runs)


def table(results: list[Result]) -> str:
    lines = [
        f"{'page':<22} {'as':<12} {'floor r/s':>9} {'page r/s':>9} {'ratio':>6} "
        f"{'target':>6} {'result':<6} {'p50 ms':>7} {'KB':>6} {'requests':>8}"
    ]
    for r in results:
        lines.append(
            f"{r.page.name:<22} {r.page.role:<12} {r.floor_rps:>9.1f} {r.page_rps:>9.1f} "
            f"{r.ratio:>5.1f}x {r.target:>5.0f}x {'pass' if r.passed else 'FAIL':<6} "
            f"{statistics.median(x.p50_ms for x in r.runs):>7.1f} "
            f"{statistics.median(x.bytes_per_request for x in r.runs) / 1024:>6.1f} "
            f"{statistics.median(x.requests for x in r.runs):>8.0f}"
        )
    return "\n".join(lines)


def main():
    if shutil.which("wrk") is None:
        sys.exit("make bench-http needs wrk: apt-get install -y wrk (make wrk does it as root).")
    # Stop the servers on Ctrl-C and on kill, as on a normal end.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    members, sessions, pages = prepare_coprod()
    floor_session = prepare_floor()
    logs = Path(tempfile.mkdtemp(prefix="coprod-bench-http-"))
    servers = Servers(logs)
    try:
        app_port = servers.start("coprod", "coprod.wsgi", "coprod.settings")
        floor_port = servers.start("floor", "tests.bench_floor.wsgi", "tests.bench_floor.settings")
        wait_until_up(app_port, "/healthz", "", logs / "coprod.log")
        wait_until_up(floor_port, "/", floor_session, logs / "floor.log")
        status, _ = get(floor_port, "/", floor_session)
        if status != 200:
            sys.exit(f"The floor answered {status}, not 200; see {logs / 'floor.log'}")
        # A request still running when wrk stops is not counted: a slow page gets
        # a longer run, for about 10 answers or more (up to 2 minutes). Under wrk
        # each answer also waits its turn: CONNECTIONS requests share WORKERS.
        seconds = {}
        for page in pages:
            started = time.monotonic()
            status, _ = get(app_port, page.path, sessions[page.role])
            took = time.monotonic() - started
            queued = max(1.0, int(CONNECTIONS) / int(WORKERS))
            seconds[page.path, page.role] = max(SECONDS, min(120, math.ceil(6 * took * queued)))
            if status != 200:
                sys.exit(
                    f"{page.path} as {page.role} answered {status}, not 200; "
                    f"see {logs / 'coprod.log'}"
                )
        print(
            f"coprod bench-http: {members} members (seed_scale), gunicorn {WORKERS} workers "
            f"each for Coprod and the floor, wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s "
            "(longer for a slow page), "
            f"floor and page alternated, medians of {RUNS}",
            flush=True,
        )
        wrk(floor_port, "/", floor_session, seconds=2)  # warm both up
        results = []
        for page in pages:
            wrk(app_port, page.path, sessions[page.role], seconds=1)
            floor_runs, page_runs = [], []
            for _ in range(RUNS):
                floor_runs.append(wrk(floor_port, "/", floor_session))
                page_runs.append(
                    wrk(app_port, page.path, sessions[page.role], seconds[page.path, page.role])
                )
            result = Result(page, floor_runs, page_runs)
            results.append(result)
            print(
                f"  {page.name} as {page.role}: {result.ratio:.1f}x the floor "
                f"({result.page_rps:.1f} against {result.floor_rps:.1f} requests/s)",
                flush=True,
            )
        print()
        print(table(results))
        failed = [r for r in results if not r.passed]
        errors = sum(x.errors for r in results for x in r.runs)
        print(
            f"\n{len(results) - len(failed)} of {len(results)} pages within target"
            + (f"; {errors} requests failed (see {logs})" if errors else "")
        )
    finally:
        servers.stop()
    if not errors:
        shutil.rmtree(logs, ignore_errors=True)


if __name__ == "__main__":
    main()
