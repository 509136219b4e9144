from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from tuyengiao.lib.numbers import parse_id
from tuyengiao.orgs import access

from .models import ImportBatch, ImportJob


def batches_for(user: Any) -> QuerySet[ImportBatch]:
    """A user sees their own batches; province staff see every batch."""
    scope = access.scope_of(user)
    if scope is None:
        return ImportBatch.objects.none()
    if scope.is_province and scope.unit.parent_id is None:
        return ImportBatch.objects.select_related("actor")
    return ImportBatch.objects.filter(actor=user).select_related("actor")


def get_batch_for_user(user: Any, batch_id: int) -> ImportBatch:
    batch = batches_for(user).filter(pk=batch_id).first()
    if batch is None:
        raise Http404("Không tìm thấy lần nhập.")
    return batch


def get_job_for_user(user: Any, pk: int) -> ImportJob:
    """A user sees only their own previews and commits."""
    job = ImportJob.objects.filter(actor=user, pk=pk).select_related("batch").first()
    if job is None:
        raise Http404("Không tìm thấy lượt xử lý tệp.")
    return job


def find_job_for_user(user: Any, pk: str) -> ImportJob | None:
    if (key := parse_id(pk)) is None:
        return None
    return ImportJob.objects.filter(actor=user, pk=key).first()
