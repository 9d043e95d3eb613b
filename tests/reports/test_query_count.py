"""Report pages take the same number of queries for 5 members as for 500.

The figures are aggregates in the database; nothing loops over members,
meetings or payments. The counts are compared, not fixed, so adding a
figure to the report does not break this test, but counting per row does.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coprod.demo.scale import grow
from tests.factories import FunderGrantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_and_large(world):
    small = grow(organisation=world.org, members=5, months=6, seed=1, title="Small").projects[0]
    large = grow(organisation=world.org, members=500, months=6, seed=2, title="Large").projects[0]
    return small, large


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


def test_the_project_report_costs_the_same_for_5_members_as_for_500(world, client, small_and_large):
    small, large = small_and_large
    funder = world.users["funder"]
    FunderGrantFactory(project=small, user=funder)
    FunderGrantFactory(project=large, user=funder)
    client.force_login(funder)

    counts = [
        queries(client, reverse("reports:project", kwargs={"pk": p.pk})) for p in (small, large)
    ]
    exports = [
        queries(client, reverse("reports:project_csv", kwargs={"pk": p.pk, "table": "hours"}))
        for p in (small, large)
    ]

    assert counts[0] == counts[1]
    assert exports[0] == exports[1]


def test_the_portfolio_costs_the_same_for_one_small_project_as_for_many_large_ones(world, client):
    funder = world.users["funder"]
    client.force_login(funder)
    funder.funder_grants.all().delete()
    small = grow(organisation=world.org, members=5, months=3, title="Small").projects[0]
    FunderGrantFactory(project=small, user=funder)
    one = queries(client, reverse("reports:list"))

    for project in grow(organisation=world.org, members=500, projects=5, months=3).projects:
        FunderGrantFactory(project=project, user=funder)
    many = queries(client, reverse("reports:list"))

    assert one == many
