"""The profile a member owns: contact, communication needs, what they bring, naming."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from participants import services
from participants.models import AssetTag, Participant
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def contact(participant, **changes):
    data = {
        "participant": participant,
        "by": None,
        "preferred_name": "Jo",
        "email": "jo@example.org",
        "preferred_channel": "email",
    }
    data.update(changes)
    return services.profile_update_contact(**data)


def url(world, name):
    return reverse(name, kwargs={"pk": world.membership.participant.pk})


def test_a_uk_mobile_is_stored_in_international_form(world):
    participant = contact(
        world.membership.participant, phone="07911 123456", preferred_channel="sms"
    )
    assert participant.phone == "+447911123456"


@pytest.mark.parametrize("typed", ["123", "07700 9001", "not a number"])
def test_a_phone_number_that_is_not_real_is_refused_and_nothing_is_saved(world, typed):
    participant = world.membership.participant
    with pytest.raises(ValidationError) as raised:
        contact(participant, phone=typed, pronouns="they/them")
    assert "phone" in raised.value.message_dict
    participant.refresh_from_db()
    assert participant.pronouns == ""


def test_the_chosen_way_to_contact_must_be_reachable(world):
    with pytest.raises(ValidationError) as raised:
        contact(world.membership.participant, email="", preferred_channel="email")
    assert raised.value.message_dict["email"] == ["We need an email address to email you."]
    with pytest.raises(ValidationError) as raised:
        contact(world.membership.participant, preferred_channel="post")
    assert "postal_address" in raised.value.message_dict
    # "Please do not contact me" needs nothing.
    assert contact(world.membership.participant, email="", preferred_channel="none")


def test_the_contact_page_explains_a_bad_phone_number_next_to_the_field(world, client_for):
    response = client_for(world, "member").post(
        url(world, "participants:edit_contact"),
        {"preferred_name": "Jo", "preferred_channel": "sms", "phone": "12", "email": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_phone"' in html
    assert "not complete or not real" in html


@pytest.mark.parametrize(
    ("credit", "shown"),
    [
        ("full_name", "Jo Marie Bloggs"),
        ("first_name", "Jo"),
        ("initials", "J.M.B."),
        ("anonymous", "A member"),
    ],
)
def test_names_are_shown_as_the_person_chose(world, credit, shown):
    participant = world.membership.participant
    participant.full_name = "Jo Marie Bloggs"
    participant.preferred_name = "Jo"
    participant.credit_as = credit
    assert participant.credited_name() == shown


def test_nobody_is_named_unless_they_choose_to_be():
    assert Participant().credit_as == Participant.Credit.ANONYMOUS


def test_words_people_add_join_the_organisations_list(world):
    participant = world.membership.participant
    services.assets_update(
        participant=participant,
        by=None,
        tags=[],
        new_tags={"skill": "Cooking, cooking , Listening", "interest": ""},
        contribute_areas=["design", "peer_research"],
    )

    vocabulary = AssetTag.objects.filter(organisation=world.org, kind="skill")
    assert sorted(vocabulary.values_list("name", flat=True)) == ["Cooking", "Listening"]
    assert participant.assets.count() == 2
    assert participant.contribute_areas == ["design", "peer_research"]

    # The next person picks from the list rather than typing it again.
    other = world.users["co_lead"].participant_profiles.get()
    services.assets_update(participant=other, by=None, tags=[], new_tags={"skill": "COOKING"})
    assert vocabulary.count() == 2


def test_another_organisations_words_cannot_be_attached(world):
    foreign = AssetTag.objects.create(organisation=OrganisationFactory(), kind="skill", name="Art")
    with pytest.raises(ValidationError):
        services.assets_update(
            participant=world.membership.participant, by=None, tags=[foreign], new_tags={}
        )


def test_communication_needs_show_to_the_projects_coordinator_only(world, client_for):
    participant = world.membership.participant
    services.profile_update_communication(
        participant=participant, by=None, large_print=True, papers_days_ahead=7
    )
    person = url(world, "participants:person")

    coordinator = client_for(world, "coordinator").get(person).content.decode()
    admin = client_for(world, "admin").get(person).content.decode()

    assert "Papers at least 7 days before meetings" in coordinator
    assert "Large print" in coordinator
    assert "Papers at least 7 days" not in admin


def test_papers_can_be_asked_for_at_most_sixty_days_ahead(world, client_for):
    response = client_for(world, "member").post(
        url(world, "participants:edit_communication"), {"papers_days_ahead": "400"}
    )
    assert 'href="#id_papers_days_ahead"' in response.content.decode()


def test_a_self_description_is_never_shown_to_staff(world, client_for):
    services.profile_update_credit(
        participant=world.membership.participant,
        by=None,
        credit_as="first_name",
        self_description="A disabled mum of three from Leeds",
    )
    html = client_for(world, "coordinator").get(url(world, "participants:person")).content.decode()
    assert "mum of three" not in html
