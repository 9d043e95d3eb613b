"""`act_for_ids`: the act_for rule asked of a whole list says what it says of each person."""

import pytest
from django.contrib.auth.models import AnonymousUser

from participants.models import Participant
from participants.rules import act_for_ids
from tests.factories import ParticipantFactory, StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_list_answer_agrees_with_the_rule_for_every_person(world):
    # A mixed crowd: people with and without logins, in both organisations.
    ParticipantFactory(organisation=world.org, user=None, preferred_name="Kit")
    ParticipantFactory(organisation=world.other_org, user=None, preferred_name="Max")
    ParticipantFactory(organisation=world.other_org, preferred_name="Ola")
    people = list(Participant.objects.select_related("organisation").order_by("pk"))
    asking = [
        *(user for user in world.users.values() if user is not None),
        AnonymousUser(),
        UserFactory(is_superuser=True),
        UserFactory(is_superuser=True, is_active=False),
        StaffMembershipFactory(
            organisation=world.org, role="coordinator", user__is_active=False
        ).user,
    ]

    answers = {}
    for user in asking:
        one_by_one = {
            person.pk for person in people if user.has_perm("participants.act_for", person)
        }
        assert act_for_ids(user, people) == one_by_one, user
        answers[user.pk] = one_by_one

    # The fixture tells the answers apart: some people, not all, for the coordinator.
    coordinator = answers[world.users["coordinator"].pk]
    assert world.offline.pk in coordinator
    assert world.membership.participant.pk not in coordinator
    assert not answers[world.users["member"].pk]


def test_it_reads_nothing_more_than_the_rows(world, django_assert_num_queries):
    people = list(Participant.objects.select_related("organisation"))
    coordinator = world.users["coordinator"]
    act_for_ids(coordinator, people[:1])  # the roles, read once per user object

    with django_assert_num_queries(0):
        assert world.offline.pk in act_for_ids(coordinator, people)
