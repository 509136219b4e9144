"""Where other apps plug into the pages of ``orgs``, so that ``orgs`` imports no other
app of the project (the dependency points the other way: the other app registers here
in its ``AppConfig.ready``).

- ``member_viewed``: a signal sent by the member page for every view of a member's
  record (``trust`` writes the access-log row). A receiver's error is not swallowed:
  a view that cannot be logged is not shown.
- ``member_unit_panels``: functions that add to the context of a member's "Đơn vị"
  page (``study`` adds the campaigns and sessions the member can see).
- ``figure_write_guards``: functions asked before a write that would change the
  reported figures of a unit on a day (``study``'s session and attendance services ask
  ``figure_write_refusals``; ``periods`` registers the guard that refuses a write into
  an approved reporting period). A guard answers, for each (unit, day) it refuses, the
  Vietnamese reason; the writer raises it. The writer never names the guard's app.
- ``members_changed``: called by every service of ``orgs`` that writes memberships or
  exemptions, inside its transaction, with the units whose members changed (``study``
  recomputes its per-unit member counts).
- ``member_counters``: a function answering (members, active members) of a unit's
  subtree on a day from a pre-aggregate (``study``'s); none registered, ``orgs``
  counts the raw rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
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


# --- figure write guards --------------------------------------------------------------

# (unit, day) pairs about to change -> {(unit id, day): reason} for those refused.
FigureWriteGuard = Callable[[Sequence[tuple[Unit, dt.date]], Any], dict[tuple[int, dt.date], str]]
figure_write_guards: list[FigureWriteGuard] = []


def register_figure_write_guard(guard: FigureWriteGuard) -> FigureWriteGuard:
    """Ask ``guard`` before every write of reported figures (idempotent)."""
    if guard not in figure_write_guards:
        figure_write_guards.append(guard)
    return guard


def figure_write_refusals(
    pairs: Iterable[tuple[Unit, dt.date]], actor: Any
) -> dict[tuple[int, dt.date], str]:
    """The reasons, per (unit id, day), why changing the figures of ``unit`` on
    ``day`` is refused (empty: every write allowed). No guard registered: no query."""
    if not figure_write_guards:
        return {}
    unique = list({(unit.pk, day): (unit, day) for unit, day in pairs}.values())
    refused: dict[tuple[int, dt.date], str] = {}
    if not unique:
        return refused
    for guard in figure_write_guards:
        for key, reason in guard(unique, actor).items():
            refused.setdefault(key, reason)
    return refused


# --- member counts ---------------------------------------------------------------------

MembersChanged = Callable[[set[int]], None]
members_changed_receivers: list[MembersChanged] = []


def register_members_changed(receiver: MembersChanged) -> MembersChanged:
    """Call ``receiver`` with the unit ids whose memberships or exemptions a service
    changed, inside the service's transaction (idempotent)."""
    if receiver not in members_changed_receivers:
        members_changed_receivers.append(receiver)
    return receiver


def members_changed(unit_ids: Iterable[int]) -> None:
    """The services' call after writing memberships or exemptions of ``unit_ids``."""
    ids = set(unit_ids)
    if not ids:
        return
    for receiver in members_changed_receivers:
        receiver(ids)


MemberCounter = Callable[[Unit, dt.date], tuple[int, int]]
member_counters: list[MemberCounter] = []


def register_member_counter(counter: MemberCounter) -> MemberCounter:
    """Answer the subtree member counts with ``counter`` (idempotent; the first wins)."""
    if counter not in member_counters:
        member_counters.append(counter)
    return counter
