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
