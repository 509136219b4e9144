"""Reads of the trust app: the audit trail and the personal-data access log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from tuyengiao.lib.dates import format_date
from tuyengiao.lib.numbers import format_int, is_digits
from tuyengiao.orgs import selectors as org_selectors
from tuyengiao.orgs.models import Unit

from . import audit
from .models import AccessLog


@dataclass(frozen=True)
class AuditFilter:
    who: str = ""
    model: str = ""  # "app_label.model"
    obj: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audited_types() -> list[tuple[str, str]]:
    """(value, label) of every audited model, for the filter's select box."""
    out = []
    for model in audit.audited_models():
        label = str(model._meta.verbose_name)
        out.append(
            (f"{model._meta.app_label}.{model._meta.model_name}", label[:1].upper() + label[1:])
        )
    return sorted(out, key=lambda pair: pair[1])


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_entries(f: AuditFilter) -> QuerySet[LogEntry]:
    qs: QuerySet[LogEntry] = LogEntry.objects.select_related("actor", "content_type").order_by(
        "-timestamp", "-id"
    )
    if f.who:
        if f.who.strip().lower() in {"he thong", "hệ thống", "system"}:
            qs = qs.filter(actor__isnull=True)
        else:
            qs = qs.filter(actor__username__icontains=f.who.strip())
    if f.model and "." in f.model:
        app_label, model_name = f.model.split(".", 1)
        ct = ContentType.objects.filter(app_label=app_label, model=model_name).first()
        qs = qs.filter(content_type=ct) if ct else qs.none()
    if f.obj:
        text = f.obj.strip()
        qs = qs.filter(Q(object_repr__icontains=text) | Q(object_pk=text))
    if f.date_from:
        qs = qs.filter(timestamp__gte=_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(timestamp__lt=_day_start(f.date_to + dt.timedelta(days=1)))
    return qs


# Labels for columns that carry no Vietnamese verbose_name of their own.
FIELD_LABELS = {
    "id": "số hiệu",
    "parent": "đơn vị cấp trên",
    "path": "vị trí trong cây",
    "depth": "cấp",
    "unit": "đơn vị",
    "member": "đảng viên",
    "user": "tài khoản",
    "name": "tên",
    "kind": "loại",
    "valid_from": "hiệu lực từ",
    "valid_to": "hết hiệu lực từ",
    "from_unit": "từ đơn vị",
    "to_unit": "sang đơn vị",
    "date": "ngày",
    "is_primary": "kế thừa chính",
    "note": "ghi chú",
    "username": "tên đăng nhập",
    "is_active": "đang hoạt động",
    "is_staff": "vào trang quản trị",
    "is_superuser": "toàn quyền",
    "two_factor": "thiết bị xác thực hai lớp",
}


FIELD_LABELS.update(
    {
        "created_by": "người tạo",
        "created_at": "thời điểm tạo",
        "updated_at": "thời điểm cập nhật",
        "code": "mã",
        "title": "tên",
        "status": "trạng thái",
        "format": "hình thức",
        "host": "đơn vị tổ chức",
        "main": "hội nghị chính",
        "campaign": "đợt học tập",
        "document": "văn bản",
        "owner": "đơn vị chủ trì",
        "role": "vai trò",
        "email": "thư điện tử",
        "first_name": "tên",
        "last_name": "họ",
        "last_login": "lần đăng nhập cuối",
        "date_joined": "ngày tạo tài khoản",
        "issuer": "cơ quan ban hành",
        "file": "tệp",
        "uploaded_by": "người tải lên",
        "uploaded_at": "thời điểm tải lên",
        "session": "hội nghị",
        "presenter": "báo cáo viên",
        "period": "kỳ báo cáo",
        "opened_by": "người mở kỳ",
        "first_submitted_at": "nộp lần đầu lúc",
        "submitted_at": "nộp lúc",
        "submitted_by": "người nộp",
        "decided_at": "phê duyệt hoặc trả lại lúc",
        "decided_by": "người phê duyệt hoặc trả lại",
        "approved_sha256": "SHA-256 của số liệu được phê duyệt",
        "requirement": "yêu cầu bài thu hoạch",
        "marked_by": "người chấm",
        "released_at": "công bố kết quả lúc",
        "programme": "chương trình hành động",
        "task": "nhiệm vụ",
        "inspection": "cuộc kiểm tra, giám sát",
        "bank": "ngân hàng câu hỏi",
        "contest": "cuộc thi",
    }
)
_EMPTY = (None, "None", "")
# Counts shown as Vietnamese numbers (2.033); row ids (AutoField) stay as they are.
_COUNTS = {
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


def _label(model: Any, name: str) -> tuple[str, Any]:
    """A field's Vietnamese label (its own verbose_name, else ``FIELD_LABELS``) and the
    field (``None`` when it no longer exists)."""
    field = None
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except Exception:  # a field since removed from the model
            field = None
    verbose = str(getattr(field, "verbose_name", "") or "")
    if verbose and verbose.lower() != name.replace("_", " "):  # Django's "ID" too
        return verbose, field
    return FIELD_LABELS.get(name, name.replace("_", " ")), field


def field_label(model: Any, name: str) -> str:
    """A logged field's Vietnamese label (``_label``)."""
    return _label(model, name)[0]


def _shown(value: Any, field: Any = None, related: dict[Any, str] | None = None) -> str:
    """A logged value as a user reads it: choice labels, Có/Không, dd/mm/yyyy, the name
    of a related row; anything else as logged."""
    if value in _EMPTY:
        return "—"
    text = str(value)
    if field is None:
        return text
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
    if text in choices:
        return str(choices[text])
    kind = field.get_internal_type()
    if kind in ("BooleanField", "NullBooleanField"):
        return {"True": "Có", "False": "Không"}.get(text, text)
    try:
        if kind == "DateField":
            return format_date(dt.date.fromisoformat(text[:10]))
        if kind == "DateTimeField":
            # django-auditlog logs a moment as naive UTC (auditlog.diff.get_field_value)
            moment = dt.datetime.fromisoformat(text)
            if timezone.is_naive(moment):
                moment = moment.replace(tzinfo=dt.UTC)
            return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
        if kind in _COUNTS and is_digits(text.lstrip("-")):
            return format_int(int(text))
    except ValueError:
        return text
    if field.is_relation and related is not None:
        key = (field.related_model, text)
        if key not in related:
            row = field.related_model._default_manager.filter(pk=text).first()
            related[key] = str(row) if row is not None else f"#{text}"
        return related[key]
    return text


def related_names(entries: Iterable[Any]) -> dict[Any, str]:
    """The names of every row the ``entries`` refer to in a relation field, read with one
    query per related model (a page of the log costs the same whatever its length)."""
    wanted: dict[Any, set[str]] = {}
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        for name, values in (entry.changes_dict or {}).items():
            field = _label(model, name)[1]
            if field is None or not field.is_relation or field.related_model is None:
                continue
            for value in values if isinstance(values, list) else [values]:
                if value not in _EMPTY and is_digits(str(value)):
                    wanted.setdefault(field.related_model, set()).add(str(value))
    names: dict[Any, str] = {}
    for model, keys in wanted.items():
        rows = model._default_manager.in_bulk([int(k) for k in keys])
        for key in keys:
            row = rows.get(int(key))
            names[(model, key)] = str(row) if row is not None else f"#{key}"
    return names


def describe_changes(
    entry: Any, related: dict[Any, str] | None = None
) -> list[tuple[str, str, str]]:
    """(field label, before, after) of one log entry, in Vietnamese: labels from the
    fields' verbose names, values as ``_shown`` reads them. ``related`` caches the names
    of related rows across the entries of one page."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    related = {} if related is None else related
    out = []
    for name, values in (entry.changes_dict or {}).items():
        label, field = _label(model, name)
        before, after = [*values, None, None][:2] if isinstance(values, list) else (None, values)
        out.append((label, _shown(before, field, related), _shown(after, field, related)))
    return out


def access_entries(*, object_type: str = "", object_key: str = "") -> QuerySet[AccessLog]:
    qs = AccessLog.objects.select_related("user")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_key:
        qs = qs.filter(object_key=object_key)
    return qs


def member_export_rows(unit: Unit, day: dt.date) -> list[list[str | dt.date | None]]:
    return [
        [
            m.code,
            m.full_name,
            m.get_gender_display() if m.gender else "",
            m.birth_date,
            m.admission_date,
            m.unit_code or "",
            m.unit_name or "",
            "Có" if m.is_exempt else "",
        ]
        for m in org_selectors.members_with_unit(unit, day)
    ]
