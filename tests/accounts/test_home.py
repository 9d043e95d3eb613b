import pytest
from django.urls import reverse

from coprod.accounts.models import StaffRole
from tests.factories import ParticipantFactory, ProjectMembershipFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "place"),
    [
        ("coordinator", "accounts:dashboard"),
        ("finance", "accounts:dashboard"),
        ("admin", "accounts:dashboard"),
        ("member", "participants:home"),
        ("funder", "reports:list"),
    ],
)
def test_home_sends_each_person_to_their_place(role, place, world, client_for):
    response = client_for(world, role).get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse(place)


def test_someone_with_no_role_is_told_what_to_do_next(world, client_for):
    response = client_for(world, "no_role").get(reverse("home"))

    assert response.status_code == 200
    assert "ask your coordinator" in response.content.decode()


def test_a_staff_member_who_is_also_a_member_sees_both_places(client):
    staff = StaffMembershipFactory(role=StaffRole.COORDINATOR)
    membership = ProjectMembershipFactory(
        participant=ParticipantFactory(user=staff.user, organisation=staff.organisation)
    )
    client.force_login(membership.participant.user)

    response = client.get(reverse("home"), follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("accounts:dashboard")
    assert f'href="{reverse("participants:home")}"' in html
    assert f'href="{reverse("accounts:dashboard")}" aria-current="page"' in html


def test_the_dashboard_lists_only_this_organisations_projects(world, client_for):
    response = client_for(world, "coordinator").get(reverse("accounts:dashboard"))

    html = response.content.decode()
    assert world.project.title in html
    assert world.other_project.title not in html
    assert "Your role at <strong>Riverside Trust</strong>: Coordinator." in html


def test_the_dashboard_costs_the_same_queries_for_3_projects_or_40(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.selectors import DASHBOARD_PROJECTS
    from tests.factories import ProjectFactory, ProjectMembershipFactory

    client = client_for(world, "coordinator")
    ProjectFactory.create_batch(2, organisation=world.org)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:dashboard"))
    for project in ProjectFactory.create_batch(37, organisation=world.org, title="A project"):
        ProjectMembershipFactory(project=project)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("accounts:dashboard"))

    # The first few are shown, with how many there are and a link to them all;
    html = response.content.decode()
    assert html.count('class="h5 mb-1"') == DASHBOARD_PROJECTS
    assert f'<a href="{reverse("projects:list")}">See all 40 projects</a>' in html
    # the coordinator's own project comes first, whatever its name.
    assert response.context["projects"][0] == world.project
    # The budget grew from 10 to 12 with the "your actions from meetings" list
    # and the "messages to act on" list, then to 16 when that list was grouped
    # by meeting with its counts (counts by project, how many groups, the
    # groups, their rows, and one query for the meetings they are about),
    # then to 17 with how many projects there are in all, and down to 12 when
    # the navigation came from the session and Django's model permissions
    # stopped being asked (issue 18); then to 14 with the chats and check-ins
    # to act on and the members' points waiting for an answer (one query each).
    assert len(many) == len(few) <= 14


def test_all_projects_come_a_page_at_a_time_for_the_same_queries(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ProjectFactory

    client = client_for(world, "coordinator")
    url = reverse("projects:list")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    ProjectFactory.create_batch(55, organisation=world.org)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    second = client.get(url, {"page": 2})

    html = response.content.decode()
    assert html.count('class="h5 mb-1"') == 50
    assert "Page 1 of 2" in html
    assert world.other_project.title not in html
    assert second.content.decode().count('class="h5 mb-1"') == 6
    assert len(many) == len(few)


def test_two_step_login_is_offered_to_staff_not_members(world, client_for):
    url = reverse("accounts:account")
    two_step = reverse("mfa_index")

    assert two_step in client_for(world, "coordinator").get(url).content.decode()
    assert two_step in client_for(world, "finance").get(url).content.decode()
    assert two_step not in client_for(world, "member").get(url).content.decode()
