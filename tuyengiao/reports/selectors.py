"""Report figures for any unit and period, read from the roll-up facts.

A report is asked on one of two structures:

- ``asof``: the tree as it stood on the last day of the period (``UnitVersion``
  rows valid that day under the root's path then);
- ``today``: today's tree, each historical unit mapped onto its successor through
  the lineage rows (``orgs.selectors.successor_map``).

Either way the subtree is a set of unit ids given to the database as a subquery,
and each figure is one ``GROUP BY`` over the facts: per (unit, campaign) for the
session counts, per (unit) for the member denominators, per (unit) for each
campaign's attended members. Python only adds those per-unit rows up into the
root and its children (a dictionary pass over at most the units that held
sessions), it never walks the tree.

Definitions (``../shared/design/WORKBOOK.md``, "Figures derived from it"):
sessions count main sessions, bridge points are counted apart; person-times are
``Có mặt`` rows plus other attendees; the participation rate for a campaign is
the distinct non-exempt members of the subtree on the last day of the period with
at least one ``Có mặt`` at one of its sessions in the period, divided by the
non-exempt members of the subtree on that day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Sum, When
from django.db.models.functions import TruncMonth

from tuyengiao.lib.dates import format_date
from tuyengiao.orgs.models import Exemption, Membership, Unit, UnitLineage, UnitVersion
from tuyengiao.orgs.selectors import successor_map, today, valid_on_q, version_on

from .models import PresenceFact, SessionFact, Structure


class EmptyPeriod(Exception):
    """No session was held in the unit's subtree during the period."""


def rate(attended: int, required: int) -> Decimal | None:
    if required <= 0:
        return None
    return (Decimal(attended) * 100 / Decimal(required)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@dataclass
class Counts:
    sessions: int = 0
    bridge_points: int = 0
    present: int = 0
    excused: int = 0
    absent: int = 0
    other_attendees: int = 0
    public_reached: int = 0

    @property
    def person_times(self) -> int:
        return self.present + self.other_attendees

    def add(self, row: dict[str, Any]) -> None:
        for name in (
            "sessions",
            "bridge_points",
            "present",
            "excused",
            "absent",
            "other_attendees",
            "public_reached",
        ):
            setattr(self, name, getattr(self, name) + int(row[name] or 0))


@dataclass
class CampaignFigures:
    id: int
    title: str
    documents: str
    target: Decimal
    required: int
    attended: int
    sessions: int
    bridge_points: int
    person_times: int
    units_total: int
    units_without_session: list[str]

    @property
    def rate(self) -> Decimal | None:
        return rate(self.attended, self.required)

    @property
    def met(self) -> bool:
        r = self.rate
        return r is not None and r >= self.target


@dataclass
class ChildFigures:
    unit_id: int
    code: str
    name: str
    counts: Counts
    required: int
    attended: dict[int, int] = field(default_factory=dict)

    def rate_for(self, campaign_id: int) -> Decimal | None:
        return rate(self.attended.get(campaign_id, 0), self.required)


@dataclass
class MonthFigures:
    month: dt.date
    sessions: int
    person_times: int


@dataclass
class ReportFigures:
    unit_id: int
    unit_code: str
    unit_name: str
    unit_kind: str
    parent_name: str
    date_from: dt.date
    date_to: dt.date
    structure: str
    totals: Counts
    members_required: int
    members_attended: int
    units_in_scope: int
    campaigns: list[CampaignFigures]
    children: list[ChildFigures]
    months: list[MonthFigures]

    @property
    def is_empty(self) -> bool:
        return self.totals.sessions == 0 and self.totals.bridge_points == 0

    @property
    def period_label(self) -> str:
        return f"từ ngày {format_date(self.date_from)} đến ngày {format_date(self.date_to)}"

    def lagging(self, campaign: CampaignFigures) -> list[tuple[ChildFigures, Decimal | None]]:
        rows = [(c, c.rate_for(campaign.id)) for c in self.children if c.required > 0]
        late = [(c, r) for c, r in rows if r is None or r < campaign.target]
        return sorted(late, key=lambda cr: (cr[1] or Decimal(0), cr[0].code))


# --- the subtree ---------------------------------------------------------------------


@dataclass
class _Subtree:
    root: Unit
    root_path: str
    unit_q: Q  # over a ``unit_id`` field
    paths: dict[int, str]  # unit id -> path in the chosen structure (historical ids mapped)
    canonical: dict[int, int]  # unit id -> the id it is reported under
    names: dict[int, tuple[str, str]]  # canonical id -> (code, name)
    parents: set[int]

    def child_of(self, unit_id: int) -> int | None:
        path = self.paths.get(unit_id)
        if path is None:
            return None
        rest = path[len(self.root_path) :]
        return int(rest.split("/")[0]) if rest else self.root.pk

    def leaves(self) -> set[int]:
        return {uid for uid in self.names if uid not in self.parents}


# Up to this many units the ids go to the database as a literal list: the planner then
# knows the subtree is small and uses the (unit, date) indexes; a subquery with LIKE
# is estimated badly on PostgreSQL and turned a cell's report into a full scan.
_LITERAL_IDS = 2000


def _ids_q(paths: dict[int, str], subquery: Any) -> Q:
    if len(paths) <= _LITERAL_IDS:
        return Q(unit_id__in=sorted(paths))
    return Q(unit_id__in=subquery)


def _subtree(unit: Unit, day: dt.date, structure: str) -> _Subtree:
    if structure == Structure.ASOF:
        root_version = version_on(unit, day)
        if root_version is None:
            raise ValidationError(
                f"Đơn vị {unit.name} không có trong cơ cấu tổ chức ngày {format_date(day)}."
            )
        versions = UnitVersion.objects.filter(valid_on_q(day), path__startswith=root_version.path)
        rows = list(versions.values_list("unit_id", "path", "parent_id", "name", "unit__code"))
        paths = {uid: path for uid, path, _p, _n, _c in rows}
        return _Subtree(
            root=unit,
            root_path=root_version.path,
            unit_q=_ids_q(paths, versions.values("unit_id")),
            paths=paths,
            canonical={uid: uid for uid in paths},
            names={uid: (code, name) for uid, _path, _p, name, code in rows},
            parents={p for _u, _path, p, _n, _c in rows if p is not None},
        )
    now = today()
    current = Unit.objects.filter(valid_on_q(now), path__startswith=unit.path)
    rows = list(current.values_list("id", "path", "parent_id", "name", "code"))
    paths = {uid: path for uid, path, _p, _n, _c in rows}
    canonical = {uid: uid for uid in paths}
    unit_q = _ids_q(paths, current.values("id"))
    if UnitLineage.objects.exists():
        extra = {old: new for old, new in successor_map(now).items() if new in paths and old != new}
        for old, new in extra.items():
            paths[old] = paths[new]
            canonical[old] = new
        if extra:
            unit_q |= Q(unit_id__in=sorted(extra))
    if not unit.is_valid_on(now):
        raise ValidationError(f"Đơn vị {unit.name} không còn trong cơ cấu tổ chức hiện nay.")
    return _Subtree(
        root=unit,
        root_path=unit.path,
        unit_q=unit_q,
        paths=paths,
        canonical=canonical,
        names={uid: (code, name) for uid, _path, _p, name, code in rows},
        parents={p for _u, _path, p, _n, _c in rows if p is not None},
    )


def _members_q(sub: _Subtree, day: dt.date) -> Any:
    """Non-exempt memberships of the subtree on ``day``."""
    exempt = Exemption.objects.filter(valid_on_q(day), member=OuterRef("member_id"))
    return Membership.objects.filter(valid_on_q(day)).filter(sub.unit_q).exclude(Exists(exempt))


def _campaigns(sub: _Subtree, date_from: dt.date, date_to: dt.date, with_facts: set[int]) -> list:
    Campaign = apps.get_model("study", "Campaign")
    ancestors = [int(p) for p in sub.root.path.strip("/").split("/") if p]
    active = Campaign.objects.filter(start__lte=date_to, deadline__gte=date_from).filter(
        Q(owner_id__in=ancestors) | Q(owner__path__startswith=sub.root.path)
    )
    return list(
        Campaign.objects.filter(Q(pk__in=active.values("pk")) | Q(pk__in=with_facts))
        .prefetch_related("documents")
        .order_by("start", "id")
    )


_IS_MAIN = Case(When(is_bridge=False, then=1), default=0, output_field=IntegerField())
_IS_BRIDGE = Case(When(is_bridge=True, then=1), default=0, output_field=IntegerField())


def report_figures(
    *,
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    structure: str = Structure.TODAY,
    allow_empty: bool = False,
) -> ReportFigures:
    """Every figure of the report for ``unit``'s subtree over ``[date_from, date_to]``."""
    if date_to < date_from:
        raise ValidationError(
            f"Khoảng thời gian không hợp lệ: 'đến ngày' ({format_date(date_to)}) đứng trước "
            f"'từ ngày' ({format_date(date_from)})."
        )
    if structure not in Structure.values:
        raise ValidationError("Cơ cấu tổ chức phải là 'today' (hiện nay) hoặc 'asof' (cuối kỳ).")
    sub = _subtree(unit, date_to, structure)
    period = Q(date__gte=date_from, date__lte=date_to)

    # 1. sessions per (unit, campaign)
    session_rows = (
        SessionFact.objects.filter(period)
        .filter(sub.unit_q)
        .values("unit_id", "campaign_id")
        .annotate(
            sessions=Sum(_IS_MAIN),
            bridge_points=Sum(_IS_BRIDGE),
            present=Sum("present"),
            excused=Sum("excused"),
            absent=Sum("absent"),
            other_attendees=Sum("other_attendees"),
            public_reached=Sum("public_reached"),
        )
    )
    totals = Counts()
    by_child: dict[int, Counts] = defaultdict(Counts)
    by_campaign: dict[int, Counts] = defaultdict(Counts)
    units_with_session: dict[int, set[int]] = defaultdict(set)
    for row in session_rows:
        totals.add(row)
        child = sub.child_of(row["unit_id"])
        if child is not None:
            by_child[child].add(row)
        by_campaign[row["campaign_id"]].add(row)
        units_with_session[row["campaign_id"]].add(sub.canonical.get(row["unit_id"], 0))
    if totals.sessions == 0 and totals.bridge_points == 0 and not allow_empty:
        raise EmptyPeriod(
            f"Không có hội nghị nào của {unit.name} và các đơn vị trực thuộc "
            f"từ ngày {format_date(date_from)} đến ngày {format_date(date_to)}: "
            "chưa có số liệu để lập báo cáo."
        )

    # 2. members required (non-exempt, end of period) per unit
    members = _members_q(sub, date_to)
    required_by_child: dict[int, int] = defaultdict(int)
    members_required = 0
    for row in members.values("unit_id").annotate(n=Count("member_id")):
        members_required += row["n"]
        child = sub.child_of(row["unit_id"])
        if child is not None:
            required_by_child[child] += row["n"]

    # 3. attended per campaign per unit
    campaigns = _campaigns(sub, date_from, date_to, set(by_campaign))
    attended_by_child: dict[int, dict[int, int]] = defaultdict(dict)
    campaign_figures: list[CampaignFigures] = []
    leaves = sub.leaves()
    for campaign in campaigns:
        present = PresenceFact.objects.filter(
            period, campaign_id=campaign.pk, member_id=OuterRef("member_id")
        )
        attended = 0
        for row in members.filter(Exists(present)).values("unit_id").annotate(n=Count("member_id")):
            attended += row["n"]
            child = sub.child_of(row["unit_id"])
            if child is not None:
                per = attended_by_child[child]
                per[campaign.pk] = per.get(campaign.pk, 0) + row["n"]
        counts = by_campaign.get(campaign.pk, Counts())
        missing = sorted(leaves - units_with_session.get(campaign.pk, set()))
        campaign_figures.append(
            CampaignFigures(
                id=campaign.pk,
                title=campaign.title,
                documents=", ".join(d.symbol for d in campaign.documents.all()),
                target=Decimal(campaign.member_target),
                required=members_required,
                attended=attended,
                sessions=counts.sessions,
                bridge_points=counts.bridge_points,
                person_times=counts.person_times,
                units_total=len(leaves),
                units_without_session=[sub.names[u][1] for u in missing if u in sub.names],
            )
        )

    # 4. distinct members present at sessions held in the subtree
    members_attended = (
        PresenceFact.objects.filter(period)
        .filter(sub.unit_q)
        .aggregate(n=Count("member_id", distinct=True))["n"]
    )

    # 5. by month
    months = [
        MonthFigures(
            month=row["month"] if isinstance(row["month"], dt.date) else row["month"].date(),
            sessions=row["sessions"] or 0,
            person_times=(row["present"] or 0) + (row["other"] or 0),
        )
        for row in SessionFact.objects.filter(period)
        .filter(sub.unit_q)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(sessions=Sum(_IS_MAIN), present=Sum("present"), other=Sum("other_attendees"))
        .order_by("month")
    ]

    child_ids = [uid for uid in sub.names if sub.child_of(uid) == uid and uid != unit.pk]
    children = [
        ChildFigures(
            unit_id=uid,
            code=sub.names[uid][0],
            name=sub.names[uid][1],
            counts=by_child.get(uid, Counts()),
            required=required_by_child.get(uid, 0),
            attended=attended_by_child.get(uid, {}),
        )
        for uid in sorted(child_ids, key=lambda u: sub.names[u][0])
    ]
    own = by_child.get(unit.pk)
    if (own is not None and (own.sessions or own.bridge_points)) or required_by_child.get(unit.pk):
        children.insert(
            0,
            ChildFigures(
                unit_id=unit.pk,
                code=unit.code,
                name=f"{sub.names.get(unit.pk, (unit.code, unit.name))[1]} (trực tiếp)",
                counts=own or Counts(),
                required=required_by_child.get(unit.pk, 0),
                attended=attended_by_child.get(unit.pk, {}),
            ),
        )
    parent = unit.parent
    return ReportFigures(
        unit_id=unit.pk,
        unit_code=unit.code,
        unit_name=sub.names.get(unit.pk, (unit.code, unit.name))[1],
        unit_kind=unit.kind,
        parent_name=parent.name if parent else "",
        date_from=date_from,
        date_to=date_to,
        structure=structure,
        totals=totals,
        members_required=members_required,
        members_attended=members_attended or 0,
        units_in_scope=len(sub.names),
        campaigns=campaign_figures,
        children=children,
        months=months,
    )
