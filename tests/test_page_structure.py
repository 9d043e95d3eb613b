"""Every HTML page, as the server sends it: the structure assistive technology needs.

The browser suite runs axe on the rendered pages; this is the fast check that
needs no browser, so `make test-fast` catches the common mistakes too.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.pages import PAGES


class Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1 = 0
        self.ids = set()
        self.labels_for = set()
        self.controls = []
        self.inline_scripts = 0
        self.inline_styles = 0
        self.handlers = []
        self.landmarks = set()
        self.skip_link = False
        self.lang = None
        self._in_script_without_src = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "h1":
            self.h1 += 1
        if tag in ("main", "header", "nav", "footer"):
            self.landmarks.add(tag)
        if tag == "a" and attrs.get("href") == "#main":
            self.skip_link = True
        if tag == "label" and attrs.get("for"):
            self.labels_for.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in (
            "hidden",
            "submit",
            "button",
        ):
            self.controls.append(attrs.get("id") or attrs.get("name"))
        executable = attrs.get("type", "text/javascript") in ("text/javascript", "module")
        if tag == "script" and not attrs.get("src") and executable:
            self._in_script_without_src = True
        if "style" in attrs:
            self.inline_styles += 1
        self.handlers += [name for name in attrs if name.startswith("on")]

    def handle_data(self, data):
        if self._in_script_without_src and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script_without_src = False


HTML_PAGES = [page for page in PAGES if page.html and page.role_for_browser()]


@pytest.mark.parametrize("page", HTML_PAGES, ids=lambda page: page.name)
def test_every_page_has_the_structure_people_rely_on(page, world, client_for):
    client = client_for(world, page.role_for_browser())
    response = client.get(reverse(page.name, kwargs=page.kwargs(world)))
    assert response.status_code == 200
    outline = Outline()
    outline.feed(response.content.decode())

    assert outline.lang == "en-GB"
    assert outline.h1 == 1, "exactly one <h1>"
    assert outline.skip_link, "a skip link to #main"
    assert "main" in outline.ids, "<main id=main> for the skip link to land on"
    assert {"main", "header", "nav", "footer"} <= outline.landmarks
    unlabelled = [c for c in outline.controls if c not in outline.labels_for]
    assert not unlabelled, f"form fields without a <label for>: {unlabelled}"
    assert outline.inline_scripts == 0, "no inline script (the CSP would block it)"
    assert outline.inline_styles == 0, "no style attributes (the CSP would block them)"
    assert not outline.handlers, f"no on* handlers: {outline.handlers}"


def test_no_page_title_holds_markup(world, client_for):
    """A <title> is plain text: markup there is a template block gone wrong."""
    import re

    from django.urls import reverse

    from tests.pages import PAGES

    for page in PAGES:
        role = page.role_for_browser()
        if not page.html or page.method != "get" or not role or page.journey:
            continue
        response = client_for(world, role).get(reverse(page.name, kwargs=page.kwargs(world)))
        title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
        assert "<" not in title, f"{page.name}: {title!r}"
