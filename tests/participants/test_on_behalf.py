"""Staff record details for people who do not use Coprod, and only for them."""

import pytest
from django.urls import reverse

from participants.models import AccessLog, ConsentRecord
from participants.services import private_notes_update

pytestmark = pytest.mark.django_db


def test_a_coordinator_records_needs_told_by_phone(world, client_for):
    lou = world.offline
    response = client_for(world, "coordinator").post(
        reverse("participants:communication_for", kwargs={"pk": lou.pk}),
        {"large_print": "on", "papers_days_ahead": "10"},
    )
    assert response["Location"] == reverse("participants:person", kwargs={"pk": lou.pk})
    lou.refresh_from_db()
    assert lou.large_print
    assert lou.papers_days_ahead == 10


@pytest.mark.parametrize("role", ["unnamed_coordinator", "admin"])
def test_only_named_coordinators_open_the_needs_they_would_see(world, client_for, role):
    # The form shows what was recorded before: it is a read of the needs,
    # which only the coordinators named on Lou's projects may make.
    lou = world.offline
    lou.other_communication_needs = "Read letters out to me slowly"
    lou.save()
    url = reverse("participants:communication_for", kwargs={"pk": lou.pk})
    client = client_for(world, role)

    response = client.get(url)
    refused = client.post(url, {"large_print": "on"})
    person = client.get(reverse("participants:person", kwargs={"pk": lou.pk})).content.decode()

    assert response.status_code == 403
    assert "Read letters out" not in response.content.decode()
    assert refused.status_code == 403
    lou.refresh_from_db()
    assert not lou.large_print
    assert url not in person


def test_consent_recorded_by_staff_says_it_was_on_their_behalf(world, client_for):
    client_for(world, "coordinator").post(
        reverse("participants:consent_change_for", kwargs={"pk": world.offline.pk}),
        {"topic": "stories", "answer": "yes"},
    )
    record = ConsentRecord.objects.filter(participant=world.offline, wording__topic="stories").get()
    assert record.on_behalf
    assert record.recorded_by == world.users["coordinator"]


def test_opening_private_notes_to_record_them_is_logged(world, client_for):
    private_notes_update(participant=world.offline, by=None, access_needs="Needs a lift")
    response = client_for(world, "coordinator").get(
        reverse("participants:private_for", kwargs={"pk": world.offline.pk})
    )
    assert "Needs a lift" in response.content.decode()
    assert AccessLog.objects.filter(participant=world.offline).count() == 1


def test_staff_cannot_edit_the_profile_of_someone_who_logs_in(world, client_for):
    response = client_for(world, "coordinator").post(
        reverse("participants:contact_for", kwargs={"pk": world.membership.participant.pk}),
        {"preferred_name": "Changed", "preferred_channel": "none"},
    )
    assert response.status_code == 403
    world.membership.participant.refresh_from_db()
    assert world.membership.participant.preferred_name == "Jo"
