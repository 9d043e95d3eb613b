import datetime

import pytest
from django.urls import reverse

from participants import services
from participants.models import ConsentRecord, ConsentWording
from participants.selectors import consent_states, has_consent

pytestmark = pytest.mark.django_db


def test_withdrawing_is_one_tap_and_applies_at_once(world, client_for):
    participant = world.membership.participant
    services.consent_record(participant=participant, topic="contact", given=True, by=None)
    assert has_consent(participant, "contact")
    coordinator_sees = client_for(world, "coordinator").get(
        reverse("participants:person", kwargs={"pk": participant.pk})
    )
    assert "Do not contact" not in coordinator_sees.content.decode()

    response = client_for(world, "member").post(
        reverse("participants:consent_change", kwargs={"pk": participant.pk}),
        {"topic": "contact", "answer": "no"},
    )

    assert response.status_code == 302
    assert not has_consent(participant, "contact")
    coordinator_sees = client_for(world, "coordinator").get(
        reverse("participants:person", kwargs={"pk": participant.pk})
    )
    assert "Do not contact" in coordinator_sees.content.decode()


def test_every_answer_is_kept_with_its_date_and_wording(world):
    participant = world.membership.participant
    services.consent_record(participant=participant, topic="photos", given=True, by=None)
    services.consent_record(participant=participant, topic="photos", given=False, by=None)

    records = ConsentRecord.objects.filter(participant=participant).order_by("created_at", "pk")
    assert [(r.given, r.wording.version) for r in records] == [(True, 1), (False, 1)]


def test_new_words_ask_people_to_agree_again(world):
    participant = world.membership.participant
    services.consent_record(participant=participant, topic="stories", given=True, by=None)
    ConsentWording.objects.create(
        topic="stories", version=2, text="New words.", valid_from=datetime.date(2027, 1, 1)
    )

    state = next(s for s in consent_states(participant) if s["topic"] == "stories")
    assert state["given"]
    assert state["words_changed"]

    services.consent_record(participant=participant, topic="stories", given=True, by=None)
    state = next(s for s in consent_states(participant) if s["topic"] == "stories")
    assert not state["words_changed"]


def test_staff_can_record_consent_given_by_phone_and_it_says_so(world):
    participant = world.membership.participant
    record = services.consent_record(
        participant=participant,
        topic="contact",
        given=True,
        by=world.users["coordinator"],
        on_behalf=True,
    )
    assert record.on_behalf
    assert record.recorded_by == world.users["coordinator"]


def test_no_answer_means_no(world):
    assert not has_consent(world.membership.participant, "photos")


def test_a_member_cannot_change_someone_elses_consent(world, client_for):
    other = world.users["co_lead"].participant_profiles.get()
    response = client_for(world, "member").post(
        reverse("participants:consent_change", kwargs={"pk": other.pk}),
        {"topic": "contact", "answer": "yes"},
    )
    assert response.status_code == 404
    assert not ConsentRecord.objects.filter(participant=other).exists()
