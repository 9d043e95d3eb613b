import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coprod.reports.models import FunderGrant
from coprod.reports.services import funder_grant_create
from projects import services

pytestmark = pytest.mark.django_db


def test_project_create_keeps_what_was_typed_without_stray_spaces(world):
    project = services.project_create(
        organisation=world.org,
        by=world.users["coordinator"],
        title="  Warm Welcome ",
        summary=" Why. ",
    )
    assert (project.title, project.summary, project.created_by) == (
        "Warm Welcome",
        "Why.",
        world.users["coordinator"],
    )


def test_project_create_refuses_an_empty_title(world):
    with pytest.raises(ValidationError) as raised:
        services.project_create(organisation=world.org, by=None, title="   ", summary="Why.")
    assert "title" in raised.value.message_dict


def test_a_new_funder_grant_replaces_the_open_one(world):
    funder = world.users["funder"]
    later = timezone.localdate() + datetime.timedelta(days=400)

    funder_grant_create(project=world.project, user=funder, by=None, expires_on=later)

    open_grants = FunderGrant.objects.filter(user=funder, revoked_at__isnull=True)
    assert [grant.expires_on for grant in open_grants] == [later]
    assert FunderGrant.objects.filter(user=funder).count() == 2


def test_a_funder_grant_cannot_end_in_the_past(world):
    with pytest.raises(ValidationError):
        funder_grant_create(
            project=world.project,
            user=world.users["funder"],
            by=None,
            expires_on=timezone.localdate() - datetime.timedelta(days=1),
        )
