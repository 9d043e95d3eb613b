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
