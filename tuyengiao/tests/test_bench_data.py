"""The benchmark's data generator keeps up with the schema.

CI does not run ``make bench``; a new NOT NULL column once broke the generator's raw
inserts unnoticed. This loads the small scale through the same code and reads it
back through the models and the report."""

from __future__ import annotations

import datetime as dt

import pytest

from tuyengiao.orgs.models import Membership, Unit
from tuyengiao.reports.selectors import report_figures
from tuyengiao.study.models import SessionFact

pytestmark = pytest.mark.django_db


def test_small_synthetic_province_loads_and_reports() -> None:
    from bench.synthetic import generate

    data = generate("small")
    root = Unit.objects.get(pk=data.root_id)
    assert Unit.objects.count() == len({root.pk, *(i for ids in data.levels.values() for i in ids)})
    assert list(Unit.objects.filter(pk=root.pk).values_list("place", flat=True)) == [""]
    assert SessionFact.objects.exists() and Membership.objects.exists()
    report = report_figures(
        unit=root, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31), structure="asof"
    )
    figures = report.result("study").figures
    assert figures.totals.sessions > 0
    assert 0 < figures.members_attended <= figures.members_required


def test_the_pages_benchmark_opens_every_page_on_the_small_province() -> None:
    """``bench.pages`` signs in through the whole stack and gets a 200 for each page
    (it raises otherwise), so a renamed route or a new middleware rule shows here."""
    from bench import pages
    from bench.run import BenchContext

    ctx = BenchContext(scale="small", db="sqlite", database_url="")
    out = pages.measure(ctx)
    assert out["pages.campaign_kb"] > 0 and out["pages.tree_kb"] > 0
    assert all(out[f"pages.{name}_kb"] < 200 for name in ("campaign", "tree", "unit_root"))


def test_a_fraction_of_the_national_data_loads_the_real_tree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """National scale, shrunk to two provinces and a fraction of its cells: the real
    provinces and communes of the official list, the computed member ids of each cell
    (``CellMembers``) are its members, and the counts are the rows written (the
    server-side generator on PostgreSQL, the Python one on SQLite)."""
    from bench import synthetic
    from tuyengiao.orgs import official
    from tuyengiao.study.models import Attendance, Session

    tiny = {"provinces": 2, "communes": 0, "cells": 8, "members": 3, "campaigns": 2, "sessions": 2}
    monkeypatch.setitem(synthetic.SCALES, "national", tiny)
    data = synthetic.generate("national", fraction=0.25)  # 2 cells per commune
    provinces = official.provinces()[:2]
    communes = [c for p in provinces for c in official.communes(p.code)]
    assert Unit.objects.filter(parent_id=data.root_id).count() == 2
    assert sorted(
        Unit.objects.filter(pk__in=data.levels["commune"]).values_list("admin_code", flat=True)
    ) == sorted(c.code for c in communes)
    cells = data.levels["cell"]
    assert len(cells) == 2 * len(communes)
    assert set(Unit.objects.filter(pk__in=cells).values_list("kind", flat=True)) == {"Chi bộ"}
    for cell in (cells[0], cells[-1]):
        assert set(
            Membership.objects.filter(unit_id=cell).values_list("member_id", flat=True)
        ) == set(data.cell_members[cell])
    assert data.counts["members"] == 3 * len(cells) == Membership.objects.count()
    # per campaign: a conference per commune, a bridge point and 2 sessions per cell
    assert (
        data.counts["sessions"] == 2 * (len(communes) + 3 * len(cells)) == Session.objects.count()
    )
    assert data.counts["attendances"] == 2 * 2 * 3 * len(cells) == Attendance.objects.count()
    assert SessionFact.objects.count() == data.counts["sessions"]
    figures = (
        report_figures(
            unit=Unit.objects.get(pk=data.root_id),
            date_from=dt.date(2025, 1, 1),
            date_to=dt.date(2025, 12, 31),
            structure="asof",
        )
        .result("study")
        .figures
    )
    assert figures.members_required == data.counts["members"] - data.counts["exempt"]
    assert 0 < figures.members_attended <= figures.members_required
