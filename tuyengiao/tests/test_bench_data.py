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
