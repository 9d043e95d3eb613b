import pytest
from django.urls import reverse

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
