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
    changes_of = _creation_diff(type(instances[0]), json_changes) or (
        lambda obj: model_instance_diff(None, obj, use_json_for_changes=json_changes)
    )
    from . import pgcopy

    if pgcopy.available():
        _copy_entries(instances, changes_of, content_type, cid)
        return
    entries = []
    for instance in instances:
        changes = changes_of(instance)
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


# What differs from one entry to the next; everything else is the template's.
_PER_ENTRY = ("object_pk", "object_id", "object_repr", "serialized_data", "changes")


def _copy_entries(instances: list[Any], changes_of: Any, content_type: Any, cid: Any) -> None:
    """PostgreSQL: one template entry goes through ``pre_save`` (auditlog's
    ``set_actor`` context fills actor, address and port there, the same for every
    entry of one write), then every entry is streamed with ``COPY`` from the template's
    values and its own object, repr and changes, each prepared by its field as
    ``bulk_create`` prepares it. No model per entry (they cost more than the rest)."""
    from auditlog.models import LogEntry
    from django.db import connection
    from django.db.models.signals import pre_save
    from django.utils.encoding import smart_str

    from . import pgcopy

    template = LogEntry(content_type=content_type, action=LogEntry.Action.CREATE, cid=cid)
    pre_save.send(sender=LogEntry, instance=template, raw=False, using=None, update_fields=None)
    fields = [f for f in LogEntry._meta.concrete_fields if not f.primary_key]
    fixed = {
        f.attname: f.get_db_prep_save(f.pre_save(template, True), connection=connection)
        for f in fields
        if f.attname not in _PER_ENTRY
    }
    prep = {name: LogEntry._meta.get_field(name).get_db_prep_save for name in _PER_ENTRY}
    serialized_of = LogEntry.objects._get_serialized_data_or_none

    def rows() -> Any:
        for instance in instances:
            changes = changes_of(instance)
            if not changes:
                continue
            values = dict(fixed)
            own = {
                "object_pk": str(instance.pk),
                "object_id": instance.pk,
                "object_repr": smart_str(instance),
                "serialized_data": serialized_of(instance),
                "changes": changes,
            }
            for name, value in own.items():
                values[name] = prep[name](value, connection=connection)
            yield tuple(values[f.attname] for f in fields)

    pgcopy.copy_rows(LogEntry, [f.column for f in fields], rows())


def _creation_diff(model: type[Any], json_changes: bool) -> Any:
    """``model_instance_diff(None, obj)`` with the model's audited fields worked out once
    instead of once per row (the same values, through auditlog's own
    ``get_field_value``); ``None`` where masked fields need auditlog's own path."""
    from auditlog.diff import get_field_value, get_fields_in_model, model_instance_diff
    from auditlog.registry import auditlog
    from django.utils.encoding import smart_str

    options = auditlog.get_model_fields(model)
    if options["mask_fields"]:
        return None
    include, exclude = options["include_fields"], options["exclude_fields"]
    fields = [
        f
        for f in get_fields_in_model(model())
        if (not include or f.name in include) and f.name not in exclude
    ]
    before = {f.name: get_field_value(None, f, json_changes) for f in fields}

    def changes(obj: Any) -> dict[str, Any] | None:
        if json_changes:  # rare: auditlog's own diff, value for value
            result: dict[str, Any] | None = model_instance_diff(
                None, obj, use_json_for_changes=True
            )
            return result
        diff = {}
        for name, value_of in getters:
            old, new = before[name], value_of(obj)
            if old != new:
                diff[name] = (smart_str(old), smart_str(new))
        return diff or None

    getters = [(f.name, _value_getter(f)) for f in fields]
    return changes


def _value_getter(field: Any) -> Any:
    """``get_field_value(obj, field, False)`` of auditlog for one field, its branch chosen
    once instead of per row (a model's plain fields are most of a bulk write's audit
    time): the same value, and auditlog's own function for dates, JSON, non-concrete
    fields and anything that raises."""
    from auditlog.diff import get_field_value
    from django.conf import settings
    from django.core.exceptions import ObjectDoesNotExist
    from django.db.models import DateTimeField, JSONField
    from django.utils.encoding import smart_str

    def generic(obj: Any) -> Any:
        return get_field_value(obj, field, False)

    if isinstance(field, DateTimeField | JSONField) or not getattr(field, "concrete", False):
        return generic
    if (
        not getattr(settings, "AUDITLOG_USE_FK_STRING_REPRESENTATION", False)
        and (field.one_to_one or field.many_to_one)
        and hasattr(field, "rel_class")
    ):
        attname = field.get_attname()

        def key(obj: Any) -> Any:
            try:
                return smart_str(getattr(obj, attname), strings_only=True)
            except (ObjectDoesNotExist, AttributeError):
                return generic(obj)

        return key
    name = field.name

    def plain(obj: Any) -> Any:
        try:
            value = getattr(obj, name)
        except (ObjectDoesNotExist, AttributeError):
            return generic(obj)
        if value.__class__ is str:  # smart_str returns a str itself
            return value
        value = smart_str(value)
        if type(value).__name__ == "__proxy__":
            value = str(value)
        return value

    return plain
