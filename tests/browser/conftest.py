"""The browser layer: Debian's Chromium driven by pytest-playwright against a live server.

One live server and one set of people (tests.conftest.build_world) serve the
whole tests/browser package, so each role logs in through the real login form
once and every later test reuses that login (Playwright storage state).
pytest-django's own `live_server` fixture would flush the database after each
test and end those sessions, so this package runs its own (the same helper
class) and empties the database when the package is done.
"""

import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings, setup_databases, teardown_databases
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tests.conftest import ROLES, build_world, restore_migrated_state
from tests.factories import PASSWORD, reseed_test_data
from tests.mail import start_smtp_server

# Playwright's sync API keeps an event loop in the main thread; Django would
# otherwise refuse ORM calls from tests as if they came from async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("COPROD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36"
    ),
}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
PROFILES = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}: "
            "apt-get install -y chromium (make test does this when run as root)."
        )
    return {"executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def screenshots():
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


def uses_database(item):
    """Would pytest-django create the test database for this test? (Its own rule.)"""
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(item.get_closest_marker("django_db") or fixtures & {"db", "transactional_db"})


@pytest.fixture(scope="package")
def site(request, django_db_setup, django_db_blocker):
    """A live Coprod with every role's people in it, and a real SMTP inbox."""
    # pytest-django creates the test database only when a collected test asks
    # for one; run on their own, the browser tests must create it themselves.
    own_database = None
    if not any(uses_database(item) for item in request.session.items):
        with django_db_blocker.unblock():
            own_database = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    controller, inbox = start_smtp_server()
    mail = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=controller.hostname,
        EMAIL_PORT=controller.port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
    )
    with django_db_blocker.unblock():
        # A transactional test that ran earlier may have emptied the database.
        restore_migrated_state()
        # Snapshot what is here now, and put it back after the flush below.
        seeded = connection.creation.serialize_db_to_string()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        links = override_settings(COPROD_BASE_URL=server.url)  # links in emails
        links.enable()
        mail.enable()
        try:
            reseed_test_data()  # the same people whatever ran before
            world = build_world()
            yield SimpleNamespace(url=server.url, world=world, inbox=inbox)
        finally:
            mail.disable()
            links.disable()
            server._live_server_modified_settings.disable()
            server.stop()
            controller.stop()
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(seeded)
            if own_database:
                teardown_databases(own_database, verbosity=0)


def log_in_through_the_form(page, base_url, email, password=PASSWORD):
    """Log in the way a person does: the login page, two labelled fields, one button."""
    page.goto(f"{base_url}/account/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(f"{base_url}/account/login/")


@pytest.fixture(scope="package")
def logins(site, browser, tmp_path_factory):
    """Each role's storage state, made by logging in through the real form, once."""
    folder = tmp_path_factory.mktemp("logins")
    states = {}

    def state_for(role):
        if role == "anonymous":
            return None
        if role not in states:
            context = browser.new_context(**DESKTOP)
            page = context.new_page()
            log_in_through_the_form(page, site.url, site.world.users[role].email)
            states[role] = str(folder / f"{role}.json")
            context.storage_state(path=states[role])
            context.close()
        return states[role]

    return state_for


@pytest.fixture
def open_as(browser, logins):
    """Return a function that opens a new page as a role, on a phone or a desktop."""
    contexts = []

    def open_page(role, device="desktop"):
        assert role in ROLES, role
        context = browser.new_context(**PROFILES[device], storage_state=logins(role))
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
