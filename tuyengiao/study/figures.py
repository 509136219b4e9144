"""Study's report figures for any unit and period, read from the roll-up facts
(``facts.py`` keeps them). This is the one definition of each study figure; the
report section (``report_section.py``) and the dashboard show them.

The subtree (as of the period's last day, or today's structure) comes resolved
(``orgs.subtree``), and the figures are three statements over the facts: sessions per (unit,
campaign) from ``SessionFact``; sessions per month; and, in one statement, the
required members per unit with how many of them attended anything
(``MemberFact``) and each campaign (``MemberCampaignFact``), per (unit,
campaign). Python only adds those per-unit rows up into the root and its children
(a dictionary pass), it never walks the tree.

Definitions (``../shared/design/WORKBOOK.md``, "Figures derived from it"):
sessions count main sessions, bridge points are counted apart; person-times are
``Có mặt`` rows plus other attendees.

- *Required* members (``members_required``, ``CampaignFigures.required``): the
  members of the subtree on the last day of the period, not exempt that day.
- *Attended* a campaign (``CampaignFigures.attended``): required members with at
  least one ``Có mặt`` at a session of the campaign dated in the period, wherever
  it was held; the campaign's rate is attended / required, so both sides count
  the same people.
- ``members_attended``: required members with at least one ``Có mặt`` at any
  session in the period (exempt members and members of other units who came to
  a session here are not counted).
- *Units without a session* for a campaign: the grassroots units (leaves) of the
  subtree in the campaign's scope (under its owner, or all of them when the owner
  is the root or above) that neither hosted a session of the campaign in the
  period nor were one of its bridge points. Campaigns not running in the period
  (listed only because a session of theirs falls in it) expect no unit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q

from tuyengiao.lib.dates import format_date
from tuyengiao.orgs.models import Exemption, Membership, Unit, UnitVersion, valid_on_sql
from tuyengiao.orgs.subtree import TODAY, Subtree, resolve_subtree

from .models import Campaign, MemberCampaignFact, MemberFact, PresenceFact, SessionFact


def rate(attended: int, required: int) -> Decimal | None:
    """A participation rate in percent, two decimals rounded half up (``None``: nobody
    is required). The one definition, for the campaign page and the report alike."""
    if required <= 0:
        return None
    return (Decimal(attended) * 100 / Decimal(required)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def meets_target(attended: int, required: int, target: Decimal) -> bool:
    """Attended / required reaches the target percentage (exactly, not the rounded
    rate); nobody required meets no target."""
    return required > 0 and attended * 100 >= target * required


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

    def add(self, row: Sequence[Any]) -> None:
        """Add a row of the seven counts, in the order of the fields."""
        self.sessions += int(row[0] or 0)
        self.bridge_points += int(row[1] or 0)
        self.present += int(row[2] or 0)
        self.excused += int(row[3] or 0)
        self.absent += int(row[4] or 0)
        self.other_attendees += int(row[5] or 0)
        self.public_reached += int(row[6] or 0)


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
        return meets_target(self.attended, self.required, self.target)


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
class StudyFigures:
    unit_id: int
    date_from: dt.date
    date_to: dt.date
    totals: Counts
    members_required: int  # not exempt, in the subtree on the last day
    members_attended: int  # of those, present at least once in the period
    units_in_scope: int
    campaigns: list[CampaignFigures]
    children: list[ChildFigures]
    months: list[MonthFigures]

    @property
    def is_empty(self) -> bool:
        """Nothing to tell: no session or bridge point in the subtree, and none of its
        members at a session elsewhere (a cell's members at the commune's conference
        are the cell's study)."""
        return (
            self.totals.sessions == 0
            and self.totals.bridge_points == 0
            and self.members_attended == 0
        )

    def lagging(self, campaign: CampaignFigures) -> list[tuple[ChildFigures, Decimal | None]]:
        rows = [(c, c.rate_for(campaign.id)) for c in self.children if c.required > 0]
        late = [(c, r) for c, r in rows if r is None or r < campaign.target]
        return sorted(late, key=lambda cr: (cr[1] or Decimal(0), cr[0].code))


@dataclass
class _Campaign:
    id: int
    title: str
    owner_id: int
    start: dt.date
    deadline: dt.date
    member_target: Decimal
    documents: list[str] = field(default_factory=list)


def _campaigns(
    sub: Subtree, date_from: dt.date, date_to: dt.date, with_facts: set[int]
) -> list[_Campaign]:
    """Campaigns running in the period owned by the root, an ancestor or a unit of the
    subtree, and any other campaign with a session in it; one query with the
    documents' symbols (in the documents' own order)."""
    ancestors = [int(p) for p in sub.root_path.strip("/").split("/") if p]
    active = Q(start__lte=date_to, deadline__gte=date_from) & (
        Q(owner_id__in=ancestors) | Q(owner__path__startswith=sub.root.path)
    )
    rows = (
        Campaign.objects.filter(active | Q(pk__in=sorted(with_facts)))
        .order_by("start", "id", "-documents__issue_date", "-documents__id")
        .values_list(
            "id", "title", "owner_id", "start", "deadline", "member_target", "documents__symbol"
        )
    )
    out: dict[int, _Campaign] = {}
    for pk, title, owner_id, start, deadline, target, symbol in rows:
        campaign = out.get(pk)
        if campaign is None:
            campaign = out[pk] = _Campaign(pk, title, owner_id, start, deadline, target)
        if symbol is not None:
            campaign.documents.append(symbol)
    return list(out.values())


def _expected_units(
    sub: Subtree, campaign: _Campaign, leaves: set[int], date_from: dt.date, date_to: dt.date
) -> set[int]:
    """The grassroots units of the subtree expected to hold a session of the campaign
    in the period: none if it is not running then; all the leaves if its owner is the
    root or above; the leaves under the owner if the owner is inside the subtree."""
    if campaign.start > date_to or campaign.deadline < date_from:
        return set()
    owner = campaign.owner_id
    if f"/{owner}/" in sub.root_path:
        return leaves
    prefix = sub.paths.get(owner)
    if prefix is None:
        return set()
    return {uid for uid in leaves if sub.paths.get(uid, "").startswith(prefix)}


# --- the statements ------------------------------------------------------------------


def _tables() -> dict[str, str]:
    return {
        "sfact": SessionFact._meta.db_table,
        "pfact": PresenceFact._meta.db_table,
        "mcfact": MemberCampaignFact._meta.db_table,
        "mfact": MemberFact._meta.db_table,
        "membership": Membership._meta.db_table,
        "exemption": Exemption._meta.db_table,
        "version": UnitVersion._meta.db_table,
    }


def _decided(alias: str) -> str:
    """``alias`` (a member fact) has its first or its last presence in [%s, %s] (four
    parameters: from, to, from, to): present in the period, no need to look further."""
    return (
        f"(({alias}.first_date >= %s AND {alias}.first_date <= %s) "
        f"OR ({alias}.last_date >= %s AND {alias}.last_date <= %s))"
    )


def _straddles(alias: str, same_campaign: bool) -> str:
    """``alias``'s presences start before the period and end after it: only the
    presence rows can tell whether one falls inside (parameters: from, to, from, to)."""
    t = _tables()
    campaign = f"AND p.campaign_id = {alias}.campaign_id " if same_campaign else ""
    return (
        f"{alias}.first_date < %s AND {alias}.last_date > %s AND EXISTS ("  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
        f"SELECT 1 FROM {t['pfact']} p WHERE p.member_id = {alias}.member_id {campaign}"
        "AND p.date >= %s AND p.date <= %s)"
    )


def _session_rows(sub: Subtree, date_from: dt.date, date_to: dt.date) -> list[tuple[Any, ...]]:
    t = _tables()
    where, params = sub.where("unit_id")
    sql = f"""
        SELECT unit_id, campaign_id,
            SUM(CASE WHEN is_bridge THEN 0 ELSE 1 END), SUM(CASE WHEN is_bridge THEN 1 ELSE 0 END),
            SUM(present), SUM(excused), SUM(absent), SUM(other_attendees), SUM(public_reached)
        FROM {t["sfact"]}
        WHERE date >= %s AND date <= %s AND {where}
        GROUP BY unit_id, campaign_id
    """  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [date_from, date_to, *params])
        rows: list[tuple[Any, ...]] = cursor.fetchall()  # database values, typed by the SQL
        return rows


def _month_rows(sub: Subtree, date_from: dt.date, date_to: dt.date) -> list[MonthFigures]:
    t = _tables()
    where, params = sub.where("unit_id")
    month = (
        "CAST(date_trunc('month', date) AS date)"
        if connection.vendor == "postgresql"
        else "strftime('%%Y-%%m-01', date)"
    )
    sql = f"""
        SELECT {month}, SUM(CASE WHEN is_bridge THEN 0 ELSE 1 END),
            SUM(present) + SUM(other_attendees)
        FROM {t["sfact"]}
        WHERE date >= %s AND date <= %s AND {where}
        GROUP BY 1 ORDER BY 1
    """  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [date_from, date_to, *params])
        return [
            MonthFigures(
                month=m if isinstance(m, dt.date) else dt.date.fromisoformat(m),
                sessions=int(n or 0),
                person_times=int(p or 0),
            )
            for m, n, p in cursor.fetchall()
        ]


def _member_rows(sub: Subtree, date_from: dt.date, date_to: dt.date) -> list[tuple[Any, ...]]:
    """Rows (unit, campaign or 0, required, attended) to be added up: per unit the
    required members and those present at anything in the period, per (unit,
    campaign) those present at the campaign. The cases decided by the first and last
    dates and the straddling ones are separate branches, so the planner sees the
    cheap join for the bulk; the straddling branches are only added when some
    member's presences straddle the period at all (one look at the span index: a
    member straddling it for a campaign straddles it overall)."""
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {t['mfact']} WHERE last_date > %s AND first_date < %s LIMIT 1",  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
            [date_to, date_from],
        )
        straddling = cursor.fetchone() is not None
    where, params = sub.where("m.unit_id")
    period = [date_from, date_to] * 2
    sql = f"""
        WITH r AS (
            SELECT m.member_id, m.unit_id FROM {t["membership"]} m
            WHERE {valid_on_sql("m")} AND {where} AND NOT EXISTS (
                SELECT 1 FROM {t["exemption"]} e WHERE e.member_id = m.member_id
                AND {valid_on_sql("e")}))
        SELECT r.unit_id, 0, COUNT(*), COUNT(f.member_id)
        FROM r LEFT JOIN {t["mfact"]} f ON f.member_id = r.member_id AND {_decided("f")}
        GROUP BY r.unit_id
        UNION ALL
        SELECT r.unit_id, f.campaign_id, 0, COUNT(*)
        FROM r JOIN {t["mcfact"]} f ON f.member_id = r.member_id
        WHERE {_decided("f")}
        GROUP BY r.unit_id, f.campaign_id
    """  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
    if straddling:
        sql += f"""
        UNION ALL
        SELECT r.unit_id, 0, 0, COUNT(*)
        FROM r JOIN {t["mfact"]} f ON f.member_id = r.member_id
        WHERE {_straddles("f", False)}
        GROUP BY r.unit_id
        UNION ALL
        SELECT r.unit_id, f.campaign_id, 0, COUNT(*)
        FROM r JOIN {t["mcfact"]} f ON f.member_id = r.member_id
        WHERE {_straddles("f", True)}
        GROUP BY r.unit_id, f.campaign_id
        """  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
    args = [date_to, date_to, *params, date_to, date_to, *period * (4 if straddling else 2)]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        rows: list[tuple[Any, ...]] = cursor.fetchall()  # database values, typed by the SQL
        return rows


def campaign_member_rows(
    campaign_id: int, root_path: str, date_from: dt.date, date_to: dt.date
) -> list[tuple[int, str, int, int]]:
    """(unit, its path, required, attended) for each unit under ``root_path`` (the tree
    on ``date_to``) that holds members: the members not exempt that day, and those
    present at the campaign in ``[date_from, date_to]``, read from the roll-up facts.
    One statement whatever the size of the subtree."""
    t = _tables()
    sql = f"""
        WITH v AS (
            SELECT uv.unit_id, uv.path FROM {t["version"]} uv
            WHERE {valid_on_sql("uv")} AND uv.path LIKE %s),
        r AS (
            SELECT m.member_id, m.unit_id, v.path FROM {t["membership"]} m
            JOIN v ON v.unit_id = m.unit_id
            WHERE {valid_on_sql("m")} AND NOT EXISTS (
                SELECT 1 FROM {t["exemption"]} e WHERE e.member_id = m.member_id
                AND {valid_on_sql("e")}))
        SELECT r.unit_id, r.path, COUNT(*), SUM(CASE WHEN f.member_id IS NOT NULL
            AND ({_decided("f")} OR {_straddles("f", True)}) THEN 1 ELSE 0 END)
        FROM r LEFT JOIN {t["mcfact"]} f ON f.member_id = r.member_id AND f.campaign_id = %s
        GROUP BY r.unit_id, r.path
    """  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
    day = [date_to, date_to]
    args: list[Any] = [*day, f"{root_path}%", *day, *day, *[date_from, date_to] * 4, campaign_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [(u, path, int(req), int(att or 0)) for u, path, req, att in cursor.fetchall()]


def study_figures(sub: Subtree, date_from: dt.date, date_to: dt.date) -> StudyFigures:
    """Every study figure for ``sub``'s root over ``[date_from, date_to]``."""
    unit = sub.root
    # 1. sessions per (unit, campaign)
    totals = Counts()
    by_child: dict[int, Counts] = defaultdict(Counts)
    by_campaign: dict[int, Counts] = defaultdict(Counts)
    units_with_session: dict[int, set[int]] = defaultdict(set)
    for unit_id, campaign_id, *row in _session_rows(sub, date_from, date_to):
        totals.add(row)
        child = sub.child.get(unit_id)
        if child is not None:
            by_child[child].add(row)
        by_campaign[campaign_id].add(row)
        units_with_session[campaign_id].add(sub.canonical.get(unit_id, 0))

    # 2. required members per unit, and the attended ones per unit and campaign
    required_by_child: dict[int, int] = defaultdict(int)
    attended_by_child: dict[int, dict[int, int]] = defaultdict(dict)
    attended_by_campaign: dict[int, int] = defaultdict(int)
    members_required = members_attended = 0
    for unit_id, campaign_id, required, attended in _member_rows(sub, date_from, date_to):
        child = sub.child.get(unit_id)
        if not campaign_id:
            members_required += required
            members_attended += attended
            if child is not None:
                required_by_child[child] += required
            continue
        attended_by_campaign[campaign_id] += attended
        if child is not None:
            per = attended_by_child[child]
            per[campaign_id] = per.get(campaign_id, 0) + attended

    # 3. per campaign
    campaigns = _campaigns(sub, date_from, date_to, set(by_campaign))
    campaign_figures: list[CampaignFigures] = []
    leaves = sub.leaves()
    told_apart = _TellApart(sub)
    for campaign in campaigns:
        counts = by_campaign.get(campaign.id, Counts())
        expected = _expected_units(sub, campaign, leaves, date_from, date_to)
        missing = sorted(expected - units_with_session.get(campaign.id, set()))
        campaign_figures.append(
            CampaignFigures(
                id=campaign.id,
                title=campaign.title,
                documents=", ".join(campaign.documents),
                target=Decimal(campaign.member_target),
                required=members_required,
                attended=attended_by_campaign.get(campaign.id, 0),
                sessions=counts.sessions,
                bridge_points=counts.bridge_points,
                person_times=counts.person_times,
                units_total=len(expected),
                units_without_session=told_apart(missing),
            )
        )

    # 4. by month
    months = _month_rows(sub, date_from, date_to)

    child_ids = [uid for uid in sub.names if sub.child.get(uid) == uid and uid != unit.pk]
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
    return StudyFigures(
        unit_id=unit.pk,
        date_from=date_from,
        date_to=date_to,
        totals=totals,
        members_required=members_required,
        members_attended=members_attended,
        units_in_scope=len(sub.names),
        campaigns=campaign_figures,
        children=children,
        months=months,
    )


def study_figures_for(
    *, unit: Unit, date_from: dt.date, date_to: dt.date, structure: str = TODAY
) -> StudyFigures:
    """``study_figures`` for a unit, resolving its subtree in the given structure."""
    if date_to < date_from:
        raise ValidationError(
            f"Khoảng thời gian không hợp lệ: 'đến ngày' ({format_date(date_to)}) đứng trước "
            f"'từ ngày' ({format_date(date_from)})."
        )
    return study_figures(resolve_subtree(unit, date_to, structure), date_from, date_to)


def latest_session_date(unit: Unit, until: dt.date) -> dt.date | None:
    """The date of the latest session (or bridge point) held in the unit's subtree on or
    before ``until``."""
    return (
        SessionFact.objects.filter(unit__path__startswith=unit.path, date__lte=until)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )


class _TellApart:
    """The names of units of ``sub`` for a sentence; a name another unit of the
    subtree also bears is followed by the unit's code ("Chi bộ thôn Khổng Lào
    (X-MUONGTE-CB06)"). The subtree's names are counted once, when first needed."""

    def __init__(self, sub: Subtree) -> None:
        self.sub = sub
        self.seen: Counter[str] | None = None

    def __call__(self, ids: list[int]) -> list[str]:
        units = [self.sub.names[u] for u in ids if u in self.sub.names]
        if units and self.seen is None:
            self.seen = Counter(name for _code, name in self.sub.names.values())
        seen = self.seen or Counter()
        return [f"{name} ({code})" if seen[name] > 1 else name for code, name in units]
