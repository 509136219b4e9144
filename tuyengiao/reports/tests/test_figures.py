from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.reports.selectors import EmptyPeriod
from tuyengiao.reports.selectors import report_figures as whole_report
from tuyengiao.study.figures import study_figures_for as report_figures

if TYPE_CHECKING:
    from conftest import World
    from tuyengiao.reports.tests.conftest import ReportWorld

D = dt.date(2025, 3, 10)
P = "co_mat"


def test_it_counts_sessions_bridge_points_and_people(data: ReportWorld) -> None:
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


def test_it_scopes_to_the_subtree(data: ReportWorld) -> None:
    fig = report_figures(
        unit=data.commune, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31)
    )
    assert (fig.totals.sessions, fig.totals.bridge_points) == (2, 0)
    assert fig.members_required == 4
    assert fig.campaigns[0].attended == 2
    rates = {ch.code: ch.rate_for(data.camp.pk) for ch in fig.children}
    assert rates == {"XA1": None, "CB1": Decimal("33.33"), "CB2": Decimal("100.00")}


def test_empty_period_and_reversed_range_are_explained(data: ReportWorld) -> None:
    with pytest.raises(EmptyPeriod, match="Không có hội nghị nào"):
        whole_report(unit=data.province, date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 2, 1))
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="đứng trước"):
        whole_report(unit=data.province, date_from=dt.date(2025, 2, 1), date_to=dt.date(2025, 1, 1))


def test_a_presence_span_straddling_the_period_is_not_attendance(world: World) -> None:
    from tuyengiao.reports.tests import factories as f
    from tuyengiao.tests.factories import document

    camp = f.campaign(
        world.province, document(), start=dt.date(2025, 1, 1), deadline=dt.date(2025, 12, 31)
    )
    m = world.members
    f.session("J", camp, world.cell, dt.date(2025, 1, 10), attendance={m[0]: P, m[1]: P})
    f.session("A", camp, world.cell, dt.date(2025, 4, 10), attendance={m[1]: P, m[2]: P})
    f.session("D", camp, world.cell, dt.date(2025, 12, 10), attendance={m[0]: P, m[1]: P})
    spring = report_figures(
        unit=world.cell, date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 5, 31)
    )
    # m0 was present before and after the period but not in it; m1 inside; m2 only inside
    assert spring.campaigns[0].attended == 2
    assert spring.members_attended == 2
    year = report_figures(
        unit=world.cell, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31)
    )
    assert year.campaigns[0].attended == 3 and year.members_attended == 3
    late = report_figures(
        unit=world.cell, date_from=dt.date(2025, 4, 10), date_to=dt.date(2025, 12, 10)
    )
    assert late.campaigns[0].attended == 3


def test_attended_counts_only_required_members(data: ReportWorld) -> None:
    from tuyengiao.orgs import services

    # m0 (present at HN1 and HN2) becomes exempt: no longer required, nor attended
    services.member_set_exempt(
        actor=SYSTEM, member=data.members[0], exempt=True, on=dt.date(2025, 1, 1)
    )
    fig = report_figures(
        unit=data.province, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31)
    )
    assert fig.members_required == 4
    assert fig.members_attended == 2
    (c,) = fig.campaigns
    assert (c.attended, c.required) == (2, 4)
    assert fig.members_attended <= fig.members_required


def test_units_without_session_are_the_campaigns_grassroots_units(world: World) -> None:
    from tuyengiao.reports.tests import factories as f
    from tuyengiao.tests.factories import document

    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    province_camp = f.campaign(world.province, document(), start=start, deadline=end)
    commune_camp = f.campaign(world.commune, document("66-NQ/TW"), start=start, deadline=end)
    main = f.session("ON1", commune_camp, world.commune, dt.date(2025, 5, 5), fmt="truc_tuyen")
    f.session("ON1-CB2", commune_camp, world.cell2, dt.date(2025, 5, 5), main=main)
    f.session("P1", province_camp, world.cell, dt.date(2025, 6, 6))
    fig = report_figures(unit=world.province, date_from=start, date_to=end)
    by_id = {c.id: c for c in fig.campaigns}
    # the province's campaign expects every cell; CB1 held one
    assert by_id[province_camp.pk].units_total == 3
    assert by_id[province_camp.pk].units_without_session == ["Chi bộ bản Hai", "Chi bộ bản Ba"]
    # the commune's campaign expects the commune's cells only; CB2 was a bridge point
    assert by_id[commune_camp.pk].units_total == 2
    assert by_id[commune_camp.pk].units_without_session == ["Chi bộ bản Một"]


def test_today_structure_reports_a_merged_cell_under_its_successor(world: World) -> None:
    from tuyengiao.orgs import services
    from tuyengiao.reports.tests import factories as f
    from tuyengiao.tests.factories import document

    start, end = dt.date(2025, 1, 1), dt.date(2025, 6, 30)
    camp = f.campaign(world.province, document(), start=start, deadline=dt.date(2025, 12, 31))
    m = world.members  # m0-m2 in CB1, m3 in CB2
    f.session("A", camp, world.cell, dt.date(2025, 2, 1), attendance={m[0]: P})
    f.session("B", camp, world.cell2, dt.date(2025, 3, 1), attendance={m[3]: P})
    services.unit_merge(
        actor=SYSTEM, sources=[world.cell2], into=world.cell, on=dt.date(2025, 9, 1)
    )
    fig = report_figures(unit=world.commune, date_from=start, date_to=end, structure="today")
    # CB2's session, member and attendance are reported under CB1, today's successor
    assert (fig.totals.sessions, fig.members_required, fig.members_attended) == (2, 4, 2)
    (child,) = [c for c in fig.children if c.code == "CB1"]
    assert child.counts.sessions == 2 and child.required == 4
    assert child.attended == {camp.pk: 2}
    assert [c.code for c in fig.children] == ["CB1"]
    (c,) = fig.campaigns
    assert c.units_without_session == [] and c.units_total == 1
    asof = report_figures(unit=world.commune, date_from=start, date_to=end, structure="asof")
    assert {c.code: c.required for c in asof.children} == {"CB1": 3, "CB2": 1}
    from django.core.exceptions import ValidationError

    late = dt.date(2025, 12, 31)
    with pytest.raises(ValidationError, match="không có trong cơ cấu tổ chức ngày 31/12/2025"):
        report_figures(unit=world.cell2, date_from=start, date_to=late, structure="asof")
    with pytest.raises(ValidationError, match="không còn trong cơ cấu tổ chức hiện nay"):
        report_figures(unit=world.cell2, date_from=start, date_to=late, structure="today")


@pytest.mark.parametrize("unit", ["province", "commune", "cell", "sibling_cell"])
def test_the_campaign_page_and_the_report_give_the_same_rate(data: ReportWorld, unit: str) -> None:
    """The campaign page (``study.selectors.campaign_rate``) and the report (the study
    section) over the campaign's period, on the structure of its last day: the same
    required, attended, rate, verdict, sessions, bridge points and person-times; and the
    required and attended members equal to a count from the raw rows (both read the
    roll-up facts)."""
    from tuyengiao.orgs import services as org_services
    from tuyengiao.study.selectors import campaign_rate

    # an exempt member who attended, and one more present row at the bridge point
    org_services.member_set_exempt(
        actor=SYSTEM, member=data.members[3], exempt=True, on=dt.date(2025, 1, 1)
    )
    camp, where = data.camp, getattr(data, unit)
    page = campaign_rate(camp, where, camp.deadline)
    report = whole_report(
        unit=where, date_from=camp.start, date_to=camp.deadline, structure="asof", allow_empty=True
    )
    (c,) = [c for c in report.result("study").figures.campaigns if c.id == camp.pk]
    r = page["rate"]
    assert (r.required, r.attended, r.rate, not r.below_target) == (
        c.required,
        c.attended,
        c.rate,
        c.met,
    )
    assert (page["sessions"], page["bridge_points"], page["person_times"]) == (
        c.sessions,
        c.bridge_points,
        c.person_times,
    )
    assert (r.required, r.attended) == _raw_rate(camp, where)


def _raw_rate(camp: Any, unit: Any) -> tuple[int, int]:
    """Required and attended members from the raw rows: memberships, exemptions and
    attendance of the campaign's sessions, as the tree stood on the deadline."""
    from tuyengiao.orgs.models import Exemption, Membership, UnitVersion, valid_on_q
    from tuyengiao.study.models import Attendance, Status

    day = camp.deadline
    root = UnitVersion.objects.get(valid_on_q(day), unit=unit).path
    units = UnitVersion.objects.filter(valid_on_q(day), path__startswith=root).values("unit_id")
    exempt = Exemption.objects.filter(valid_on_q(day)).values("member_id")
    required = set(
        Membership.objects.filter(valid_on_q(day), unit_id__in=units)
        .exclude(member_id__in=exempt)
        .values_list("member_id", flat=True)
    )
    present = set(
        Attendance.objects.filter(
            member_id__in=required,
            status=Status.PRESENT,
            session__campaign=camp,
            session__date__gte=camp.start,
            session__date__lte=day,
        ).values_list("member_id", flat=True)
    )
    return len(required), len(present)
