"""Request types for views.

``HttpRequest.user`` is ``User | AnonymousUser``; behind ``@login_required`` it is
always a signed-in account, which ``AuthedRequest`` tells the type checker.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthedRequest(HttpRequest):
    user: User
