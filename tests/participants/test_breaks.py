import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from participants import services

pytestmark = pytest.mark.django_db


def _today():
    """Today, read as each test runs: a constant read at import goes stale past midnight."""
    return timezone.localdate()


def test_a_member_takes_a_break_and_comes_back_with_nothing_lost(world, client_for):
    client = client_for(world, "member")
    later = _today() + datetime.timedelta(days=30)

    response = client.post(
        reverse("participants:take_break", kwargs={"pk": world.membership.pk}),
        {"check_in_on": later.isoformat()},
    )
    assert response["Location"] == reverse("participants:home")
    world.membership.refresh_from_db()
    assert (world.membership.status, world.membership.check_in_on) == ("on_break", later)
    # Still part of the project: they can read it, but not endorse while away.
    assert (
        client.get(reverse("projects:detail", kwargs={"pk": world.project.pk})).status_code == 200
    )

    client.post(reverse("participants:come_back", kwargs={"pk": world.membership.pk}))
    world.membership.refresh_from_db()
    assert (world.membership.status, world.membership.check_in_on) == ("active", None)


def test_a_check_in_date_must_be_in_the_future(world):
    with pytest.raises(ValidationError):
        services.membership_take_break(membership=world.membership, by=None, check_in_on=_today())
    world.membership.refresh_from_db()
    assert world.membership.status == "active"


def test_someone_who_left_rejoins_in_one_step(world):
    world.membership.status = "left"
    world.membership.save()

    services.membership_come_back(membership=world.membership, by=None)

    world.membership.refresh_from_db()
    assert world.membership.status == "active"


def test_a_member_cannot_put_someone_else_on_a_break(world, client_for):
    co_lead_membership = world.users["co_lead"].participant_profiles.get().memberships.get()
    response = client_for(world, "member").post(
        reverse("participants:take_break", kwargs={"pk": co_lead_membership.pk}), {}
    )
    assert response.status_code == 404
    co_lead_membership.refresh_from_db()
    assert co_lead_membership.status == "active"
