import os
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from coprod.accounts.models import StaffRole
from participants.invitations import invitation_create, participant_add_on_behalf
from projects.services import value_agree, value_propose
from tests.factories import (
    FunderGrantFactory,
    OrganisationFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    StaffMembershipFactory,
    UserFactory,
    reseed_test_data,
)
from tests.shared_world import SharedWorld, can_share

# The roles every permission test speaks of. "coordinator", "finance" and
# "admin" work for organisation A; "other_coordinator" for organisation B;
# "member" is in A's project; "funder" may read its reports; "no_role" has a
# login and nothing else (a funder whose grant ended, say); "co_lead" is a
# member the group made co-lead of A's project. Two more are there for the
# object-level rules, each a second person of a role who must not see what
# belongs to the first: "other_member" is another plain member of A's project
# (Jo's own pages, money and data are not theirs), and "unnamed_coordinator"
# coordinates organisation A but is not named on the project (private notes,
# meeting needs and data exports are for the named coordinators).
ROLES = (
    "anonymous",
    "member",
    "coordinator",
    "other_coordinator",
    "finance",
    "admin",
    "funder",
    "no_role",
    "co_lead",
    "other_member",
    "unnamed_coordinator",
)


def is_browser_test(item: pytest.Item) -> bool:
    return "tests/browser/" in item.nodeid


def written_order(item: pytest.Item) -> tuple:
    """Where a test stands in the files: module, line, then its place in a parametrize list."""
    callspec = getattr(item, "callspec", None)
    params = tuple(sorted(callspec.indices.items())) if callspec else ()
    return (str(item.path), item.location[1] or 0, params)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything under tests/browser/ (it drives Chromium) for make test-fast to leave
    out, and run it last, together, in the order it is written.

    pytest-randomly shuffles modules, and pytest-django then puts the tests that use
    no database (the browser tests among them) last, mixed with other such modules.
    The browser package shares one live server and one world across its tests (see
    tests/browser/conftest.py): split up, it would be torn down and built again,
    and its journeys are written to follow one another.
    """
    browser = []
    for item in items:
        if is_browser_test(item):
            item.add_marker(pytest.mark.browser)
            browser.append(item)
    if browser:
        items[:] = [item for item in items if not is_browser_test(item)]
        items.extend(sorted(browser, key=written_order))


def pytest_configure(config):
    """In CI the real services are required: refuse to run on the embedded defaults."""
    if os.environ.get("COPROD_REQUIRE_SERVICES") != "1":
        return
    missing = []
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        missing.append("DATABASE_URL must point at PostgreSQL")
    if not os.environ.get("REDIS_URL", "").startswith("redis://"):
        missing.append("REDIS_URL must point at Redis")
    if missing:
        pytest.exit("COPROD_REQUIRE_SERVICES=1 but " + "; ".join(missing), returncode=3)


@pytest.fixture(autouse=True)
def _fixed_test_data():
    """Every test makes the same made-up names, whatever ran before it (tests/factories.py)."""
    reseed_test_data()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth's rate limits count in the cache; every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


# Data migrations that seed reference rows; their seed functions are idempotent.
REFERENCE_DATA_MIGRATIONS = [
    "coprod.plainlanguage.migrations.0002_seed_terms",
    "participants.migrations.0007_seed_consent_wordings",
    "payments.migrations.0002_seed_facts",
    "payments.migrations.0005_fact_plain_names",
]


def reseed_reference_data():
    """Put back the rows data migrations seed, after a transactional test flushed them."""
    import importlib

    from django.apps import apps

    for module in REFERENCE_DATA_MIGRATIONS:
        importlib.import_module(module).seed(apps, None)


def restore_migrated_state() -> None:
    """Give the test database back the rows its migrations made, for code that writes to it
    outside a test's own transaction (the browser tests' live server).

    A transactional test with serialized_rollback (tests/test_services.py) ends by
    emptying the database: Django puts the rows back when the next such test starts,
    not when this one ends. The flush also leaves ContentType's cache naming rows that
    are gone, so the next Notification (it points at a content type) fails its
    foreign key.
    """
    snapshot = getattr(connection, "_test_serialized_contents", None)
    if snapshot:
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(snapshot)
    ContentType.objects.clear_cache()
    # Without a snapshot, a flush ran post_migrate (content types) but not the data migrations.
    reseed_reference_data()


def build_world():
    """Two organisations, every role, and the objects they may or may not see."""
    org = OrganisationFactory(name="Riverside Trust")
    other_org = OrganisationFactory(name="Hilltop Council")
    project = ProjectFactory(organisation=org, title="Safe Nights")
    other_project = ProjectFactory(organisation=other_org, title="Clear Letters")
    membership = ProjectMembershipFactory(project=project, participant__preferred_name="Jo")
    users = {
        "anonymous": None,
        "member": membership.participant.user,
        "coordinator": StaffMembershipFactory(organisation=org, role=StaffRole.COORDINATOR).user,
        "other_coordinator": StaffMembershipFactory(
            organisation=other_org, role=StaffRole.COORDINATOR
        ).user,
        "finance": StaffMembershipFactory(organisation=org, role=StaffRole.FINANCE).user,
        "admin": StaffMembershipFactory(organisation=org, role=StaffRole.ADMIN).user,
        "funder": FunderGrantFactory(project=project, user=UserFactory()).user,
        "no_role": UserFactory(),
        "co_lead": ProjectMembershipFactory(
            project=project, roles=["Co-lead"], participant__preferred_name="Sam"
        ).participant.user,
        "other_member": ProjectMembershipFactory(
            project=project, participant__preferred_name="Ash"
        ).participant.user,
        "unnamed_coordinator": StaffMembershipFactory(
            organisation=org, role=StaffRole.COORDINATOR
        ).user,
    }
    project.coordinators.add(users["coordinator"])
    agreed_value = value_propose(
        project=project,
        by=users["coordinator"],
        title="Nothing about us without us",
        meaning="Decisions that affect members are made with members.",
    )
    agreed_value = value_agree(
        value=agreed_value, by=users["coordinator"], agreed_on=timezone.localdate()
    )
    proposed_value = value_propose(
        project=project,
        by=users["member"],
        title="Pay people on time",
        meaning="Nobody waits more than a week for money they are owed.",
    )
    other_value = value_propose(
        project=other_project, by=users["other_coordinator"], title="Be kind", meaning="Always."
    )
    other_value = value_agree(
        value=other_value, by=users["other_coordinator"], agreed_on=timezone.localdate()
    )
    invitation, _ = invitation_create(
        organisation=org,
        by=users["coordinator"],
        preferred_name="Robin",
        email="robin@example.org",
        project=project,
    )
    offline = participant_add_on_behalf(
        organisation=org,
        by=users["coordinator"],
        preferred_name="Lou",
        phone="0161 496 0000",
        project=project,
        consented=True,
    )
    meetings = build_meetings(org, project, users, membership)
    return SimpleNamespace(
        **meetings,
        offline=offline,
        invitation=invitation,
        org=org,
        other_org=other_org,
        project=project,
        other_project=other_project,
        membership=membership,
        users=users,
        agreed_value=agreed_value,
        proposed_value=proposed_value,
        other_value=other_value,
    )


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# The start of an MP3 file (an ID3 tag), as a phone's recorder writes it.
MP3_BYTES = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64


def at_local(days_from_now: int, hour: int, minute: int = 0, zone="Europe/London"):
    """An aware moment `days_from_now` days away at a local clock time."""
    import datetime
    import zoneinfo

    day = timezone.localdate() + datetime.timedelta(days=days_from_now)
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(zone)
    )


def build_meetings(org, project, users, membership):
    """A venue, an upcoming meeting with a paper, a past one with an action, a calendar link."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from coprod.notifications.models import Notification
    from payments import services as money
    from projects.meetings import services as meetings
    from projects.promises import services as promises

    coordinator = users["coordinator"]
    venue = meetings.venue_save(
        organisation=org,
        by=coordinator,
        name="Riverside Community Hall",
        address="12 Mill Lane\nRiverside RS1 2AB",
        getting_there="Bus 42 to Mill Lane, then 2 minutes on foot, all flat.",
        step_free=True,
        accessible_toilet=True,
        hearing_loop=None,
    )
    details = {
        "title": "Planning the winter shelter",
        "purpose": "Decide what the shelter's house rules should be.",
        "format": "in_person",
        "venue": venue,
        "refreshments": "Lunch, with vegan options.",
        "travel_covered": True,
    }
    meeting = meetings.meeting_schedule(
        project=project,
        by=coordinator,
        starts_at=at_local(10, 10),
        ends_at=at_local(10, 12),
        **details,
    )
    meetings.agenda_save(
        meeting=meeting,
        by=coordinator,
        rows=[
            {"title": "Welcome and how we work", "led_by": None},
            {"title": "House rules: what would you change?", "led_by": membership.participant},
        ],
    )
    paper = meetings.paper_add(
        meeting=meeting,
        by=coordinator,
        upload=SimpleUploadedFile("house-rules.pdf", PDF_BYTES, "application/pdf"),
        title="Draft house rules",
        plain_summary="The rules the shelter uses now, for us to change.",
    )
    past_meeting = meetings.meeting_schedule(
        project=project,
        by=coordinator,
        starts_at=at_local(-7, 14),
        ends_at=at_local(-7, 16),
        now=timezone.now() - datetime.timedelta(days=30),
        **{**details, "title": "First get-together"},
    )
    action = meetings.action_add(
        meeting=past_meeting,
        by=coordinator,
        description="Ask three friends what they think of the shelter rules",
        due_on=timezone.localdate() + datetime.timedelta(days=5),
        owner_participant=membership.participant,
    )
    _, feed_token = meetings.calendar_feed_create(user=users["member"])
    contribution = promises.contribution_record(
        project=project,
        by=coordinator,
        said="Members asked for the shelter to open at 8pm, not 10pm.",
        meeting=past_meeting,
    )
    contribution = promises.contribution_respond(
        contribution=contribution,
        by=coordinator,
        response="accepted",
        promised_update_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    # A review open for answers, talked over at the past meeting.
    from projects.reviews import services as reviews

    review = reviews.review_schedule(
        project=project,
        by=coordinator,
        title="Our first review",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + datetime.timedelta(days=14),
        meeting=past_meeting,
    )
    # A message that could not be sent, for coordinators to act on.
    failed = Notification.objects.filter(project=project, channel="email").first()
    Notification.objects.filter(pk=failed.pk).update(
        status=Notification.Status.FAILED, last_error="SMTP 550: mailbox unavailable"
    )
    # Jo asked for a chat before the upcoming meeting: a task for the coordinators
    # (made directly, so the world's outbox stays as it was).
    from projects.models import SupportTask

    chat = SupportTask.objects.create(
        project=project,
        participant=membership.participant,
        meeting=meeting,
        kind=SupportTask.Kind.BRIEFING,
        due_on=timezone.localdate(),
        times="Weekday mornings",
        way=SupportTask.Way.PHONE,
    )
    # Jo told a story (kept with the group), with a recording; a coordinator
    # picked out a quote that waits for Jo's yes.
    from projects.stories import services as stories

    story = stories.story_tell(
        project=project,
        teller=membership.participant,
        by=users["member"],
        title="Finding a bed",
        words="I slept out for a month before the shelter took me in. Now I help run it.",
        upload=SimpleUploadedFile("telling.mp3", MP3_BYTES, "audio/mpeg"),
    )
    story_quote = stories.quote_add(story=story, by=coordinator, words="Now I help run it.")
    # The project's public page is up (no story on it: none was made public).
    from projects.ending import services as ending

    public_page = ending.public_page_save(
        project=project,
        by=coordinator,
        summary="Safer nights for people sleeping rough, planned with them.",
        publish=True,
    )
    # Money: Jo's time at the past meeting (a claim waiting for approval) and
    # an approved bus fare (a ledger entry finance can pay or reverse).
    meetings.attendance_record(
        meeting=past_meeting,
        by=coordinator,
        rows=[{"participant": membership.participant, "attended": True}],
    )
    claim = past_meeting.attendance.get().claims.get()
    fare = money.expense_claim_submit(
        participant=membership.participant,
        project=project,
        by=membership.participant.user,
        expense="travel",
        amount_pence=450,
        description="Bus there and back",
        work_date=timezone.localdate(),
        receipt=SimpleUploadedFile("ticket.pdf", PDF_BYTES, "application/pdf"),
    )
    fare = money.claim_approve(claim=fare, by=coordinator)
    return {
        "claim": claim,
        "fare": fare,
        "ledger_entry": fare.ledger.get(),
        "contribution": contribution,
        "failed_message": failed,
        "venue": venue,
        "meeting": meeting,
        "paper": paper,
        "past_meeting": past_meeting,
        "action": action,
        "feed_token": feed_token,
        "review": review,
        "chat": chat,
        "story": story,
        "story_quote": story_quote,
        "public_page": public_page,
        "review_question": review.questions.order_by("question__position").first().question,
    }


@pytest.fixture
def postgres_and_redis():
    """For tests that need the real services: skipped with the reason on the embedded
    defaults, failed under COPROD_REQUIRE_SERVICES=1 (CI) if either is missing."""
    from django.db import connection

    if connection.vendor == "postgresql" and os.environ.get("REDIS_URL", "").startswith("redis"):
        # An earlier transactional test's flush may have taken the seeded rows with it.
        reseed_reference_data()
        return
    reason = "needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL), as .ci/run provides"
    if os.environ.get("COPROD_REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


SHARED_WORLD = SharedWorld(build_world)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of the test: the shared world is there for it, or gone."""
    if can_share(item):
        SHARED_WORLD.open()
    else:
        SHARED_WORLD.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """After the test's own fixtures: keep the shared world only for a next test that shares it."""
    yield
    if nextitem is None or not can_share(nextitem):
        SHARED_WORLD.close()


@pytest.fixture(scope="session")
def _shared_world(django_db_setup, django_db_blocker):
    """The test database exists: from the next test on, tests may share a world.

    (tests/shared_world.py)
    """
    SHARED_WORLD.blocker = django_db_blocker
    yield SHARED_WORLD
    SHARED_WORLD.close()


@pytest.fixture
def world(request, _shared_world, db):
    if _shared_world.is_open and can_share(request.node):
        return _shared_world.world_for_a_test()
    return build_world()


@pytest.fixture
def client_for(client):
    """Return a test client logged in as the given role (anonymous: logged out)."""

    def make(world, role):
        client.logout()
        user = world.users[role]
        if user is not None:
            client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[1])
        return client

    return make


@pytest.fixture
def smtp_inbox(settings):
    """Send this test's email through a real SMTP server on localhost and return its inbox."""
    from tests.mail import start_smtp_server

    controller, inbox = start_smtp_server()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()
