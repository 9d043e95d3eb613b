import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coprod.accounts.models import StaffRole
from participants import services
from participants.models import AssetTag, Participant, ProjectMembership
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


def _people_in(world, count, *, skill, co_lead):
    """`count` more people in Safe Nights who match every filter."""
    places = ProjectMembershipFactory.create_batch(count, project=world.project)
    for place in places:
        place.roles.add(co_lead)
        place.participant.assets.add(skill)
    Participant.objects.filter(pk__in=[p.participant_id for p in places]).update(large_print=True)


@pytest.mark.parametrize("which", ["none", "project", "status", "role", "skill", "needs_only"])
def test_each_filter_costs_the_same_queries_for_5_or_80_people_and_never_sorts_distinct(
    world, client_for, which
):
    # Given people who all match the filter
    client = client_for(world, "coordinator")
    co_lead = world.org.project_roles.get(name="Co-lead")
    skill = AssetTag.objects.create(organisation=world.org, kind="skill", name="Art")
    query = {
        "none": {},
        "project": {"project": world.project.pk},
        "status": {"status": "active"},
        "role": {"role": co_lead.pk},
        "skill": {"skill": skill.pk},
        "needs_only": {"needs_only": "on"},
    }[which]

    def get():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, query)
        assert response.status_code == 200
        return response, queries

    _people_in(world, 5, skill=skill, co_lead=co_lead)
    _, few_queries = get()
    _people_in(world, 75, skill=skill, co_lead=co_lead)
    many, many_queries = get()

    # Then the page costs the same, one page of 50 is shown of everyone who matches
    assert many.context["page"].paginator.count >= 80
    assert len(many.context["page"].object_list) == 50
    assert len(many_queries) == len(few_queries)
    # and no query makes the database sort every matching row to drop duplicates.
    assert not [q["sql"] for q in many_queries if "DISTINCT" in q["sql"].upper()]


def test_someone_in_two_matching_projects_is_listed_once_for_every_filter(world, client_for):
    # Given Jo is a co-lead in two projects, with a skill and a need to act on
    client = client_for(world, "coordinator")
    co_lead = world.org.project_roles.get(name="Co-lead")
    second = ProjectFactory(organisation=world.org, title="Warm Welcome")
    second.coordinators.add(world.users["coordinator"])
    jo = world.membership.participant
    world.membership.roles.add(co_lead)
    ProjectMembershipFactory(project=second, participant=jo, roles=["Co-lead"])
    skill = AssetTag.objects.create(organisation=world.org, kind="skill", name="Art")
    jo.assets.add(skill)
    Participant.objects.filter(pk=jo.pk).update(large_print=True)

    # Then every filter lists Jo once, and counts Jo once
    for query, expected in [
        ({}, ["Ash", "Jo", "Lou", "Robin", "Sam"]),
        ({"project": world.project.pk}, ["Ash", "Jo", "Lou", "Robin", "Sam"]),
        ({"project": second.pk}, ["Jo"]),
        ({"status": "active"}, ["Ash", "Jo", "Lou", "Sam"]),
        ({"role": co_lead.pk}, ["Jo", "Sam"]),
        ({"skill": skill.pk}, ["Jo"]),
        ({"needs_only": "on"}, ["Jo"]),
        ({"project": second.pk, "role": co_lead.pk, "status": "active"}, ["Jo"]),
    ]:
        response = client.get(URL, query)
        assert names(response) == expected, query
        assert response.context["page"].paginator.count == len(expected), query
    # and both of Jo's places are shown on Jo's one line.
    html = client.get(URL, {"role": co_lead.pk}).content.decode()
    assert html.count("Safe Nights (active, co-lead) · Warm Welcome (active, co-lead)") == 1


def test_filters_on_places_match_any_of_the_persons_places_as_before(world, client_for):
    # Jo is on a break from one project and active in another: "Warm Welcome"
    # and "on a break" together still find Jo (each filter looks at any place).
    client = client_for(world, "coordinator")
    second = ProjectFactory(organisation=world.org, title="Warm Welcome")
    jo = world.membership.participant
    ProjectMembershipFactory(project=second, participant=jo)
    ProjectMembership.objects.filter(pk=world.membership.pk).update(status="on_break")

    assert names(client.get(URL, {"project": second.pk, "status": "on_break"})) == ["Jo"]


def test_the_list_reads_no_private_column(world, client_for):
    # Issue 18: a list of names never loads (and so never decrypts) people's
    # needs, notes or contact details; each row's links and places need no
    # further query.
    with CaptureQueriesContext(connection) as queries:
        response = client_for(world, "coordinator").get(URL)
    sql = " ".join(query["sql"] for query in queries)

    assert response.status_code == 200
    for column in ("access_needs", "wellbeing_notes", "support_contact", "phone", "email"):
        assert f'"participants_participant"."{column}"' not in sql
    assert "Safe Nights (active" in response.content.decode()
