"""Who is named coordinator of a project.

Named coordinators read every member's private notes, so only the
organisation's coordinators and admins choose them, a project always keeps
one, every change is recorded, and members are told who and since when.
"""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import escape

from coprod.accounts.models import User
from projects import services
from projects.models import ProjectCoordinatorChange

pytestmark = pytest.mark.django_db

Kind = ProjectCoordinatorChange.Kind


def update_url(world):
    return reverse("projects:update", kwargs={"pk": world.project.pk})


def about_me_url(world):
    return reverse("participants:about_me", kwargs={"pk": world.membership.participant.pk})


def basics(**extra):
    return {"title": "Safe Nights", "summary": "New words.", "status": "active", **extra}


def named(world):
    return set(world.project.coordinators.all())


def day(moment):
    return dateformat.format(timezone.localtime(moment), "j F Y")


def test_a_co_lead_does_not_see_the_coordinators_field(world, client_for):
    html = client_for(world, "co_lead").get(update_url(world)).content.decode()

    assert 'name="coordinators"' not in html
    # They are still told who coordinates the project.
    assert f"Coordinators of this project: {escape(world.users['coordinator'])}" in html


def test_a_coordinator_sees_the_coordinators_field(world, client_for):
    html = client_for(world, "coordinator").get(update_url(world)).content.decode()

    assert 'name="coordinators"' in html


def test_a_crafted_post_from_a_co_lead_changes_no_coordinator(world, client_for):
    # Given a co-lead who adds the coordinators field to the basics form by hand
    client = client_for(world, "co_lead")

    # When they post themselves a different set of coordinators
    client.post(update_url(world), basics(coordinators=[world.users["admin"].pk]))

    # Then the basics are saved, but the named coordinators are as they were
    world.project.refresh_from_db()
    assert world.project.summary == "New words."
    assert named(world) == {world.users["coordinator"]}
    assert not ProjectCoordinatorChange.objects.filter(project=world.project).exists()


def test_the_service_refuses_a_co_lead_too(world):
    co_lead = world.users["co_lead"]

    with pytest.raises(PermissionDenied):
        services.project_update(
            project=world.project,
            by=co_lead,
            title="Safe Nights",
            summary="S.",
            coordinators=[world.users["admin"]],
        )
    with pytest.raises(PermissionDenied):
        services.project_coordinators_set(
            project=world.project, by=co_lead, coordinators=[world.users["admin"]]
        )

    assert named(world) == {world.users["coordinator"]}


def test_finance_staff_cannot_choose_coordinators(world):
    with pytest.raises(PermissionDenied):
        services.project_coordinators_set(
            project=world.project, by=world.users["finance"], coordinators=[world.users["admin"]]
        )


def test_removing_the_last_coordinator_is_refused(world):
    with pytest.raises(ValidationError) as raised:
        services.project_update(
            project=world.project,
            by=world.users["coordinator"],
            title="Safe Nights",
            summary="S.",
            coordinators=[],
        )

    assert "at least one coordinator" in raised.value.message_dict["coordinators"][0]
    assert named(world) == {world.users["coordinator"]}


def test_unticking_every_coordinator_is_refused_next_to_the_field(world, client_for):
    client = client_for(world, "coordinator")

    response = client.post(update_url(world), basics())

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_coordinators_0"' in html
    assert "Name at least one coordinator" in html
    world.project.refresh_from_db()
    assert world.project.summary != "New words."
    assert named(world) == {world.users["coordinator"]}


def test_a_new_project_starts_with_its_creator_as_coordinator(world):
    coordinator = world.users["coordinator"]

    project = services.project_create(
        organisation=world.org, by=coordinator, title="Open Doors", summary="Why."
    )

    assert set(project.coordinators.all()) == {coordinator}
    change = project.coordinator_changes.get()
    assert (change.kind, change.coordinator, change.by) == (Kind.ADDED, coordinator, coordinator)


@pytest.mark.parametrize("creator", [None, "finance"])
def test_a_new_project_without_a_coordinator_is_refused(world, creator):
    with pytest.raises(ValidationError) as raised:
        services.project_create(
            organisation=world.org,
            by=world.users[creator] if creator else None,
            title="Open Doors",
            summary="Why.",
        )

    assert "coordinators" in raised.value.message_dict
    assert not world.org.projects.filter(title="Open Doors").exists()


def test_only_coordinators_of_the_organisation_can_be_named(world):
    with pytest.raises(ValidationError) as raised:
        services.project_coordinators_set(
            project=world.project,
            by=world.users["coordinator"],
            coordinators=[world.users["other_coordinator"]],
        )

    assert "coordinators" in raised.value.message_dict
    assert named(world) == {world.users["coordinator"]}


def test_every_change_writes_a_history_row(world, client_for):
    coordinator, admin = world.users["coordinator"], world.users["admin"]
    client = client_for(world, "coordinator")

    # The coordinator hands the project over to the admin.
    client.post(update_url(world), basics(coordinators=[admin.pk]))

    assert named(world) == {admin}
    rows = [
        (row.kind, row.coordinator, row.coordinator_name, row.by, row.recorded_late)
        for row in world.project.coordinator_changes.all()
    ]
    assert rows == [
        (Kind.ADDED, admin, str(admin), coordinator, False),
        (Kind.REMOVED, coordinator, str(coordinator), coordinator, False),
    ]


def test_saving_the_same_coordinators_writes_no_history(world):
    services.project_coordinators_set(
        project=world.project, by=world.users["admin"], coordinators=[world.users["coordinator"]]
    )

    assert not world.project.coordinator_changes.exists()


def test_a_member_is_told_who_was_named_and_when(world, client_for):
    # Given the coordinator names the admin on the member's project
    admin = world.users["admin"]
    admin.display_name = "Morgan Reid"
    admin.save()
    client = client_for(world, "coordinator")
    client.post(update_url(world), basics(coordinators=[world.users["coordinator"].pk, admin.pk]))
    change = world.project.coordinator_changes.get(coordinator=admin)

    # When the member opens their own page
    html = client_for(world, "member").get(about_me_url(world)).content.decode()

    # Then "Who can see this" names the admin, with the day they were named
    assert f"Morgan Reid (named on {day(change.created_at)})" in html


def test_coordinators_named_before_the_history_began_are_said_to_be_on_or_before(world, client_for):
    # The world's coordinator was named without a history row, as before this change.
    backfill = importlib.import_module("projects.migrations.0007_backfill_coordinator_history")
    backfill.backfill(apps, None)
    backfill.backfill(apps, None)  # running it again adds nothing
    change = world.project.coordinator_changes.get()
    assert change.recorded_late

    html = client_for(world, "member").get(about_me_url(world)).content.decode()

    coordinator = escape(world.users["coordinator"])
    assert f"{coordinator} (named on or before {day(change.created_at)})" in html


def test_a_coordinator_taken_off_no_longer_reads_the_notes(world):
    services.project_coordinators_set(
        project=world.project, by=world.users["admin"], coordinators=[world.users["admin"]]
    )

    participant = world.membership.participant
    taken_off = User.objects.get(pk=world.users["coordinator"].pk)
    assert not taken_off.has_perm("participants.view_private_notes", participant)
    assert User.objects.get(pk=world.users["admin"].pk).has_perm(
        "participants.view_private_notes", participant
    )
