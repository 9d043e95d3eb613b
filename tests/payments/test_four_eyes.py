"""Four eyes on money: whoever entered a claim for someone else leaves approving it to another."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coprod.accounts.models import StaffRole
from payments import services
from payments.models import Claim, LedgerEntry
from tests.factories import StaffMembershipFactory

ENTERED = "You entered this claim, so someone else must approve it."


@pytest.fixture
def paper_claim(world, client_for):
    """A childcare claim the coordinator typed in from Lou's paper form."""
    response = client_for(world, "coordinator").post(
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
    assert claim.submitted_by == world.users["coordinator"]
    return claim


def test_the_coordinator_who_entered_a_paper_claim_cannot_approve_it(
    world, client_for, paper_claim
):
    client = client_for(world, "coordinator")

    approve = client.post(reverse("payments:approve", args=[paper_claim.pk]))
    reject = client.post(reverse("payments:reject", args=[paper_claim.pk]), {"reason": "No."})

    # They can see it (403, not 404), and nothing changed.
    assert (approve.status_code, reject.status_code) == (403, 403)
    paper_claim.refresh_from_db()
    assert paper_claim.status == Claim.Status.SUBMITTED
    assert paper_claim.approved_by is None
    assert not LedgerEntry.objects.filter(claim=paper_claim).exists()
    assert not world.users["coordinator"].has_perm("payments.approve_claim", paper_claim)


def test_the_service_refuses_too_with_a_plain_reason(world, paper_claim):
    with pytest.raises(ValidationError, match=ENTERED):
        services.claim_approve(claim=paper_claim, by=world.users["coordinator"])
    with pytest.raises(ValidationError, match=ENTERED):
        services.claim_reject(claim=paper_claim, by=world.users["coordinator"], reason="No.")
    paper_claim.refresh_from_db()
    assert paper_claim.status == Claim.Status.SUBMITTED


def test_a_second_coordinator_approves_it(world, client_for, paper_claim):
    second = StaffMembershipFactory(organisation=world.org, role=StaffRole.COORDINATOR).user
    client = client_for(world, "anonymous")
    client.force_login(second)

    page = client.get(paper_claim.get_absolute_url()).content.decode()
    assert ENTERED not in page
    response = client.post(reverse("payments:approve", args=[paper_claim.pk]))

    assert response.status_code == 302
    paper_claim.refresh_from_db()
    assert (paper_claim.status, paper_claim.approved_by) == (Claim.Status.APPROVED, second)
    assert LedgerEntry.objects.filter(claim=paper_claim, kind="approved").count() == 1


def test_the_claim_page_and_the_approvals_list_say_why(world, client_for, paper_claim):
    client = client_for(world, "coordinator")

    claim_page = client.get(paper_claim.get_absolute_url()).content.decode()
    approvals = client.get(reverse("payments:approvals")).content.decode()

    assert ENTERED in claim_page
    assert 'action="' + reverse("payments:approve", args=[paper_claim.pk]) not in claim_page
    assert ENTERED in approvals
    # Jo's time claim from attendance was not entered for Jo: the coordinator approves it.
    assert world.users["coordinator"].has_perm("payments.approve_claim", world.claim)


def test_a_claim_the_member_sent_themselves_is_approved_by_any_of_their_coordinators(world):
    coordinator = world.users["coordinator"]
    fare = services.expense_claim_submit(
        participant=world.membership.participant,
        project=world.project,
        by=world.membership.participant.user,
        expense="travel",
        amount_pence=300,
        description="Bus",
        work_date=timezone.localdate(),
    )
    assert coordinator.has_perm("payments.approve_claim", fare)
    assert services.claim_approve(claim=fare, by=coordinator).status == Claim.Status.APPROVED


def test_own_claims_use_the_same_four_eyes_check(world, client_for):
    # Jo is also on the organisation's staff: their own claim still needs someone else.
    jo = world.membership.participant.user
    StaffMembershipFactory(user=jo, organisation=world.org, role=StaffRole.COORDINATOR)

    assert not jo.has_perm("payments.approve_claim", world.claim)
    with pytest.raises(ValidationError, match="This is your own claim, so someone else"):
        services.claim_approve(claim=world.claim, by=jo)
    page = client_for(world, "member").get(world.claim.get_absolute_url()).content.decode()
    assert "This is your own claim, so someone else must approve it." in page
