"""The import is not a second door: for every sheet registered with the import
framework and every persona role, the workbook import can do exactly what the web
lets that role do, no more and no less (issue 10, item 2).

Each case is one intended change, made once through the web (the forms a person
would fill in) and once through a one-sheet workbook, each in its own rolled-back
transaction; the change either happened or did not, and the two must agree. The
expected column pins what the web allows, so the table cannot pass by both doors
being shut.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import openpyxl
import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tuyengiao.imports.framework import registered_sheets, run_import
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Member, Unit
from tuyengiao.orgs.selectors import today as org_today
from tuyengiao.study import services as study_services
from tuyengiao.study.models import Attendance, Session
from tuyengiao.tests.factories import document as _document

ROLES = ("province", "commune", "secretary", "member")
SESSION_DAY = dt.date(2025, 9, 10)


def _today() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def workbook(sheet: str, rows: list[dict[str, Any]]) -> bytes:
    spec = next(s for s in registered_sheets() if s.name == sheet)
    headers = [c.header for c in spec.columns]
    headers += list(dict.fromkeys(k for row in rows for k in row if k not in headers))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Case:
    name: str
    sheet: str
    web: Callable[[Client, Any], Any]  # makes the change through the web
    rows: Callable[[Any], list[dict[str, Any]]]  # the same change as workbook rows
    happened: Callable[[Any], bool]  # did the change happen?
    allowed: frozenset[str]  # the roles the web lets make it


def _post(path: str, data: dict[str, Any]) -> Callable[[Client, Any], Any]:
    return lambda client, w: client.post(path.format(w=w), data)


def _structure(unit: str, action: str, **fields: Any) -> Callable[[Client, Any], Any]:
    data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}

    def run(client: Client, w: Any) -> Any:
        return client.post(f"/don-vi/{unit}/co-cau/", {**data, f"{action}-on": _today()})

    return run


def _unit(code: str, name: str, parent: str, kind: str, since: str = "") -> dict[str, Any]:
    return {
        "Mã đơn vị": code,
        "Tên đơn vị": name,
        "Mã đơn vị cấp trên": parent,
        "Loại đơn vị": kind,
        "Hiệu lực từ": since,
    }


def _parent_is(code: str, parent: str) -> Callable[[Any], bool]:
    return lambda w: Unit.objects.filter(code=code, parent__code=parent).exists()


def _member_row(code: str, name: str, unit: str, since: str = "") -> dict[str, Any]:
    return {
        "Mã đảng viên": code,
        "Họ và tên": name,
        "Mã đơn vị": unit,
        "Sinh hoạt tại đơn vị từ": since,
    }


def _member_unit(code: str, unit: str) -> Callable[[Any], bool]:
    def check(w: Any) -> bool:
        member = Member.objects.get(code=code)
        return member.memberships.filter(valid_to__isnull=True, unit__code=unit).exists()

    return check


def _session_row(code: str, unit: str, symbol: str = "57-NQ/TW", main: str = "") -> dict[str, Any]:
    return {
        "Mã hội nghị": code,
        "Mã đơn vị": unit,
        "Số hiệu văn bản": symbol,
        "Ngày": SESSION_DAY.strftime("%d/%m/%Y"),
        "Hình thức": "Trực tuyến" if main else "Trực tiếp",
        "Mã hội nghị chính": main,
    }


def _session_new(code: str, host: str) -> Callable[[Client, Any], Any]:
    def run(client: Client, w: Any) -> Any:
        return client.post(
            f"/hoc-tap/dot/{w.campaign.pk}/hoi-nghi-moi/",
            {
                "code": code,
                "host": host,  # the picker posts the unit's code
                "date": SESSION_DAY.strftime("%d/%m/%Y"),
                "format": "truc_tiep",
                "other_attendees": 0,
                "public_reached": 0,
            },
        )

    return run


def _new_campaign_and_session(client: Client, w: Any) -> Any:
    """A document with no campaign yet: on the web, a campaign of one's own unit,
    then the session in it (the import does both from one row)."""
    from tuyengiao.orgs.access import scope_of

    scope = scope_of(w.current_user)
    owner = scope.unit.pk if scope else w.province.pk
    client.post(
        "/hoc-tap/dot-moi/",
        {
            "title": "Học tập Nghị quyết 58",
            "documents": [w.document58.pk],
            "owner": owner,
            "audiences": ["members"],
            "start": SESSION_DAY.strftime("%d/%m/%Y"),
            "deadline": SESSION_DAY.strftime("%d/%m/%Y"),
            "member_target": "90",
            "public_target": "70",
        },
    )
    campaign = w.document58.campaigns.first() if hasattr(w.document58, "campaigns") else None
    if campaign is None:
        from tuyengiao.study.models import Campaign

        campaign = Campaign.objects.filter(documents=w.document58).first()
    if campaign is None:
        return None
    return client.post(
        f"/hoc-tap/dot/{campaign.pk}/hoi-nghi-moi/",
        {
            "code": "HN-58",
            "host": w.cell.code,
            "date": SESSION_DAY.strftime("%d/%m/%Y"),
            "format": "truc_tiep",
            "other_attendees": 0,
            "public_reached": 0,
        },
    )


def _attendance(session: str, member: str) -> Callable[[Any], bool]:
    return lambda w: Attendance.objects.filter(
        session__code=session, member__code=member, status="co_mat"
    ).exists()


def _lock_cell(w: Any) -> Literal[False]:
    """CB1's report for Q3 2025 (which holds the sessions' day) sent and approved
    (``False``, so that a case's lambda can go on with ``or``)."""
    from tuyengiao.periods import services as periods

    period = periods.period_open(
        actor=SYSTEM,
        unit=w.province,
        kind="quy",
        name="Quý III năm 2025",
        date_from=dt.date(2025, 7, 1),
        cutoff=dt.date(2025, 9, 30),
        due_date=dt.date(2025, 10, 10),
    )
    sent = periods.submission_submit(actor=SYSTEM, period=period, unit=w.cell)
    periods.submission_figures_freeze(submission_id=sent.pk)  # the worker's part
    periods.submission_approve(actor=SYSTEM, submission=sent)
    return False


ALL_WRITERS = frozenset({"province", "commune", "secretary"})
STAFF = frozenset({"province", "commune"})
PROVINCE = frozenset({"province"})


def _presenter_form(unit: str, level: str = "co_so") -> dict[str, Any]:
    return {
        "code": "BCV-NEW",
        "full_name": "Giàng A Sình",
        "level": level,
        "unit": unit,
        "status": "cong_nhan",
        "valid_from": "01/08/2025",
    }


def _presenter_row(unit: str, level: str = "Cơ sở") -> dict[str, Any]:
    return {
        "Mã báo cáo viên": "BCV-NEW",
        "Họ và tên": "Giàng A Sình",
        "Cấp": level,
        "Mã đơn vị": unit,
        "Từ ngày": "01/08/2025",
    }


def _followup_plan(w: Any, symbol: str, owner: str) -> Any:
    """A plan issued by ``owner`` (made inside the case's rolled-back transaction)."""
    from tuyengiao.documents.selectors import documents_by_symbol
    from tuyengiao.followup import selectors as followup_selectors
    from tuyengiao.followup import services as followup_services

    found = documents_by_symbol(symbol)
    document = found[0] if found else _document(symbol, "Kế hoạch thực hiện", day=SESSION_DAY)
    return followup_selectors.programme_of(document) or followup_services.programme_create(
        actor=SYSTEM, document=document, unit=Unit.objects.get(code=owner)
    )


def _task_web(symbol: str, owner: str, unit: str) -> Callable[[Client, Any], Any]:
    def run(client: Client, w: Any) -> Any:
        plan = _followup_plan(w, symbol, owner)
        return client.post(
            f"/thuc-hien/chuong-trinh/{plan.pk}/nhiem-vu-moi/",
            {"code": "NV-DOOR", "content": "Quán triệt", "unit": unit, "deadline": "31/12/2025"},
        )

    return run


def _task_rows(symbol: str, owner: str, unit: str) -> Callable[[Any], list[dict[str, Any]]]:
    def rows(w: Any) -> list[dict[str, Any]]:
        _followup_plan(w, symbol, owner)
        return [
            {
                "Mã nhiệm vụ": "NV-DOOR",
                "Số hiệu chương trình": symbol,
                "Nội dung": "Quán triệt",
                "Mã đơn vị chủ trì": unit,
                "Hạn": "31/12/2025",
            }
        ]

    return rows


def _task_given(unit: str) -> Callable[[Any], bool]:
    from tuyengiao.followup.models import Task

    return lambda w: Task.objects.filter(code="NV-DOOR", unit__code=unit).exists()


def _round_web(unit: str, target: str) -> Callable[[Client, Any], Any]:
    def run(client: Client, w: Any) -> Any:
        client.post(
            "/thuc-hien/kiem-tra/them/",
            {"code": "KT-DOOR", "kind": "kiem_tra", "unit": unit, "date_from": "01/10/2025"},
        )
        return client.post("/thuc-hien/kiem-tra/KT-DOOR/to-chuc/", {"target": target, "members": 4})

    return run


def _round_row(unit: str, target: str) -> dict[str, Any]:
    return {
        "Mã cuộc": "KT-DOOR",
        "Loại": "Kiểm tra",
        "Mã đơn vị thực hiện": unit,
        "Từ ngày": "01/10/2025",
        "Mã đơn vị được kiểm tra": target,
        "Số đảng viên": 4,
    }


def _round_recorded(target: str) -> Callable[[Any], bool]:
    from tuyengiao.followup.models import InspectionTarget

    return lambda w: InspectionTarget.objects.filter(
        inspection__code="KT-DOOR", unit__code=target, members=4
    ).exists()


def _presenter(unit: str) -> Callable[[Any], bool]:
    from tuyengiao.presenters.models import Presenter

    return lambda w: Presenter.objects.filter(code="BCV-NEW", unit__code=unit).exists()


def _outreach_post(path: str, **fields: Any) -> Callable[[Client, Any], Any]:
    return _post(f"/bao-cao-vien/{path}", fields)


def _exists(model: str, **lookup: Any) -> Callable[[Any], bool]:
    from django.apps import apps

    return lambda w: apps.get_model("presenters", model).objects.filter(**lookup).exists()


def _paper_essay(member: str) -> Callable[[Client, Any], Any]:
    """On the web: the campaign's essay requirement (made by the system here), then the
    paper essay recorded on its page."""

    def run(client: Client, w: Any) -> Any:
        from tuyengiao.essays import services as essay_services

        essay_services.requirement_save(
            actor=SYSTEM,
            campaign=w.campaign,
            document=w.document,
            deadline=dt.datetime(2025, 12, 31, 16, 59, tzinfo=dt.UTC),
        )
        return client.post(
            f"/bai-thu-hoach/dot/{w.campaign.pk}/ban-giay/",
            {"ma_dang_vien": member, "ngay_nop": "15/10/2025", "xep_loai": "tot"},
        )

    return run


def _paper_row(member: str) -> dict[str, Any]:
    return {
        "Mã đảng viên": member,
        "Số hiệu văn bản": "57-NQ/TW",
        "Ngày nộp": "15/10/2025",
        "Xếp loại": "Tốt",
    }


def _paper_essay_exists(member: str) -> Callable[[Any], bool]:
    def check(w: Any) -> bool:
        from tuyengiao.essays.models import Essay

        return Essay.objects.filter(member__code=member, grade="tot", source="paper").exists()

    return check


def _media_form(unit: str) -> dict[str, Any]:
    return {
        "unit": unit,
        "date_from": "01/07/2025",
        "date_to": "30/09/2025",
        "kind": "phat_thanh",
        "language": "Mông",
        "count": 12,
        "minutes": 180,
        "document_symbol": "57-NQ/TW",
    }


def _media_row(unit: str) -> dict[str, Any]:
    return {
        "Mã đơn vị": unit,
        "Từ ngày": "01/07/2025",
        "Đến ngày": "30/09/2025",
        "Loại": "Chương trình phát thanh",
        "Ngôn ngữ": "Mông",
        "Số lượng": 12,
        "Thời lượng (phút)": 180,
        "Số hiệu văn bản": "57-NQ/TW",
    }


def _media(unit: str) -> Callable[[Any], bool]:
    from tuyengiao.media.models import MediaOutput

    return lambda w: MediaOutput.objects.filter(unit__code=unit, count=12).exists()


def _award_form(unit: str, member: str = "") -> dict[str, Any]:
    return {
        "code": "KT-NEW",
        "kind": "bang_khen",
        "name": "Bằng khen thành tích học tập nghị quyết",
        "unit": unit,
        "member_code": member,
        "date": "15/09/2025",
        "decision_symbol": "12-QĐ/TU",
    }


def _award_row(unit: str, member: str = "") -> dict[str, Any]:
    return {
        "Mã": "KT-NEW",
        "Loại": "Bằng khen",
        "Tên": "Bằng khen thành tích học tập nghị quyết",
        "Mã đơn vị": unit,
        "Mã đảng viên": member,
        "Ngày": "15/09/2025",
        "Số quyết định": "12-QĐ/TU",
    }


def _award(unit: str) -> Callable[[Any], bool]:
    from tuyengiao.media.models import Award

    return lambda w: Award.objects.filter(code="KT-NEW", unit__code=unit).exists()


CASES = [
    # --- Đơn vị
    Case(
        "add a unit under the cell",
        "Đơn vị",
        _structure("CB1", "add_child", code="MOI", name="Tổ Mới", kind="Tổ đảng"),
        lambda w: [_unit("MOI", "Tổ Mới", "CB1", "Tổ đảng", _today())],
        _parent_is("MOI", "CB1"),
        ALL_WRITERS,
    ),
    Case(
        "add a unit under the sibling commune",
        "Đơn vị",
        _structure("XA2", "add_child", code="MOI", name="Chi bộ Mới", kind="Chi bộ"),
        lambda w: [_unit("MOI", "Chi bộ Mới", "XA2", "Chi bộ", _today())],
        _parent_is("MOI", "XA2"),
        PROVINCE,
    ),
    Case(
        "rename the commune",
        "Đơn vị",
        _structure("XA1", "rename", name="Đảng ủy xã Một Mới", kind=""),
        lambda w: [_unit("XA1", "Đảng ủy xã Một Mới", "TINH", "Đảng ủy xã")],
        lambda w: Unit.objects.filter(code="XA1", name="Đảng ủy xã Một Mới").exists(),
        STAFF,
    ),
    Case(
        "rename the cell",
        "Đơn vị",
        _structure("CB1", "rename", name="Chi bộ bản Một Mới", kind=""),
        lambda w: [_unit("CB1", "Chi bộ bản Một Mới", "XA1", "Chi bộ")],
        lambda w: Unit.objects.filter(code="CB1", name="Chi bộ bản Một Mới").exists(),
        ALL_WRITERS,
    ),
    Case(
        "move a cell to the sibling commune",
        "Đơn vị",
        _structure("CB1", "move", parent_code="XA2"),
        lambda w: [_unit("CB1", "Chi bộ bản Một", "XA2", "Chi bộ")],
        _parent_is("CB1", "XA2"),
        PROVINCE,
    ),
    Case(
        "move a cell under another cell of the commune",
        "Đơn vị",
        _structure("CB2", "move", parent_code="CB1"),
        lambda w: [_unit("CB2", "Chi bộ bản Hai", "CB1", "Chi bộ")],
        _parent_is("CB2", "CB1"),
        STAFF,
    ),
    # --- Đảng viên
    Case(
        "correct a member's name in the cell",
        "Đảng viên",
        _post(
            "/dang-vien/DV0/sua/",
            {
                "action": "details",
                "family_name": "Nguyễn",
                "middle_name": "Văn",
                "given_name": "Anh",
            },
        ),
        lambda w: [_member_row("DV0", "Nguyễn Văn Anh", "CB1")],
        lambda w: Member.objects.get(code="DV0").given_name == "Anh",
        ALL_WRITERS,
    ),
    Case(
        "correct a member's name in the sibling commune",
        "Đảng viên",
        _post(
            "/dang-vien/DVX1/sua/",
            {"action": "details", "family_name": "Hoàng", "middle_name": "Văn", "given_name": "Hạ"},
        ),
        lambda w: [_member_row("DVX1", "Hoàng Văn Hạ", "CB3")],
        lambda w: Member.objects.get(code="DVX1").given_name == "Hạ",
        PROVINCE,
    ),
    Case(
        "transfer a member to the other cell of the commune",
        "Đảng viên",
        lambda c, w: c.post(
            "/dang-vien/DV0/sua/", {"action": "transfer", "unit_code": "CB2", "on": _today()}
        ),
        lambda w: [_member_row("DV0", "Nguyễn Văn An", "CB2", _today())],
        _member_unit("DV0", "CB2"),
        STAFF,
    ),
    Case(
        "transfer a member to the sibling commune",
        "Đảng viên",
        lambda c, w: c.post(
            "/dang-vien/DV0/sua/", {"action": "transfer", "unit_code": "CB3", "on": _today()}
        ),
        lambda w: [_member_row("DV0", "Nguyễn Văn An", "CB3", _today())],
        _member_unit("DV0", "CB3"),
        PROVINCE,
    ),
    # --- Văn bản
    Case(
        "register a document",
        "Văn bản",
        _post(
            "/van-ban/dang-ky/",
            {
                "symbol": "99-NQ/TW",
                "issue_date": "01/02/2025",
                "kind": "Nghị quyết",
                "title": "về thử nghiệm",
                "status": "in_force",
            },
        ),
        lambda w: [
            {"Số hiệu": "99-NQ/TW", "Trích yếu": "về thử nghiệm", "Ngày ban hành": "01/02/2025"}
        ],
        lambda w: w.document.__class__.objects.filter(symbol="99-NQ/TW").exists(),
        STAFF,
    ),
    # --- Hội nghị
    Case(
        "hold a session in the cell",
        "Hội nghị",
        _session_new("HN-MOI", "CB1"),
        lambda w: [_session_row("HN-MOI", "CB1")],
        lambda w: Session.objects.filter(code="HN-MOI").exists(),
        ALL_WRITERS,
    ),
    Case(
        "hold a session in the sibling commune's cell",
        "Hội nghị",
        _session_new("HN-MOI", "CB3"),
        lambda w: [_session_row("HN-MOI", "CB3")],
        lambda w: Session.objects.filter(code="HN-MOI").exists(),
        PROVINCE,
    ),
    Case(
        "a session of a document no campaign covers yet (creates the campaign)",
        "Hội nghị",
        _new_campaign_and_session,
        lambda w: [_session_row("HN-58", "CB1", symbol="58-NQ/TW")],
        lambda w: Session.objects.filter(code="HN-58").exists(),
        STAFF,
    ),
    Case(
        "a bridge point in the cell for the commune's online session",
        "Hội nghị",
        _post("/hoc-tap/hoi-nghi/HN-XA1/diem-cau/", {"host": "CB1", "code": "DC-1"}),
        lambda w: [_session_row("DC-1", "CB1", main="HN-XA1")],
        lambda w: Session.objects.filter(code="DC-1", main__code="HN-XA1").exists(),
        STAFF,
    ),
    Case(
        "a bridge point in the cell for another commune's online session",
        "Hội nghị",
        _post("/hoc-tap/hoi-nghi/HN-XA2/diem-cau/", {"host": "CB1", "code": "DC-1"}),
        lambda w: [_session_row("DC-1", "CB1", main="HN-XA2")],
        lambda w: Session.objects.filter(code="DC-1", main__code="HN-XA2").exists(),
        PROVINCE,
    ),
    # --- Điểm danh
    Case(
        "mark a member of the cell present",
        "Điểm danh",
        _post("/hoc-tap/hoi-nghi/HN-CB1/diem-danh/DV0/", {"status": "co_mat"}),
        lambda w: [{"Mã hội nghị": "HN-CB1", "Mã đảng viên": "DV0", "Trạng thái": "Có mặt"}],
        _attendance("HN-CB1", "DV0"),
        ALL_WRITERS,
    ),
    Case(
        "mark a member of the sibling commune present",
        "Điểm danh",
        _post("/hoc-tap/hoi-nghi/HN-CB3/diem-danh/DVX1/", {"status": "co_mat"}),
        lambda w: [{"Mã hội nghị": "HN-CB3", "Mã đảng viên": "DVX1", "Trạng thái": "Có mặt"}],
        _attendance("HN-CB3", "DVX1"),
        PROVINCE,
    ),
    Case(  # issue 16: one rule for the lock, on the web and in the workbook
        "mark a member present in an approved reporting period",
        "Điểm danh",
        lambda client, w: (
            _lock_cell(w)
            or client.post("/hoc-tap/hoi-nghi/HN-CB1/diem-danh/DV0/", {"status": "co_mat"})
        ),
        lambda w: (
            _lock_cell(w)
            or [{"Mã hội nghị": "HN-CB1", "Mã đảng viên": "DV0", "Trạng thái": "Có mặt"}]
        ),
        _attendance("HN-CB1", "DV0"),
        frozenset(),
    ),
    # --- Báo cáo viên (issue 14)
    Case(
        "recognise a grassroots presenter of the commune",
        "Báo cáo viên",
        _post("/bao-cao-vien/them/", _presenter_form("XA1")),
        lambda w: [_presenter_row("XA1")],
        _presenter("XA1"),
        STAFF,
    ),
    Case(
        "recognise a communicator of the cell",
        "Báo cáo viên",
        _post("/bao-cao-vien/them/", _presenter_form("CB1", level="ttv")),
        lambda w: [_presenter_row("CB1", level="Tuyên truyền viên")],
        _presenter("CB1"),
        STAFF,
    ),
    Case(
        "recognise a presenter of the sibling commune",
        "Báo cáo viên",
        _post("/bao-cao-vien/them/", _presenter_form("XA2")),
        lambda w: [_presenter_row("XA2")],
        _presenter("XA2"),
        PROVINCE,
    ),
    # --- Buổi tuyên truyền, Lớp tập huấn, Học viên, Tài liệu (issue 14)
    Case(
        "record a dissemination event in the cell",
        "Buổi tuyên truyền",
        _outreach_post(
            "tuyen-truyen/them/", code="TT-NEW", unit="CB1", date="01/09/2025", listeners=40
        ),
        lambda w: [
            {
                "Mã buổi": "TT-NEW",
                "Mã đơn vị": "CB1",
                "Ngày": "01/09/2025",
                "Số lượt người nghe": 40,
            }
        ],
        _exists("DisseminationEvent", code="TT-NEW", unit__code="CB1", listeners=40),
        ALL_WRITERS,
    ),
    Case(
        "record a dissemination event in the sibling cell",
        "Buổi tuyên truyền",
        _outreach_post(
            "tuyen-truyen/them/", code="TT-NEW", unit="CB3", date="01/09/2025", listeners=40
        ),
        lambda w: [
            {
                "Mã buổi": "TT-NEW",
                "Mã đơn vị": "CB3",
                "Ngày": "01/09/2025",
                "Số lượt người nghe": 40,
            }
        ],
        _exists("DisseminationEvent", code="TT-NEW", unit__code="CB3"),
        PROVINCE,
    ),
    Case(
        "add a training course of the commune",
        "Lớp tập huấn",
        _outreach_post(
            "tap-huan/them/", code="LOP-NEW", title="Tập huấn", unit="XA1", date_from="01/09/2025"
        ),
        lambda w: [
            {
                "Mã lớp": "LOP-NEW",
                "Tên lớp": "Tập huấn",
                "Mã đơn vị": "XA1",
                "Từ ngày": "01/09/2025",
            }
        ],
        _exists("Course", code="LOP-NEW", unit__code="XA1"),
        STAFF,
    ),
    Case(
        "add a training course of the sibling commune",
        "Lớp tập huấn",
        _outreach_post(
            "tap-huan/them/", code="LOP-NEW", title="Tập huấn", unit="XA2", date_from="01/09/2025"
        ),
        lambda w: [
            {
                "Mã lớp": "LOP-NEW",
                "Tên lớp": "Tập huấn",
                "Mã đơn vị": "XA2",
                "Từ ngày": "01/09/2025",
            }
        ],
        _exists("Course", code="LOP-NEW", unit__code="XA2"),
        PROVINCE,
    ),
    Case(
        "list a member on the commune's course",
        "Học viên",
        _outreach_post("tap-huan/LOP-XA1/hoc-vien/", member="DV1", result="dat"),
        lambda w: [{"Mã lớp": "LOP-XA1", "Mã đảng viên": "DV1", "Kết quả": "Đạt"}],
        _exists("Learner", course__code="LOP-XA1", member__code="DV1", result="dat"),
        STAFF,
    ),
    Case(
        "list a member on the sibling commune's course",
        "Học viên",
        _outreach_post("tap-huan/LOP-XA2/hoc-vien/", member="DVX1", result="dat"),
        lambda w: [{"Mã lớp": "LOP-XA2", "Mã đảng viên": "DVX1", "Kết quả": "Đạt"}],
        _exists("Learner", course__code="LOP-XA2", member__code="DVX1"),
        PROVINCE,
    ),
    Case(
        "publish a material of the commune",
        "Tài liệu",
        _outreach_post(
            "tai-lieu/them/",
            code="TL-NEW",
            title="Đề cương",
            kind="de_cuong",
            unit="XA1",
            date="01/09/2025",
            copies=100,
        ),
        lambda w: [
            {
                "Mã tài liệu": "TL-NEW",
                "Tên tài liệu": "Đề cương",
                "Loại": "Đề cương",
                "Mã đơn vị": "XA1",
                "Ngày": "01/09/2025",
                "Số bản": 100,
            }
        ],
        _exists("Material", code="TL-NEW", unit__code="XA1", copies=100),
        STAFF,
    ),
    Case(
        "publish a material of the sibling commune",
        "Tài liệu",
        _outreach_post(
            "tai-lieu/them/",
            code="TL-NEW",
            title="Đề cương",
            kind="de_cuong",
            unit="XA2",
            date="01/09/2025",
        ),
        lambda w: [
            {
                "Mã tài liệu": "TL-NEW",
                "Tên tài liệu": "Đề cương",
                "Loại": "Đề cương",
                "Mã đơn vị": "XA2",
                "Ngày": "01/09/2025",
            }
        ],
        _exists("Material", code="TL-NEW", unit__code="XA2"),
        PROVINCE,
    ),
    # --- Bài thu hoạch (issue 15): a paper essay graded outside
    Case(
        "record a paper essay of a member of the cell",
        "Bài thu hoạch",
        _paper_essay("DV0"),
        lambda w: [_paper_row("DV0")],
        _paper_essay_exists("DV0"),
        ALL_WRITERS,
    ),
    Case(
        "record a paper essay of a member of the sibling commune",
        "Bài thu hoạch",
        _paper_essay("DVX1"),
        lambda w: [_paper_row("DVX1")],
        _paper_essay_exists("DVX1"),
        PROVINCE,
    ),
]


def _paper_answer(unit: str) -> Callable[[Client, Any], Any]:
    """On the web: the unit's link from its QR page, then the paper form typed in."""

    def run(client: Client, w: Any) -> Any:
        page = client.get("/khao-sat/KS-GIAY/ma-qr/", {"don_vi": unit})
        if page.status_code != 200:
            return page
        return Client().post(page.context["url"], {"vai_tro": "tot", "y_kien": "phiếu giấy"})

    return run


def _paper_survey_row(unit: str) -> dict[str, Any]:
    return {
        "Mã khảo sát": "KS-GIAY",
        "Mã đơn vị": unit,
        "Ngày": _today(),
        "vai_tro": "tot",
        "y_kien": "phiếu giấy",
    }


def _paper_kept(unit: str) -> Callable[[Any], bool]:
    from tuyengiao.surveys.models import Response

    return lambda w: Response.objects.filter(survey__code="KS-GIAY", unit__code=unit).exists()


CASES += [
    # --- Phiếu khảo sát (issue 17): a paper answer of a unit, by whoever may hand out
    # that unit's link
    Case(
        "bring in a paper survey answer of the cell",
        "Phiếu khảo sát",
        _paper_answer("CB1"),
        lambda w: [_paper_survey_row("CB1")],
        _paper_kept("CB1"),
        ALL_WRITERS,
    ),
    Case(
        "bring in a paper survey answer of the sibling commune's cell",
        "Phiếu khảo sát",
        _paper_answer("CB3"),
        lambda w: [_paper_survey_row("CB3")],
        _paper_kept("CB3"),
        PROVINCE,
    ),
    # --- Tin bài, Khen thưởng (issue 17)
    Case(
        "record the commune's radio programmes",
        "Tin bài",
        _post("/tin-bai/them/", _media_form("XA1")),
        lambda w: [_media_row("XA1")],
        _media("XA1"),
        STAFF,
    ),
    Case(
        "record the cell's media output",
        "Tin bài",
        _post("/tin-bai/them/", _media_form("CB1")),
        lambda w: [_media_row("CB1")],
        _media("CB1"),
        STAFF,
    ),
    Case(
        "record the sibling commune's media output",
        "Tin bài",
        _post("/tin-bai/them/", _media_form("XA2")),
        lambda w: [_media_row("XA2")],
        _media("XA2"),
        PROVINCE,
    ),
    Case(
        "award a member of the cell",
        "Khen thưởng",
        _post("/khen-thuong/them/", _award_form("CB1", "DV1")),
        lambda w: [_award_row("CB1", "DV1")],
        _award("CB1"),
        STAFF,
    ),
    Case(
        "award the sibling commune",
        "Khen thưởng",
        _post("/khen-thuong/them/", _award_form("XA2")),
        lambda w: [_award_row("XA2")],
        _award("XA2"),
        PROVINCE,
    ),
    # --- Nhiệm vụ, Kiểm tra giám sát (issue 16)
    Case(
        "give a cell a task of the commune's plan",
        "Nhiệm vụ",
        _task_web("31-KH/ĐU", "XA1", "CB1"),
        _task_rows("31-KH/ĐU", "XA1", "CB1"),
        _task_given("CB1"),
        STAFF,
    ),
    Case(
        "give the sibling commune's cell a task of the province's plan",
        "Nhiệm vụ",
        _task_web("32-KH/TU", "TINH", "CB3"),
        _task_rows("32-KH/TU", "TINH", "CB3"),
        _task_given("CB3"),
        PROVINCE,
    ),
    Case(
        "record the commune's inspection of a cell",
        "Kiểm tra giám sát",
        _round_web("XA1", "CB1"),
        lambda w: [_round_row("XA1", "CB1")],
        _round_recorded("CB1"),
        STAFF,
    ),
    Case(
        "record the province's inspection of the sibling commune's cell",
        "Kiểm tra giám sát",
        _round_web("TINH", "CB3"),
        lambda w: [_round_row("TINH", "CB3")],
        _round_recorded("CB3"),
        PROVINCE,
    ),
]


def test_the_table_covers_every_registered_sheet() -> None:
    assert {s.name for s in registered_sheets()} <= {c.sheet for c in CASES}


class _Undo(Exception):
    pass


def _attempt(run: Callable[[], Any], happened: Callable[[], bool]) -> bool:
    """Run ``run`` in a transaction that is always rolled back; did the change happen?"""
    outcome: dict[str, bool] = {}
    try:
        with transaction.atomic():
            run()
            outcome["happened"] = happened()
            raise _Undo
    except _Undo:
        pass
    return outcome["happened"]


_SURVEY_FORM: dict[str, Any] = {}  # the XLSForm read once (a child process each time)


@pytest.fixture
def door_world(world: Any) -> Any:
    """The root world, a province campaign for 57-NQ/TW, online sessions of both
    communes, a session in each commune's cell, and 58-NQ/TW with no campaign."""
    world.document = _document("57-NQ/TW")
    world.document58 = _document("58-NQ/TW")
    world.campaign = study_services.campaign_create(
        actor=SYSTEM,
        title="Học tập Nghị quyết 57",
        documents=[world.document],
        owner=world.province,
        start=dt.date(2025, 9, 1),
        deadline=dt.date(2025, 12, 31),
    )
    for code, host, online in (
        ("HN-XA1", world.commune, True),
        ("HN-XA2", world.sibling_commune, True),
        ("HN-CB1", world.cell, False),
        ("HN-CB3", world.sibling_cell, False),
    ):
        study_services.session_create(
            actor=SYSTEM,
            campaign=world.campaign,
            code=code,
            host=host,
            date=SESSION_DAY,
            format="truc_tuyen" if online else "truc_tiep",
        )
    assert org_today() >= SESSION_DAY
    from tuyengiao.presenters import services as presenter_services

    for unit in (world.commune, world.sibling_commune):  # courses for the Học viên rows
        presenter_services.course_save(
            actor=SYSTEM,
            data=presenter_services.CourseData(
                code=f"LOP-{unit.code}", title="Tập huấn", unit=unit, date_from=SESSION_DAY
            ),
        )
    from tuyengiao.surveys import services as survey_services
    from tuyengiao.surveys.forms_demo import xlsform

    survey_services.survey_save(
        actor=SYSTEM,
        form=_SURVEY_FORM.get("form")
        or _SURVEY_FORM.setdefault(
            "form", survey_services.read_form("ks.xlsx", xlsform(form_id="KS-GIAY"))
        ),
        unit=world.province,
        date_from=org_today() - dt.timedelta(days=30),
        date_to=org_today() + dt.timedelta(days=30),
    )
    return world


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_import_can_do_exactly_what_the_web_lets_the_role_do(
    door_world: Any, case: Case, role: str
) -> None:
    w = door_world
    user = w.users[role]
    w.current_user = user
    client = Client()
    client.force_login(user)
    by_web = _attempt(lambda: case.web(client, w), lambda: case.happened(w))
    results: list[Any] = []

    def by_import() -> None:
        results.append(
            run_import(
                [("tep.xlsx", workbook(case.sheet, case.rows(w)))], actor=user, dry_run=False
            )
        )

    imported = _attempt(by_import, lambda: case.happened(w))
    result = results[0]
    assert by_web == (role in case.allowed), f"web: {case.name} as {role}"
    assert imported == by_web, (
        f"{case.name} as {role}: web {'allowed' if by_web else 'refused'}, import "
        f"{'allowed' if imported else 'refused'}: {[e.as_text() for e in result.errors]}"
    )
    if not imported:  # refused with the row named, nothing written, no crash
        assert result.errors and not result.committed
        assert all(e.message for e in result.errors)
