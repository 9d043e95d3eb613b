"""Private notes: encrypted at rest, seen only by the person and the coordinators
of their projects, and every staff read is logged where the person can see it."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from coprod.accounts.models import StaffRole, User
from participants.models import AccessLog
from participants.services import private_notes_update
from tests.conftest import ROLES
from tests.factories import ProjectFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db

SECRET = "I need a quiet room; loud rooms bring back the hostel."


@pytest.fixture
def noted(world):
    participant = world.membership.participant
    private_notes_update(participant=participant, by=participant.user, access_needs=SECRET)
    return participant


def test_private_notes_are_encrypted_in_the_database(noted):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_needs FROM participants_participant WHERE id = %s", [noted.pk]
        )
        raw = cursor.fetchone()[0]

    assert "quiet room" not in raw
    assert raw.startswith("gAAAAA")  # a Fernet token
    noted.refresh_from_db()
    assert noted.access_needs == SECRET


def test_only_the_person_and_their_project_coordinators_may_read_them(world, noted):
    readers = {
        role
        for role in ROLES
        if role != "anonymous"
        and User.objects.get(pk=world.users[role].pk).has_perm(
            "participants.view_private_notes", noted
        )
    }
    # Not finance, not the organisation admin, not another member (co_lead),
    # not funders, not another organisation.
    assert readers == {"member", "coordinator"}


def test_a_coordinator_of_another_project_in_the_same_organisation_may_not(world, noted):
    colleague = StaffMembershipFactory(organisation=world.org, role=StaffRole.COORDINATOR).user
    ProjectFactory(organisation=world.org).coordinators.add(colleague)

    assert not colleague.has_perm("participants.view_private_notes", noted)


def test_once_someone_leaves_the_project_its_coordinators_no_longer_see(world, noted):
    world.membership.status = "left"
    world.membership.save()
    coordinator = User.objects.get(pk=world.users["coordinator"].pk)
    assert not coordinator.has_perm("participants.view_private_notes", noted)


def test_each_staff_view_is_logged_and_the_member_can_see_who_looked(world, noted, client_for):
    person = reverse("participants:person", kwargs={"pk": noted.pk})

    html = client_for(world, "coordinator").get(person).content.decode()
    client_for(world, "coordinator").get(person)

    assert "quiet room" in html
    # (The page also shows their communication needs: logged as a read of its own.)
    entries = list(AccessLog.objects.filter(participant=noted, kind=AccessLog.Kind.PRIVATE_NOTES))
    assert len(entries) == 2
    assert {entry.viewer for entry in entries} == {world.users["coordinator"]}

    log = (
        client_for(world, "member")
        .get(reverse("participants:access_log", kwargs={"pk": noted.pk}))
        .content.decode()
    )
    assert log.count(escape(str(world.users["coordinator"]))) == AccessLog.objects.count()
    assert log.count("looked at your private notes") == 2


def test_the_person_page_hides_notes_from_an_admin_who_does_not_coordinate_them(
    world, noted, client_for
):
    response = client_for(world, "admin").get(
        reverse("participants:person", kwargs={"pk": noted.pk})
    )

    assert response.status_code == 200
    assert "quiet room" not in response.content.decode()
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("role", ["finance", "funder", "co_lead", "other_coordinator", "no_role"])
def test_no_page_shows_the_notes_to_people_who_must_not_see_them(world, noted, client_for, role):
    client = client_for(world, role)
    for name in ("participants:person", "participants:about_me", "participants:access_log"):
        response = client.get(reverse(name, kwargs={"pk": noted.pk}))
        assert "quiet room" not in response.content.decode(), name
    project_page = client.get(reverse("projects:detail", kwargs={"pk": world.project.pk}))
    assert "quiet room" not in project_page.content.decode()
    assert not AccessLog.objects.exists()


def test_reading_your_own_notes_is_not_logged(world, noted, client_for):
    html = (
        client_for(world, "member")
        .get(reverse("participants:about_me", kwargs={"pk": noted.pk}))
        .content.decode()
    )

    assert "quiet room" in html
    assert escape(world.users["coordinator"]) in html  # "Who can see this" names them
    assert not AccessLog.objects.exists()


def test_a_member_saves_their_notes_and_cannot_touch_anyone_elses(world, noted, client_for):
    client = client_for(world, "co_lead")
    own = world.users["co_lead"].participant_profiles.get()

    response = client.post(
        reverse("participants:edit_private", kwargs={"pk": own.pk}),
        {"access_needs": "  Step-free, please.  ", "support_contact": "", "wellbeing_notes": ""},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.access_needs == "Step-free, please."

    response = client.post(
        reverse("participants:edit_private", kwargs={"pk": noted.pk}),
        {"access_needs": "overwritten", "support_contact": "", "wellbeing_notes": ""},
    )
    assert response.status_code == 404
    noted.refresh_from_db()
    assert noted.access_needs == SECRET


def test_a_named_coordinator_whose_role_is_taken_away_stops_reading(world, noted, client_for):
    # Given the coordinator named on Jo's project loses their coordinator role
    coordinator = world.users["coordinator"]
    coordinator.staff_memberships.filter(organisation=world.org).delete()
    assert world.project.coordinators.filter(pk=coordinator.pk).exists()

    # Then they may not read Jo's notes, and Jo is not told they can
    assert not User.objects.get(pk=coordinator.pk).has_perm(
        "participants.view_private_notes", noted
    )
    html = (
        client_for(world, "member")
        .get(reverse("participants:about_me", kwargs={"pk": noted.pk}))
        .content.decode()
    )
    assert escape(coordinator) not in html
