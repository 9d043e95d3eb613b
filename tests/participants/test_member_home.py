import pytest
from django.urls import reverse

from tests.factories import ProjectFactory, ProjectMembershipFactory

pytestmark = pytest.mark.django_db


def test_a_member_sees_their_projects_and_can_rejoin_ones_they_left(world, client_for):
    participant = world.membership.participant
    ProjectMembershipFactory(
        participant=participant,
        project=ProjectFactory(organisation=world.org, title="Old Project"),
        status="left",
    )
    ProjectMembershipFactory(
        participant=participant,
        project=ProjectFactory(organisation=world.org, title="Resting Project"),
        status="on_break",
    )

    html = client_for(world, "member").get(reverse("participants:home")).content.decode()

    assert f"Hello, {participant.preferred_name}" in html
    assert "Safe Nights" in html
    assert "Resting Project" in html
    assert "You are taking a break" in html
    assert "I am ready to come back" in html
    assert "Old Project" in html
    assert "Rejoin" in html


def test_the_member_home_costs_the_same_queries_for_few_meetings_or_many(world, client_for):
    # Issue 18: the session and the login (2), the page's permission and the
    # person's profiles (2), the next meeting with the person's invitation (1),
    # its agenda and papers (2), their actions and their projects (2).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.meetings.services import meeting_schedule
    from tests.conftest import at_local

    client = client_for(world, "member")
    url = reverse("participants:home")

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    few, _ = count()
    for number in range(6):
        project = ProjectFactory(organisation=world.org, title=f"Project {number}")
        ProjectMembershipFactory(participant=world.membership.participant, project=project)
        for days in (20, 30):
            meeting_schedule(
                project=project,
                by=world.users["coordinator"],
                starts_at=at_local(days + number, 10),
                ends_at=at_local(days + number, 12),
                title=f"Later meeting {number}",
                purpose="Catch up.",
                format="online",
                online_link="https://meet.example.org/room",
            )
    many, html = count()

    # 11: with the reviews open for answers and the recent meetings to say
    # how they felt about ("Have your say"), one query each.
    assert many == few <= 11
    # The soonest meeting is still the one on the card, with its agenda and papers.
    assert "Planning the winter shelter" in html
    assert "House rules: what would you change?" in html
    assert "Draft house rules" in html
    assert "Project 5" in html


def test_the_member_home_projects_read_only_the_columns_the_page_shows(world):
    # Issue 18: the projects list selected every column of the person and the
    # project (encrypted ones too); the page shows the project's title and
    # organisation, and the member's status on it.
    from participants.selectors import memberships_for_member_home

    memberships = memberships_for_member_home(world.membership.participant.user)
    sql = str(memberships.query)

    assert '"participants_participant"."preferred_name"' not in sql
    assert '"projects_project"."title"' in sql
    assert [m.project.title for m in memberships] == [world.membership.project.title]
