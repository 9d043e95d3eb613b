"""Invitation codes and links cannot be guessed: every wrong try counts, and is limited."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participants import invitations
from participants.models import Invitation, Participant

pytestmark = pytest.mark.django_db

JOIN = "participants:join"


def invite(world, **changes):
    data = {
        "organisation": world.org,
        "by": world.users["coordinator"],
        "preferred_name": "Sky",
        "email": "",
        "phone": "07911 123456",
        "project": world.project,
    }
    data.update(changes)
    return invitations.invitation_create(**data)


def wrong(code: str, n: int = 1) -> str:
    """A code that is certainly not `code`."""
    return f"{(int(code) + n) % 10**6:06d}"


def another_client(number: int) -> Client:
    """A browser from another address, with its own session."""
    return Client(REMOTE_ADDR=f"198.51.100.{number}")


def test_codes_are_six_random_digits(world):
    codes = {invite(world, phone=f"07911 12345{n}")[1] for n in range(5)}
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert len(codes) == 5


def test_the_right_code_is_refused_after_five_wrong_ones(world, client):
    # Given five wrong codes typed with Sky's number
    invitation, code = invite(world)
    for n in range(1, invitations.WRONG_CODES_BEFORE_LOCK + 1):
        response = client.post(reverse(JOIN), {"contact": "07911 123456", "code": wrong(code, n)})
        assert "does not match" in response.content.decode()

    # When the right code is typed
    response = client.post(reverse(JOIN), {"contact": "07911 123456", "code": code})

    # Then it is refused, with a plain message saying what to do
    assert response.status_code == 429
    assert invitations.LOCKED in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.code_locked_at is not None
    assert invitation.wrong_codes == invitations.WRONG_CODES_BEFORE_LOCK


def test_the_lock_is_kept_in_the_database_and_survives_a_cache_flush(world):
    _, code = invite(world)
    for n in range(1, invitations.WRONG_CODES_BEFORE_LOCK + 1):
        another_client(n).post(reverse(JOIN), {"contact": "07911 123456", "code": wrong(code, n)})

    cache.clear()
    response = another_client(99).post(reverse(JOIN), {"contact": "07911123456", "code": code})

    assert response.status_code == 429
    assert invitations.LOCKED in response.content.decode()
    assert "Location" not in response


def test_wrong_codes_from_different_clients_count_against_the_same_invitation(world):
    # Five guessers, each from its own address and session, one wrong code each
    _, code = invite(world)
    for n in range(1, invitations.WRONG_CODES_BEFORE_LOCK + 1):
        another_client(n).post(reverse(JOIN), {"contact": "07911 123456", "code": wrong(code, n)})

    # A sixth client is refused even with the right code
    response = another_client(6).post(reverse(JOIN), {"contact": "07911 123456", "code": code})
    assert response.status_code == 429
    assert invitations.LOCKED in response.content.decode()


def test_a_locked_invitation_does_not_lock_anyone_elses(world):
    invite(world)
    _, other_code = invite(world, preferred_name="Ash", phone="07912 345678")
    for n in range(1, invitations.WRONG_CODES_BEFORE_LOCK + 1):
        another_client(n).post(reverse(JOIN), {"contact": "07911 123456", "code": wrong("0", n)})

    response = another_client(7).post(
        reverse(JOIN), {"contact": "07912 345678", "code": other_code}
    )
    assert response.status_code == 302


def test_a_right_code_for_someone_else_is_a_wrong_code(world, client):
    # Codes are looked up only among invitations sent to the contact typed with them.
    invite(world)
    ash, ash_code = invite(world, preferred_name="Ash", phone="07912 345678")

    response = client.post(reverse(JOIN), {"contact": "07911 123456", "code": ash_code})

    assert "does not match" in response.content.decode()
    ash.refresh_from_db()
    assert ash.wrong_codes == 0


def test_a_contact_with_no_invitation_answers_like_a_locked_one(world):
    for n in range(1, invitations.WRONG_CODES_BEFORE_LOCK + 1):
        another_client(n).post(reverse(JOIN), {"contact": "07911 200999", "code": f"{n:06d}"})

    response = another_client(9).post(reverse(JOIN), {"contact": "07911 200999", "code": "123456"})
    assert response.status_code == 429
    assert invitations.LOCKED in response.content.decode()


def test_one_browser_is_slowed_down_across_many_invitations(world, client):
    # Guessing across people: each contact is tried once, from one browser and address.
    _, code = invite(world)
    for n in range(invitations.WRONG_CODES_PER_SESSION.amount):
        client.post(reverse(JOIN), {"contact": f"07911 200{n:03d}", "code": "123456"})

    response = client.post(reverse(JOIN), {"contact": "07911 123456", "code": code})

    assert response.status_code == 429
    assert invitations.TOO_MANY_HERE in response.content.decode()


def test_one_address_is_slowed_down_whatever_its_sessions(world):
    _, code = invite(world)
    for n in range(invitations.WRONG_CODES_PER_IP.amount):
        # A fresh session each time, from the same address.
        another_client(1).post(reverse(JOIN), {"contact": f"07911 200{n:03d}", "code": "123456"})

    response = another_client(1).post(reverse(JOIN), {"contact": "07911 123456", "code": code})
    assert response.status_code == 429
    assert invitations.TOO_MANY_HERE in response.content.decode()
    # Another address is not held up.
    assert (
        another_client(2).post(reverse(JOIN), {"contact": "07911 123456", "code": code}).status_code
        == 302
    )


def test_guessing_from_everywhere_at_once_is_limited_site_wide(world):
    _, code = invite(world)
    for _ in range(invitations.WRONG_CODES_SITE_WIDE.amount):
        invitations.WRONG_CODES_SITE_WIDE.fail("all")

    response = another_client(3).post(reverse(JOIN), {"contact": "07911 123456", "code": code})

    assert response.status_code == 429
    assert invitations.TOO_MANY_EVERYWHERE in response.content.decode()


def test_a_mistyped_code_is_not_counted_as_a_guess(world, client):
    invitation, _ = invite(world)
    response = client.post(reverse(JOIN), {"contact": "07911 123456", "code": "12345"})
    assert "6 numbers" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.wrong_codes == 0


def test_the_coordinator_sees_the_lock_and_sends_a_new_code(
    world, client_for, smtp_inbox, django_capture_on_commit_callbacks
):
    # Given Robin's invitation locked by wrong codes
    invitation = world.invitation
    for n in range(1, invitations.WRONG_CODES_BEFORE_LOCK + 1):
        another_client(n).post(reverse(JOIN), {"contact": "robin@example.org", "code": f"{n:06d}"})
    invitation.refresh_from_db()
    assert invitation.code_locked_at is not None
    coordinator = client_for(world, "coordinator")
    person = reverse("participants:person", kwargs={"pk": invitation.participant_id})
    assert "Their code is locked" in coordinator.get(person).content.decode()

    # When the coordinator sends a new code
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            reverse("participants:invitation_renew", kwargs={"pk": invitation.participant_id})
        )

    # Then they see it once, Robin is emailed it, and it works
    new_code = response.context["code"]
    assert f"{new_code[:3]} {new_code[3:]}" in response.content.decode()
    assert new_code in smtp_inbox.text_of(smtp_inbox.wait_for("robin@example.org"))
    invitation.refresh_from_db()
    assert invitation.code_locked_at is None
    assert invitation.wrong_codes == 0
    response = another_client(50).post(
        reverse(JOIN), {"contact": "Robin@example.org", "code": new_code}
    )
    assert response["Location"].startswith("/join/")
    assert response["Location"] != invitation.link


def test_a_new_code_also_renews_an_invitation_that_ran_out(world, client_for):
    Invitation.objects.filter(pk=world.invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    url = reverse("participants:invitation_renew", kwargs={"pk": world.invitation.participant_id})
    coordinator = client_for(world, "coordinator")
    assert "ran out" in coordinator.get(url).content.decode()

    coordinator.post(url)

    world.invitation.refresh_from_db()
    assert world.invitation.expires_at > timezone.now() + datetime.timedelta(days=13)


def test_there_is_no_new_code_for_someone_who_has_accepted(world, client_for):
    url = reverse("participants:invitation_renew", kwargs={"pk": world.membership.participant.pk})
    assert client_for(world, "coordinator").get(url).status_code == 404


def test_wrong_invitation_links_are_limited_per_client(world):
    guesser = another_client(1)
    for n in range(invitations.WRONG_LINKS_PER_SESSION.amount):
        page = guesser.get(reverse("participants:accept", kwargs={"token": f"guess-{n}"}))
        assert "cannot find that invitation" in page.content.decode()

    # Even the right link is not looked up for this browser for now
    right = world.invitation.link
    response = guesser.get(right)
    assert response.status_code == 429
    assert invitations.TOO_MANY_LINKS in response.content.decode()
    assert another_client(2).get(right).status_code == 200


def test_wrong_links_from_one_address_are_limited_whatever_its_sessions(world):
    for n in range(invitations.WRONG_LINKS_PER_IP.amount):
        another_client(1).get(reverse("participants:accept", kwargs={"token": f"guess-{n}"}))

    response = another_client(1).post(world.invitation.link, {"preferred_name": "Robin"})

    assert response.status_code == 429
    assert Participant.objects.get(pk=world.invitation.participant_id).user is None
