"""Receipts are handed out by a permission-checked view, never by a public address."""

import re

import pytest
from django.urls import reverse

from tests.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["member", "coordinator", "admin", "finance"])
def test_the_claimant_approvers_and_finance_download_the_receipt(world, client_for, role):
    response = client_for(world, role).get(reverse("payments:receipt", args=[world.fare.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("role", ["co_lead", "other_coordinator", "funder", "no_role"])
def test_anyone_else_is_told_it_does_not_exist(world, client_for, role):
    response = client_for(world, role).get(reverse("payments:receipt", args=[world.fare.pk]))
    assert response.status_code == 404


def test_a_claim_without_a_receipt_has_none_to_download(world, client_for):
    url = reverse("payments:receipt", args=[world.claim.pk])
    assert client_for(world, "coordinator").get(url).status_code == 404


def test_the_claim_page_links_to_the_receipt(world, client_for):
    page = client_for(world, "coordinator").get(world.fare.get_absolute_url()).content.decode()
    assert "Kept with the claim" not in page
    assert f'href="{reverse("payments:receipt", args=[world.fare.pk])}"' in page


def test_a_receipt_is_stored_under_a_name_nobody_can_guess_and_not_served_as_media(
    world, client_for
):
    assert re.fullmatch(r"receipts/[0-9a-f]{32}\.pdf", world.fare.receipt.name)
    response = client_for(world, "finance").get("/media/" + world.fare.receipt.name)
    assert response.status_code == 404
