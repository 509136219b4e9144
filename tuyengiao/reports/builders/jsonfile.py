"""The report's figures as JSON for other systems: numbers as numbers, dates ISO;
one object per registered section under ``sections``."""

from __future__ import annotations

import json
from typing import Any

from ..selectors import Report


def figures_dict(r: Report) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    for result in r.results:
        part: dict[str, Any] = {"title": result.title, "empty": result.empty}
        if result.empty:
            part["empty_sentence"] = result.empty_sentence
        c = result.completeness
        if c is not None:
            part["completeness"] = {
                "expected": c.expected,
                "reported": c.reported,
                "complete": c.complete,
                "missing": c.missing,
            }
        sections[result.key] = part | result.data
    return {
        "unit": {
            "code": r.unit_code,
            "name": r.unit_name,
            "kind": r.unit_kind,
            "place": r.place,
        },
        "period": {"from": r.date_from.isoformat(), "to": r.date_to.isoformat()},
        "structure": r.structure,
        "sections": sections,
    }


def build_json(r: Report) -> bytes:
    return json.dumps(figures_dict(r), ensure_ascii=False, indent=2).encode("utf-8")
