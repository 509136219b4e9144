from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tuyengiao.reports.selectors import EmptyPeriod, report_figures

D = dt.date(2025, 3, 10)
P = "co_mat"


def test_it_counts_sessions_bridge_points_and_people(data) -> None:  # type: ignore[no-untyped-def]
    fig = report_figures(
        unit=data.province, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31)
    )
    t = fig.totals
    assert (t.sessions, t.bridge_points) == (2, 1)
    assert t.person_times == 4 + 5  # present rows + other attendees
    assert t.public_reached == 120
    assert (t.excused, t.absent) == (1, 1)
    assert fig.members_attended == 3
    assert fig.members_required == 5
    (c,) = fig.campaigns
    assert c.attended == 3 and c.required == 5 and c.rate == Decimal("60.00")
    assert c.units_without_session == ["Chi bộ bản Hai"]
    assert [m.sessions for m in fig.months] == [1, 1]


def test_it_scopes_to_the_subtree(data) -> None:  # type: ignore[no-untyped-def]
    fig = report_figures(
        unit=data.commune, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31)
    )
    assert (fig.totals.sessions, fig.totals.bridge_points) == (2, 0)
    assert fig.members_required == 4
    assert fig.campaigns[0].attended == 2
    rates = {ch.code: ch.rate_for(data.camp.pk) for ch in fig.children}
    assert rates == {"XA1": None, "CB1": Decimal("33.33"), "CB2": Decimal("100.00")}


def test_empty_period_and_reversed_range_are_explained(data) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EmptyPeriod, match="Không có hội nghị nào"):
        report_figures(
            unit=data.province, date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 2, 1)
        )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="đứng trước"):
        report_figures(
            unit=data.province, date_from=dt.date(2025, 2, 1), date_to=dt.date(2025, 1, 1)
        )
