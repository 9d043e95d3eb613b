"""Tax years come from the day money was paid, 6 April to 5 April, never from a row's date."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from payments import services
from payments.selectors import tax_year_of, tax_year_summary
from tests.payments.test_money import with_bank_details

D = datetime.date
pytestmark = pytest.mark.django_db


def test_the_tax_year_turns_between_5_and_6_april():
    assert tax_year_of(D(2026, 4, 5)) == 2025
    assert tax_year_of(D(2026, 4, 6)) == 2026
    assert tax_year_of(D(2027, 1, 1)) == 2026


def approved_expense(world, pence):
    claim = services.expense_claim_submit(
        participant=world.membership.participant,
        project=world.project,
        by=None,
        expense="travel",
        amount_pence=pence,
        description="",
        work_date=D(2026, 4, 1),
        not_a_duplicate=True,
    )
    return services.claim_approve(claim=claim, by=world.users["coordinator"])


def pay(world, claim, day, **how):
    how = how or {"how": "bank_transfer", "reference": "BACS"}
    result = services.claims_mark_paid(
        claim_ids=[claim.pk],
        by=world.users["finance"],
        organisation_ids=[world.org.pk],
        paid_on=day,
        **how,
    )
    assert result.paid, result.skipped
    return result.paid[0]


def test_a_payment_on_5_april_counts_in_the_year_ending_that_day(world):
    # Given two payments, on 5 and on 6 April 2026, both recorded today (December 2026).
    with_bank_details(world.membership.participant)
    pay(world, approved_expense(world, 505), D(2026, 4, 5))
    pay(world, approved_expense(world, 606), D(2026, 4, 6))

    # When finance reads the two tax years, then each payment is in its own.
    before = tax_year_summary([world.org.pk], start_year=2025)
    after = tax_year_summary([world.org.pk], start_year=2026)
    assert (before.start, before.end) == (D(2025, 4, 6), D(2026, 4, 5))
    assert [p["expenses"] for p in before.people] == [505]
    assert [p["expenses"] for p in after.people] == [606]
    assert before.totals["total"] == 505


def test_a_reversed_payment_comes_off_the_year_it_was_paid_in(world):
    with_bank_details(world.membership.participant)
    claim = pay(world, approved_expense(world, 505), D(2026, 4, 5))
    services.ledger_reverse(
        entry=claim.ledger.get(kind="paid"), by=world.users["finance"], reason="Not sent"
    )
    assert tax_year_summary([world.org.pk], start_year=2025).people == []
    assert tax_year_summary([world.org.pk], start_year=2026).people == []


def test_the_summary_totals_by_person_and_by_how_it_was_paid(world):
    with_bank_details(world.membership.participant)
    pay(world, approved_expense(world, 100), D(2026, 5, 1))
    pay(world, approved_expense(world, 250), D(2026, 5, 2), how="cash_in_hand", handed_by="Sam")
    summary = tax_year_summary([world.org.pk], start_year=2026)
    assert [(p["name"], p["expenses"], p["total"]) for p in summary.people] == [
        (world.membership.participant.full_name or "Jo", 350, 350)
    ]
    assert {row["label"]: row["total"] for row in summary.by_how} == {
        "Bank transfer": 100,
        "Cash in hand": 250,
    }


def test_the_page_shows_the_chosen_year_as_an_accessible_table(world, client_for):
    with_bank_details(world.membership.participant)
    pay(world, approved_expense(world, 505), D(2026, 4, 5))
    url = reverse("payments:tax_year_summary")
    page = client_for(world, "finance").get(url, {"year": "2025"}).content.decode()
    assert "6 April 2025 to 5 April 2026" in page
    assert "<caption>What each person was paid in 2025-26, in pounds</caption>" in page
    assert '<th scope="col" class="text-end">Expenses</th>' in page
    assert "£5.05" in page
    assert '<option value="2025" selected>2025-26</option>' in page
    # The admin reads it too (no bank details on it), without the finance-only CSV link.
    admin = client_for(world, "admin").get(url, {"year": "2025"}).content.decode()
    assert "£5.05" in admin
    assert reverse("payments:tax_year") not in admin


@pytest.mark.parametrize("year", ["9999", "1" * 20, "abc", "-1", "1e5", "2026.5"])
def test_a_year_that_is_not_offered_gets_a_plain_message_not_an_error(world, client_for, year):
    client = client_for(world, "finance")
    page = client.get(reverse("payments:tax_year_summary"), {"year": year})
    assert page.status_code == 200
    assert "Choose a tax year from" in page.content.decode()
    export = client.get(reverse("payments:tax_year"), {"year": year})
    assert export.status_code == 400
    assert "Choose a tax year from" in export.content.decode()


def test_the_csv_uses_the_same_rule(world, client_for):
    with_bank_details(world.membership.participant)
    pay(world, approved_expense(world, 505), D(2026, 4, 5))
    response = client_for(world, "finance").get(reverse("payments:tax_year"), {"year": "2025"})
    assert response["Content-Disposition"].endswith('tax-year-2025-26.csv"')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][4] == "5.05"
    this_year = client_for(world, "finance").get(reverse("payments:tax_year"), {"year": "2026"})
    assert len(list(csv.reader(io.StringIO(b"".join(this_year.streaming_content).decode())))) == 1
