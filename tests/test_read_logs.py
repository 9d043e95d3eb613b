"""Staff reads of communication needs, benefits and bank details leave a row the member sees.

tests/test_private_paths.py checks every path at once; these say, path by
path, what is written: which kind, for whom, and that the page does not
cost a query per person.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants import services as people
from participants.models import AccessLog
from payments import services as money
from payments.models import BenefitNote
from tests.factories import ProjectMembershipFactory

pytestmark = pytest.mark.django_db

Kind = AccessLog.Kind


def with_bank_details(participant, number="12345678"):
    money.payment_choice_save(
        participant=participant,
        by=None,
        method="cash",
        account_name=f"{participant.preferred_name}'s account",
        sort_code="112233",
        account_number=number,
    )
    return participant


def approved_fare(world, participant, pence=300):
    claim = money.expense_claim_submit(
        participant=participant,
        project=world.project,
        by=None,
        expense="travel",
        amount_pence=pence,
        description="Bus",
        work_date=timezone.localdate(),
    )
    return money.claim_approve(claim=claim, by=world.users["coordinator"])


def rows(participant, kind, viewer=None):
    found = AccessLog.objects.filter(participant=participant, kind=kind)
    return found.filter(viewer=viewer) if viewer is not None else found


def member_log(world, client_for) -> str:
    jo = world.membership.participant
    url = reverse("participants:access_log", kwargs={"pk": jo.pk})
    return client_for(world, "member").get(url).content.decode()


# --- The one writer --------------------------------------------------------------------


def test_many_rows_are_one_insert_and_skip_the_viewers_own_profile(world):
    jo = world.membership.participant
    others = [ProjectMembershipFactory(project=world.project).participant for _ in range(5)]

    with CaptureQueriesContext(connection) as queries:
        written = people.access_log_record_many(
            participants=[jo, *others, others[0]],
            viewer=jo.user,
            kind=Kind.COMMUNICATION_NEEDS,
            detail="on a test page",
        )

    assert written == 5  # each other person once; Jo's own read is not logged
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert not rows(jo, Kind.COMMUNICATION_NEEDS).exists()
    assert {row.participant for row in AccessLog.objects.all()} == set(others)


# --- Bank details -----------------------------------------------------------------------


def test_finance_opening_the_queue_logs_a_bank_details_read_for_each_person_shown(
    world, client_for
):
    # Given Jo's approved bus fare, and Sam's, both with bank details on file
    jo = with_bank_details(world.membership.participant)
    sam = with_bank_details(ProjectMembershipFactory(project=world.project).participant)
    approved_fare(world, sam)
    finance = world.users["finance"]

    # When finance opens the queue
    body = client_for(world, "finance").get(reverse("payments:queue")).content.decode()

    # Then each person whose details were on it has one row, in finance's name
    assert "12345678" in body
    for person in (jo, sam):
        [row] = rows(person, Kind.BANK_DETAILS, finance)
        assert row.detail == "on the list of payments to make"
    assert "saw your bank details on the list of payments to make" in member_log(world, client_for)


def test_the_queue_costs_the_same_queries_for_one_person_or_many(world, client_for):
    with_bank_details(world.membership.participant)
    client = client_for(world, "finance")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("payments:queue")).status_code == 200
        return len(queries)

    few = count()
    for n in range(6):
        person = with_bank_details(ProjectMembershipFactory(project=world.project).participant)
        approved_fare(world, person, pence=200 + n)
    assert count() == few


def test_the_payments_export_logs_each_person_whose_bank_details_it_carries(world, client_for):
    # Given two approved claims for Jo (one row each in the file) and one for Sam
    jo = with_bank_details(world.membership.participant)
    approved_fare(world, jo)
    sam = with_bank_details(ProjectMembershipFactory(project=world.project).participant)
    approved_fare(world, sam)
    no_details = ProjectMembershipFactory(project=world.project).participant
    approved_fare(world, no_details)

    # When finance downloads the file
    response = client_for(world, "finance").get(reverse("payments:export"))
    body = b"".join(response.streaming_content).decode()

    # Then Jo and Sam have one row each; someone without details on file has none
    assert "12345678" in body
    finance = world.users["finance"]
    assert rows(jo, Kind.BANK_DETAILS, finance).count() == 1
    assert rows(sam, Kind.BANK_DETAILS, finance).count() == 1
    assert not rows(no_details, Kind.BANK_DETAILS).exists()
    assert rows(jo, Kind.BANK_DETAILS).get().detail.startswith("in a download of payments")


def test_the_claim_page_logs_bank_details_in_full_for_finance_and_last_digits_for_others(
    world, client_for
):
    jo = with_bank_details(world.membership.participant)
    url = reverse("payments:claim", kwargs={"pk": world.fare.pk})

    finance_page = client_for(world, "finance").get(url).content.decode()
    coordinator_page = client_for(world, "coordinator").get(url).content.decode()
    client_for(world, "member").get(url)  # Jo's own look is not logged

    assert "12345678" in finance_page
    assert "ending 5678" in coordinator_page
    assert "12345678" not in coordinator_page
    full = rows(jo, Kind.BANK_DETAILS, world.users["finance"]).get()
    masked = rows(jo, Kind.BANK_DETAILS, world.users["coordinator"]).get()
    assert "last 4 digits" not in full.detail
    assert masked.detail.startswith("(only the last 4 digits of the account number) on your claim")
    assert rows(jo, Kind.BANK_DETAILS).count() == 2


# --- Benefits ----------------------------------------------------------------------------


def test_a_named_coordinator_on_the_claim_page_logs_reading_their_benefits(world, client_for):
    # Given Jo told us about a benefit, and there is a note about it
    jo = world.membership.participant
    BenefitNote.objects.create(
        benefit="other", note="Tell the office.", valid_from=timezone.localdate(), source="Test."
    )
    money.benefits_save(participant=jo, by=jo.user, benefits=["other"])
    url = reverse("payments:claim", kwargs={"pk": world.fare.pk})

    # When the coordinator named on Jo's project opens the claim (and Jo does too)
    page = client_for(world, "coordinator").get(url).content.decode()
    client_for(world, "member").get(url)

    # Then one row says so, and Jo sees it in plain words
    assert "Tell the office." in page
    [row] = rows(jo, Kind.BENEFITS)
    assert row.viewer == world.users["coordinator"]
    assert "read what you told us about your benefits on your claim for" in member_log(
        world, client_for
    )


def test_the_claim_page_logs_nothing_about_benefits_when_it_shows_none(world, client_for):
    url = reverse("payments:claim", kwargs={"pk": world.fare.pk})
    client_for(world, "coordinator").get(url)
    assert not AccessLog.objects.filter(kind=Kind.BENEFITS).exists()


# --- Communication needs -----------------------------------------------------------------


def say_needs(jo, **needs):
    people.profile_update_communication(participant=jo, by=jo.user, **needs)


def test_the_person_page_logs_reading_their_communication_needs(world, client_for):
    jo = world.membership.participant
    say_needs(jo, easy_read=True, interpreter_language="Polish")

    page = (
        client_for(world, "coordinator")
        .get(reverse("participants:person", kwargs={"pk": jo.pk}))
        .content.decode()
    )

    assert "An interpreter for Polish" in page
    assert rows(jo, Kind.COMMUNICATION_NEEDS, world.users["coordinator"]).count() == 1
    log = member_log(world, client_for)
    assert "read how you like us to communicate with you" in log
    assert str(world.users["coordinator"]) in log


def test_the_person_page_logs_no_needs_read_when_there_are_none(world, client_for):
    sam = ProjectMembershipFactory(project=world.project).participant
    assert sam.communication_needs() == []
    url = reverse("participants:person", kwargs={"pk": sam.pk})

    page = client_for(world, "coordinator").get(url).content.decode()

    assert "Nothing special noted." in page
    assert not rows(sam, Kind.COMMUNICATION_NEEDS).exists()


def test_the_on_behalf_form_logs_that_staff_saw_the_answers(world, client_for):
    offline = world.offline
    url = reverse("participants:communication_for", kwargs={"pk": offline.pk})

    response = client_for(world, "coordinator").get(url)

    assert response.status_code == 200
    assert rows(offline, Kind.COMMUNICATION_NEEDS, world.users["coordinator"]).count() == 1


def test_the_meeting_page_logs_each_person_it_names_with_a_need(world, client_for):
    # Given Jo needs papers 20 days before the coming meeting
    jo = world.membership.participant
    say_needs(jo, papers_days_ahead=20)
    url = reverse(
        "projects:meeting", kwargs={"pk": world.project.pk, "meeting_pk": world.meeting.pk}
    )

    # When the named coordinator opens it, and a co-lead who only sees a count
    named = client_for(world, "coordinator").get(url).content.decode()
    client_for(world, "co_lead").get(url)

    # Then only the coordinator, who saw Jo's name with the need, is logged
    assert "because Jo asked for that" in named
    [row] = rows(jo, Kind.COMMUNICATION_NEEDS)
    assert row.viewer == world.users["coordinator"]
    assert row.detail.startswith("on the page for the meeting on")


def test_the_planners_warnings_log_each_person_they_name(world, client_for):
    jo = world.membership.participant
    say_needs(jo, papers_days_ahead=30)
    day = timezone.localdate() + datetime.timedelta(days=10)
    data = {
        "title": "Menu tasting",
        "purpose": "Choose the food.",
        "day": day.isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "format": "in_person",
        "venue": world.venue.pk,
    }

    response = client_for(world, "coordinator").post(
        reverse("projects:meeting_create", kwargs={"pk": world.project.pk}), data
    )

    assert "Jo needs papers 30 days before" in response.content.decode()
    [row] = rows(jo, Kind.COMMUNICATION_NEEDS)
    assert row.detail == f"while planning a meeting of {world.project.title}"


def test_the_limit_warning_on_the_claim_page_is_logged_as_a_benefits_read(world, client_for):
    # Given Jo set a limit that Jo's time claim (waiting for approval) would cross
    jo = world.membership.participant
    money.benefits_save(participant=jo, by=jo.user, benefits=[], limit_pence=1, period="month")
    url = reverse("payments:claim", kwargs={"pk": world.claim.pk})

    page = client_for(world, "coordinator").get(url).content.decode()

    assert "over the limit they set" in page
    [row] = rows(jo, Kind.BENEFITS, world.users["coordinator"])
    assert row.detail.startswith("(the limit you set) on your claim for")
