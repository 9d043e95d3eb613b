"""The finance queue and the approvals list come in pages of 50, with totals over every page.

Each page costs the same queries whatever the length of the queue, and
marking paid acts on what was ticked on the page, nothing else.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from payments import services
from payments.models import Claim
from payments.money import pounds
from tests.factories import ProjectMembershipFactory
from tests.payments.test_money import with_bank_details

pytestmark = pytest.mark.django_db


def people(world, n):
    """`n` members of the world's project, each with bank details and a monthly limit."""
    found = []
    for _ in range(n):
        participant = ProjectMembershipFactory(project=world.project).participant
        with_bank_details(participant)
        services.benefits_save(
            participant=participant, by=None, benefits=["uc"], limit_pence=50_000, period="month"
        )
        found.append(participant)
    return found


def claims(world, participants, n, *, status, kind=Claim.Kind.EXPENSE, start=1):
    """`n` claims shared among `participants`, the oldest first: claim i is i days old."""
    today = timezone.localdate()
    made = Claim.objects.bulk_create(
        Claim(
            participant=participants[i % len(participants)],
            project=world.project,
            kind=kind,
            expense="travel" if kind == Claim.Kind.EXPENSE else "",
            description="Bus",
            work_date=today - datetime.timedelta(days=start + n - i),
            amount_pence=100 + i,
            status=status,
            method="cash" if status == Claim.Status.APPROVED else "",
        )
        for i in range(n)
    )
    return made


def queue_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_queue_costs_the_same_queries_for_5_claims_or_120(world, client_for):
    # Given five approved claims (and the world's own bus fare)
    group = people(world, 3)
    claims(world, group, 5, status=Claim.Status.APPROVED)
    client = client_for(world, "finance")
    url = reverse("payments:queue")
    queue_count(client, url)  # The first request warms the session and caches.
    few = queue_count(client, url)

    # When the queue grows to 120 claims across more people
    claims(world, group + people(world, 3), 115, status=Claim.Status.APPROVED, start=200)

    # Then the page costs the same, and shows 50 rows
    assert queue_count(client, url) == few
    assert client.get(url).content.decode().count('name="claim"') == 50


def test_page_2_of_the_queue_shows_the_next_claims_and_the_totals_cover_every_page(
    world, client_for
):
    # Given 120 approved claims, waiting longest first, and the world's bus fare (today)
    made = claims(world, people(world, 2), 120, status=Claim.Status.APPROVED)
    everything = [*made, world.fare]
    client = client_for(world, "finance")

    # When finance opens page 2
    body = client.get(reverse("payments:queue"), {"page": 2}).content.decode()

    # Then it shows claims 51 to 100, oldest first, and nothing from other pages
    shown = [claim.pk for claim in made[50:100]]
    for pk in shown:
        assert f'value="{pk}"' in body
    for claim in made[:50] + made[100:] + [world.fare]:
        assert f'value="{claim.pk}"' not in body
    assert body.index(f'value="{shown[0]}"') < body.index(f'value="{shown[-1]}"')
    assert f'href="{made[50].get_absolute_url()}"' in body
    # The totals are the whole queue's, not the page's
    total = sum(claim.amount_pence for claim in everything)
    assert f"121 claims to pay, {pounds(total)} in all" in body
    assert "Page 2 of 3" in body
    assert "?page=1" in body
    assert "?page=3" in body
    assert 'aria-label="Pages of payments to make"' in body


def test_the_queue_says_how_many_are_late_across_every_page(world, client_for):
    target = world.org.payment_target_days
    late = claims(world, people(world, 1), 60, status=Claim.Status.APPROVED, start=target + 1)
    body = client_for(world, "finance").get(reverse("payments:queue")).content.decode()
    assert f"{len(late)} of them late" in body


def test_marking_paid_on_page_2_pays_only_what_was_ticked_there(world, client_for):
    # Given 120 approved claims: finance opens page 2 and ticks two of its rows
    made = claims(world, people(world, 2), 120, status=Claim.Status.APPROVED)
    client = client_for(world, "finance")
    url = reverse("payments:queue") + "?page=2"
    ticked = [made[50], made[73]]

    # When they mark the ticked ones paid
    response = client.post(
        url,
        {
            "claim": [claim.pk for claim in ticked],
            "paid_on": timezone.localdate().isoformat(),
            "how": "cash_in_hand",
            "handed_by": "Sam",
        },
    )

    # Then exactly those two are paid, and they are back on page 2
    assert response.status_code == 302
    assert response["Location"] == url
    paid = set(Claim.objects.filter(status=Claim.Status.PAID).values_list("pk", flat=True))
    assert paid == {claim.pk for claim in ticked}
    body = client.get(url).content.decode()
    assert f'value="{made[50].pk}"' not in body
    # Page 2 now starts where the first two of page 3 were
    assert f'value="{made[101].pk}"' in body
    assert "119 claims to pay" in body


def test_approvals_cost_the_same_queries_for_5_claims_or_120(world, client_for):
    # Given five time claims waiting, from people with a limit (each claim checked against it)
    group = people(world, 3)
    claims(world, group, 5, status=Claim.Status.SUBMITTED, kind=Claim.Kind.TIME)
    client = client_for(world, "coordinator")
    url = reverse("payments:approvals")
    queue_count(client, url)
    few = queue_count(client, url)

    # When 115 more wait
    claims(world, group, 115, status=Claim.Status.SUBMITTED, kind=Claim.Kind.TIME, start=200)

    # Then the page costs the same
    assert queue_count(client, url) == few


def test_page_2_of_approvals_shows_the_next_claims_and_the_totals_cover_every_page(
    world, client_for
):
    made = claims(world, people(world, 2), 120, status=Claim.Status.SUBMITTED, start=30)
    everything = list(Claim.objects.filter(status=Claim.Status.SUBMITTED))
    client = client_for(world, "coordinator")
    body = client.get(reverse("payments:approvals"), {"page": 2}).content.decode()
    shown = made[50:100]
    for claim in shown:
        assert claim.get_absolute_url() + '"' in body
    for claim in made[:50] + made[100:]:
        assert claim.get_absolute_url() + '"' not in body
    total = sum(claim.amount_pence for claim in everything)
    assert f"{len(everything)} claims waiting, {pounds(total)} in all." in body
    assert "Page 2 of 3" in body
    assert 'aria-label="Pages of claims to approve"' in body


def test_limit_checks_for_a_page_agree_with_one_claim_at_a_time(world):
    # Given time claims from people with and without limits, some already approved this month
    with_limit = people(world, 2)
    without = ProjectMembershipFactory(project=world.project).participant
    services.benefits_save(
        participant=with_limit[1], by=None, benefits=["uc"], limit_pence=500, period="week"
    )
    earlier = claims(world, with_limit, 4, status=Claim.Status.SUBMITTED, kind=Claim.Kind.TIME)
    for claim in earlier[:2]:
        services.claim_approve(claim=claim, by=world.users["coordinator"])
    waiting = claims(
        world, [*with_limit, without], 9, status=Claim.Status.SUBMITTED, kind=Claim.Kind.TIME
    )
    waiting += claims(world, with_limit, 2, status=Claim.Status.SUBMITTED)
    waiting.append(world.claim)

    # Then one batch gives what each claim's own check gives
    assert services.limit_checks(waiting) == [services.limit_check(c) for c in waiting]
    assert any(check and check.before_pence for check in services.limit_checks(waiting))
