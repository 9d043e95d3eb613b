"""Dates far outside any real use are refused by the services themselves, not only by forms."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from coprod.reports.services import funder_grant_create
from participants.services import membership_take_break
from payments.services import expense_claim_submit, rate_card_add
from projects.meetings.services import action_add
from projects.services import value_agree
from tests.factories import UserFactory

FAR_AHEAD = datetime.date(9999, 12, 31)
LONG_AGO = datetime.date(1, 1, 1)


def calls(world):
    coordinator = world.users["coordinator"]
    return {
        "a break's check-in": lambda day: membership_take_break(
            membership=world.membership, by=None, check_in_on=day
        ),
        "an expense": lambda day: expense_claim_submit(
            participant=world.membership.participant,
            project=world.project,
            by=None,
            expense="travel",
            amount_pence=450,
            description="Bus",
            work_date=day,
        ),
        "a rate": lambda day: rate_card_add(
            organisation=world.org, by=None, hourly_pence=2000, valid_from=day, source=""
        ),
        "an action": lambda day: action_add(
            meeting=world.past_meeting,
            by=coordinator,
            description="Ring the venue",
            owner_participant=world.membership.participant,
            due_on=day,
        ),
        "funder access": lambda day: funder_grant_create(
            project=world.project, user=UserFactory(), by=coordinator, expires_on=day
        ),
        "agreeing a value": lambda day: value_agree(
            value=world.proposed_value, by=coordinator, agreed_on=day
        ),
    }


@pytest.mark.parametrize("day", [FAR_AHEAD, LONG_AGO], ids=["year 9999", "year 1"])
def test_each_service_refuses_a_date_outside_the_years_we_accept(day, world):
    refused = []
    for what, call in calls(world).items():
        with pytest.raises(ValidationError) as error:
            call(day)
        if "Choose a date between 1900 and" not in " ".join(error.value.messages):
            refused.append(f"{what}: {error.value.messages}")
    assert not refused, refused
