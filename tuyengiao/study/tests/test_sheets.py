"""The ``Hội nghị`` and ``Điểm danh`` sheets through the import framework."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl

from tuyengiao.imports.framework import run_import
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.study.exports import attendance_workbook
from tuyengiao.study.models import Attendance, Campaign, Session, Status

SESSION_HEADERS = [
    "Mã hội nghị",
    "Mã đơn vị",
    "Số hiệu văn bản",
    "Tên hội nghị",
    "Ngày",
    "Hình thức",
    "Mã hội nghị chính",
    "Số lượt người khác tham dự",
    "Số lượt nhân dân được tuyên truyền",
]


def book(sessions: list[list[Any]], attendance: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Hội nghị"
    ws.append(SESSION_HEADERS)
    for r in sessions:
        ws.append(r)
    ws2 = wb.create_sheet("Điểm danh")
    ws2.append(["Mã hội nghị", "Mã đảng viên", "trang thai"])
    for r in attendance:
        ws2.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


SESSIONS = [
    ["HN-1", "XA1", "57-NQ/TW", "Học tập NQ 57", "15/09/2025", "Kết hợp", "", "12", "1.200"],
    ["HN-1-CB2", "CB2", "57-nq/tw", "", "15/09/2025", "truc tuyen", "HN-1", "", "300"],
    ["HN-2", "CB1", "57-NQ/TW", "", "20/09/2025", "Trực tiếp", "", "", ""],
]
ATTENDANCE = [
    ["HN-1", "DV0", "Có mặt"],
    ["HN-1", "DV1", "vang co ly do"],
    ["HN-1-CB2", "DV3", "Có mặt"],
    ["HN-2", "DV1", "Có mặt"],
]


def test_import_creates_campaign_sessions_bridge_points_and_attendance(
    world: Any, document: Any
) -> None:
    result = run_import([("b.xlsx", book(SESSIONS, ATTENDANCE))], actor=SYSTEM, dry_run=False)
    assert result.ok, [e.as_text() for e in result.errors]
    campaign = Campaign.objects.get()
    assert campaign.owner == world.province  # topmost unit of the hosts' tree
    assert campaign.start == dt.date(2025, 9, 15)
    assert any("Đã tạo đợt học tập" in n for n in result.counts["Hội nghị"].notes)
    bp = Session.objects.get(code="HN-1-CB2")
    assert bp.main is not None and bp.main.code == "HN-1" and bp.public_reached == 300
    assert Session.objects.get(code="HN-1").public_reached == 1200
    assert result.counts["Điểm danh"].created == 4
    assert Attendance.objects.get(session__code="HN-1", member__code="DV1").status == Status.EXCUSED
    again = run_import([("b.xlsx", book(SESSIONS, ATTENDANCE))], actor=SYSTEM, dry_run=False)
    assert again.ok and not again.changed
    assert Campaign.objects.count() == 1


def test_session_uses_existing_covering_campaign(study: Any) -> None:
    result = run_import([("b.xlsx", book(SESSIONS, ATTENDANCE))], actor=SYSTEM, dry_run=False)
    assert result.ok, [e.as_text() for e in result.errors]
    assert set(
        Session.objects.filter(code__in=["HN-1", "HN-1-CB2", "HN-2"]).values_list(
            "campaign", flat=True
        )
    ) == {study.campaign.pk}


def test_every_error_is_reported_and_nothing_written(study: Any) -> None:
    bad_sessions = [
        *SESSIONS,
        ["HN-3", "KHONGCO", "99-NQ/TW", "", "20/09/2025", "Họp", "", "-1", ""],
        ["HN-4", "CB1", "57-NQ/TW", "", "20/09/2025", "Trực tiếp", "HN-2", "", ""],
        ["HN-5", "CB1", "57-NQ/TW", "", "01/08/2025", "Trực tiếp", "", "", ""],
    ]
    bad_attendance = [
        *ATTENDANCE,
        ["HN-2", "DV1", "Có mặt"],  # duplicate pair
        ["HN-2", "KHONGCO", "Có mặt"],
        ["HN-9", "DV1", "Có mặt"],
        ["HN-2", "DV0", "đến muộn"],
    ]
    result = run_import(
        [("b.xlsx", book(bad_sessions, bad_attendance))], actor=SYSTEM, dry_run=False
    )
    texts = [e.as_text() for e in result.errors]
    joined = "\n".join(texts)
    assert "Trang 'Hội nghị', dòng 5, cột 'Hình thức' (giá trị: 'Họp')" in joined
    assert "dòng 5, cột 'Số lượt người khác tham dự'" in joined
    assert "dòng 6, cột 'Mã hội nghị chính'" in joined  # in-person main session
    assert (
        "Trang 'Điểm danh', dòng 6, cột 'Mã đảng viên' (giá trị: 'DV1'): Trùng với dòng 5" in joined
    )
    assert "dòng 7, cột 'Mã đảng viên' (giá trị: 'KHONGCO'): Không tìm thấy đảng viên." in joined
    assert "dòng 8, cột 'Mã hội nghị'" in joined
    assert "dòng 9, cột 'Trạng thái'" in joined
    assert not Session.objects.filter(code__in=["HN-1", "HN-2", "HN-3"]).exists()
    assert not Attendance.objects.exists()


def test_date_before_campaign_and_member_outside_host_are_rejected(study: Any) -> None:
    early = [["HN-5", "CB1", "57-NQ/TW", "", "01/08/2025", "Trực tiếp", "", "", ""]]
    result = run_import([("b.xlsx", book(early, []))], actor=SYSTEM, dry_run=False)
    assert any("Trước ngày bắt đầu đợt học tập (01/09/2025)" in e.message for e in result.errors)
    outside = [["HN-2", "CB1", "57-NQ/TW", "", "20/09/2025", "Trực tiếp", "", "", ""]]
    result = run_import(
        [("b.xlsx", book(outside, [["HN-2", "DVX1", "Có mặt"], ["HN-2", "DV3", "Có mặt"]]))],
        actor=SYSTEM,
        dry_run=False,
    )
    texts = [e.as_text() for e in result.errors]
    assert len(texts) == 2 and all("không sinh hoạt trong phạm vi" in t for t in texts)
    assert not Session.objects.filter(code="HN-2").exists()


def test_scoped_actor_cannot_import_outside_their_unit(study: Any) -> None:
    rows = [["HN-2", "CB3", "57-NQ/TW", "", "20/09/2025", "Trực tiếp", "", "", ""]]
    result = run_import([("b.xlsx", book(rows, []))], actor=study.users["secretary"], dry_run=False)
    assert any("ngoài phạm vi" in e.message for e in result.errors)
    result = run_import(
        [("b.xlsx", book([], [["HN-CB3-01", "DVX1", "Có mặt"]]))],
        actor=study.users["secretary"],
        dry_run=False,
    )
    assert any("ngoài phạm vi" in e.message for e in result.errors)
    assert not Attendance.objects.exists()


def test_export_round_trips(study: Any) -> None:
    from tuyengiao.study import services

    services.attendance_mark(
        actor=SYSTEM, session=study.session, member=study.members[0], status=Status.PRESENT
    )
    services.attendance_mark(
        actor=SYSTEM, session=study.session, member=study.members[1], status=Status.ABSENT
    )
    data = attendance_workbook(study.session)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    rows = list(wb["Điểm danh"].iter_rows(values_only=True))
    assert rows[1][:3] == ("HN-CB1-01", "DV0", "Có mặt")
    result = run_import([("xuat.xlsx", data)], actor=study.users["secretary"], dry_run=False)
    assert result.ok, [e.as_text() for e in result.errors]
    assert not result.changed


def test_repeated_bad_values_are_listed_on_every_row(study: Any) -> None:
    rows = [["HN-2", f"DV{i}", "đến muộn"] for i in range(3)] + [["HN-2", "DV0", "đến muộn "]]
    result = run_import([("b.xlsx", book(SESSIONS[2:], rows))], actor=SYSTEM, dry_run=False)
    texts = [e.as_text() for e in result.errors]
    for line in (2, 3, 4, 5):
        assert any(
            t.startswith(f"Trang 'Điểm danh', dòng {line}, cột 'Trạng thái' (giá trị: 'đến muộn")
            for t in texts
        ), texts
    assert len(texts) == 4
    assert not Attendance.objects.exists()


def test_dry_run_counts_what_a_commit_writes_and_writes_nothing(study: Any) -> None:
    data = book(SESSIONS, ATTENDANCE)
    preview = run_import([("b.xlsx", data)], actor=SYSTEM, dry_run=True)
    assert preview.ok, [e.as_text() for e in preview.errors]
    assert not preview.committed and preview.counts["Điểm danh"].created == 4
    assert not Attendance.objects.exists() and not Session.objects.filter(code="HN-1").exists()
    done = run_import([("b.xlsx", data)], actor=SYSTEM, dry_run=False)
    assert {k: c.as_dict() for k, c in done.counts.items()} == {
        k: c.as_dict() for k, c in preview.counts.items()
    }
    changed = [*ATTENDANCE[:3], ["HN-2", "DV1", "Vắng không lý do"]]
    again = run_import([("b.xlsx", book(SESSIONS, changed))], actor=SYSTEM, dry_run=False)
    counts = again.counts["Điểm danh"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 3)
    assert Attendance.objects.get(session__code="HN-2", member__code="DV1").status == Status.ABSENT


def test_attendance_of_members_written_by_the_same_workbook(study: Any) -> None:
    from tuyengiao.imports.tests.test_workbook_import import MEMBER_HEADERS

    wb = openpyxl.load_workbook(io.BytesIO(book(SESSIONS[2:], [["HN-2", "DVMOI", "Có mặt"]])))
    members = wb.create_sheet("Đảng viên")
    members.append(MEMBER_HEADERS)
    members.append(["DVMOI", "Nguyễn Văn Mới", "Nam", "", "CB1", "01/01/2025", "", ""])
    out = io.BytesIO()
    wb.save(out)
    result = run_import([("b.xlsx", out.getvalue())], actor=SYSTEM, dry_run=False)
    assert result.ok, [e.as_text() for e in result.errors]
    assert result.counts["Điểm danh"].created == 1
    assert Attendance.objects.get(session__code="HN-2").member.code == "DVMOI"
