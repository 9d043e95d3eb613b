"""The shared page links (templates/includes/pagination.html): a labelled nav, "Page N of M",
previous and next, keeping whatever else the address asked for."""

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import ProjectMembershipFactory


def render(query, *, number, **extra):
    request = RequestFactory().get("/somewhere/", query)
    page = Paginator(range(120), 50).get_page(number)
    return render_to_string(
        "includes/pagination.html", {"page": page, "label": "Pages of things", **extra}, request
    )


def test_it_keeps_the_other_query_parameters():
    html = render({"show": "problems", "page": 2}, number=2)
    assert '<nav aria-label="Pages of things">' in html
    assert "Page 2 of 3" in html
    assert 'href="?show=problems&amp;page=1" rel="prev">Previous page</a>' in html
    assert 'href="?show=problems&amp;page=3" rel="next">Next page</a>' in html


def test_the_first_and_last_pages_link_one_way_only():
    first = render({}, number=1)
    assert "Previous page" not in first
    assert 'href="?page=2"' in first
    last = render({}, number=3)
    assert "Next page" not in last
    assert 'href="?page=2"' in last


def test_the_links_can_say_what_they_lead_to():
    html = render({}, number=2, previous="Newer", next="Older")
    assert ">Newer</a>" in html
    assert ">Older</a>" in html


def test_one_page_shows_no_links():
    request = RequestFactory().get("/somewhere/")
    page = Paginator(range(3), 50).get_page(1)
    assert render_to_string("includes/pagination.html", {"page": page}, request).strip() == ""


@pytest.mark.django_db
def test_the_people_list_keeps_its_filters_from_page_to_page(world, client_for):
    ProjectMembershipFactory.create_batch(55, project=world.project)
    client = client_for(world, "coordinator")
    response = client.get(reverse("participants:people"), {"status": "active"})
    body = response.content.decode()
    assert '<nav aria-label="Pages of people">' in body
    assert 'href="?status=active&amp;page=2"' in body
    second = client.get(reverse("participants:people"), {"status": "active", "page": 2})
    assert 'href="?status=active&amp;page=1"' in second.content.decode()
