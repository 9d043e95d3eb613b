"""What every page costs before the view's own work, and the navigation that stays right.

Issue 18: at most 3 queries before the view's own work. The session and the
login are 2; the navigation's places come from the session, and Django's
model permissions are asked only for the admin site's staff.
"""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coprod.accounts.models import StaffRole
from participants.data_rights import participant_erase
from tests.factories import (
    FunderGrantFactory,
    ParticipantFactory,
    StaffMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["member", "co_lead", "coordinator", "finance", "admin", "funder"]
DASHBOARD = reverse("accounts:dashboard")
MEMBER_HOME = reverse("participants:home")
REPORTS = reverse("reports:list")


def queries_for(client, url):
    # The first page after logging in: the navigation was worked out at login.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in queries.captured_queries], response


def nav_links(response):
    html = response.content.decode()
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
    return {url for url in (DASHBOARD, MEMBER_HOME, REPORTS) if f'href="{url}"' in nav}


@pytest.mark.parametrize("role", ROLES)
def test_a_small_page_costs_the_session_the_login_and_its_own_query(role, world, client_for):
    # "Your account" itself asks one thing: whether to offer two-step login
    # (staff roles, one query). Everything else is the fixed cost: 2 queries.
    queries, response = queries_for(client_for(world, role), reverse("accounts:account"))

    assert len(queries) <= 3, "\n".join(queries)
    assert nav_links(response)  # the navigation is there, from the session


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("member", MEMBER_HOME),
        ("co_lead", MEMBER_HOME),
        ("coordinator", DASHBOARD),
        ("finance", DASHBOARD),
        ("admin", DASHBOARD),
        ("funder", REPORTS),
    ],
)
def test_no_page_asks_django_for_model_permissions(role, url, world, client_for):
    # Coprod's permissions are rules; the dashboard asks for permissions a
    # coordinator does not have (finance), which Django's model backend used
    # to answer with two queries.
    queries, _ = queries_for(client_for(world, role), url)

    assert not [sql for sql in queries if "auth_permission" in sql]


@pytest.mark.parametrize(
    ("role", "places"),
    [
        ("member", {MEMBER_HOME}),
        ("coordinator", {DASHBOARD, REPORTS}),
        ("finance", {DASHBOARD, REPORTS}),
        ("funder", {REPORTS}),
    ],
)
def test_each_role_sees_its_own_places(role, places, world, client_for):
    _, response = queries_for(client_for(world, role), reverse("accounts:account"))

    assert nav_links(response) == places


def test_a_revoked_staff_role_leaves_the_navigation_on_the_next_page(world, client_for):
    client = client_for(world, "finance")
    url = reverse("accounts:account")
    assert DASHBOARD in nav_links(client.get(url))

    # As the admin site's inline does: the row is deleted.
    world.users["finance"].staff_memberships.all().delete()

    assert nav_links(client.get(url)) == set()


def test_a_new_staff_role_joins_the_navigation_on_the_next_page(world, client_for):
    client = client_for(world, "member")
    url = reverse("accounts:account")
    assert nav_links(client.get(url)) == {MEMBER_HOME}

    StaffMembershipFactory(user=world.users["member"], organisation=world.org)

    assert nav_links(client.get(url)) == {DASHBOARD, MEMBER_HOME, REPORTS}


def test_a_first_funder_grant_joins_the_navigation_on_the_next_page(world, client_for):
    client = client_for(world, "no_role")
    url = reverse("accounts:account")
    assert nav_links(client.get(url)) == set()

    FunderGrantFactory(project=world.project, user=world.users["no_role"])

    assert nav_links(client.get(url)) == {REPORTS}


def test_an_erased_member_profile_leaves_the_navigation_of_a_login_that_stays(world, client):
    # Erasure unlinks the profile with update(), which no model signal sees.
    staff = StaffMembershipFactory(organisation=world.other_org, role=StaffRole.FINANCE).user
    profile = ParticipantFactory(user=staff, organisation=world.org)
    client.force_login(staff)
    url = reverse("accounts:account")
    assert MEMBER_HOME in nav_links(client.get(url))

    participant_erase(participant=profile, by=None)

    assert nav_links(client.get(url)) == {DASHBOARD, REPORTS}


def test_the_admin_sites_staff_keep_their_model_permissions(world):
    group = Group.objects.create(name="Helpdesk")
    group.permissions.add(Permission.objects.get(codename="view_user"))
    helpdesk = UserFactory(is_staff=True)
    helpdesk.groups.add(group)
    member = world.users["member"]
    member.groups.add(group)

    assert helpdesk.has_perm("accounts.view_user")
    assert helpdesk.has_module_perms("accounts")
    # Without is_staff the admin site is closed anyway: no model permission, no query.
    with CaptureQueriesContext(connection) as queries:
        assert not member.has_perm("accounts.view_user")
    assert len(queries) == 0


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("allauth.account.auth_backends.AuthenticationBackend", "LoginBackend"),
        ("django.contrib.auth.backends.ModelBackend", "AdminSitePermissionBackend"),
    ],
)
def test_someone_logged_in_before_the_backends_were_renamed_stays_logged_in(
    world, client, old, new
):
    client.force_login(world.users["member"], backend="coprod.accounts.backends.LoginBackend")
    session = client.session
    session[BACKEND_SESSION_KEY] = old  # as a session from before issue 18 holds it
    session.save()

    response = client.get(MEMBER_HOME)

    assert response.status_code == 200
    assert response.context["user"] == world.users["member"]
    assert client.session[BACKEND_SESSION_KEY] == f"coprod.accounts.backends.{new}"


def test_a_site_that_keeps_django_s_own_backend_keeps_its_sessions(world, settings):
    # tests/bench_floor runs this middleware with Django's ModelBackend only.
    from django.test import Client

    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    client = Client()
    client.force_login(world.users["member"], backend="django.contrib.auth.backends.ModelBackend")

    client.get(MEMBER_HOME)

    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
