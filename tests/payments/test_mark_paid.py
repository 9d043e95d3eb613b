"""Marking paid records how the money actually went; what cannot have been paid is refused."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coprod.notifications.models import Notification
from payments import services
from payments.models import Claim, LedgerEntry
from payments.money import pounds
from payments.notifications import PAYMENT_PAID
from tests.payments.test_money import with_bank_details

pytestmark = pytest.mark.django_db


def mark(world, claims, **how):
    return services.claims_mark_paid(
        claim_ids=[claim.pk for claim in claims],
        by=world.users["finance"],
        organisation_ids=[world.org.pk],
        paid_on=timezone.localdate(),
        **how,
    )


def told_paid(claim) -> bool:
    return Notification.objects.filter(kind=PAYMENT_PAID, about_id=claim.pk).exists()


def voucher_claim(world):
    services.payment_choice_save(
        participant=world.membership.participant,
        by=None,
        method="vouchers",
        voucher_reason="Jo chose vouchers this year.",
    )
    return services.claim_approve(claim=world.claim, by=world.users["coordinator"])


def test_a_bank_transfer_with_no_bank_details_on_file_is_refused_and_nobody_is_told(world):
    result = mark(world, [world.fare], how="bank_transfer", reference="BACS 1")
    assert result.paid == []
    assert result.skipped == [
        f"Claim {world.fare.pk} (Jo, £4.50) is not marked paid: there are no bank details on "
        "file, so it cannot have gone by bank transfer. Record cash in hand or a cheque, or "
        "ask them for their bank details."
    ]
    world.fare.refresh_from_db()
    assert world.fare.status == "approved"
    assert not LedgerEntry.objects.filter(claim=world.fare, kind="paid").exists()
    assert not told_paid(world.fare)


def test_a_bank_transfer_is_recorded_with_its_day_and_way_in_the_ledger(world):
    with_bank_details(world.membership.participant)
    result = mark(world, [world.fare], how="bank_transfer", reference="BACS 1")
    assert result.paid == [world.fare]
    entry = LedgerEntry.objects.get(claim=world.fare, kind="paid")
    assert (entry.paid_how, entry.paid_on, entry.reference) == (
        "bank_transfer",
        timezone.localdate(),
        "BACS 1",
    )
    assert told_paid(world.fare)


def test_a_bank_transfer_needs_its_reference(world):
    with pytest.raises(ValidationError) as error:
        mark(world, [world.fare], how="bank_transfer")
    assert "reference" in error.value.message_dict


def test_cash_in_hand_says_who_handed_it_over(world):
    with pytest.raises(ValidationError) as error:
        mark(world, [world.fare], how="cash_in_hand")
    assert error.value.message_dict["handed_by"] == ["Say who handed the cash over."]
    mark(world, [world.fare], how="cash_in_hand", handed_by="Sam at the drop-in")
    world.fare.refresh_from_db()
    assert (world.fare.status, world.fare.paid_handed_by) == ("paid", "Sam at the drop-in")
    assert world.fare.paid_in_words == "in cash, handed over by Sam at the drop-in"


def test_a_cheque_needs_its_number(world):
    result = mark(world, [world.fare], how="cheque")
    assert result.skipped[0].endswith("there is no cheque number for it.")
    mark(world, [world.fare], how="cheque", cheque_numbers={world.fare.pk: "000123"})
    world.fare.refresh_from_db()
    assert (world.fare.paid_how, world.fare.cheque_number) == ("cheque", "000123")
    assert LedgerEntry.objects.get(claim=world.fare, kind="paid").reference == "000123"


def test_a_voucher_claim_needs_its_code_and_is_never_paid_another_way(world):
    claim = voucher_claim(world)
    no_code = mark(world, [claim], how="voucher_code")
    assert no_code.skipped[0].endswith(
        "there is no voucher code for it: type the code you gave them."
    )
    by_bank = mark(world, [claim], how="bank_transfer", reference="BACS 2")
    assert by_bank.skipped[0].endswith(
        "it is paid in vouchers: mark it paid with its voucher code."
    )
    assert not told_paid(claim)
    paid = mark(world, [claim], how="voucher_code", voucher_codes={claim.pk: "GIFT-1234"})
    assert paid.paid == [claim]
    claim.refresh_from_db()
    assert (claim.status, claim.voucher_code, claim.paid_how) == (
        "paid",
        "GIFT-1234",
        "voucher_code",
    )


def test_money_is_not_marked_paid_as_a_voucher(world):
    result = mark(world, [world.fare], how="voucher_code", voucher_codes={world.fare.pk: "X"})
    assert result.skipped[0].endswith("it is paid as money, not vouchers.")


def test_the_queue_reports_which_ticked_rows_it_skipped_and_why(world, client_for):
    # Given a money claim with no bank details and a voucher claim with no code.
    vouchers = voucher_claim(world)
    client = client_for(world, "finance")
    response = client.post(
        reverse("payments:queue"),
        {
            "claim": [world.fare.pk, vouchers.pk],
            "paid_on": timezone.localdate().isoformat(),
            "how": "cash_in_hand",
            "handed_by": "Sam",
        },
    )
    assert response.status_code == 302
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[0] == "Marked 1 paid: £4.50."
    assert said[1] == (
        "1 of the 2 ticked claims was not marked paid, and nobody was told they were paid:"
    )
    assert said[2] == (
        f"Claim {vouchers.pk} (Jo, {pounds(vouchers.amount_pence)}) is not marked paid: "
        "it is paid in vouchers: mark it paid with its voucher code."
    )
    assert Claim.objects.get(pk=vouchers.pk).status == "approved"
    assert not told_paid(vouchers)


def test_the_queue_asks_how_it_was_paid(world, client_for):
    client = client_for(world, "finance")
    page = client.get(reverse("payments:queue")).content.decode()
    assert "How was it paid?" in page
    response = client.post(
        reverse("payments:queue"),
        {"claim": [world.fare.pk], "paid_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert Claim.objects.get(pk=world.fare.pk).status == "approved"


def test_a_reversed_payment_is_not_paid_again_on_top(world):
    with_bank_details(world.membership.participant)
    mark(world, [world.fare], how="bank_transfer", reference="BACS 1")
    services.ledger_reverse(
        entry=LedgerEntry.objects.get(claim=world.fare, kind="paid"),
        by=world.users["finance"],
        reason="Bounced",
    )
    again = mark(world, [world.fare], how="bank_transfer", reference="BACS 2")
    assert again.paid == []
    assert "marked paid before and reversed" in again.skipped[0]
