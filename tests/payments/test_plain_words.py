"""Members read plain names, never internal codes; voucher payments never name a bank account."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from payments import services
from payments.models import Fact, LimitDecision, PaidHow, PayMethod
from tests.payments.test_money import with_bank_details

pytestmark = pytest.mark.django_db


def paid_in_vouchers(world):
    jo = with_bank_details(world.membership.participant)
    services.payment_choice_save(
        participant=jo,
        by=None,
        method="vouchers",
        voucher_reason="Jo chose vouchers this year.",
    )
    claim = services.claim_approve(claim=world.claim, by=world.users["coordinator"])
    services.claims_mark_paid(
        claim_ids=[claim.pk],
        by=world.users["finance"],
        organisation_ids=[world.org.pk],
        paid_on=timezone.localdate(),
        how="voucher_code",
        voucher_codes={claim.pk: "GIFT-1"},
    )
    claim.refresh_from_db()
    return claim


@pytest.mark.parametrize("role", ["member", "coordinator", "finance"])
def test_a_voucher_payment_never_says_paid_to_a_bank_account(world, client_for, role):
    claim = paid_in_vouchers(world)
    page = client_for(world, role).get(claim.get_absolute_url()).content.decode()
    assert "Paid to" not in page
    assert "account ending" not in page
    assert "12345678" not in page
    assert "Voucher code" in page


def test_a_money_payment_still_says_which_account(world, client_for):
    with_bank_details(world.membership.participant)
    page = client_for(world, "member").get(world.fare.get_absolute_url()).content.decode()
    assert "<dt>Paid to</dt><dd>account ending 5678</dd>" in page


def test_the_payments_csv_has_no_bank_details_on_voucher_rows(world, client_for):
    claim = paid_in_vouchers(world)
    response = client_for(world, "finance").get(reverse("payments:export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, voucher = rows[0], next(row for row in rows if row[0] == str(claim.pk))
    assert voucher[header.index("method")] == "vouchers"
    assert voucher[header.index("how paid")] == "Voucher code"
    for column in ("account name", "sort code", "account number"):
        assert voucher[header.index(column)] == ""
    fare = next(row for row in rows if row[0] == str(world.fare.pk))
    assert fare[header.index("account number")] == "12345678"


# Codes that are ours, not words: fact keys and the values of our choices.
def internal_codes() -> set[str]:
    codes = set(Fact.objects.values_list("key", flat=True))
    for choices in (PayMethod, PaidHow, LimitDecision):
        codes |= {value for value in choices.values if "_" in value}
    return codes


def test_every_fact_has_a_plain_name():
    assert not Fact.objects.filter(label="").exists()
    assert Fact.objects.get(key="uc.work_allowance.lower", valid_from__year=2025).plain_name == (
        "Universal Credit work allowance (if you get help with housing)"
    )


def test_member_pages_show_no_internal_codes(world, client_for):
    # Given a member on Universal Credit, ESA and Carer's Allowance with a limit, a paid
    # voucher claim decided over their limit, and a paid bus fare.
    jo = world.membership.participant
    claim = paid_in_vouchers(world)
    services.benefits_save(participant=jo, by=None, benefits=["uc", "esa", "carers"])
    services.claims_mark_paid(
        claim_ids=[world.fare.pk],
        by=world.users["finance"],
        organisation_ids=[world.org.pk],
        paid_on=timezone.localdate(),
        how="cash_in_hand",
        handed_by="Sam",
    )
    client = client_for(world, "member")
    pages = [
        reverse("payments:statement", args=[jo.pk]),
        reverse("payments:benefits", args=[jo.pk]),
        reverse("payments:choice", args=[jo.pk]),
        claim.get_absolute_url(),
        world.fare.get_absolute_url(),
    ]
    codes = internal_codes()
    for url in pages:
        text = re.sub(r"<[^>]+>", " ", client.get(url).content.decode())
        shown = {code for code in codes if code in text}
        assert not shown, f"{url} shows {shown}"
        assert not re.search(r"\((cash|vouchers|expenses)\)", text), url
    benefits = client.get(reverse("payments:benefits", args=[jo.pk])).content.decode()
    assert "Carer&#x27;s Allowance earnings limit: £204.00 a week" in benefits


def test_the_limit_choice_reads_as_words_on_the_claim(world, client_for):
    claim = world.claim
    claim.limit_decision = "go_ahead"
    claim.save()
    page = client_for(world, "member").get(claim.get_absolute_url()).content.decode()
    assert "They chose to go ahead" in page
    assert "go_ahead" not in page
