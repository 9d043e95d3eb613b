"""Requests refused before any view runs, because no view could answer them well."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

NUL = "\x00"


class RefuseNulMiddleware:
    """Answer 404 for a path, and 400 for a form or query value, holding a NUL character.

    PostgreSQL cannot store or compare text holding NUL, so such a value would
    reach the database and fail there with a server error. No real page or
    answer ever holds one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if NUL in request.path:
            return render(request, "404.html", status=404)
        if self._has_nul(request.GET) or (request.method == "POST" and self._has_nul(request.POST)):
            return _bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _has_nul(values) -> bool:
        return any(
            NUL in key or any(NUL in value for value in values.getlist(key)) for key in values
        )


def _bad_request(request: HttpRequest) -> HttpResponse:
    return render(request, "400.html", status=400)
