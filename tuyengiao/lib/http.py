"""Request types for views, and the one test of an htmx request for part of a page.

``HttpRequest.user`` is ``User | AnonymousUser``; behind ``@login_required`` it is
always a signed-in account, which ``AuthedRequest`` tells the type checker.

A view that answers htmx with part of a page (``wants_fragment``) and a browser with
the whole page gives two answers at one URL. ``HtmxVaryMiddleware`` says so to the
browser's cache (``Vary``), or the browser's Back to a URL a search pushed
(``hx-push-url``) shows the part it cached without the page around it. htmx 2 marks
the request that restores a page from history as an htmx request as well; it asks for
the whole page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

HTMX_HEADERS = ("HX-Request", "HX-History-Restore-Request", "HX-Target")


class AuthedRequest(HttpRequest):
    user: User


def wants_fragment(request: HttpRequest, target: str | None = None) -> bool:
    """Does htmx ask for part of the page (``target``: to swap into the element of
    that id)? Not when it restores a page from history (htmx 2 sends ``HX-Request``
    then too)."""
    headers = request.headers
    if headers.get("HX-Request") != "true" or headers.get("HX-History-Restore-Request"):
        return False
    return target is None or headers.get("HX-Target") == target


class HtmxVaryMiddleware:
    """``Vary`` on the htmx headers for every answer, as htmx's documentation asks of
    a server that answers its requests with part of a page ("Caching")."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_vary_headers(response, HTMX_HEADERS)
        return response
