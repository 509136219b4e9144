"""The guard registry of ``orgs.hooks``: study asks it, periods registered in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.orgs import hooks
from tuyengiao.periods import services

pytestmark = pytest.mark.django_db


def test_periods_registers_its_guard_once() -> None:
    assert hooks.figure_write_guards.count(services.figures_guard) == 1
    hooks.register_figure_write_guard(services.figures_guard)  # ready() may run twice
    assert hooks.figure_write_guards.count(services.figures_guard) == 1


def test_refusals_ask_each_pair_once_and_nothing_without_guards(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[list[tuple[int, hooks.Span]]] = []
    day = dt.date(2025, 9, 10)

    def guard(pairs: Any, actor: Any) -> dict[tuple[int, hooks.Span], str]:
        asked.append([(u.pk, span) for u, span in pairs])
        return {(world.cell.pk, (day, day)): "khoá", (world.cell2.pk, (day, None)): "mở"}

    monkeypatch.setattr(hooks, "figure_write_guards", [])
    assert hooks.figure_write_refusals([(world.cell, day)], None) == {}
    hooks.register_figure_write_guard(guard)
    got = hooks.figure_write_refusals(
        [(world.cell, day), (world.cell, day), (world.cell2, day)], None
    )
    # a day is asked as the span of that one day, and answered under the day given
    assert got == {(world.cell.pk, day): "khoá"}
    assert asked == [[(world.cell.pk, (day, day)), (world.cell2.pk, (day, day))]]
    assert hooks.figure_write_refusals([(world.cell2, (day, None))], None) == {
        (world.cell2.pk, (day, None)): "mở"
    }
