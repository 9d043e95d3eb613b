import pytest
from django.urls import reverse

from projects.models import Project
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_creates_a_project_in_their_organisation(world, client_for):
    client = client_for(world, "coordinator")

    response = client.post(
        reverse("projects:create"),
        {
            "organisation": world.org.pk,
            "title": "Open Doors",
            "summary": "Why we meet.",
            "status": "planning",
            "start_date": "2027-01-10",
        },
    )

    project = Project.objects.get(title="Open Doors")
    # The next small step: say what the project is for.
    assert response["Location"] == reverse("projects:edit_purpose", kwargs={"pk": project.pk})
    assert project.organisation == world.org
    assert str(project.start_date) == "2027-01-10"


def test_a_coordinator_cannot_create_a_project_in_someone_elses_organisation(world, client_for):
    client = client_for(world, "coordinator")

    response = client.post(
        reverse("projects:create"),
        {
            "organisation": world.other_org.pk,
            "title": "Sneaky",
            "summary": "No.",
            "status": "planning",
        },
    )

    assert response.status_code == 200
    assert not Project.objects.filter(title="Sneaky").exists()
    assert 'class="error-summary"' in response.content.decode()


def test_a_coordinator_of_two_organisations_chooses_which(world, client_for):
    StaffMembershipFactory(user=world.users["coordinator"], organisation=world.other_org)
    client = client_for(world, "coordinator")

    html = client.get(reverse("projects:create")).content.decode()

    assert '<select name="organisation"' in html
    assert world.other_org.name in html


def test_the_error_summary_links_to_each_field_with_a_problem(world, client_for):
    client = client_for(world, "coordinator")

    response = client.post(
        reverse("projects:update", kwargs={"pk": world.project.pk}), {"title": "", "summary": ""}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_title"' in html
    assert 'href="#id_summary"' in html
    assert html.index("error-summary") < html.index('id="id_title"')
    world.project.refresh_from_db()
    assert world.project.title == "Safe Nights"


def test_a_coordinator_edits_the_project(world, client_for):
    client = client_for(world, "coordinator")

    client.post(
        reverse("projects:update", kwargs={"pk": world.project.pk}),
        {
            "title": "Safe Nights, together",
            "summary": "New words.",
            "status": "active",
            "coordinators": [world.users["coordinator"].pk],
        },
    )

    world.project.refresh_from_db()
    assert (world.project.title, world.project.summary) == ("Safe Nights, together", "New words.")


def test_the_edit_link_shows_only_to_those_who_may_edit(world, client_for):
    url = reverse("projects:detail", kwargs={"pk": world.project.pk})
    edit = reverse("projects:update", kwargs={"pk": world.project.pk})

    assert edit in client_for(world, "coordinator").get(url).content.decode()
    assert edit not in client_for(world, "member").get(url).content.decode()
    assert edit not in client_for(world, "finance").get(url).content.decode()


def test_the_project_page_costs_the_same_queries_for_few_people_or_many(world, client_for):
    # Each person's roles are listed beside their name: one query for all of
    # them, not one per person.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ProjectMembershipFactory

    client = client_for(world, "coordinator")
    url = world.project.get_absolute_url()

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response

    ProjectMembershipFactory.create_batch(2, project=world.project, roles=["Co-lead"])
    few, _ = count()
    ProjectMembershipFactory.create_batch(20, project=world.project, roles=["Co-lead", "Member"])
    many, response = count()

    assert many == few
    assert response.content.decode().count(": Active, Co-lead</li>") >= 22


def test_the_staff_list_of_people_reads_only_what_it_shows(world):
    # Issue 18: the list is read for every person in the project, so it
    # leaves their contact details and profile in the database.
    from participants.selectors import memberships_for_staff
    from tests.factories import ProjectMembershipFactory

    ProjectMembershipFactory.create_batch(2, project=world.project, roles=["Co-lead"])
    people = list(memberships_for_staff(world.project))

    assert people
    for membership in people:
        assert {"email", "phone", "postal_address", "full_name"} <= (
            membership.participant.get_deferred_fields()
        )
        assert membership.participant.preferred_name
    assert any(membership.role_names() == ["Co-lead"] for membership in people)


def test_the_project_page_links_and_checks_each_person_without_work_per_row(world, client_for):
    # Issue 18: the people list and "People we cannot reach" link every
    # person, and offer to act for those who do not log in. The work per
    # request (queries, URL reversals, permission checks) stays the same
    # however many people there are.
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls.resolvers import URLResolver
    from rules.permissions import ObjectPermissionBackend

    from tests.factories import ProjectMembershipFactory

    client = client_for(world, "coordinator")
    url = world.project.get_absolute_url()

    def cost():
        reversals = mock.patch.object(
            URLResolver,
            "_reverse_with_prefix",
            autospec=True,
            side_effect=URLResolver._reverse_with_prefix,
        )
        checks = mock.patch.object(
            ObjectPermissionBackend,
            "has_perm",
            autospec=True,
            side_effect=ObjectPermissionBackend.has_perm,
        )
        with (
            CaptureQueriesContext(connection) as queries,
            reversals as reverses,
            checks as has_perm,
        ):
            response = client.get(url)
        assert response.status_code == 200
        return (len(queries), reverses.call_count, has_perm.call_count), response.content.decode()

    def more_people(count):
        for _ in range(count):
            ProjectMembershipFactory(project=world.project)  # logs in, not asked yet
            ProjectMembershipFactory(project=world.project, participant__user=None)

    more_people(1)
    few, _ = cost()
    more_people(15)
    many, page = cost()

    assert many == few
    offline = world.project.memberships.filter(participant__user=None).last().participant
    section = page.split("People we cannot reach")[1]
    assert reverse("participants:person", args=[offline.pk]) in section
    assert reverse("participants:consent_for", args=[offline.pk]) in section
    assert page.count('href="/people/') > 2 * 32


def test_the_member_project_page_reads_the_members_place_once(world, client_for):
    # The rules read it to let the member in; the page's own use (their
    # endorsements) takes that same row rather than asking again.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world, "member")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(world.project.get_absolute_url())

    assert response.status_code == 200
    own_place = [
        query["sql"]
        for query in queries
        if query["sql"].startswith('SELECT "participants_projectmembership"."id"')
        and '"participants_participant"."user_id" =' in query["sql"]
    ]
    assert len(own_place) == 1
