"""Row links: one reverse() per list, and the very URL reverse() would give."""

from unittest import mock

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.urls.resolvers import URLResolver

from coprod.rowurls import RowUrls


def counting_reverses():
    """Patch the resolver so each reverse() is counted; returns the patcher's mock."""
    return mock.patch.object(
        URLResolver,
        "_reverse_with_prefix",
        autospec=True,
        side_effect=URLResolver._reverse_with_prefix,
    )


@pytest.mark.parametrize(
    ("viewname", "args"),
    [
        ("participants:person", (1,)),
        ("participants:person", (1234567,)),
        ("participants:consent_for", (42,)),
        ("participants:contact_for", (0,)),
        ("projects:value_endorse", (3, 14)),
        ("projects:meeting_paper", (1, 22, 333)),
    ],
)
def test_each_link_is_the_one_reverse_gives(viewname, args):
    urls = RowUrls()

    assert urls(viewname, *args) == reverse(viewname, args=args)
    # and again, from the pattern it kept
    assert urls(viewname, *args) == reverse(viewname, args=args)


def test_a_list_reverses_each_view_name_once():
    urls = RowUrls()

    with counting_reverses() as reverses:
        links = [urls("participants:person", pk) for pk in range(1, 51)]

    assert reverses.call_count == 1
    assert links == [reverse("participants:person", args=[pk]) for pk in range(1, 51)]


def test_what_is_not_a_whole_number_goes_to_reverse_as_before():
    urls = RowUrls()

    assert urls("participants:person", "17") == reverse("participants:person", args=["17"])
    assert urls("participants:home") == reverse("participants:home")
    with counting_reverses() as reverses:
        urls("participants:person", "18")
        urls("participants:person", "19")
    assert reverses.call_count == 2


def test_the_tag_writes_what_the_url_tag_writes():
    rows = [{"pk": pk, "view": "participants:consent_for"} for pk in (5, 60, 700)]
    ours = Template(
        "{% load row_urls %}{% for row in rows %}"
        "<a href=\"{% row_url 'participants:person' row.pk %}\">"
        '<a href="{% row_url row.view row.pk %}">{% endfor %}'
    )
    django = Template(
        "{% for row in rows %}"
        "<a href=\"{% url 'participants:person' row.pk %}\">"
        '<a href="{% url row.view row.pk %}">{% endfor %}'
    )

    with counting_reverses() as reverses:
        html = ours.render(Context({"rows": rows}))

    assert html == django.render(Context({"rows": rows}))
    assert reverses.call_count == 2  # one per view name, not one per row
