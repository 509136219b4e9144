"""The report's figures as JSON for other systems: numbers as numbers, dates ISO."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..selectors import ReportFigures


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def figures_dict(f: ReportFigures) -> dict[str, Any]:
    t = f.totals
    return {
        "unit": {
            "code": f.unit_code,
            "name": f.unit_name,
            "kind": f.unit_kind,
            "place": f.place,
        },
        "period": {"from": f.date_from.isoformat(), "to": f.date_to.isoformat()},
        "structure": f.structure,
        "totals": {
            "sessions": t.sessions,
            "bridge_points": t.bridge_points,
            "person_times": t.person_times,
            "present": t.present,
            "excused": t.excused,
            "absent": t.absent,
            "other_attendees": t.other_attendees,
            "public_reached": t.public_reached,
            "members_attended": f.members_attended,
            "members_required": f.members_required,
            "units_in_scope": f.units_in_scope,
        },
        "campaigns": [
            {
                "id": c.id,
                "title": c.title,
                "documents": c.documents,
                "required": c.required,
                "attended": c.attended,
                "rate_percent": _num(c.rate),
                "target_percent": _num(c.target),
                "met": c.met,
                "sessions": c.sessions,
                "bridge_points": c.bridge_points,
                "person_times": c.person_times,
                "units_total": c.units_total,
                "units_without_session": c.units_without_session,
            }
            for c in f.campaigns
        ],
        "children": [
            {
                "code": ch.code,
                "name": ch.name,
                "sessions": ch.counts.sessions,
                "bridge_points": ch.counts.bridge_points,
                "person_times": ch.counts.person_times,
                "public_reached": ch.counts.public_reached,
                "members_required": ch.required,
                "rates_percent": {str(c.id): _num(ch.rate_for(c.id)) for c in f.campaigns},
            }
            for ch in f.children
        ],
        "months": [
            {
                "month": m.month.strftime("%Y-%m"),
                "sessions": m.sessions,
                "person_times": m.person_times,
            }
            for m in f.months
        ],
    }


def build_json(f: ReportFigures) -> bytes:
    return json.dumps(figures_dict(f), ensure_ascii=False, indent=2).encode("utf-8")
