"""Keeping people logged in across a rename of the login backends.

Django stores, in each session, the dotted path of the backend that logged
the person in, and logs them out when that path is no longer one of
AUTHENTICATION_BACKENDS. Issue 18 replaced Django's and allauth's backends
with Coprod's own (coprod/accounts/backends.py, the same logins with fewer
permission queries): without this, everyone would be logged out once, and
a member who rarely logs in may not manage to log in again.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest
from django.http.response import HttpResponseBase

RENAMED_BACKENDS = {
    "allauth.account.auth_backends.AuthenticationBackend": "coprod.accounts.backends.LoginBackend",
    "django.contrib.auth.backends.ModelBackend": (
        "coprod.accounts.backends.AdminSitePermissionBackend"
    ),
}


class RenamedBackendMiddleware:
    """Before authentication: a session naming a renamed backend names its successor.

    It reads the session Django's authentication reads next anyway (no extra
    query) and writes only the sessions that still name an old path. A path
    still in AUTHENTICATION_BACKENDS is left alone (a site that keeps
    Django's own backend keeps its sessions as they are).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        backends = set(settings.AUTHENTICATION_BACKENDS)
        self.renamed = {
            old: new
            for old, new in RENAMED_BACKENDS.items()
            if old not in backends and new in backends
        }

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = getattr(request, "session", None)
        if self.renamed and session is not None and session.session_key:
            successor = self.renamed.get(session.get(BACKEND_SESSION_KEY, ""))
            if successor:
                session[BACKEND_SESSION_KEY] = successor
        return self.get_response(request)
