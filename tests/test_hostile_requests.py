"""Requests no page could answer well are refused plainly, never with a server error."""

import pytest
from django.urls import reverse

from participants.models import Participant


@pytest.mark.parametrize("path", ["/join/ab%00cd/", "/people/%00/", "/me/%00"])
def test_a_nul_in_the_address_is_not_found(path, world, client_for):
    response = client_for(world, "coordinator").get(path)
    assert response.status_code == 404
    assert "We cannot find that page" in response.content.decode()


def test_a_nul_in_a_search_is_refused_plainly(world, client_for):
    response = client_for(world, "coordinator").get(reverse("participants:people"), {"q": "Jo\x00"})
    assert response.status_code == 400
    assert "a character we cannot accept" in response.content.decode()


def test_a_nul_in_a_form_changes_nothing(world, client_for):
    url = reverse("participants:contact_for", args=[world.offline.pk])
    response = client_for(world, "coordinator").post(url, {"preferred_name": "Lou\x00ise"})
    assert response.status_code == 400
    assert Participant.objects.get(pk=world.offline.pk).preferred_name == "Lou"
