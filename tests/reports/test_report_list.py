import pytest
from django.urls import reverse

from tests.factories import FunderGrantFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_funder_sees_only_the_projects_granted_to_them(world, client_for):
    html = client_for(world, "funder").get(reverse("reports:list")).content.decode()

    assert world.project.title in html
    assert world.other_project.title not in html
    assert "you can read this until" in html


def test_staff_see_their_own_organisations_projects(world, client_for):
    html = client_for(world, "other_coordinator").get(reverse("reports:list")).content.decode()

    assert world.other_project.title in html
    assert world.project.title not in html


def test_the_portfolio_shows_25_projects_a_page_in_title_order_and_pages_through_the_rest(
    world, client_for
):
    funder = world.users["funder"]
    funder.funder_grants.all().delete()
    projects = [ProjectFactory(organisation=world.org, title=f"Project {n:02}") for n in range(30)]
    for project in projects:
        FunderGrantFactory(project=project, user=funder)
    client = client_for(world, "funder")

    first = client.get(reverse("reports:list")).content.decode()
    second = client.get(reverse("reports:list"), {"page": 2}).content.decode()

    assert [p.title for p in projects if p.title in first] == [f"Project {n:02}" for n in range(25)]
    assert [p.title for p in projects if p.title in second] == [
        f"Project {n:02}" for n in range(25, 30)
    ]
    assert 'aria-label="Pages of projects"' in first
    assert "Page 1 of 2 (30 projects)" in first
    assert "?sort=project&amp;order=asc&amp;page=2" in first
