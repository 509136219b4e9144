"""What changed in an approved report's figures since it was approved, for the
report's page: computed in the request for a unit of ordinary size, or read from the
snapshot the task worker computed for a large one (``snapshots``: a province's live
figures for a quarter took 7-12 s on the benchmark's full national data). One
template, ``periods/_changes.html``, either way.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from tuyengiao.snapshots.services import Shown, snapshot_shown

from . import selectors
from .models import Submission

KIND = "periods.changes"
TEMPLATE = "periods/_changes.html"


def compute(params: dict[str, Any]) -> dict[str, Any]:
    """A snapshot's content (the worker's job, registered in ``PeriodsConfig.ready``)."""
    submission = Submission.objects.select_related("period", "unit").get(pk=params["submission"])
    changes = selectors.changes_since(submission)
    return {"html": render_to_string(TEMPLATE, {"changes": changes, "s": submission})}


def from_snapshot(submission: Submission) -> Shown:
    """The large unit's changes from their snapshot (``Shown.html``); a new decision or
    a new sending (another status or fingerprint) is another snapshot."""
    return snapshot_shown(
        KIND,
        {"submission": submission.pk, "status": submission.status, "sha": submission.sha256},
    )
