import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from participants import invitations
from participants.models import ConsentRecord, Invitation, Participant
from participants.selectors import has_consent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def invite(world, **changes):
    data = {
        "organisation": world.org,
        "by": world.users["coordinator"],
        "preferred_name": "Sky",
        "email": "sky@example.org",
        "project": world.project,
    }
    data.update(changes)
    return invitations.invitation_create(**data)


def test_an_invitation_is_emailed_with_a_link_and_a_code(
    world, smtp_inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, code = invite(world)

    text = smtp_inbox.text_of(smtp_inbox.wait_for("sky@example.org"))
    assert invitation.link in text
    assert code in text
    assert invitation.code_digest != code  # only a keyed hash is stored
    assert invitation.participant.memberships.get().status == "invited"


def test_only_hashes_of_the_link_and_the_code_are_stored(world):
    invitation, code = invite(world)
    secret = invitation.link.rstrip("/").rsplit("/", 1)[-1]
    assert len(secret) >= 43  # 256 random bits

    stored = Invitation.objects.filter(pk=invitation.pk).values().get()

    assert not [name for name, value in stored.items() if secret in str(value)]
    assert not [name for name, value in stored.items() if str(value) == code]
    assert stored["token_hash"] == invitations.link_token_hash(secret)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "", "phone": ""}, "email"),
        ({"email": "", "phone": "12345"}, "phone"),
        ({"preferred_name": "  "}, "preferred_name"),
    ],
)
def test_bad_contact_details_are_refused_and_nothing_is_saved(world, changes, field):
    before = Participant.objects.count()
    with pytest.raises(ValidationError) as raised:
        invite(world, **changes)
    assert field in raised.value.message_dict
    assert Participant.objects.count() == before


def test_the_same_person_cannot_be_invited_twice(world):
    invite(world)
    with pytest.raises(ValidationError, match="already has an invitation"):
        invite(world, email="SKY@example.org")


def test_a_phone_invitation_is_accepted_by_code_and_the_person_gives_an_email(world, client):
    invitation, code = invite(world, email="", phone="07911 123456")

    response = client.post(
        reverse("participants:join"), {"contact": "07911 123456", "code": f"{code[:3]} {code[3:]}"}
    )
    # The right code earns a fresh link (only a hash of the old one is kept)
    link = response["Location"]
    assert link.startswith("/join/")
    assert link != invitation.link
    assert "cannot find" in client.get(invitation.link).content.decode()
    response = client.post(
        link,
        {
            "preferred_name": "Sky",
            "email": "sky@example.org",
            "may_contact": "yes",
            "preferred_channel": "sms",
            "phone": "07911 123456",
        },
    )

    participant = Participant.objects.get(pk=invitation.participant_id)
    assert response["Location"] == reverse("participants:about_me", kwargs={"pk": participant.pk})
    assert participant.user.email == "sky@example.org"
    assert not participant.user.has_usable_password()
    assert participant.memberships.get().status == "active"


def test_a_used_code_cannot_be_used_again(world, client):
    invitation, code = invite(world)
    client.post(invitation.link, {"preferred_name": "Sky", "may_contact": "no"})
    client.logout()

    response = client.post(
        reverse("participants:join"), {"contact": "sky@example.org", "code": code}
    )
    assert "already been used" in response.content.decode()
    page = client.get(invitation.link)
    assert "already been used" in page.content.decode()


def test_an_expired_invitation_says_so_and_saves_nothing(world, client):
    invitation, _ = invite(world)
    invitation.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    invitation.save()

    response = client.post(invitation.link, {"preferred_name": "Sky"})

    assert "run out" in response.content.decode()
    assert Participant.objects.get(pk=invitation.participant_id).user is None


def test_a_wrong_code_is_explained_next_to_the_field(world, client):
    invite(world)
    response = client.post(
        reverse("participants:join"), {"contact": "sky@example.org", "code": "000000"}
    )
    html = response.content.decode()
    assert re.search(r'href="#id_code"', html)


def test_an_email_that_already_has_a_login_must_log_in_first(world, client):
    UserFactory(email="taken@example.org")
    invitation, _ = invite(world, email="", phone="07911 123456")

    response = client.post(
        invitation.link,
        {"preferred_name": "Sky", "email": "taken@example.org", "may_contact": "yes"},
    )

    assert "Log in first" in response.content.decode()
    assert Participant.objects.get(pk=invitation.participant_id).user is None


def test_someone_who_will_not_log_in_is_added_with_their_consent_recorded(world, client_for):
    response = client_for(world, "coordinator").post(
        reverse("participants:add_on_behalf"),
        {
            "organisation": world.org.pk,
            "preferred_name": "Pat",
            "phone": "0161 496 0000",
            "project": world.project.pk,
            "consented": "on",
        },
    )

    pat = Participant.objects.get(preferred_name="Pat")
    assert response["Location"] == reverse("participants:person", kwargs={"pk": pat.pk})
    assert pat.user is None
    assert pat.preferred_channel == "phone_call"
    assert has_consent(pat, "contact")
    assert ConsentRecord.objects.filter(participant=pat, on_behalf=True).count() == 2


def test_nobody_is_added_without_saying_they_agreed(world, client_for):
    response = client_for(world, "coordinator").post(
        reverse("participants:add_on_behalf"),
        {"organisation": world.org.pk, "preferred_name": "Pat"},
    )
    assert 'href="#id_consented"' in response.content.decode()
    assert not Participant.objects.filter(preferred_name="Pat").exists()


def test_a_coordinator_cannot_invite_into_another_organisations_project(world, client_for):
    response = client_for(world, "coordinator").post(
        reverse("participants:invite"),
        {
            "organisation": world.org.pk,
            "preferred_name": "Sky",
            "email": "s@example.org",
            "project": world.other_project.pk,
        },
    )
    assert response.status_code == 200
    assert not Participant.objects.filter(preferred_name="Sky").exists()
