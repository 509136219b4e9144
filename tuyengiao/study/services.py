"""Every write to campaigns, sessions and attendance.

One function per write path, each keeping study's roll-up facts current itself
(``facts.py``, called explicitly in the same transaction):

- ``campaign_create``
- ``session_create`` / ``session_update`` / ``bridge_point_add``
- ``session_bulk_upsert`` (the ``Hội nghị`` sheet)
- ``attendance_mark`` (one tap on the grid)
- ``attendance_bulk_set`` (the ``Điểm danh`` sheet and any other bulk path)
- ``checkin`` / ``checkout`` (QR), ``checkout_open``

Every write takes a required ``actor``: a user, who must be allowed to write the
unit concerned, or ``access.SYSTEM`` (command line, demo); ``None`` is refused.
A permission refused raises ``PermissionDenied``, bad data ``ValidationError``.
The web, the workbook import and any API call these functions and the
``check_*`` functions below; none of them re-checks by hand.

A write that would change the figures of a host unit on a day asks the guards of
``orgs.hooks`` first (``check_figures_open``, shared by every app): a report submitted
or approved for that unit (or a unit above it) refuses it with ``FiguresLocked``,
whoever the actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from tuyengiao.documents.models import Document
from tuyengiao.lib.actors import account_of
from tuyengiao.lib.codes import check_code
from tuyengiao.lib.db import fetchall_hot, fetchone_hot, sqlite_writers_take_turns
from tuyengiao.lib.numbers import check_count, is_digits
from tuyengiao.orgs import access
from tuyengiao.orgs.hooks import FiguresLocked, check_figures_open, figure_write_guards
from tuyengiao.orgs.models import (
    Member,
    Membership,
    Unit,
    UnitVersion,
    valid_on_q,
    valid_on_sql,
)

from .facts import (
    facts_attendance_changed,
    facts_refresh_sessions,
    presence_added_ctes,
    session_ids_for_codes,
)
from .models import (
    DEFAULT_MEMBER_TARGET,
    DEFAULT_PUBLIC_TARGET,
    Attendance,
    Audience,
    Campaign,
    CheckinDevice,
    Format,
    Session,
    Source,
    Status,
)
from .scan_queue import ScanQueue

Actor = AbstractBaseUser | AnonymousUser | access.SystemActor

TOKEN_SALT = "tuyengiao.study.checkin"  # noqa: S105  a signing salt (a namespace), not a secret
DEVICE_COOKIE = "tg_thiet_bi"
DEVICE_SALT = "tuyengiao.study.device"


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _trusted(actor: Actor) -> bool:
    return access.is_system(actor)


def check_host_write(actor: Actor, unit: Unit, what: str) -> None:
    """``PermissionDenied`` unless ``actor`` may write ``unit`` (host of a session)."""
    if _trusted(actor):
        return
    if not access.can_write_unit(actor, unit):
        raise PermissionDenied(
            f"Đơn vị {unit.code} nằm ngoài phạm vi của bạn: bạn không có quyền {what} "
            "của đơn vị này."
        )


_check_writer = check_host_write


def _session_locked(session_id: int) -> ValidationError | None:
    """The check-in's form of ``check_figures_open``: the refusal, or ``None`` (no
    query at all while no guard is registered)."""
    if not figure_write_guards:
        return None
    session = Session.objects.select_related("host").filter(pk=session_id).first()
    return None if session is None else _locked(session)


def _group_refusals(session_id: int, nows: Sequence[dt.datetime]) -> list[ValidationError | None]:
    """For a group of scans of one session made at ``nows``: the refusal of each by the
    session's lock, else by its check-in window (``None``: let through; so are all when
    the session does not exist, which the look-up then says). One read of the session:
    a group's fixed cost, so a prepared statement: the same read through the ORM cost
    the database 0,33 ms a group (planned every time) against 0,05 ms."""
    row = fetchone_hot(_group_session_sql(), [session_id])
    if row is None:
        return [None for _ in nows]
    day, start, end, host_id, host_path, host_name = row
    if isinstance(day, str):  # raw SQLite
        day = dt.date.fromisoformat(day)
        start = None if start is None else dt.time.fromisoformat(start)
        end = None if end is None else dt.time.fromisoformat(end)
    session = Session(
        id=session_id,
        date=day,
        start_time=start,
        end_time=end,
        host=Unit(id=host_id, path=host_path, name=host_name),
    )
    locked = _locked(session)
    if locked is not None:
        return [locked for _ in nows]
    window = checkin_window(session.date, session.start_time, session.end_time)
    return [_outside_window(window, now) for now in nows]


@cache
def _group_session_sql() -> str:
    """The session's date and times and its host, for ``_group_refusals``."""
    return (
        f"SELECT s.date, s.start_time, s.end_time, u.id, u.path, u.name "  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
        f"FROM {Session._meta.db_table} s JOIN {Unit._meta.db_table} u ON u.id = s.host_id "
        "WHERE s.id = %s"
    )


def _locked(session: Session) -> ValidationError | None:
    """The refusal of a check-in to ``session`` (its host loaded) by the guards."""
    if not figure_write_guards:
        return None
    try:
        check_figures_open(None, [(session.pk, session.host, session.date)])
    except FiguresLocked as exc:
        return exc
    return None


def check_campaign_create(actor: Actor, owner: Unit) -> None:
    """Province staff create campaigns for the province, commune staff for their
    commune; a cell secretary or a member cannot."""
    if _trusted(actor):
        return
    scope = access.scope_of(actor)
    if scope is None or not scope.is_staff or not access.can_write_unit(actor, owner):
        raise PermissionDenied(
            "Chỉ cán bộ tuyên giáo cấp tỉnh hoặc cấp xã được tạo đợt học tập cho đơn vị của mình."
        )


def _path_on(unit: Unit, day: dt.date) -> str | None:
    version = UnitVersion.objects.filter(valid_on_q(day), unit=unit).values("path").first()
    return version["path"] if version else None


def in_subtree_on(root: Unit, unit: Unit, day: dt.date) -> bool:
    """Is ``unit`` inside ``root``'s subtree as the tree stood on ``day``?"""
    root_path = _path_on(root, day)
    unit_path = _path_on(unit, day)
    return bool(root_path and unit_path and access.in_subtree(unit_path, root_path))


# --- campaigns ------------------------------------------------------------------------


def campaign_owner_for(actor: Actor, host: Unit, *, top: int) -> int:
    """The owner (a unit id) of a campaign created on the way for a session at
    ``host`` (the workbook's ``Hội nghị`` rows): ``top`` (the top of the tree) for
    the system; for a user, their own unit when it lies above the host (commune staff
    get a campaign of their commune, as on the web), else ``top``, which
    ``campaign_create`` then refuses."""
    scope = None if _trusted(actor) else access.scope_of(actor)
    if scope is not None and access.can_see_unit(actor, host):
        return scope.unit.pk
    return top


@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    title: str,
    documents: Sequence[Document],
    owner: Unit,
    start: dt.date,
    deadline: dt.date,
    audiences: Sequence[str] = (Audience.MEMBERS,),
    member_target: Decimal | int | None = None,
    public_target: Decimal | int | None = None,
    note: str = "",
) -> Campaign:
    """A campaign owned by ``owner`` covering its subtree. Province staff create
    them for the province, commune staff for their commune; a cell secretary or
    a member cannot."""
    check_campaign_create(actor, owner)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError("Tên đợt học tập không được để trống.")
    if not documents:
        raise ValidationError("Đợt học tập phải có ít nhất một văn bản.")
    if deadline < start:
        raise ValidationError(
            f"Hạn hoàn thành ({_fmt(deadline)}) phải sau ngày bắt đầu ({_fmt(start)})."
        )
    valid = {a.value for a in Audience}
    chosen = [a for a in audiences if a]
    if not chosen or any(a not in valid for a in chosen):
        raise ValidationError("Đối tượng học tập không hợp lệ.")
    targets = {}
    for name, value, default in (
        ("member_target", member_target, DEFAULT_MEMBER_TARGET),
        ("public_target", public_target, DEFAULT_PUBLIC_TARGET),
    ):
        number = Decimal(default if value is None else value)
        if not (0 <= number <= 100):
            raise ValidationError("Chỉ tiêu phải từ 0 đến 100%.")
        targets[name] = number
    campaign = Campaign.objects.create(
        title=title,
        owner=owner,
        audiences=",".join(dict.fromkeys(chosen)),
        start=start,
        deadline=deadline,
        note=note,
        created_by=account_of(actor),
        **targets,
    )
    campaign.documents.set(documents)
    return campaign


# --- sessions ----------------------------------------------------------------------------


def propose_session_code(host: Unit, date: dt.date) -> str:
    """A free session code from the host's code and the date (``CB1-20250910``, then
    ``CB1-20250910-2``...): what the form proposes; the user may change it."""
    base = f"{host.code[:50]}-{date:%Y%m%d}"
    taken = set(Session.objects.filter(code__startswith=base).values_list("code", flat=True)[:1000])
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _clean_code(code: str) -> str:
    code = (code or "").strip()
    if not code:
        raise ValidationError("Mã hội nghị không được để trống.")
    check_code(code, "Mã hội nghị")
    return code


def _check_counts(*counts: int | None) -> None:
    """A session's head counts (``None``: not given): ``lib.numbers.check_count``."""
    for count in counts:
        if count is not None:
            check_count(count, "Số lượt người tham dự")


def _check_session_fields(
    *,
    campaign: Campaign,
    host: Unit,
    date: dt.date,
    format: str,
    other_attendees: int,
    public_reached: int,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
) -> None:
    if date < campaign.start:
        raise ValidationError(
            f"Ngày hội nghị ({_fmt(date)}) trước ngày bắt đầu đợt học tập ({_fmt(campaign.start)})."
        )
    if format not in Format.values:
        raise ValidationError("Hình thức phải là Trực tiếp, Trực tuyến hoặc Kết hợp.")
    _check_counts(other_attendees, public_reached)
    if start_time and end_time and end_time <= start_time:
        raise ValidationError("Giờ kết thúc phải sau giờ bắt đầu.")
    if host.valid_from is not None and date < host.valid_from:
        raise ValidationError(
            f"Đơn vị {host.name} chưa thành lập vào ngày {_fmt(date)} "
            f"(thành lập từ {_fmt(host.valid_from)})."
        )
    if not host.is_valid_on(date):
        raise ValidationError(f"Đơn vị {host.name} không còn hiệu lực vào ngày {_fmt(date)}.")
    if not in_subtree_on(campaign.owner, host, date):
        raise ValidationError(
            f"Đơn vị {host.name} không thuộc phạm vi đợt học tập “{campaign.title}”."
        )


@transaction.atomic
def session_create(
    *,
    actor: Actor,
    campaign: Campaign,
    code: str,
    host: Unit,
    date: dt.date,
    format: str = Format.IN_PERSON,
    title: str = "",
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    place: str = "",
    is_makeup: bool = False,
    presenters: Iterable[Member] = (),
    outside_presenters: str = "",
    other_attendees: int = 0,
    public_reached: int = 0,
) -> Session:
    _check_writer(actor, host, "tổ chức hội nghị")
    code = _clean_code(code)
    _check_session_fields(
        campaign=campaign,
        host=host,
        date=date,
        format=format,
        other_attendees=other_attendees,
        public_reached=public_reached,
        start_time=start_time,
        end_time=end_time,
    )
    if Session.objects.filter(code=code).exists():
        raise ValidationError(f"Mã hội nghị {code} đã được dùng.")
    check_figures_open(actor, [(code, host, date)])
    session = Session.objects.create(
        campaign=campaign,
        code=code,
        host=host,
        date=date,
        format=format,
        title=" ".join(title.split()),
        start_time=start_time,
        end_time=end_time,
        place=place.strip(),
        is_makeup=is_makeup,
        outside_presenters=outside_presenters.strip(),
        other_attendees=other_attendees,
        public_reached=public_reached,
        created_by=account_of(actor),
    )
    if presenters:
        session.presenters.set(list(presenters))
    facts_refresh_sessions(session_ids=[session.pk])
    return session


@transaction.atomic
def session_update(
    *,
    actor: Actor,
    session: Session,
    other_attendees: int | None = None,
    public_reached: int | None = None,
    place: str | None = None,
    outside_presenters: str | None = None,
) -> Session:
    """Counts and details recorded after the session (not its date, host or campaign)."""
    _check_writer(actor, session.host, "cập nhật hội nghị")
    _check_counts(other_attendees, public_reached)
    fields = []
    for name, value in (
        ("other_attendees", other_attendees),
        ("public_reached", public_reached),
        ("place", place.strip() if place is not None else None),
        ("outside_presenters", outside_presenters.strip() if outside_presenters else None),
    ):
        if value is not None and getattr(session, name) != value:
            setattr(session, name, value)
            fields.append(name)
    if {"other_attendees", "public_reached"} & set(fields):
        check_figures_open(actor, [(session.code, session.host, session.date)])
    if fields:
        session.save(update_fields=[*fields, "updated_at"])
    facts_refresh_sessions(session_ids=[session.pk])
    return session


@transaction.atomic
def bridge_point_add(
    *,
    actor: Actor,
    main: Session,
    code: str,
    host: Unit,
    place: str = "",
    other_attendees: int = 0,
    public_reached: int = 0,
) -> Session:
    """A bridge point (điểm cầu) of an online or hybrid session: a ``Session`` row
    with ``main`` set, same campaign, date and format, its own host and attendance."""
    _check_writer(actor, main.host, "thêm điểm cầu cho hội nghị")
    _check_writer(actor, host, "đặt điểm cầu")
    if main.main_id is not None:
        raise ValidationError("Điểm cầu chỉ được thêm vào hội nghị chính, không thêm vào điểm cầu.")
    if main.format == Format.IN_PERSON:
        raise ValidationError(
            "Hội nghị trực tiếp không có điểm cầu; hãy chọn Trực tuyến hoặc Kết hợp."
        )
    code = _clean_code(code)
    _check_session_fields(
        campaign=main.campaign,
        host=host,
        date=main.date,
        format=main.format,
        other_attendees=other_attendees,
        public_reached=public_reached,
    )
    if Session.objects.filter(code=code).exists():
        raise ValidationError(f"Mã hội nghị {code} đã được dùng.")
    check_figures_open(actor, [(code, host, main.date)])
    point = Session.objects.create(
        campaign=main.campaign,
        main=main,
        code=code,
        host=host,
        date=main.date,
        start_time=main.start_time,
        end_time=main.end_time,
        format=main.format,
        title=main.title,
        place=place.strip(),
        is_makeup=main.is_makeup,
        other_attendees=other_attendees,
        public_reached=public_reached,
        created_by=account_of(actor),
    )
    facts_refresh_sessions(session_ids=[point.pk])
    return point


@dataclass(frozen=True)
class SessionRow:
    """One row of the ``Hội nghị`` sheet, resolved (see ``sheets.py``)."""

    code: str
    campaign: Campaign
    host: Unit
    date: dt.date
    format: str
    title: str
    main_code: str
    other_attendees: int
    public_reached: int


def check_session_row(
    actor: Actor, *, host: Unit, old_host: Unit | None = None, main_host: Unit | None = None
) -> None:
    """A session (or bridge point) written by code, as the web allows it: the actor
    writes its host, the host it had before (changing another unit's session is
    taking it over) and, for a bridge point, the main session's host."""
    _check_writer(actor, host, "tổ chức hội nghị")
    if old_host is not None and old_host.pk != host.pk:
        _check_writer(actor, old_host, "sửa hội nghị")
    if main_host is not None:
        _check_writer(actor, main_host, "thêm điểm cầu cho hội nghị")


_ROW_FIELDS = ("campaign_id", "host_id", "date", "format", "title", "main_id")


@transaction.atomic
def session_bulk_upsert(*, actor: Actor, rows: Sequence[SessionRow]) -> tuple[int, int, int]:
    """Create or update sessions by code in a few queries (the workbook path).

    Rows are validated by the caller; main sessions are written before bridge
    points so ``main_code`` may name a row of the same batch. Permissions are
    checked here (``check_session_row``). Returns (created, updated, unchanged)."""
    existing = {
        s.code: s
        for s in Session.objects.filter(code__in=[r.code for r in rows]).select_related("host")
    }
    if not _trusted(actor):
        main_hosts = {
            s.code: s.host
            for s in Session.objects.filter(
                code__in={r.main_code for r in rows if r.main_code}
            ).select_related("host")
        }
        hosts_in_batch = {r.code: r.host for r in rows}
        for r in rows:
            old = existing.get(r.code)
            check_session_row(
                actor,
                host=r.host,
                old_host=old.host if old else None,
                main_host=(main_hosts.get(r.main_code) or hosts_in_batch.get(r.main_code))
                if r.main_code
                else None,
            )
    for r in rows:
        check_code(r.code, "Mã hội nghị")
    created = updated = unchanged = 0
    for wave in (
        [r for r in rows if not r.main_code],
        [r for r in rows if r.main_code],
    ):
        mains = {
            s.code: s.pk
            for s in Session.objects.filter(code__in={r.main_code for r in wave if r.main_code})
        }
        new: list[Session] = []
        changed: list[Session] = []
        touched: list[tuple[str, Unit, dt.date]] = []
        for r in wave:
            values: dict[str, Any] = {
                "campaign_id": r.campaign.pk,
                "host_id": r.host.pk,
                "date": r.date,
                "format": r.format,
                "title": r.title,
                "main_id": mains.get(r.main_code) if r.main_code else None,
                "other_attendees": r.other_attendees,
                "public_reached": r.public_reached,
            }
            current = existing.get(r.code)
            touched.append((r.code, r.host, r.date))
            if current is None:
                new.append(Session(code=r.code, **values))
                continue
            if all(getattr(current, k) == v for k, v in values.items()):
                unchanged += 1
                touched.pop()
                continue
            touched.append((r.code, current.host, current.date))
            for k, v in values.items():
                setattr(current, k, v)
            current.updated_at = timezone.now()
            changed.append(current)
        check_figures_open(actor, touched)
        Session.objects.bulk_create(new, batch_size=1000)
        if changed:
            Session.objects.bulk_update(
                changed,
                [*_ROW_FIELDS, "other_attendees", "public_reached", "updated_at"],
                batch_size=1000,
            )
        created += len(new)
        updated += len(changed)
    facts_refresh_sessions(session_ids=session_ids_for_codes(r.code for r in rows))
    return created, updated, unchanged


# --- attendance ---------------------------------------------------------------------------


def _out_of_scope_message(member: Member, session: Session) -> str:
    return (
        f"Đảng viên {member.full_name} ({member.code}) không sinh hoạt trong phạm vi "
        f"{session.host.name} vào ngày {_fmt(session.date)}."
    )


def members_in_host_scope(session: Session, member_ids: Iterable[int]) -> set[int]:
    """Those of ``member_ids`` whose membership on the session's date is in the
    host's subtree on that date (one query). For a session of a campaign, the
    host of a main session with bridge points covers only its own subtree: a
    member of another unit attends at that unit's bridge point."""
    root_path = _path_on(session.host, session.date)
    if root_path is None:
        return set()
    units = UnitVersion.objects.filter(valid_on_q(session.date), path__startswith=root_path)
    return set(
        Membership.objects.filter(
            valid_on_q(session.date),
            member_id__in=list(member_ids),
            unit_id__in=units.values("unit_id"),
        ).values_list("member_id", flat=True)
    )


def _check_status(status: str) -> None:
    if status not in Status.values:
        raise ValidationError(
            "Trạng thái điểm danh phải là Có mặt, Vắng có lý do hoặc Vắng không lý do."
        )


@transaction.atomic
def attendance_mark(
    *, actor: Actor, session: Session, member: Member, status: str, source: str = Source.GRID
) -> Attendance:
    """Set one member's status at one session (a tap on the grid)."""
    _check_writer(actor, session.host, "điểm danh hội nghị")
    _check_status(status)
    if member.pk not in members_in_host_scope(session, [member.pk]):
        raise ValidationError(_out_of_scope_message(member, session))
    row = Attendance.objects.select_for_update().filter(session=session, member=member).first()
    if row is None or row.status != status:
        check_figures_open(actor, [(session.pk, session.host, session.date)])
    if row is None:
        try:
            with transaction.atomic():
                row = Attendance.objects.create(
                    session=session, member=member, status=status, source=source
                )
        except IntegrityError:  # another tap won the race: update it instead
            row = Attendance.objects.select_for_update().get(session=session, member=member)
        else:
            facts_refresh_sessions(session_ids=[session.pk])
            return row
    if row.status != status:
        row.status = status
        row.source = source
        row.save(update_fields=["status", "source", "updated_at"])
    facts_refresh_sessions(session_ids=[session.pk])
    return row


@dataclass(frozen=True)
class AttendanceEntry:
    session_id: int
    member_id: int
    status: str


@transaction.atomic
def attendance_bulk_set(
    *, actor: Actor, entries: Sequence[AttendanceEntry], source: str = Source.IMPORT
) -> tuple[int, int, int]:
    """Many (session, member, status) at once, in a few queries whatever the size
    (the ``Điểm danh`` sheet). The caller has validated scope and statuses; a
    second entry for the same pair is refused here too. Returns (created, updated,
    unchanged)."""
    for status in {e.status for e in entries}:
        _check_status(status)
    if len({(e.session_id, e.member_id) for e in entries}) != len(entries):
        raise ValidationError("Một đảng viên chỉ có một dòng điểm danh cho mỗi hội nghị.")
    if not _trusted(actor):
        hosts = Unit.objects.filter(
            pk__in=Session.objects.filter(pk__in={e.session_id for e in entries}).values("host_id")
        )
        for host in hosts:
            _check_writer(actor, host, "điểm danh hội nghị")
    existing: dict[tuple[int, int], str] = {}
    session_ids = sorted({e.session_id for e in entries})
    for start in range(0, len(session_ids), 500):
        chunk = session_ids[start : start + 500]
        for session_id, member_id, status in Attendance.objects.filter(
            session_id__in=chunk
        ).values_list("session_id", "member_id", "status"):
            existing[(session_id, member_id)] = status
    writes: list[tuple[int, int, str]] = []
    created = unchanged = 0
    for e in entries:
        found = existing.get((e.session_id, e.member_id))
        if found is None:
            created += 1
        elif found == e.status:
            unchanged += 1
            continue
        writes.append((e.session_id, e.member_id, e.status))
    if writes and figure_write_guards:  # refused per (session id, member id) written
        written = {
            s.pk: s
            for s in Session.objects.filter(pk__in={w[0] for w in writes}).select_related("host")
        }
        check_figures_open(
            actor,
            [((w[0], w[1]), written[w[0]].host, written[w[0]].date) for w in writes],
        )
    _merge_attendance(writes, source=source, now=timezone.now())
    facts_refresh_sessions(session_ids=session_ids)
    return created, len(writes) - created, unchanged


@dataclass(frozen=True)
class AttendanceRow:
    """One row of a session's attendance sent by another system (the API)."""

    member_code: str
    status: str


class AttendanceRefused(ValidationError):
    """Rows of ``attendance_set_rows`` refused: ``issues`` lists (row number from 1,
    field, value, Vietnamese reason) for each, as an import lists its cells."""

    def __init__(self, issues: list[tuple[int, str, str, str]]) -> None:
        super().__init__([f"Dòng {n}, {field} “{value}”: {why}" for n, field, value, why in issues])
        self.issues = issues


ROWS_LIMIT = 5000  # rows of one call: a conference of thousands, bounded


@transaction.atomic
def attendance_set_rows(
    *, actor: Actor, session: Session, rows: Sequence[AttendanceRow], source: str = Source.API
) -> tuple[int, int, int]:
    """One session's attendance from another system: the actor must be a writer of the
    host, and every row is checked (a status, a member known and in the host's scope on
    the session's day, one row a member) before anything is written; the refusals are
    listed together (``AttendanceRefused``). Then written as the ``Điểm danh`` sheet
    is (``attendance_bulk_set``). Returns (created, updated, unchanged)."""
    check_host_write(actor, session.host, "điểm danh hội nghị")
    if not rows:
        raise ValidationError("Không có dòng điểm danh nào.")
    if len(rows) > ROWS_LIMIT:
        raise ValidationError(
            f"Mỗi lần gửi tối đa {ROWS_LIMIT:,} dòng điểm danh.".replace(",", ".")
        )
    codes = {r.member_code for r in rows}
    ids = dict(Member.objects.filter(code__in=list(codes)).values_list("code", "pk"))
    in_scope = members_in_host_scope(session, ids.values())
    issues: list[tuple[int, str, str, str]] = []
    seen: set[str] = set()
    entries: list[AttendanceEntry] = []
    for n, row in enumerate(rows, start=1):
        if row.status not in Status.values:
            issues.append(
                (n, "trạng thái", row.status, "phải là " + ", ".join(Status.values) + ".")
            )
        member_id = ids.get(row.member_code)
        if member_id is None:
            issues.append((n, "mã đảng viên", row.member_code, "không có đảng viên mang mã này."))
        elif member_id not in in_scope:
            issues.append(
                (
                    n,
                    "mã đảng viên",
                    row.member_code,
                    f"không sinh hoạt trong phạm vi {session.host.name} "
                    f"vào ngày {_fmt(session.date)}.",
                )
            )
        elif row.member_code in seen:
            issues.append((n, "mã đảng viên", row.member_code, "đã có ở một dòng trên."))
        else:
            entries.append(AttendanceEntry(session.pk, member_id, row.status))
        seen.add(row.member_code)
    if issues:
        raise AttendanceRefused(issues)
    return attendance_bulk_set(actor=actor, entries=entries, source=source)


@transaction.atomic
def attendance_mark_all_present(
    *, actor: Actor, session: Session, member_ids: Iterable[int]
) -> int:
    """ "Có mặt cả nhóm" on the grid: those of ``member_ids`` who have no status at
    the session yet become present, in one ``attendance_bulk_set``; a status
    already given (an excused absence, a QR check-in) is kept. Members outside the
    host's subtree on the session date are refused. Returns how many were marked."""
    _check_writer(actor, session.host, "điểm danh hội nghị")
    wanted = set(member_ids)
    outside = wanted - members_in_host_scope(session, wanted)
    if outside:
        raise ValidationError(
            f"{len(outside)} đảng viên không sinh hoạt trong phạm vi đơn vị tổ chức hội nghị."
        )
    marked = set(
        Attendance.objects.filter(session=session, member_id__in=list(wanted)).values_list(
            "member_id", flat=True
        )
    )
    entries = [
        AttendanceEntry(session_id=session.pk, member_id=member_id, status=Status.PRESENT)
        for member_id in sorted(wanted - marked)
    ]
    if entries:
        attendance_bulk_set(actor=actor, entries=entries, source=Source.GRID)
    return len(entries)


_ATTENDANCE_COLUMNS = "session_id, member_id, status, source, updated_at"
# New pairs are inserted; an existing pair takes the new status (check-in times
# are kept), and is left alone when its status is already that one.
_ATTENDANCE_CONFLICT = (
    "ON CONFLICT (session_id, member_id) DO UPDATE SET status = excluded.status, "
    "source = excluded.source, updated_at = excluded.updated_at "
    "WHERE {table}.status <> excluded.status"
)


def _merge_attendance(rows: list[tuple[int, int, str]], *, source: str, now: dt.datetime) -> None:
    """Write (session id, member id, status) rows, new or changed, in one statement's
    worth of work: on PostgreSQL ``COPY`` into a temporary table and one
    ``INSERT ... SELECT ... ON CONFLICT`` (the speed-up behind a backend switch);
    elsewhere one ``executemany`` of the same upsert (the portable path, tested on
    SQLite)."""
    if not rows:
        return
    table = Attendance._meta.db_table
    conflict = _ATTENDANCE_CONFLICT.format(table=table)
    if connection.vendor != "postgresql":
        stamp = connection.ops.adapt_datetimefield_value(now)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({_ATTENDANCE_COLUMNS}) VALUES (%s, %s, %s, %s, %s) "  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
                f"{conflict}",
                [
                    (session_id, member_id, status, source, stamp)
                    for session_id, member_id, status in rows
                ],
            )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE attendance_in (session_id bigint, member_id bigint, "
            "status varchar(20)) ON COMMIT DROP"
        )
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy("COPY attendance_in (session_id, member_id, status) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({_ATTENDANCE_COLUMNS}) "  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
            "SELECT session_id, member_id, status, %s, %s FROM attendance_in "
            f"{conflict}",
            [source, now],
        )
        cursor.execute("DROP TABLE attendance_in")


# --- QR check-in and check-out ---------------------------------------------------------------

IN, OUT = "in", "out"


def make_token(session: Session, kind: str = IN) -> str:
    """A token for the QR code: the session and direction, signed with a timestamp."""
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(f"{session.pk}.{kind}")


def read_any_token(token: str, *, max_age: int | None = None) -> tuple[int, str]:
    """(session id, direction) of a valid, fresh token."""
    age = settings.CHECKIN_TOKEN_SECONDS if max_age is None else max_age
    try:
        value = signing.TimestampSigner(salt=TOKEN_SALT).unsign(token or "", max_age=age)
    except signing.SignatureExpired as exc:
        raise ValidationError(
            "Mã QR đã hết hạn. Hãy quét lại mã đang hiển thị trên màn hình hội nghị."
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationError("Mã QR không hợp lệ (không do hệ thống tạo ra).") from exc
    pk, _, kind = value.partition(".")
    if kind not in (IN, OUT) or not is_digits(pk):
        raise ValidationError("Mã QR không hợp lệ (không do hệ thống tạo ra).")
    return int(pk), kind


def read_token(token: str, kind: str, *, max_age: int | None = None) -> int:
    """The session id in a valid, fresh token of the given direction."""
    pk, got = read_any_token(token, max_age=max_age)
    if got != kind:
        raise ValidationError(
            "Đây là mã điểm danh ra về, không phải mã điểm danh vào."
            if got == OUT
            else "Đây là mã điểm danh vào, không phải mã điểm danh ra về."
        )
    return pk


_NO_MEMBER = "Tài khoản của bạn chưa gắn với hồ sơ đảng viên nên không điểm danh được."
NO_MEMBER = _NO_MEMBER  # the scan page says it before offering a confirm button


def _user_id(actor: Actor) -> int | None:
    """The signed-in actor's user id (``None`` for anonymous or a trusted caller)."""
    return getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None


def _member_of(actor: Actor) -> Member:
    user_id = _user_id(actor)
    member = Member.objects.filter(user_id=user_id).first() if user_id is not None else None
    if member is None:
        raise ValidationError(_NO_MEMBER)
    return member


def _claim_device(device_id: str, member: Member, now: dt.datetime) -> None:
    """One device, one member within the window: refuse a second member.

    One conditional upsert (both databases): the device's row is taken over only
    by the same member or once the window has passed; no row back means refused.
    """
    if not device_id:
        raise ValidationError("Không nhận ra thiết bị; hãy bật cookie trên trình duyệt.")
    adapt = connection.ops.adapt_datetimefield_value
    claimed = fetchone_hot(
        f"INSERT INTO {CheckinDevice._meta.db_table} (device_id, member_id, last_at) "  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
        f"VALUES (%s, %s, %s) {_device_claim_conflict('%s')}",
        [device_id, member.pk, adapt(now), adapt(_device_window_start(now))],
    )
    if claimed is None:
        raise _device_refused()


def _device_claim_conflict(window_start: str) -> str:
    """The one-device rule as the tail of an insert into the device table: the row
    is taken over only by the same member or once the window has passed
    (``window_start`` is the placeholder for now minus the window); a row comes
    back only when the claim succeeded."""
    table = CheckinDevice._meta.db_table
    return (
        "ON CONFLICT (device_id) DO UPDATE SET member_id = excluded.member_id, "
        f"last_at = excluded.last_at WHERE {table}.member_id = excluded.member_id "
        f"OR {table}.last_at <= {window_start} RETURNING device_id"
    )


def _device_window_start(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.CHECKIN_DEVICE_WINDOW_SECONDS)


def _device_refused() -> ValidationError:
    minutes = max(1, round(settings.CHECKIN_DEVICE_WINDOW_SECONDS / 60))
    return ValidationError(
        "Thiết bị này vừa điểm danh cho một đảng viên khác. Mỗi người điểm danh bằng "
        f"điện thoại của mình (thử lại sau {minutes} phút)."
    )


def checkin_window(
    day: dt.date, start: dt.time | None, end: dt.time | None
) -> tuple[dt.datetime, dt.datetime]:
    """When QR check-in (and check-out) is open for a session on ``day``: from
    ``CHECKIN_OPENS_MINUTES_BEFORE`` before the start to
    ``CHECKIN_CLOSES_MINUTES_AFTER`` after the end, in local time. A session
    without a start time starts at 00:00; without an end time it ends at 24:00."""
    begins = timezone.make_aware(dt.datetime.combine(day, start or dt.time.min))
    ends = (
        timezone.make_aware(dt.datetime.combine(day, end))
        if end is not None
        else timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    )
    return (
        begins - dt.timedelta(minutes=settings.CHECKIN_OPENS_MINUTES_BEFORE),
        ends + dt.timedelta(minutes=settings.CHECKIN_CLOSES_MINUTES_AFTER),
    )


def _hm(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} ngày {_fmt(local.date())}"


def _outside_window(
    window: tuple[dt.datetime, dt.datetime], now: dt.datetime
) -> ValidationError | None:
    """The refusal of a scan at ``now`` outside the check-in window, else ``None``."""
    opens, closes = window
    if now < opens:
        return ValidationError(
            f"Chưa đến giờ điểm danh: điểm danh hội nghị này mở từ {_hm(opens)}."
        )
    if now > closes:
        return ValidationError(
            f"Đã hết giờ điểm danh: điểm danh hội nghị này đã đóng lúc {_hm(closes)}."
        )
    return None


def _window_of(session_id: int) -> tuple[dt.datetime, dt.datetime] | None:
    """The check-in window of a session (``None``: no such session)."""
    row = (
        Session.objects.filter(pk=session_id).values_list("date", "start_time", "end_time").first()
    )
    return None if row is None else checkin_window(*row)


def _check_window(session_id: int, now: dt.datetime) -> None:
    window = _window_of(session_id)
    refused = _outside_window(window, now) if window is not None else None
    if refused is not None:
        raise refused


@dataclass(frozen=True)
class CheckinResult:
    attendance: Attendance
    session: Session
    changed: bool  # False when the member had already checked in (or out)


def checkin(
    *,
    actor: Actor,
    token: str,
    device_id: str,
    now: dt.datetime | None = None,
    token_max_age: int | None = None,
) -> CheckinResult:
    """A member scans the session's QR: marked present once; scanning again
    changes nothing. ``token_max_age`` is only for a token the server itself
    verified fresh when it was scanned before signing in (see the scan view).

    The hot path of a large conference (hundreds of members scanning at once):
    outside a caller's transaction the scan waits in its process's queue
    (``scan_queue``) and is written with the scans waiting beside it
    (``checkin_group``); inside one it is written there and then, on PostgreSQL
    as one statement (``checkin_many``), elsewhere in steps.
    """
    session_id = read_token(token, IN, max_age=token_max_age)
    now = now or timezone.now()
    scan = Scan(_user_id(actor), device_id, now)
    answer: CheckinResult | Exception | None = None
    if device_id and not connection.in_atomic_block:
        answer = _queue.submit(session_id, scan, device_id)
        if isinstance(answer, Exception) and not isinstance(answer, ValidationError):
            answer = None  # the group failed or timed out: written alone (idempotent)
    elif connection.vendor == "postgresql" and device_id:
        (answer,) = checkin_many(session_id, [scan])
    return checkin_finish(answer, session_id, actor, device_id, now)


def checkin_finish(
    answer: CheckinResult | Exception | None,
    session_id: int,
    actor: Actor,
    device_id: str,
    now: dt.datetime,
) -> CheckinResult:
    """The check-in's result from ``checkin_many``'s answer for its scan: raised
    when refused, the general path when the member already had a row."""
    if isinstance(answer, Exception):
        raise answer
    if answer is not None:
        return answer
    with transaction.atomic():
        return _checkin_in_steps(session_id, _user_id(actor), device_id, now)


def checkin_group(session_id: int, scans: Sequence[Scan]) -> list[CheckinResult | Exception | None]:
    """The check-ins of the scans of one session waiting together in a process's
    queue, each answered as by ``checkin_many`` (and finished by
    ``checkin_finish``). PostgreSQL: one statement for the first scan of each
    member (a member's second scan gets ``None``, the general path). SQLite: the
    general path of each scan, all in one write transaction, so that the
    database's single writer is taken once per group, not once per scan; the
    writers of a server's processes take turns (``sqlite_writers_take_turns``)."""
    if connection.vendor == "postgresql":
        first: dict[int | None, int] = {}
        for n, scan in enumerate(scans):
            first.setdefault(scan.user_id, n)
        answers: list[CheckinResult | Exception | None] = [None] * len(scans)
        written = checkin_many(session_id, [scans[n] for n in first.values()])
        for n, answer in zip(first.values(), written, strict=True):
            answers[n] = answer
        return answers
    answers = []
    with sqlite_writers_take_turns(), transaction.atomic():
        refusals = _group_refusals(session_id, [scan.now for scan in scans])
        for scan, refused in zip(scans, refusals, strict=True):
            if refused is not None:
                answers.append(refused)
                continue
            try:
                with transaction.atomic():
                    answers.append(
                        _checkin_in_steps(
                            session_id, scan.user_id, scan.device_id, scan.now, checked=True
                        )
                    )
            except ValidationError as exc:
                answers.append(exc)
    return answers


_queue = ScanQueue(checkin_group)


def _checkin_in_steps(
    session_id: int,
    user_id: int | None,
    device_id: str,
    now: dt.datetime,
    *,
    checked: bool = False,
) -> CheckinResult:
    """The general path (SQLite; a member who already has a row for the session).
    ``checked``: the caller has already refused a locked session and a scan outside
    the window (``checkin_group``, once for its group)."""
    if not checked:
        _check_window(session_id, now)
        locked = _session_locked(session_id)
        if locked is not None:
            raise locked
    session, member, in_scope = _session_and_member(session_id, user_id)
    if not in_scope:
        raise ValidationError(_out_of_scope_message(member, session))
    _claim_device(device_id, member, now)
    # INSERT ... ON CONFLICT DO NOTHING (both databases): a concurrent second scan
    # of the same member can neither create a second row nor fail.
    adapt = connection.ops.adapt_datetimefield_value
    inserted = fetchone_hot(
        f"INSERT INTO {Attendance._meta.db_table} (session_id, member_id, status, "  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
        "checked_in_at, source, updated_at) VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (session_id, member_id) DO NOTHING RETURNING id",
        [session.pk, member.pk, Status.PRESENT, adapt(now), Source.QR, adapt(now)],
    )
    if inserted is not None:
        facts_attendance_changed(  # roll-up facts: adjusted in place
            session_id=session.pk, member_id=member.pk, old=None, new=Status.PRESENT
        )
        return _checked_in(inserted[0], session, member, now)
    row = Attendance.objects.select_for_update().get(session=session, member=member)
    row.member = member
    row.session = session
    if row.status == Status.PRESENT and row.checked_in_at is not None:
        return CheckinResult(row, session, False)
    old_status = row.status
    row.status = Status.PRESENT
    row.checked_in_at = row.checked_in_at or now
    row.source = Source.QR
    row.save(update_fields=["status", "checked_in_at", "source", "updated_at"])
    # After the save: a session without facts yet is recounted from the saved row.
    facts_attendance_changed(  # roll-up facts
        session_id=session.pk, member_id=member.pk, old=old_status, new=Status.PRESENT
    )
    return CheckinResult(row, session, True)


@cache
def _lookup_sql(user: str = "%(user)s", scans: str = "") -> str:
    """The session (with its host as named on its date), the actor's member and
    whether the member belongs to the host's subtree that day, as one SELECT with
    parameters ``%(user)s`` and ``%(session)s``; with ``scans`` (a CTE with
    columns ``n, user_id, device, now``) one row per scan, ``user`` naming its
    column."""
    t = {
        "session": Session._meta.db_table,
        "version": UnitVersion._meta.db_table,
        "member": Member._meta.db_table,
        "membership": Membership._meta.db_table,
    }
    each = ("i.n, i.device, i.now, ", f" CROSS JOIN {scans} i") if scans else ("", "")
    return (
        f"SELECT {each[0]}s.id AS session_id, s.code, s.title, s.date, s.campaign_id, "  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
        "s.host_id, s.main_id, hv.name AS host_name, m.id AS member_id, m.code AS member_code, "
        "m.family_name, m.middle_name, m.given_name, "
        f"EXISTS (SELECT 1 FROM {t['membership']} ms JOIN {t['version']} v "
        f"ON v.unit_id = ms.unit_id AND {valid_on_sql('v', 's.date')} "
        f"WHERE ms.member_id = m.id AND {valid_on_sql('ms', 's.date')} "
        "AND substr(v.path, 1, length(hv.path)) = hv.path) AS in_scope "
        f"FROM {t['session']} s{each[1]} "
        f"LEFT JOIN {t['version']} hv ON hv.unit_id = s.host_id AND {valid_on_sql('hv', 's.date')} "
        f"LEFT JOIN {t['member']} m ON m.user_id = {user} "
        "WHERE s.id = %(session)s"
    )


@dataclass(frozen=True)
class Scan:
    """One member's check-in scan: who (a user id, ``None`` when not signed in),
    from which device, when."""

    user_id: int | None
    device_id: str
    now: dt.datetime


def checkin_many(session_id: int, scans: Sequence[Scan]) -> list[CheckinResult | Exception | None]:
    """PostgreSQL: the check-ins of several scans of one session as one prepared
    statement, atomic on its own (no BEGIN/COMMIT round trips): look up the
    session, each member and their scope, claim the devices, insert the
    attendance rows, and adjust the roll-up facts with the items of
    ``facts.presence_added_ctes`` (what ``facts_attendance_changed`` does, in
    its lock order). The users and the devices of ``scans`` must be distinct
    (one row each in the upserts).

    Each scan's answer, in order: its result, the ``ValidationError`` refusing
    it, or ``None`` when the member already has a row for the session (the
    general path decides). A session without facts yet is rebuilt here. A scan
    outside the session's check-in window (``checkin_window``) is refused before
    the statement.
    """
    refused = _group_refusals(session_id, [scan.now for scan in scans])
    if any(refused):
        inside = [scan for scan, no in zip(scans, refused, strict=True) if no is None]
        answers = iter(_checkin_many(session_id, inside) if inside else [])
        return [no if no is not None else next(answers) for no in refused]
    return _checkin_many(session_id, scans)


def _checkin_many(session_id: int, scans: Sequence[Scan]) -> list[CheckinResult | Exception | None]:
    """``checkin_many`` for scans inside the window: the one statement."""
    rows = fetchall_hot(
        _checkin_statement(),
        {
            "users": [scan.user_id for scan in scans],
            "devices": [scan.device_id for scan in scans],
            "nows": [scan.now for scan in scans],
            "session": session_id,
            "window": settings.CHECKIN_DEVICE_WINDOW_SECONDS,
            "present": Status.PRESENT,
            "qr": Source.QR,
        },
    )
    answers: list[CheckinResult | Exception | None] = [
        ValidationError("Hội nghị không còn tồn tại.") for _ in scans
    ]
    if not rows:
        return answers
    session = _session_from_row(rows[0][3:])  # one session for every row, built once
    rebuild = False
    for row in rows:
        n, now = row[0], row[2]
        member, in_scope = _member_from_row(row[3:17], scans[n - 1].user_id)
        claimed, attendance_id, facts_found = row[17:]
        if member is None:
            answers[n - 1] = ValidationError(_NO_MEMBER)
        elif not in_scope:
            answers[n - 1] = ValidationError(_out_of_scope_message(member, session))
        elif not claimed:
            answers[n - 1] = _device_refused()
        elif attendance_id is None:
            answers[n - 1] = None  # a row exists already: the general path decides
        else:
            rebuild = rebuild or not facts_found
            answers[n - 1] = _checked_in(attendance_id, session, member, now)
    if rebuild:  # roll-up: no fact yet for this session, build it whole
        facts_refresh_sessions(session_ids=[session_id])
    return answers


def _checked_in(
    attendance_id: int, session: Session, member: Member, now: dt.datetime
) -> CheckinResult:
    """The result of a check-in that inserted row ``attendance_id``."""
    row = Attendance(
        id=attendance_id,
        session=session,
        member=member,
        status=Status.PRESENT,
        checked_in_at=now,
        source=Source.QR,
        updated_at=now,
    )
    return CheckinResult(row, session, True)


@cache
def _checkin_statement() -> str:
    """The SQL of ``checkin_many`` (built once per process)."""
    scans = (
        "(SELECT * FROM unnest(%(users)s::bigint[], %(devices)s::text[], "
        "%(nows)s::timestamptz[]) WITH ORDINALITY AS u(user_id, device, now, n))"
    )
    window_start = "excluded.last_at - %(window)s * interval '1 second'"
    return (
        f"WITH look AS ({_lookup_sql('i.user_id', scans)}), "  # noqa: S608  SQL text from code: table names and %s marks; values are parameters
        f"d AS (INSERT INTO {CheckinDevice._meta.db_table} (device_id, member_id, last_at) "
        "SELECT device, member_id, now FROM look "
        "WHERE in_scope AND host_name IS NOT NULL AND member_id IS NOT NULL "
        f"{_device_claim_conflict(window_start)}), "
        f"a AS (INSERT INTO {Attendance._meta.db_table} (session_id, member_id, status, "
        "checked_in_at, source, updated_at) "
        "SELECT session_id, member_id, %(present)s, now, %(qr)s, now FROM look "
        "WHERE device IN (SELECT device_id FROM d) "
        "ON CONFLICT (session_id, member_id) DO NOTHING RETURNING id, member_id), "
        "added AS (SELECT look.session_id, look.member_id, look.campaign_id, look.host_id, "
        "look.date FROM look JOIN a ON a.member_id = look.member_id)"
        f"{presence_added_ctes('added')} "
        "SELECT look.*, d.device_id IS NOT NULL, a.id, EXISTS (SELECT 1 FROM fs) "
        "FROM look LEFT JOIN d ON d.device_id = look.device "
        "LEFT JOIN a ON a.member_id = look.member_id ORDER BY look.n"
    )


def _session_from_row(row: Sequence[Any]) -> Session:
    """The session of a ``_lookup_sql`` row (its first eight columns)."""
    (s_id, s_code, s_title, s_date, campaign_id, host_id, main_id, host_name) = row[:8]
    if isinstance(s_date, str):  # raw SQLite
        s_date = dt.date.fromisoformat(s_date)
    return Session(
        id=s_id,
        code=s_code,
        title=s_title,
        date=s_date,
        campaign_id=campaign_id,
        host=Unit(id=host_id, name=host_name or ""),
        main_id=main_id,
    )


def _member_from_row(row: Sequence[Any], user_id: int | None) -> tuple[Member | None, bool]:
    """The member of a ``_lookup_sql`` row and whether they are in the host's
    scope that day (``None``: the user has no member record)."""
    m_id, m_code, family, middle, given, in_scope = row[8:14]
    if m_id is None:
        return None, False
    member = Member(
        id=m_id,
        code=m_code,
        family_name=family,
        middle_name=middle,
        given_name=given,
        user_id=user_id,
    )
    return member, bool(in_scope) and row[7] is not None  # row[7]: the host's name that day


def _session_and_member(session_id: int, user_id: int | None) -> tuple[Session, Member, bool]:
    """The session, the actor's member and whether the member is in the host's
    subtree on the session's date: one query (raw SQL because every scan runs
    it; the ORM version built two correlated subqueries per call and cost more
    in Python than in the database)."""
    row = fetchone_hot(_lookup_sql(), {"user": user_id, "session": session_id})
    if row is None:
        raise ValidationError("Hội nghị không còn tồn tại.")
    member, in_scope = _member_from_row(row, user_id)
    if member is None:
        raise ValidationError(_NO_MEMBER)
    return _session_from_row(row), member, in_scope


@transaction.atomic
def checkout_open(*, actor: Actor, session: Session, now: dt.datetime | None = None) -> Session:
    """Show the check-out QR: from now on, present members without a check-out
    are counted as having left early."""
    _check_writer(actor, session.host, "điểm danh hội nghị")
    if session.checkout_opened_at is None:
        session.checkout_opened_at = now or timezone.now()
        session.save(update_fields=["checkout_opened_at", "updated_at"])
    return session


@transaction.atomic
def checkout(
    *,
    actor: Actor,
    token: str,
    device_id: str,
    now: dt.datetime | None = None,
    token_max_age: int | None = None,
) -> CheckinResult:
    session_id = read_token(token, OUT, max_age=token_max_age)
    member = _member_of(actor)
    session = Session.objects.select_related("host").filter(pk=session_id).first()
    if session is None:
        raise ValidationError("Hội nghị không còn tồn tại.")
    now = now or timezone.now()
    window = checkin_window(session.date, session.start_time, session.end_time)
    refused = _outside_window(window, now)
    if refused is not None:
        raise refused
    row = Attendance.objects.select_for_update().filter(session=session, member=member).first()
    if row is None or row.status != Status.PRESENT:
        raise ValidationError(
            "Bạn chưa được điểm danh có mặt ở hội nghị này, nên không điểm danh ra về được."
        )
    _claim_device(device_id, member, now)
    if row.checked_out_at is not None:
        return CheckinResult(row, session, False)
    row.checked_out_at = now
    row.save(update_fields=["checked_out_at", "updated_at"])
    return CheckinResult(row, session, True)


def left_early_q() -> Q:
    """Attendance rows of members present but never checked out (once check-out opened)."""
    return Q(
        status=Status.PRESENT,
        checked_out_at__isnull=True,
        session__checkout_opened_at__isnull=False,
    )
