"""Every form, fed the values careless and hostile people send, answers without a server error.

The walk opens every HTML page in tests/pages.py as the person it is for, reads
each form on it the way a browser would, and sends it back once per field
with an edge value put in that field: dates at the ends of the calendar,
numbers wider than any column, ids that name nothing, money written the wrong
way, and text far longer than anyone types. Whatever the answer, it is never
a server error; text longer than any field's limit is never taken; and when
the form is refused (shown again with its errors), nothing stored has changed.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from tests.pages import PAGES

TOO_BIG = "99999999999999999999"
LONG = "word " * 20_000

EDGE_VALUES = {
    "date": ["9999-12-31", "0001-01-01", "20260-01-01", "2026-02-30", TOO_BIG],
    "time": ["25:61", TOO_BIG],
    "number": [TOO_BIG, "-1", "1e309", "NaN", "²", "0x10"],
    "select": [TOO_BIG, "not-a-choice", "-1"],
    "checkbox": [TOO_BIG, "not-a-choice"],
    "radio": [TOO_BIG, "not-a-choice"],
    "hidden": [TOO_BIG, "not-a-number", ""],
    "text": [LONG, "4,40", TOO_BIG, '=HYPERLINK("http://example.org")', "²"],
    "textarea": [LONG, "x" * 1_000_001],
    "email": ["a" * 500 + "@example.org", "not-an-address"],
    "tel": ["+" + TOO_BIG * 3, "not-a-number"],
    "url": ["javascript:alert(1)", "https://" + "a" * 5000 + ".org"],
}
# Fields the walk leaves as the page gave them: changing them tests Django's
# own machinery (CSRF, the formset counts), not ours.
UNTOUCHED = {"csrfmiddlewaretoken"}
UNTOUCHED_SUFFIXES = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


class FormReader(HTMLParser):
    """Collect each POST form's action and fields, with the values a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self._form = {"action": attrs.get("action") or "", "fields": []}
                self.forms.append(self._form)
            return
        if self._form is None or ("name" not in attrs and tag != "option"):
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                if attrs.get("name"):
                    self._form["fields"].append(("submit", attrs["name"], attrs.get("value", "")))
                return
            checked = "checked" in attrs
            if kind in ("checkbox", "radio") and not checked:
                self._form["fields"].append((kind, attrs["name"], None))
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self._form["fields"].append((kind, attrs["name"], attrs.get("value", default)))
        elif tag == "select":
            self._select = [attrs["name"], None, "multiple" in attrs]
        elif tag == "option" and self._select is not None:
            if self._select[1] is None or "selected" in attrs:
                self._select[1] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
        elif tag == "button" and attrs.get("name"):
            self._form["fields"].append(("submit", attrs["name"], attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, value, _ = self._select
            self._form["fields"].append(("select", name, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append(("textarea", *self._textarea))
            self._textarea = None


def baseline(fields) -> dict:
    """What pressing the form's first button sends, as the page was drawn."""
    data: dict[str, list[str]] = {}
    pressed = False
    for kind, name, value in fields:
        if kind == "submit":
            if not pressed:
                data.setdefault(name, []).append(value)
                pressed = True
            continue
        if value is None or kind == "file":
            continue
        data.setdefault(name, []).append(value)
    return data


def stored_rows() -> dict[str, tuple]:
    """Row count and a fingerprint of every table Coprod owns, to see whether anything changed."""
    seen = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.app_label in ("sessions", "admin", "contenttypes", "auth"):
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            stamp = (
                "updated_at" if any(f.name == "updated_at" for f in model._meta.fields) else None
            )
            column = f", MAX({connection.ops.quote_name(stamp)})" if stamp else ""
            cursor.execute(f"SELECT COUNT(*){column} FROM {table}")
            seen[model._meta.label] = tuple(cursor.fetchone())
    # Logins, rate limits and access logs may change on any request.
    for label in ("account.EmailAddress", "participants.AccessLog", "mfa.Authenticator"):
        seen.pop(label, None)
    return seen


def page_rows():
    for page in PAGES:
        if page.html and page.method == "get" and page.role_for_browser() and not page.journey:
            yield page


@pytest.mark.parametrize("page", list(page_rows()), ids=lambda page: page.name)
def test_no_form_answers_a_server_error_to_edge_values(page, world, client_for):
    role = page.role_for_browser()
    url = reverse(page.name, kwargs=page.kwargs(world))
    client = client_for(world, role)
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 200, url
    reader = FormReader()
    reader.feed(response.content.decode())
    problems = []
    for form in reader.forms:
        target = urlparse(urljoin(url, form["action"])).path
        if target.startswith(("/account/", "/accounts/")):
            continue  # allauth's own forms: its own tests cover them
        tried = set()
        for kind, name, _ in form["fields"]:
            if (kind, name) in tried:
                continue
            tried.add((kind, name))
            if kind in ("submit", "file") or name in UNTOUCHED or name.endswith(UNTOUCHED_SUFFIXES):
                continue
            for value in EDGE_VALUES.get(kind, EDGE_VALUES["text"]):
                data = baseline(form["fields"])
                data[name] = [value]
                before = stored_rows()
                answer = client.post(target, data)
                refused = answer.status_code == 400 or (
                    answer.status_code == 200 and b"data-error-summary" in answer.content
                )
                if answer.status_code >= 500:
                    problems.append(f"{target} {name}={value[:30]!r}: {answer.status_code}")
                elif value == LONG and answer.status_code == 302 and stored_rows() != before:
                    problems.append(f"{target} {name}: took {len(LONG):,} characters")
                elif refused and stored_rows() != before:
                    changed = [k for k, v in stored_rows().items() if before.get(k) != v]
                    problems.append(f"{target} {name}={value[:30]!r}: refused, but {changed}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", list(page_rows()), ids=lambda page: page.name)
def test_no_page_answers_a_server_error_to_edge_query_values(page, world, client_for):
    role = page.role_for_browser()
    url = reverse(page.name, kwargs=page.kwargs(world))
    client = client_for(world, role)
    client.raise_request_exception = False
    names = {"page", "year", "limit", "start", "end", "project", "status", "sort", "period", "q"}
    problems = []
    for name in sorted(names):
        for value in (TOO_BIG, "²", "0001-01-01", "9999-12-31", "-1", "abc"):
            answer = client.get(url, {name: value})
            if answer.status_code >= 500:
                problems.append(f"{url}?{name}={value}: {answer.status_code}")
    assert not problems, "\n".join(problems)
