"""A value's life: suggested, agreed, endorsed, reworded (history kept), retired."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import Endorsement, Value
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def _today():
    """Today, read as each test runs: a constant read at import goes stale past midnight."""
    return timezone.localdate()


def test_the_whole_life_of_a_value(world):
    coordinator = world.users["coordinator"]
    jo = world.membership.participant

    # Given a member suggests a value and the group agrees it
    value = services.value_propose(
        project=world.project, by=world.users["member"], title="Listen first", meaning="We listen."
    )
    assert value.status == Value.Status.PROPOSED
    value = services.value_agree(value=value, by=coordinator, agreed_on=_today())
    assert (value.status, value.agreed_on) == (Value.Status.AGREED, _today())

    # When Jo endorses it and the group later rewords it
    services.value_endorse(value=value, participant=jo)
    first = value.current_version
    second = services.value_revise(
        value=value,
        by=coordinator,
        title="Listen first, always",
        meaning="We listen, then act.",
        agreed_on=_today(),
    )

    # Then the old wording and Jo's endorsement of it are kept, and the new
    # wording starts with no endorsements until people endorse it again
    value.refresh_from_db()
    assert value.current_version == second
    assert [v.number for v in value.versions.all()] == [1, 2]
    assert first.title == "Listen first"
    assert Endorsement.objects.filter(version=first, participant=jo).exists()
    assert not Endorsement.objects.filter(version=second).exists()

    services.value_retire(value=value, by=coordinator)
    value.refresh_from_db()
    assert value.status == Value.Status.RETIRED
    assert value.versions.count() == 2


def test_endorsing_twice_counts_once_and_withdrawing_removes_it(world):
    jo = world.membership.participant
    services.value_endorse(value=world.agreed_value, participant=jo)
    services.value_endorse(value=world.agreed_value, participant=jo)
    assert Endorsement.objects.filter(participant=jo).count() == 1

    services.value_endorsement_withdraw(value=world.agreed_value, participant=jo)
    assert not Endorsement.objects.filter(participant=jo).exists()


def test_only_agreed_values_can_be_endorsed(world):
    with pytest.raises(ValidationError, match="agreed"):
        services.value_endorse(value=world.proposed_value, participant=world.membership.participant)


def test_a_member_cannot_endorse_a_value_of_a_project_they_are_not_in(world):
    stranger = ParticipantFactory(organisation=world.other_org)
    with pytest.raises(ValidationError, match="Only members"):
        services.value_endorse(value=world.agreed_value, participant=stranger)
    # Nor through the page: another project's value is simply not found.
    response = _post_as(world, "member", "projects:value_endorse", world.other_value)
    assert response.status_code == 404


def test_rewording_an_agreed_value_needs_the_agreement_date(world):
    with pytest.raises(ValidationError) as raised:
        services.value_revise(value=world.agreed_value, by=None, title="New", meaning="Words")
    assert "agreed_on" in raised.value.message_dict
    assert world.agreed_value.versions.count() == 1


def test_agreement_dates_cannot_be_in_the_future(world):
    tomorrow = _today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.value_agree(value=world.proposed_value, by=None, agreed_on=tomorrow)
    world.proposed_value.refresh_from_db()
    assert world.proposed_value.status == Value.Status.PROPOSED


def test_whitespace_is_not_a_value(world):
    with pytest.raises(ValidationError) as raised:
        services.value_propose(project=world.project, by=None, title="   ", meaning="\n\t")
    assert set(raised.value.message_dict) == {"title", "meaning"}


def test_agreeing_and_rewording_move_the_last_review_date_forward_only(world):
    old = _today() - datetime.timedelta(days=30)
    services.value_agree(value=world.proposed_value, by=None, agreed_on=old)
    world.project.refresh_from_db()
    assert world.project.values_reviewed_on == _today()  # the earlier agreement today stands


def _post_as(world, role, name, value, data=None):
    from django.test import Client

    client = Client()
    client.force_login(world.users[role])
    return client.post(
        reverse(name, kwargs={"pk": value.project_id, "value_pk": value.pk}), data or {}
    )


def test_a_member_endorses_from_the_project_page(world):
    response = _post_as(
        world, "member", "projects:value_endorse", world.agreed_value, {"action": "endorse"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#values")

    from django.test import Client

    client = Client()
    client.force_login(world.users["member"])
    html = client.get(reverse("projects:detail", kwargs={"pk": world.project.pk})).content.decode()
    assert "You endorse this value." in html
    assert "1 member endorses this." in html
    assert "Take back my endorsement" in html


def test_the_values_page_shows_earlier_wordings(world, client_for):
    services.value_revise(
        value=world.agreed_value,
        by=None,
        title="Nothing about us, without us",
        meaning="New words.",
        agreed_on=_today(),
    )
    html = (
        client_for(world, "co_lead")
        .get(reverse("projects:values", kwargs={"pk": world.project.pk}))
        .content.decode()
    )
    assert "Earlier wordings (1)" in html
    assert "Decisions that affect members are made with members." in html


def test_the_project_page_costs_the_same_queries_for_few_or_many_values(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world, "member")
    url = reverse("projects:detail", kwargs={"pk": world.project.pk})
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        value = services.value_propose(project=world.project, by=None, title=f"V{n}", meaning="M")
        value = services.value_agree(value=value, by=None, agreed_on=_today())
        services.value_endorse(value=value, participant=world.membership.participant)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.content.decode().count("Take back my endorsement") == 10
    assert len(many) == len(few)
