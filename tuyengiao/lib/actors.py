"""The account behind an actor, for the ``created_by`` columns."""

from __future__ import annotations

from django.contrib.auth.models import User


def account_of(actor: object) -> User | None:
    """The signed-in account that acts, or None for the system actor (commands,
    migrations) and an anonymous visitor: what a ``created_by`` column records."""
    return actor if isinstance(actor, User) else None
