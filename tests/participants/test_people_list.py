import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coprod.accounts.models import StaffRole
from participants import services
from tests.factories import ProjectFactory, ProjectMembershipFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db
URL = reverse("participants:people")


def names(response):
    return [p.preferred_name for p in response.context["page"].object_list]


def test_a_coordinator_sees_their_organisations_people_only(world, client_for):
    response = client_for(world, "coordinator").get(URL)
    assert sorted(names(response)) == ["Ash", "Jo", "Lou", "Robin", "Sam"]
    assert "Clear Letters" not in response.content.decode()


def test_filters_by_status_role_and_skill(world, client_for):
    client = client_for(world, "coordinator")
    co_lead = world.org.project_roles.get(name="Co-lead")
    assert names(client.get(URL, {"role": co_lead.pk})) == ["Sam"]
    assert names(client.get(URL, {"status": "invited"})) == ["Robin"]
    services.assets_update(
        participant=world.membership.participant, by=None, tags=[], new_tags={"skill": "Art"}
    )
    skill = world.membership.participant.assets.get()
    assert names(client.get(URL, {"skill": skill.pk})) == ["Jo"]


def test_the_needs_filter_never_reveals_people_outside_my_projects(world, client_for):
    services.profile_update_communication(
        participant=world.membership.participant, by=None, large_print=True
    )
    assert names(client_for(world, "coordinator").get(URL, {"needs_only": "on"})) == ["Jo"]
    # The admin and the unnamed coordinator coordinate no project: nobody, not Jo.
    assert names(client_for(world, "admin").get(URL, {"needs_only": "on"})) == []
    assert names(client_for(world, "unnamed_coordinator").get(URL, {"needs_only": "on"})) == []


def test_the_list_costs_the_same_queries_for_few_or_many_people(world, client_for):
    client = client_for(world, "coordinator")
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(3):
        project = ProjectFactory(organisation=world.org)
        ProjectMembershipFactory.create_batch(5, project=project)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.context["page"].paginator.count == 20
    assert len(many) == len(few)


def test_another_organisations_coordinator_sees_none_of_them(world, client_for):
    StaffMembershipFactory(
        user=world.users["other_coordinator"], organisation=world.other_org, role=StaffRole.ADMIN
    )
    response = client_for(world, "other_coordinator").get(URL)
    assert "Jo" not in names(response)
