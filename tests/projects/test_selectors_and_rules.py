"""The list a person sees and the objects they may open must never drift apart."""

import datetime

import pytest
from django.utils import timezone

from coprod.reports.selectors import projects_reportable_by
from coprod.reports.services import funder_grant_create
from projects.models import Project
from projects.selectors import projects_visible_to
from tests.conftest import ROLES
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

LOGGED_IN = [role for role in ROLES if role != "anonymous"]


@pytest.fixture
def crowded_world(world):
    # A project in the same organisation that the member and funder are not part of.
    ProjectFactory(organisation=world.org, title="Another Riverside project")
    return world


@pytest.mark.parametrize("role", LOGGED_IN)
def test_visible_projects_are_exactly_those_the_view_rule_allows(role, crowded_world):
    user = crowded_world.users[role]
    allowed = {p.pk for p in Project.objects.all() if user.has_perm("projects.view_project", p)}
    assert set(projects_visible_to(user).values_list("pk", flat=True)) == allowed


@pytest.mark.parametrize("role", LOGGED_IN)
def test_reportable_projects_are_exactly_those_the_report_rule_allows(role, crowded_world):
    user = crowded_world.users[role]
    allowed = {
        p.pk for p in Project.objects.all() if user.has_perm("reports.view_project_report", p)
    }
    assert set(projects_reportable_by(user).values_list("pk", flat=True)) == allowed


def test_a_member_sees_only_their_own_project(crowded_world):
    member = crowded_world.users["member"]
    assert list(projects_visible_to(member)) == [crowded_world.project]


def test_a_funder_sees_no_project_pages_only_reports(crowded_world):
    funder = crowded_world.users["funder"]
    assert not projects_visible_to(funder).exists()
    assert list(projects_reportable_by(funder)) == [crowded_world.project]


def test_an_expired_or_revoked_grant_gives_no_access(world):
    funder = world.users["funder"]
    grant = funder.funder_grants.get()
    grant.expires_on = timezone.localdate() - datetime.timedelta(days=1)
    grant.save()
    assert not projects_reportable_by(funder).exists()

    live = funder_grant_create(
        project=world.project,
        user=funder,
        by=None,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert list(projects_reportable_by(funder)) == [world.project]
    live.revoked_at = timezone.now()
    live.save()
    assert not projects_reportable_by(funder).exists()


def test_a_grant_lasts_to_the_end_of_its_last_day(world):
    funder = world.users["funder"]
    funder.funder_grants.update(expires_on=timezone.localdate())
    assert funder.has_perm("reports.view_project_report", world.project)


def test_a_member_who_left_keeps_sight_of_their_project(world):
    # People come and go; someone who left can still see what they helped with.
    world.membership.status = "left"
    world.membership.save()
    assert world.users["member"].has_perm("projects.view_project", world.project)


def test_staff_roles_never_reach_another_organisation(world):
    other = world.users["other_coordinator"]
    assert not other.has_perm("projects.view_project", world.project)
    assert not other.has_perm("projects.change_project", world.project)
    assert not other.has_perm("projects.add_project", world.org)
