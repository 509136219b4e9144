"""Where other apps plug into the pages of ``orgs``, so that ``orgs`` imports no other
app of the project (the dependency points the other way: the other app registers here
in its ``AppConfig.ready``).

- ``member_viewed``: a signal sent by the member page for every view of a member's
  record (``trust`` writes the access-log row). A receiver's error is not swallowed:
  a view that cannot be logged is not shown.
- ``member_unit_panels``: functions that add to the context of a member's "Đơn vị"
  page (``study`` adds the campaigns and sessions the member can see).
- ``figure_write_guards``: functions asked before a write that would change the
  reported figures of a unit on a day, or over a span of days (``periods`` registers
  the guard that refuses a write into a report submitted or approved). A guard
  answers, for each (unit, span) it refuses, the Vietnamese reason. Every app whose
  figures appear in a report section asks it through ``check_figures_open`` in its
  write services, which raises ``FiguresLocked`` (a ``ValidationError`` whose
  ``refused`` names what was refused, for the sheets); the writer never names the
  guard's app. This module holds the rule so that every app may import it while
  ``orgs`` imports none of them.
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

from django.core.exceptions import ValidationError
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

# The days a write touches: one day, or a span (first day, last day; ``None``: no end,
# as for a task still open). A guard answers per (unit id, span).
Span = tuple[dt.date, dt.date | None]
When = dt.date | Span
FigureWriteGuard = Callable[[Sequence[tuple[Unit, Span]], Any], dict[tuple[int, Span], str]]
figure_write_guards: list[FigureWriteGuard] = []


def register_figure_write_guard(guard: FigureWriteGuard) -> FigureWriteGuard:
    """Ask ``guard`` before every write of reported figures (idempotent)."""
    if guard not in figure_write_guards:
        figure_write_guards.append(guard)
    return guard


def span_of(when: When) -> Span:
    return (when, when) if isinstance(when, dt.date) else when


def figure_write_refusals(
    pairs: Iterable[tuple[Unit, When]], actor: Any
) -> dict[tuple[int, When], str]:
    """The reasons, per (unit id, day or span) as given, why changing the figures of
    ``unit`` on that day (or on any day of that span) is refused (empty: every write
    allowed). No guard registered: no query."""
    if not figure_write_guards:
        return {}
    given = {(unit.pk, when): (unit, when) for unit, when in pairs}
    refused: dict[tuple[int, When], str] = {}
    if not given:
        return refused
    asked = list(
        {(unit.pk, span_of(when)): (unit, span_of(when)) for unit, when in given.values()}.values()
    )
    reasons: dict[tuple[int, Span], str] = {}
    for guard in figure_write_guards:
        for key, reason in guard(asked, actor).items():
            reasons.setdefault(key, reason)
    for unit_id, when in given:
        found = reasons.get((unit_id, span_of(when)))
        if found is not None:
            refused[(unit_id, when)] = found
    return refused


class FiguresLocked(ValidationError):
    """A write refused because it would change figures a guard protects (a report
    submitted or approved for a reporting period). ``refused`` maps what the caller
    wrote (a code, an id, a (session id, member id) pair...) to the Vietnamese reason,
    so that a sheet can name its rows; ``messages`` are the distinct reasons."""

    def __init__(self, refused: dict[Any, str]) -> None:
        super().__init__(sorted(set(refused.values())))
        self.refused = refused


def check_figures_open(actor: Any, writes: Iterable[tuple[Any, Unit, When]]) -> None:
    """``FiguresLocked`` when any (key, unit, day or span) of ``writes`` would change
    figures that a guard protects; the one rule every app's write service asks before
    a write of reported figures. An edit passes its row twice under the same key: the
    old (unit, day) and the new one, so that moving a row out of a locked period (or
    into one) is refused as well. No guard registered, or nothing written: no query."""
    writes = list(writes)
    if not writes or not figure_write_guards:
        return
    refusals = figure_write_refusals([(unit, when) for _, unit, when in writes], actor)
    refused: dict[Any, str] = {}
    for key, unit, when in writes:
        reason = refusals.get((unit.pk, when))
        if reason is not None:
            refused.setdefault(key, reason)
    if refused:
        raise FiguresLocked(refused)


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
