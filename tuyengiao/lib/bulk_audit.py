"""The audit trail of rows written with ``bulk_create`` (django-auditlog listens to
``post_save``, which ``bulk_create`` does not send). Here in ``lib`` so that the
services of any app can call it (``trust`` sits above them)."""

from __future__ import annotations

from typing import Any


def log_bulk_create(instances: list[Any]) -> None:
    """The CREATE entries django-auditlog would have written, one per instance, for rows
    inserted with ``bulk_create`` (which sends no signals): same changes, and the actor
    and address the live ``set_actor`` context gives through ``pre_save``, in a few
    queries."""
    from auditlog.cid import get_cid
    from auditlog.context import auditlog_disabled
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db.models.signals import pre_save
    from django.utils.encoding import smart_str

    if not instances or auditlog_disabled.get(False) or not auditlog.contains(type(instances[0])):
        return
    content_type = ContentType.objects.get_for_model(instances[0])
    json_changes = getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
    cid = get_cid()
    entries = []
    for instance in instances:
        changes = model_instance_diff(None, instance, use_json_for_changes=json_changes)
        if not changes:
            continue
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(instance.pk),
                object_id=instance.pk,
                object_repr=smart_str(instance),
                serialized_data=LogEntry.objects._get_serialized_data_or_none(instance),
                action=LogEntry.Action.CREATE,
                changes=changes,
                cid=cid,
            )
        )
    for entry in entries:
        # auditlog's set_actor context fills actor and address in this signal
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using=None, update_fields=None)
    LogEntry.objects.bulk_create(entries, batch_size=2000)
