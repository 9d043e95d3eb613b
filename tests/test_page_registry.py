"""No HTML page can escape the browser gate.

tests/test_permission_matrix.py already fails for a URL with no row in
tests/pages.py; here every row that renders HTML must be visited by the
browser suite, either directly or by a named journey that exists.
"""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from tests.pages import PAGES

BROWSER_TESTS = Path(__file__).parent / "browser"


def journey_names():
    names = set()
    for module in BROWSER_TESTS.glob("test_*.py"):
        tree = ast.parse(module.read_text())
        names |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    return names


def test_every_html_page_is_visited_by_the_browser_suite():
    journeys = journey_names()
    unvisited = [
        page.name
        for page in PAGES
        if page.html
        and not (page.journey in journeys or (not page.journey and page.role_for_browser()))
    ]
    assert not unvisited, f"Give these pages a role that may open them, or a journey: {unvisited}"


@pytest.mark.parametrize("page", [p for p in PAGES if not p.html], ids=lambda p: p.name)
def test_pages_marked_not_html_really_are_not(page, world, client_for):
    # Marking a page html=False must not become a way around the gate.
    for role, answer in page.expect.items():
        if answer == 200:
            response = client_for(world, role).get(reverse(page.name, kwargs=page.kwargs(world)))
            assert not response["Content-Type"].startswith("text/html"), page.name
