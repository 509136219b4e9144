"""The figures part of a campaign's page (its rate, its units' progress, the units
below target) for the unit shown: rendered in the request for a unit of ordinary
size, or read from the snapshot the task worker computed for a large one
(``snapshots``: a national campaign's rate at the root joins five million members
to their facts). One template, ``study/_campaign_figures.html``, either way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string

from tuyengiao.orgs.models import Unit
from tuyengiao.snapshots.services import Shown, snapshot_shown

from . import selectors
from .models import Campaign

KIND = "study.campaign_figures"
TEMPLATE = "study/_campaign_figures.html"


def context(campaign: Campaign, unit: Unit, day: dt.date, *, detail: bool) -> dict[str, Any]:
    """What the template reads: the unit's figures, and with ``detail`` (not for a
    member) its children's progress and the units below target."""
    figures, children, below = selectors.campaign_progress(campaign, unit, day, detail=detail)
    return {"figures": figures, "children": children, "below": below, "unit": unit, "day": day}


def compute(params: dict[str, Any]) -> dict[str, Any]:
    """A snapshot's content (the worker's job, registered in ``StudyConfig.ready``)."""
    campaign = Campaign.objects.get(pk=params["campaign"])
    unit = Unit.objects.get(pk=params["unit"])
    day = dt.date.fromisoformat(params["day"])
    html = render_to_string(TEMPLATE, context(campaign, unit, day, detail=params["detail"]))
    return {"html": html}


def from_snapshot(campaign: Campaign, unit: Unit, day: dt.date, *, detail: bool) -> Shown:
    """The large unit's figures part from its snapshot (``Shown.html``)."""
    return snapshot_shown(
        KIND,
        {"campaign": campaign.pk, "unit": unit.pk, "day": day.isoformat(), "detail": detail},
    )
