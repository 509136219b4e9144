"""The subtree's ids as the sections send them (``orgs.subtree``): integers written
into the statement for a small subtree, the subquery on the units' paths for a large
one, historical units mapped to today's successors either way; every section's
figures are the same whichever form the statement takes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest

from tuyengiao.orgs import subtree as subtree_module
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Unit
from tuyengiao.orgs.subtree import ASOF, TODAY, resolve_subtree, unit_in
from tuyengiao.reports.selectors import report_figures

if TYPE_CHECKING:
    from conftest import World
    from tuyengiao.reports.tests.conftest import ReportWorld

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def _merge(world: World) -> None:
    from tuyengiao.orgs import services

    services.unit_merge(
        actor=SYSTEM, sources=[world.cell2], into=world.cell, on=dt.date(2025, 9, 1)
    )


@pytest.mark.parametrize("literal", [True, False])
def test_the_filter_holds_the_subtree_and_the_merged_units(
    world: World, literal: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not literal:
        monkeypatch.setattr(subtree_module, "_LITERAL_IDS", 0)
    _merge(world)
    sub = resolve_subtree(world.commune, END, TODAY)
    assert sub.extra_ids == [world.cell2.pk]  # merged away, reported under CB1
    if literal:
        assert "%s" not in sub.ids_sql and not sub.ids_params  # integers, no placeholders
    else:
        assert "ORDER BY" not in sub.ids_sql and "LIKE" in sub.ids_sql
    inside = set(Unit.objects.filter(sub.q("id")).values_list("pk", flat=True))
    assert inside == set(sub.paths) == {world.commune.pk, world.cell.pk, world.cell2.pk}
    assert set(Unit.objects.filter(unit_in(sub, "id")).values_list("pk", flat=True)) == inside
    assert set(Unit.objects.filter(unit_in(sorted(inside), "id")).values_list("pk", flat=True)) == (
        inside
    )
    # each unit under the root's child it is reported under; the merged cell under CB1's
    assert sub.child == {
        world.commune.pk: world.commune.pk,
        world.cell.pk: world.cell.pk,
        world.cell2.pk: world.cell.pk,
    }
    whole = resolve_subtree(world.province, END, TODAY)
    assert whole.child[world.cell2.pk] == whole.child[world.cell.pk] == world.commune.pk
    assert whole.child[world.sibling_cell.pk] == world.sibling_commune.pk
    assert whole.child[world.province.pk] == world.province.pk
    asof = resolve_subtree(world.commune, dt.date(2025, 6, 30), ASOF)
    assert set(Unit.objects.filter(asof.q("id")).values_list("pk", flat=True)) == inside


@pytest.mark.parametrize("structure", [TODAY, ASOF])
def test_every_section_gives_the_same_figures_either_way(
    data: ReportWorld, structure: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuyengiao.presenters.tests.conftest import save

    save(code="BCV-1", full_name="Lò Văn Một", unit=data.cell2)  # of the merged cell
    save(code="BCV-2", full_name="Lò Văn Hai", unit=data.sibling_cell)
    _merge(data)

    def figures() -> dict[str, Any]:
        report = report_figures(
            unit=data.province, date_from=START, date_to=END, structure=structure
        )
        return {r.key: (r.data, r.summary, r.paragraphs) for r in report.results}

    literal = figures()
    # today's structure counts the merged cell's presenter under its successor; the
    # tree of 31/12 no longer holds that cell
    assert literal["presenters"][0]["presenters"] == (2 if structure == TODAY else 1)
    monkeypatch.setattr(subtree_module, "_LITERAL_IDS", 0)
    assert figures() == literal
