"""Calendar feed addresses cannot be guessed: wrong ones are limited per client."""

import pytest
from django.test import Client
from django.urls import reverse

from projects.meetings import services as services
from projects.meetings.views import WRONG_FEEDS_PER_IP

pytestmark = pytest.mark.django_db


def feed_url(token: str) -> str:
    return reverse("projects:calendar_feed", kwargs={"token": token})


def test_a_client_guessing_feed_addresses_is_stopped_for_the_hour(world):
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(WRONG_FEEDS_PER_IP.amount):
        assert guesser.get(feed_url(f"guess-{n}")).status_code == 404

    # Even a right address answers the same 404 to this client now
    assert guesser.get(feed_url(world.feed_token)).status_code == 404
    # while everybody else's calendar keeps working.
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert other.get(feed_url(world.feed_token)).status_code == 200


def test_a_stopped_address_still_polled_by_a_calendar_app_is_not_a_guess(world):
    # Calendar services poll from shared addresses: stopped feeds must not block others.
    _, old_token = services.calendar_feed_create(user=world.users["co_lead"])
    services.calendar_feed_revoke(user=world.users["co_lead"])
    poller = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(WRONG_FEEDS_PER_IP.amount + 5):
        assert poller.get(feed_url(old_token)).status_code == 404

    assert poller.get(feed_url(world.feed_token)).status_code == 200
