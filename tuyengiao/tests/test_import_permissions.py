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
from typing import Any

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
