"""A member's voucher code: shown by a button whenever they need it, never by opening a link."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from payments import services
from payments.models import VoucherCodeReveal

pytestmark = pytest.mark.django_db

CODE = "GIFT-4821-7730"


@pytest.fixture
def voucher_claim(world):
    claim = world.claim
    claim.method = "vouchers"
    claim.voucher_code = CODE
    claim.save(update_fields=["method", "voucher_code"])
    return claim


def reveal_url(claim) -> str:
    return reverse("payments:voucher_code", kwargs={"pk": claim.pk})


def test_opening_the_claim_page_never_shows_the_code(world, client_for, voucher_claim):
    member = client_for(world, "member")
    for query in ("", "?show=code"):
        page = member.get(voucher_claim.get_absolute_url() + query).content.decode()
        assert CODE not in page
        assert "Show my voucher code" in page
    assert not VoucherCodeReveal.objects.exists()


def test_the_button_shows_the_code_and_records_who_and_when(world, client_for, voucher_claim):
    member = client_for(world, "member")

    response = member.post(reveal_url(voucher_claim))

    assert response.status_code == 200
    assert CODE in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    reveal = VoucherCodeReveal.objects.get()
    assert reveal.claim == voucher_claim
    assert reveal.by == world.users["member"]
    # The page afterwards lists it, and does not show the code again without the button.
    page = member.get(voucher_claim.get_absolute_url()).content.decode()
    assert CODE not in page
    assert "Shown to you:" in page


def test_the_member_can_see_it_again_later(world, client_for, voucher_claim):
    member = client_for(world, "member")
    assert CODE in member.post(reveal_url(voucher_claim)).content.decode()
    assert CODE in member.post(reveal_url(voucher_claim)).content.decode()
    assert VoucherCodeReveal.objects.count() == 2


def test_a_get_of_the_reveal_address_shows_nothing(world, client_for, voucher_claim):
    response = client_for(world, "member").get(reveal_url(voucher_claim))
    assert response.status_code == 405
    assert CODE not in response.content.decode()
    assert not VoucherCodeReveal.objects.exists()


@pytest.mark.parametrize("role", ["co_lead", "other_coordinator", "funder", "no_role"])
def test_anyone_who_cannot_see_the_claim_gets_404(world, client_for, voucher_claim, role):
    response = client_for(world, role).post(reveal_url(voucher_claim))
    assert response.status_code == 404
    assert not VoucherCodeReveal.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "finance", "admin"])
def test_staff_who_see_the_claim_cannot_reveal_the_code(world, client_for, voucher_claim, role):
    response = client_for(world, role).post(reveal_url(voucher_claim))
    assert response.status_code == 403
    assert (
        CODE not in client_for(world, role).get(voucher_claim.get_absolute_url()).content.decode()
    )


def test_reveals_are_limited_per_hour(world, voucher_claim):
    member = world.users["member"]
    start = timezone.now()
    for minute in range(services.VOUCHER_REVEALS_PER_HOUR):
        at = start + datetime.timedelta(minutes=minute)
        assert services.voucher_code_reveal(claim=voucher_claim, by=member, now=at) == CODE

    with pytest.raises(ValidationError, match="times in the last hour"):
        services.voucher_code_reveal(
            claim=voucher_claim, by=member, now=start + datetime.timedelta(minutes=30)
        )
    # An hour after the first, it can be seen again.
    later = start + datetime.timedelta(minutes=60, seconds=1)
    assert services.voucher_code_reveal(claim=voucher_claim, by=member, now=later) == CODE
    assert VoucherCodeReveal.objects.count() == services.VOUCHER_REVEALS_PER_HOUR + 1


def test_over_the_limit_the_member_is_told_when_they_can_see_it_again(
    world, client_for, voucher_claim
):
    member = client_for(world, "member")
    for _ in range(services.VOUCHER_REVEALS_PER_HOUR):
        member.post(reveal_url(voucher_claim))

    response = member.post(reveal_url(voucher_claim), follow=True)

    page = response.content.decode()
    assert "You can see it again from" in page
    assert CODE not in page


def test_a_claim_without_a_code_says_so(world, client_for):
    response = client_for(world, "member").post(reveal_url(world.claim), follow=True)
    assert "no voucher code for this claim yet" in response.content.decode()
