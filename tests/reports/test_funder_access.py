"""Organisation admins give funders access, end it, and see every use of it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coprod.accounts.models import User
from coprod.notifications.messages import render
from coprod.notifications.models import Notification
from coprod.reports.models import FunderGrant, ReportEvent
from coprod.reports.notifications import REPORT_ACCESS

pytestmark = pytest.mark.django_db


def give(client, world, **data):
    until = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    return client.post(
        reverse("reports:funders"),
        {
            "email": "grants@lottery.example",
            "name": "Pat",
            "projects": [world.project.pk],
            "expires_on": until,
        }
        | data,
    )


def test_an_admin_gives_a_new_funder_access_and_they_are_told_by_email(world, client_for):
    response = give(client_for(world, "admin"), world)

    assert response.status_code == 302
    funder = User.objects.get(email="grants@lottery.example")
    grant = FunderGrant.objects.get(user=funder)
    assert grant.project == world.project
    assert grant.granted_by == world.users["admin"]
    message = Notification.objects.get(recipient_user=funder, kind=REPORT_ACCESS)
    words = render(message)
    assert "Safe Nights" in words.subject
    assert "/reports/" in words.text
    event = ReportEvent.objects.get(kind="granted")
    assert event.user == world.users["admin"]
    assert "grants@lottery.example" in event.detail
    # The new funder can read the report, and nothing else of the project.
    from django.test import Client

    client = Client()
    client.force_login(funder)
    assert (
        client.get(reverse("reports:project", kwargs={"pk": world.project.pk})).status_code == 200
    )
    assert (
        client.get(reverse("projects:detail", kwargs={"pk": world.project.pk})).status_code == 404
    )


def test_an_admin_cannot_give_access_to_another_organisations_project(world, client_for):
    response = give(client_for(world, "admin"), world, projects=[world.other_project.pk])

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not FunderGrant.objects.filter(project=world.other_project).exists()


def test_access_must_end_in_the_future(world, client_for):
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = give(client_for(world, "admin"), world, expires_on=yesterday)

    assert "The end date has already passed" in response.content.decode()
    assert not User.objects.filter(email="grants@lottery.example").exists()


def test_ending_access_stops_the_funder_at_once_and_is_logged(world, client_for):
    grant = world.users["funder"].funder_grants.get()

    response = client_for(world, "admin").post(
        reverse("reports:funder_end", kwargs={"grant_pk": grant.pk})
    )

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert ReportEvent.objects.filter(kind="revoked", grant=grant).exists()
    page = client_for(world, "funder").get(
        reverse("reports:project", kwargs={"pk": world.project.pk})
    )
    assert page.status_code == 403
    assert "ended your access" in page.content.decode()


def test_the_access_page_shows_who_read_what(world, client_for):
    client_for(world, "funder").get(reverse("reports:project", kwargs={"pk": world.project.pk}))

    html = client_for(world, "admin").get(reverse("reports:funders")).content.decode()

    assert world.users["funder"].email in html
    assert "Read a report" in html
    assert "(funder)" in html


def test_giving_more_time_replaces_the_old_end_date_without_listing_it_as_ended(world, client_for):
    client = client_for(world, "admin")
    give(client, world)
    later = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()

    give(client, world, expires_on=later)

    funder = User.objects.get(email="grants@lottery.example")
    assert (
        funder.funder_grants.filter(revoked_at__isnull=True).get().expires_on.isoformat() == later
    )
    html = client.get(reverse("reports:funders")).content.decode()
    assert "Access that has ended" not in html
