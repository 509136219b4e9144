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
    asked: list[list[tuple[int, dt.date]]] = []

    def guard(pairs: Any, actor: Any) -> dict[tuple[int, dt.date], str]:
        asked.append([(u.pk, d) for u, d in pairs])
        return {(world.cell.pk, dt.date(2025, 9, 10)): "khoá"}

    monkeypatch.setattr(hooks, "figure_write_guards", [])
    day = dt.date(2025, 9, 10)
    assert hooks.figure_write_refusals([(world.cell, day)], None) == {}
    hooks.register_figure_write_guard(guard)
    got = hooks.figure_write_refusals(
        [(world.cell, day), (world.cell, day), (world.cell2, day)], None
    )
    assert got == {(world.cell.pk, day): "khoá"}
    assert asked == [[(world.cell.pk, day), (world.cell2.pk, day)]]
