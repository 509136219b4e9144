"""Reports sent in these tests are frozen and their files built at once, as the
worker does right after a submission (``services.submission_files_run``)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _worker_at_once(settings: Any) -> None:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "ENQUEUE_ON_COMMIT": False,  # a test's transaction never commits
        }
    }
