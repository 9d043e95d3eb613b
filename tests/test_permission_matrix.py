"""Every URL x every role: the answer each person gets is the answer we meant.

A URL pattern with no row in tests/pages.py fails here, so no view can be
added without deciding who may open it.
"""

from urllib.parse import urlparse

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ROLES
from tests.pages import LOGIN, PAGES, PAGES_BY_NAME, REDIRECT


def walk(patterns, namespace=None):
    """Yield (url name or None, pattern) for every endpoint below `patterns`."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            full = ":".join(filter(None, [namespace, inner])) if inner else namespace
            yield from walk(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, namespace, pattern


def project_endpoints():
    return [
        (name, pattern)
        for name, namespace, pattern in walk(get_resolver().url_patterns)
        if namespace != "admin"
    ]


def outcome(response):
    if response.status_code in (301, 302):
        target = urlparse(response["Location"]).path
        return LOGIN if target == reverse("account_login") else REDIRECT
    return response.status_code


def test_every_url_has_a_row_in_the_matrix():
    endpoints = project_endpoints()
    unnamed = [str(pattern.pattern) for name, pattern in endpoints if not name]
    assert not unnamed, f"Give these URL patterns a name: {unnamed}"
    missing = sorted({name for name, _ in endpoints} - set(PAGES_BY_NAME))
    assert not missing, f"Add these URLs to tests/pages.py with an answer per role: {missing}"
    stale = sorted(set(PAGES_BY_NAME) - {name for name, _ in endpoints})
    assert not stale, f"tests/pages.py lists URLs that no longer exist: {stale}"


def test_every_row_answers_for_every_role():
    for page in PAGES:
        assert set(page.expect) == set(ROLES), page.name


@pytest.mark.parametrize(
    "page", [p for p in PAGES if p.method == "post"], ids=lambda page: page.name
)
def test_action_urls_refuse_get(page, world, client_for):
    url = reverse(page.name, kwargs=page.kwargs(world))
    for role in ROLES:
        if page.expect[role] == REDIRECT:
            assert client_for(world, role).get(url).status_code == 405, role


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_each_role_gets_the_answer_we_meant(page, world, client_for):
    url = reverse(page.name, kwargs=page.kwargs(world))
    got = {}
    for role in ROLES:
        client = client_for(world, role)
        send = client.post if page.method == "post" else client.get
        got[role] = outcome(send(url, page.data(world)))
    wrong = {
        role: f"got {got[role]}, meant {page.expect[role]}"
        for role in ROLES
        if got[role] != page.expect[role]
    }
    assert not wrong, f"{page.name} ({url}): {wrong}"


def admin_endpoints():
    for name, _, pattern in walk(admin.site.get_urls()):
        if name:
            yield name, pattern


def admin_url(name, pattern):
    sample = {"object_id": "1", "content_type_id": "999999", "app_label": "accounts"}
    kwargs = {key: sample.get(key, "1") for key in pattern.pattern.regex.groupindex}
    return reverse(f"admin:{name}", kwargs=kwargs)


# Django's admin is for the people who run the installation (is_staff), not
# for organisation roles: every Coprod role is sent to the admin login, which
# sends anonymous people on to Coprod's own login (with its rate limits and
# two-step login) and refuses logged-in people who are not staff.
ADMIN_EXCEPTIONS = {"login": 403}
# Logging out of the admin sends a non-staff person to the admin index first,
# which then asks them to log in.
ADMIN_REDIRECTS = {"logout": "admin:index"}


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_site_is_closed_to_every_coprod_role(role, world, client_for):
    client = client_for(world, role)
    admin_login = reverse("admin:login")
    checked = 0
    for name, pattern in admin_endpoints():
        response = client.get(admin_url(name, pattern))
        if name == "login" and role == "anonymous":
            assert response.status_code == 302, name
            assert urlparse(response["Location"]).path == reverse("account_login"), name
        elif name in ADMIN_EXCEPTIONS:
            assert response.status_code == ADMIN_EXCEPTIONS[name], name
        else:
            target = reverse(ADMIN_REDIRECTS[name]) if name in ADMIN_REDIRECTS else admin_login
            assert response.status_code == 302, name
            assert urlparse(response["Location"]).path == target, name
        checked += 1
    assert checked > 40  # every registered model's pages, not a handful
