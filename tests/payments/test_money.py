"""Money that is exact, dated and append-only: rates, claims, limits, the ledger, exports."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coprod.csv_safe import safe_cell
from payments import services
from payments.models import Claim, Fact, LedgerEntry, PaymentChoice, RateBasis, RateCard
from payments.money import pence_for_time, pence_from_pounds, period_bounds, tax_year_bounds
from projects.meetings import services as meeting_services
from tests.conftest import PDF_BYTES
from tests.factories import ProjectMembershipFactory, StaffMembershipFactory

D = datetime.date
pytestmark = pytest.mark.django_db


# --- Arithmetic and periods --------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "rate", "pence"),
    [
        (60, 1345, 1345),
        (90, 1345, 2018),  # 2017.5 rounds half-up
        (1, 1345, 22),  # 22.4166 rounds down
        (45, 1290, 968),  # 967.5 rounds half-up
        (150, 1480, 3700),
    ],
)
def test_time_is_paid_to_the_penny_rounding_half_up(minutes, rate, pence):
    assert pence_for_time(minutes, rate) == pence


def test_pounds_typed_by_people_become_exact_pence():
    assert pence_from_pounds("4.50") == 450
    assert pence_from_pounds("£12") == 1200
    assert pence_from_pounds("1,000.01") == 100001
    with pytest.raises(ValueError, match="pounds and pence"):
        pence_from_pounds("4.505")


def test_weeks_run_monday_to_sunday_and_months_are_calendar_months():
    assert period_bounds("week", D(2027, 3, 3)) == (D(2027, 3, 1), D(2027, 3, 7))
    assert period_bounds("month", D(2028, 2, 10)) == (D(2028, 2, 1), D(2028, 2, 29))


@pytest.mark.parametrize(
    ("day", "start_day", "bounds"),
    [
        (D(2027, 1, 20), 15, (D(2027, 1, 15), D(2027, 2, 14))),
        (D(2027, 1, 10), 15, (D(2026, 12, 15), D(2027, 1, 14))),
        # A period starting on the 31st starts on the last day of shorter months.
        (D(2027, 2, 28), 31, (D(2027, 2, 28), D(2027, 3, 30))),
        (D(2027, 2, 27), 31, (D(2027, 1, 31), D(2027, 2, 27))),
        (D(2027, 3, 31), 31, (D(2027, 3, 31), D(2027, 4, 29))),
        (D(2026, 12, 31), 30, (D(2026, 12, 30), D(2027, 1, 29))),
    ],
)
def test_universal_credit_periods_cross_month_ends(day, start_day, bounds):
    assert period_bounds("uc", day, uc_start_day=start_day) == bounds


def test_the_tax_year_runs_6_april_to_5_april():
    assert tax_year_bounds(D(2027, 4, 5)) == (D(2026, 4, 6), D(2027, 4, 5))
    assert tax_year_bounds(D(2027, 4, 6)) == (D(2027, 4, 6), D(2028, 4, 5))


# --- Rates --------------------------------------------------------------------------------


def test_the_rate_in_force_on_the_day_applies_from_the_dated_facts(world):
    org = world.org
    uk = RateBasis.RLW_UK
    assert (
        services.rate_in_force(organisation=org, basis=uk, on=D(2024, 10, 22)).hourly_pence == 1200
    )
    assert (
        services.rate_in_force(organisation=org, basis=uk, on=D(2024, 10, 23)).hourly_pence == 1260
    )
    london = services.rate_in_force(organisation=org, basis=RateBasis.RLW_LONDON, on=D(2026, 1, 5))
    assert london.hourly_pence == 1480
    # A new figure entered as a fact (as an admin would) takes effect on its day, once
    # a service that prices work copies it into the cards: reading the rate never writes.
    Fact.objects.create(
        key="rlw.uk", value="14.10", valid_from=D(2026, 10, 27), status="secondary", source="x"
    )
    cards = RateCard.objects.count()
    assert (
        services.rate_in_force(organisation=org, basis=uk, on=D(2026, 10, 27)).hourly_pence == 1345
    )
    assert RateCard.objects.count() == cards
    services.rate_cards_from_facts(organisation=org)
    assert (
        services.rate_in_force(organisation=org, basis=uk, on=D(2026, 10, 27)).hourly_pence == 1410
    )


def test_an_own_rate_needs_a_date_and_must_beat_the_living_wage(world):
    with pytest.raises(ValidationError) as error:
        services.rate_card_add(
            organisation=world.org, by=None, hourly_pence=1500, valid_from=None, source=""
        )
    assert "valid_from" in error.value.message_dict
    with pytest.raises(ValidationError, match="at least the Real Living Wage"):
        services.rate_card_add(
            organisation=world.org, by=None, hourly_pence=1000, valid_from=D(2026, 1, 1), source=""
        )
    card = services.rate_card_add(
        organisation=world.org, by=None, hourly_pence=1500, valid_from=D(2026, 1, 1), source="Board"
    )
    assert card.basis == "own"


# --- Claims ---------------------------------------------------------------------------------


def test_attendance_becomes_a_claim_at_the_rate_on_the_meeting_date(world):
    claim = world.claim
    day = world.past_meeting.starts_at.astimezone(world.org.zone).date()
    rate = services.rate_in_force(organisation=world.org, basis="rlw_uk", on=day).hourly_pence
    assert claim.minutes == 120  # the meeting's length
    assert claim.rate_pence == rate
    assert claim.amount_pence == pence_for_time(120, rate)
    assert claim.status == "submitted"

    # Changing attendance before approval changes the claim; no second claim appears.
    meeting_services.attendance_record(
        meeting=world.past_meeting,
        by=None,
        rows=[{"participant": world.membership.participant, "attended": True, "minutes": 45}],
    )
    claim.refresh_from_db()
    assert claim.minutes == 60  # the project pays at least an hour
    assert Claim.objects.filter(attendance__meeting=world.past_meeting).count() == 1


def test_people_who_volunteer_get_no_claim_for_their_time(world):
    jo = world.membership.participant
    services.payment_choice_save(participant=jo, by=None, method="none")
    world.claim.delete()
    services.claims_for_meeting(meeting=world.past_meeting, by=None)
    assert not Claim.objects.filter(participant=jo, kind="time").exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [(0, "more than £0"), (-450, "more than £0"), (60_000, "more than £500")],
)
def test_absurd_expense_amounts_are_refused(world, amount, message):
    with pytest.raises(ValidationError, match=message):
        services.expense_claim_submit(
            participant=world.membership.participant,
            project=world.project,
            by=None,
            expense="travel",
            amount_pence=amount,
            description="",
            work_date=timezone.localdate(),
        )


def test_a_receipt_must_be_a_picture_or_a_pdf(world):
    def claim(upload):
        return services.expense_claim_submit(
            participant=world.membership.participant,
            project=world.project,
            by=None,
            expense="travel",
            amount_pence=300,
            description="",
            work_date=timezone.localdate(),
            receipt=upload,
        )

    with pytest.raises(ValidationError) as error:
        claim(SimpleUploadedFile("receipt.pdf", b"MZ\x90\x00" + b"\x00" * 64))
    assert "receipt" in error.value.message_dict
    assert claim(SimpleUploadedFile("receipt.pdf", PDF_BYTES)).receipt


def test_nobody_claims_for_another_organisations_project(world, client_for):
    with pytest.raises(ValidationError, match="project you are part of"):
        services.expense_claim_submit(
            participant=world.membership.participant,
            project=world.other_project,
            by=None,
            expense="travel",
            amount_pence=300,
            description="",
            work_date=timezone.localdate(),
        )
    response = client_for(world, "member").post(
        reverse("payments:expense_new", args=[world.membership.participant.pk]),
        {
            "project": world.other_project.pk,
            "expense": "travel",
            "amount": "3.00",
            "work_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert not Claim.objects.filter(project=world.other_project).exists()


def test_nobody_approves_their_own_claim(world):
    colead_staff = world.membership.participant.user
    StaffMembershipFactory(user=colead_staff, organisation=world.org)
    with pytest.raises(ValidationError, match="your own claim"):
        services.claim_approve(claim=world.claim, by=colead_staff)


# --- Limits -----------------------------------------------------------------------------------


def near_the_limit(world, limit_pence):
    jo = world.membership.participant
    day = world.claim.work_date
    services.benefits_save(
        participant=jo,
        by=None,
        benefits=["uc"],
        limit_pence=limit_pence,
        period="uc",
        uc_start_day=day.day,
    )
    return jo


def test_a_claim_over_the_persons_limit_needs_their_choice_and_can_be_split(world):
    jo = near_the_limit(world, 1000)
    claim = world.claim
    coordinator = world.users["coordinator"]

    with pytest.raises(services.LimitWarning) as warning:
        services.claim_approve(claim=claim, by=coordinator)
    assert warning.value.check.room_pence == 1000
    assert not LedgerEntry.objects.filter(claim=claim).exists()

    services.claim_approve(claim=claim, by=coordinator, decision="split")
    claim.refresh_from_db()
    rest = Claim.objects.get(participant=jo, limit_decision="split", pk__gt=claim.pk)
    assert claim.amount_pence == 1000
    assert rest.amount_pence == pence_for_time(120, claim.rate_pence) - 1000
    assert rest.not_before == services.limit_check(claim).period_end + datetime.timedelta(days=1)
    assert rest.status == "approved"
    assert sum(
        e.amount_pence for e in LedgerEntry.objects.filter(participant=jo, claim__kind="time")
    ) == (pence_for_time(120, claim.rate_pence))


def test_other_projects_of_the_organisation_count_towards_the_limit(world):
    from tests.factories import ProjectFactory

    jo = near_the_limit(world, 5000)
    other_project = ProjectFactory(organisation=world.org)
    ProjectMembershipFactory(project=other_project, participant=jo)
    elsewhere = Claim.objects.create(
        participant=jo,
        project=other_project,
        kind="time",
        work_date=world.claim.work_date,
        minutes=120,
        rate_pence=1345,
        amount_pence=2690,
    )
    services.claim_approve(claim=elsewhere, by=world.users["coordinator"])

    check = services.limit_check(world.claim)

    assert check.before_pence == 2690
    assert check.after_pence == 2690 + world.claim.amount_pence
    assert check.crosses == (2690 + world.claim.amount_pence > 5000)


def test_switching_to_vouchers_records_the_reason_and_the_member_sees_it(world, client_for):
    near_the_limit(world, 100)
    with pytest.raises(ValidationError, match="reason"):
        services.claim_approve(
            claim=world.claim, by=world.users["coordinator"], decision="vouchers"
        )
    services.claim_approve(
        claim=world.claim,
        by=world.users["coordinator"],
        decision="vouchers",
        note="Jo asked for vouchers this month to keep under the UC limit.",
    )
    page = client_for(world, "member").get(world.claim.get_absolute_url()).content.decode()
    assert "Why vouchers" in page
    assert "Jo asked for vouchers this month" in page


def test_a_voucher_choice_must_say_why(world):
    with pytest.raises(ValidationError) as error:
        services.payment_choice_save(
            participant=world.membership.participant, by=None, method="vouchers"
        )
    assert "voucher_reason" in error.value.message_dict


# --- Paying, and the ledger ---------------------------------------------------------------------


def with_bank_details(participant):
    services.payment_choice_save(
        participant=participant,
        by=None,
        method="cash",
        account_name="J Bloggs",
        sort_code="123456",
        account_number="12345678",
    )
    return participant


def test_marking_paid_twice_pays_once(world):
    finance = world.users["finance"]
    with_bank_details(world.membership.participant)
    args = {
        "claim_ids": [world.fare.pk],
        "by": finance,
        "organisation_ids": [world.org.pk],
        "paid_on": timezone.localdate(),
        "how": "bank_transfer",
        "reference": "BACS 1001",
    }
    first = services.claims_mark_paid(**args)
    second = services.claims_mark_paid(**args)
    assert len(first.paid) == 1
    assert second.paid == []
    assert second.skipped == [f"Claim {world.fare.pk} (Jo, £4.50) is not marked paid: it is paid."]
    assert LedgerEntry.objects.filter(claim=world.fare, kind="paid").count() == 1


def test_finance_of_another_organisation_cannot_pay_it(world):
    other_finance = StaffMembershipFactory(organisation=world.other_org, role="finance").user
    result = services.claims_mark_paid(
        claim_ids=[world.fare.pk],
        by=other_finance,
        organisation_ids=[world.other_org.pk],
        paid_on=timezone.localdate(),
        how="cash_in_hand",
        handed_by="Sam",
    )
    assert result.paid == []
    world.fare.refresh_from_db()
    assert world.fare.status == "approved"


def test_the_ledger_cannot_be_changed_or_deleted_only_reversed(world):
    entry = world.ledger_entry
    entry.amount_pence = 1
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_pence=1)
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()

    reversal = services.ledger_reverse(entry=entry, by=world.users["finance"], reason="Twice")
    assert reversal.amount_pence == -450
    assert reversal.reverses_id == entry.pk
    world.fare.refresh_from_db()
    assert world.fare.status == "rejected"
    with pytest.raises(ValidationError):
        services.ledger_reverse(entry=entry, by=world.users["finance"], reason="Again")


def test_the_csv_export_neutralises_formulas_and_coordinators_never_get_it(world, client_for):
    jo = world.membership.participant
    jo.full_name = '=HYPERLINK("http://evil","click")'
    jo.save()
    services.payment_choice_save(
        participant=jo,
        by=None,
        method="cash",
        account_name="@SUM(A1:A9)",
        sort_code="12-34-56",
        account_number="12345678",
    )
    response = client_for(world, "finance").get(reverse("payments:export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    fare = next(row for row in rows if row[0] == str(world.fare.pk))
    assert fare[3] == '\'=HYPERLINK("http://evil","click")'
    assert fare[7] == "4.50"
    assert fare[8] == "'@SUM(A1:A9)"
    assert fare[10] == "12345678"
    assert client_for(world, "coordinator").get(reverse("payments:export")).status_code == 403


@pytest.mark.parametrize("text", ["=1+1", "+44", "-5", "@me", "\tx"])
def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe(text):
    assert safe_cell(text) == f"'{text}"
    assert safe_cell(450) == "450"
    assert safe_cell("Jo") == "Jo"


def test_coordinators_see_bank_details_masked_and_finance_in_full(world, client_for):
    services.payment_choice_save(
        participant=world.membership.participant,
        by=None,
        method="cash",
        account_name="J Bloggs",
        sort_code="123456",
        account_number="12345678",
    )
    url = world.fare.get_absolute_url()
    assert "12345678" not in client_for(world, "coordinator").get(url).content.decode()
    assert "account ending 5678" in client_for(world, "coordinator").get(url).content.decode()
    assert "12345678" in client_for(world, "finance").get(url).content.decode()
    assert (
        "12345678" in client_for(world, "finance").get(reverse("payments:queue")).content.decode()
    )


def test_bank_details_and_benefits_are_encrypted_at_rest(world):
    from django.db import connection

    jo = world.membership.participant
    services.payment_choice_save(
        participant=jo, by=None, method="cash", sort_code="123456", account_number="87654321"
    )
    services.benefits_save(participant=jo, by=None, benefits=["esa", "pip"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT account_number FROM payments_paymentchoice")
        stored = cursor.fetchone()[0]
        cursor.execute("SELECT benefits_encrypted FROM payments_benefitsandlimit")
        benefits = cursor.fetchone()[0]
    assert "87654321" not in str(stored)
    assert "esa" not in str(benefits)
    assert PaymentChoice.objects.get(participant=jo).account_number == "87654321"


def test_the_statement_shows_what_is_paid_and_waiting_since_when(world, client_for):
    services.claims_mark_paid(
        claim_ids=[world.fare.pk],
        by=world.users["finance"],
        organisation_ids=[world.org.pk],
        paid_on=timezone.localdate(),
        how="cash_in_hand",
        handed_by="Sam",
    )
    page = (
        client_for(world, "member")
        .get(reverse("payments:statement", args=[world.membership.participant.pk]))
        .content.decode()
    )
    assert "£4.50" in page
    assert "Waiting for approval since" in page
    assert "In all: £4.50" in page


def test_erasure_keeps_amounts_and_dates_and_drops_bank_details(world):
    from participants.data_rights import participant_erase

    jo = world.membership.participant
    services.payment_choice_save(participant=jo, by=None, method="cash", account_number="12345678")
    participant_erase(participant=jo, by=None)
    assert not PaymentChoice.objects.filter(participant=jo).exists()
    fare = Claim.objects.get(pk=world.fare.pk)
    assert (fare.amount_pence, fare.description) == (450, "")
    assert LedgerEntry.objects.filter(participant=jo).exists()


def test_the_coordinator_splits_a_claim_over_the_limit_from_the_claim_page(world, client_for):
    near_the_limit(world, 1000)
    client = client_for(world, "coordinator")
    page = client.get(world.claim.get_absolute_url()).content.decode()
    assert "over the limit they set" in page

    url = reverse("payments:approve", args=[world.claim.pk])
    warned = client.post(url, {})
    assert warned.status_code == 200
    assert "Choose what they want" in warned.content.decode()
    assert client.post(url, {"decision": "split"}).status_code == 302
    world.claim.refresh_from_db()
    assert (world.claim.status, world.claim.amount_pence) == ("approved", 1000)


def test_a_claim_within_the_limit_asks_nothing(world, client_for):
    page = client_for(world, "coordinator").get(world.claim.get_absolute_url()).content.decode()
    assert "What did they choose?" not in page


def test_a_coordinator_enters_a_paper_claim_for_someone_who_does_not_log_in(world, client_for):
    client = client_for(world, "coordinator")
    response = client.post(
        reverse("payments:expense_for", args=[world.offline.pk]),
        {
            "project": world.project.pk,
            "expense": "childcare",
            "amount": "12.00",
            "work_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get(participant=world.offline)
    assert (claim.amount_pence, claim.on_behalf) == (1200, True)
    assert (
        client_for(world, "other_coordinator")
        .get(reverse("payments:expense_for", args=[world.offline.pk]))
        .status_code
        == 404
    )


def test_benefits_notes_go_to_the_person_and_their_coordinators_not_finance(world, client_for):
    services.benefits_save(participant=world.membership.participant, by=None, benefits=["esa"])
    url = world.claim.get_absolute_url()
    assert "permitted work" in client_for(world, "coordinator").get(url).content.decode()
    assert "permitted work" not in client_for(world, "finance").get(url).content.decode()
    assert "permitted work" not in client_for(world, "admin").get(url).content.decode()
    page = (
        client_for(world, "member")
        .get(reverse("payments:benefits", args=[world.membership.participant.pk]))
        .content.decode()
    )
    assert "Send form PW1" in page
    assert "ESA permitted work: the most you can earn: <strong>not confirmed</strong>" in page
    assert "esa.permitted_work" not in page


def test_unticking_someone_drops_their_unapproved_claim_but_not_an_approved_one(world):
    jo = world.membership.participant
    untick = [{"participant": jo, "attended": False}]
    meeting_services.attendance_record(meeting=world.past_meeting, by=None, rows=untick)
    assert not Claim.objects.filter(participant=jo, kind="time").exists()

    tick = [{"participant": jo, "attended": True}]
    meeting_services.attendance_record(meeting=world.past_meeting, by=None, rows=tick)
    claim = Claim.objects.get(participant=jo, kind="time")
    services.claim_approve(claim=claim, by=world.users["coordinator"])
    with pytest.raises(ValidationError, match="already approved for payment"):
        meeting_services.attendance_record(meeting=world.past_meeting, by=None, rows=untick)
    assert world.past_meeting.attendance.filter(participant=jo).exists()


def test_the_export_costs_the_same_queries_for_one_payment_or_many(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world, "finance")

    def count():
        with CaptureQueriesContext(connection) as queries:
            b"".join(client.get(reverse("payments:export")).streaming_content)
        return len(queries)

    few = count()
    for n in range(10):
        claim = services.expense_claim_submit(
            participant=world.membership.participant,
            project=world.project,
            by=None,
            expense="travel",
            amount_pence=100 + n,
            description="",
            work_date=timezone.localdate(),
        )
        services.claim_approve(claim=claim, by=world.users["coordinator"])
    assert count() == few


def test_turning_down_without_a_reason_goes_back_to_the_claim_and_says_why(world, client_for):
    client = client_for(world, "coordinator")
    url = reverse("payments:reject", args=[world.claim.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert response.redirect_chain[-1][0] == world.claim.get_absolute_url()
    assert "Say why, plainly" in response.content.decode()
    response = client.post(url, {"reason": "Paid by the other project."})
    assert response["Location"] == reverse("payments:approvals")
