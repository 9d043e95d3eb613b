"""Every registered HTML page, opened in Chromium as the person it is for.

Each page must pass axe (WCAG 2.0/2.1/2.2 A and AA) with no serious or
critical violation, and must not scroll sideways at 320px wide or at 200%
zoom. A phone-sized screenshot of each is left in var/screenshots/.
"""

import pytest
from django.urls import reverse

from tests.browser.axe import assert_accessible, assert_no_horizontal_scroll
from tests.pages import PAGES

# Pages with a journey are checked inside it; tests/test_page_registry.py makes
# sure no HTML page is left with neither.
VISITED = [page for page in PAGES if page.html and not page.journey and page.role_for_browser()]

# WCAG 1.4.10 reflow: 320 CSS px wide; and a 1366px desktop at 200% zoom,
# which lays the page out in 683 CSS px.
REFLOW_WIDTHS = [(320, 640), (683, 384)]


@pytest.mark.parametrize("registered", VISITED, ids=lambda page: page.name)
def test_page_is_accessible_and_reflows(registered, site, open_as, screenshots):
    role = registered.role_for_browser()
    page = open_as(role, registered.device)
    url = site.url + reverse(registered.name, kwargs=registered.kwargs(site.world))

    response = page.goto(url)

    assert response.status == 200, f"{registered.name} as {role}: {response.status}"
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshots / f"{registered.name.replace(':', '-')}.png", full_page=True)
    for width, height in REFLOW_WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        assert_no_horizontal_scroll(page)
