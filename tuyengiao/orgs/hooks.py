"""Where other apps plug into the pages of ``orgs``, so that ``orgs`` imports no other
app of the project (the dependency points the other way: the other app registers here
in its ``AppConfig.ready``).

- ``member_viewed``: a signal sent by the member page for every view of a member's
  record (``trust`` writes the access-log row). A receiver's error is not swallowed:
  a view that cannot be logged is not shown.
- ``member_unit_panels``: functions that add to the context of a member's "Đơn vị"
  page (``study`` adds the campaigns and sessions the member can see).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.dispatch import Signal
from django.http import HttpRequest

from .models import Unit

# Sent with ``request`` and ``member`` (sender: the ``Member`` class).
member_viewed = Signal()

MemberUnitPanel = Callable[[HttpRequest, Unit, dt.date], dict[str, Any]]
member_unit_panels: list[MemberUnitPanel] = []


def register_member_unit_panel(panel: MemberUnitPanel) -> MemberUnitPanel:
    """Add ``panel`` to the member's unit page (idempotent: ``ready`` may run twice)."""
    if panel not in member_unit_panels:
        member_unit_panels.append(panel)
    return panel


def member_unit_context(request: HttpRequest, unit: Unit, day: dt.date) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for panel in member_unit_panels:
        context.update(panel(request, unit, day))
    return context
