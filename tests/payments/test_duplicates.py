"""The back button, a double tap or a second claim for the same thing makes one claim."""

import re
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from payments import services
from payments.models import Claim

pytestmark = pytest.mark.django_db


def form_token(page: str) -> str:
    return re.search(r'name="submission" value="([0-9a-f-]{36})"', page).group(1)


def fare_data(world, token, **extra):
    return {
        "project": world.project.pk,
        "expense": "travel",
        "amount": "3.20",
        "work_date": timezone.localdate().isoformat(),
        "submission": token,
        **extra,
    }


def test_the_same_form_sent_twice_makes_one_claim(world, client_for):
    # Given the member opens the form once.
    client = client_for(world, "member")
    url = reverse("payments:expense_new", args=[world.membership.participant.pk])
    token = form_token(client.get(url).content.decode())
    before = Claim.objects.count()

    # When it is sent, then sent again (the back button, or a second tap).
    first = client.post(url, fare_data(world, token))
    second = client.post(url, fare_data(world, token))

    # Then both answers go to the statement, and there is one new claim.
    assert first.status_code == second.status_code == 302
    assert Claim.objects.count() == before + 1


def test_a_claim_like_one_waiting_asks_first_then_saves_when_told_it_is_another(world, client_for):
    client = client_for(world, "member")
    url = reverse("payments:expense_new", args=[world.membership.participant.pk])
    assert client.post(url, fare_data(world, str(uuid.uuid4()))).status_code == 302
    before = Claim.objects.count()

    # A fresh form (a new token) with the same person, amount, day and kind.
    token = str(uuid.uuid4())
    asked = client.post(url, fare_data(world, token))
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "Is this the same as the claim you sent on" in page
    assert "£3.20 for travel on" in page
    assert "No, it is a different one: send it" in page
    assert Claim.objects.count() == before

    told = client.post(url, fare_data(world, token, not_a_duplicate="yes"))
    assert told.status_code == 302
    assert Claim.objects.count() == before + 1


def test_a_paper_claim_like_one_already_entered_asks_first(world, client_for):
    client = client_for(world, "coordinator")
    url = reverse("payments:expense_for", args=[world.offline.pk])
    data = {
        "project": world.project.pk,
        "expense": "childcare",
        "amount": "12.00",
        "work_date": timezone.localdate().isoformat(),
    }
    assert client.post(url, {**data, "submission": str(uuid.uuid4())}).status_code == 302
    again = client.post(url, {**data, "submission": str(uuid.uuid4())})
    assert "Is this the same as the claim already entered for Lou" in again.content.decode()
    assert Claim.objects.filter(participant=world.offline).count() == 1


def test_a_different_amount_or_day_is_not_asked_about(world):
    jo = world.membership.participant
    args = {
        "participant": jo,
        "project": world.project,
        "by": None,
        "expense": "travel",
        "description": "",
        "work_date": timezone.localdate(),
    }
    services.expense_claim_submit(amount_pence=320, **args)
    with pytest.raises(services.PossibleDuplicate) as asked:
        services.expense_claim_submit(amount_pence=320, **args)
    assert asked.value.existing.amount_pence == 320
    assert services.expense_claim_submit(amount_pence=321, **args).amount_pence == 321


def test_a_form_token_is_one_claim_in_the_database_too(world):
    key = uuid.uuid4()
    claim = services.expense_claim_submit(
        participant=world.membership.participant,
        project=world.project,
        by=None,
        expense="travel",
        amount_pence=320,
        description="",
        work_date=timezone.localdate(),
        submission_key=key,
    )
    again = services.expense_claim_submit(
        participant=world.membership.participant,
        project=world.project,
        by=None,
        expense="travel",
        amount_pence=320,
        description="",
        work_date=timezone.localdate(),
        submission_key=key,
    )
    assert again == claim
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            participant=claim.participant,
            project=claim.project,
            kind="expense",
            expense="travel",
            work_date=claim.work_date,
            amount_pence=320,
            submission_key=key,
        )


def test_someone_elses_form_token_does_not_hand_over_their_claim(world):
    key = uuid.uuid4()
    services.expense_claim_submit(
        participant=world.membership.participant,
        project=world.project,
        by=None,
        expense="travel",
        amount_pence=320,
        description="",
        work_date=timezone.localdate(),
        submission_key=key,
    )
    with pytest.raises(services.ValidationError, match="already used"):
        services.expense_claim_submit(
            participant=world.offline,
            project=world.project,
            by=None,
            expense="travel",
            amount_pence=320,
            description="",
            work_date=timezone.localdate(),
            submission_key=key,
        )
