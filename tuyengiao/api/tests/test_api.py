"""``/api/v1/`` with API keys: a key reads its unit's subtree as its account would,
writes only when it may, and every refusal is JSON in Vietnamese."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from tuyengiao.api import keys
from tuyengiao.api.models import ApiKey
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Assignment, Role
from tuyengiao.study import services as study
from tuyengiao.study.models import Attendance, Session, Source
from tuyengiao.tests import factories

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 9, 1)


@pytest.fixture
def sessions(world: Any) -> dict[str, Any]:
    document = factories.document("35-CT/TW", "về đại hội")
    out = {}
    for owner, host, code in (
        (world.commune, world.cell, "HN-CB1"),
        (world.sibling_commune, world.sibling_cell, "HN-CB3"),
    ):
        campaign = study.campaign_create(
            actor=SYSTEM,
            title=f"Học tập ({owner.code})",
            documents=[document],
            owner=owner,
            start=DAY,
            deadline=dt.date(2025, 12, 31),
        )
        out[code] = study.session_create(
            actor=SYSTEM, campaign=campaign, code=code, host=host, date=DAY
        )
    return out


def _key(world: Any, persona: str, unit: Any, *, write: bool = False) -> str:
    _, text = keys.key_create(
        actor=world.users[persona], name="Phần mềm tỉnh", unit=unit, can_write=write, days=30
    )
    return text


def _api(text: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def test_a_key_reads_its_subtree_and_nothing_else(world: Any, sessions: Any) -> None:
    client = _api(_key(world, "commune", world.commune))
    units = client.get("/api/v1/units").json()
    assert [u["code"] for u in units["items"]] == ["XA1", "CB1", "CB2"]
    assert units["items"][1]["parent"] == "XA1" and units["next_offset"] is None
    listed = client.get("/api/v1/sessions", {"date_from": "2025-09-01"}).json()
    assert [s["code"] for s in listed["items"]] == ["HN-CB1"]
    assert client.get("/api/v1/sessions/HN-CB3").status_code == 404  # the sibling's
    assert client.get("/api/v1/units/XA2").status_code == 404
    missing = client.get("/api/v1/sessions/HN-CB3/attendance")
    assert missing.status_code == 404 and "Không tìm thấy" in missing.json()["detail"]


def test_a_key_narrows_its_account_to_its_unit(world: Any, sessions: Any) -> None:
    """Commune staff make a key for cell CB2: it sees CB2 only, not the commune."""
    client = _api(_key(world, "commune", world.cell2))
    assert [u["code"] for u in client.get("/api/v1/units").json()["items"]] == ["CB2"]
    assert client.get("/api/v1/sessions/HN-CB1").status_code == 404  # hosted by CB1


def test_paging_is_bounded_and_continues(world: Any, sessions: Any) -> None:
    client = _api(_key(world, "province", world.province))
    first = client.get("/api/v1/units", {"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_offset"] == 2
    rest = client.get("/api/v1/units", {"limit": 2, "offset": 2}).json()
    assert {u["code"] for u in first["items"]} & {u["code"] for u in rest["items"]} == set()
    too_many = client.get("/api/v1/units", {"limit": 501})
    assert too_many.status_code == 400
    assert too_many.json()["errors"][0] == {"field": "query.limit", "message": "lớn quá"}


def test_a_writing_key_sets_attendance_all_or_nothing(world: Any, sessions: Any) -> None:
    client = _api(_key(world, "secretary", world.cell, write=True))
    url = "/api/v1/sessions/HN-CB1/attendance"
    rows = [
        {"member": world.members[0].code, "status": "co_mat"},
        {"member": world.members[1].code, "status": "vang_co_ly_do"},
    ]
    bad = [
        *rows,
        {"member": world.members[3].code, "status": "co_mat"},  # CB2: outside the host
        {"member": "KHONGCO", "status": "di_choi"},
    ]
    refused = client.put(url, json.dumps({"rows": bad}), content_type="application/json")
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [
        (3, "mã đảng viên"),
        (4, "trạng thái"),
        (4, "mã đảng viên"),
    ]
    assert "không sinh hoạt trong phạm vi Chi bộ bản Một" in errors[0]["message"]
    assert not Attendance.objects.exists()

    done = client.put(url, json.dumps({"rows": rows}), content_type="application/json")
    assert done.status_code == 200 and done.json() == {"created": 2, "updated": 0, "unchanged": 0}
    again = client.put(url, json.dumps({"rows": rows}), content_type="application/json")
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2}
    assert set(Attendance.objects.values_list("source", flat=True)) == {Source.API}
    read = client.get(url).json()["items"]
    assert [(r["member"], r["status"]) for r in read] == [
        ("DV0", "co_mat"),
        ("DV1", "vang_co_ly_do"),
    ]


def test_a_reading_key_writes_nothing(world: Any, sessions: Any) -> None:
    client = _api(_key(world, "secretary", world.cell))
    body = json.dumps({"rows": [{"member": world.members[0].code, "status": "co_mat"}]})
    refused = client.put(
        "/api/v1/sessions/HN-CB1/attendance", body, content_type="application/json"
    )
    assert refused.status_code == 403 and "không có quyền" in refused.json()["detail"]
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "header",
    ["", "Bearer ", "Bearer tg_x_y", "Bearer tg_0123456789_wrong", "Basic dGluaDpkZW1v", "Token x"],
)
def test_no_key_no_entry(world: Any, header: str) -> None:
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Thiếu khóa API")


def test_a_signed_in_browser_is_not_a_key(world: Any, client: Any) -> None:
    """The session cookie opens the pages, never the API (no CSRF to forge)."""
    client.force_login(world.users["province"])
    assert client.get("/api/v1/units").status_code == 401


def test_revoked_expired_and_moved_keys_are_refused(world: Any) -> None:
    text = _key(world, "commune", world.cell)
    key = ApiKey.objects.get()
    assert _api(text).get("/api/v1/units").status_code == 200
    assert key.__class__.objects.get().last_used_at is not None
    ApiKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _api(text).get("/api/v1/units").status_code == 401
    ApiKey.objects.update(expires_at=timezone.now() + dt.timedelta(days=1))
    # the account moved to the sibling commune: its key no longer covers CB1
    Assignment.objects.filter(user=world.users["commune"]).update(unit=world.sibling_commune)
    assert _api(text).get("/api/v1/units").status_code == 401
    Assignment.objects.filter(user=world.users["commune"]).update(unit=world.commune)
    keys.key_revoke(actor=world.users["province"], key=key)  # staff above may revoke
    assert _api(text).get("/api/v1/units").status_code == 401


def test_who_may_make_and_revoke_keys(world: Any) -> None:
    with pytest.raises(PermissionDenied):  # a member
        keys.key_create(
            actor=world.users["member"], name="x", unit=world.cell, can_write=False, days=1
        )
    with pytest.raises(PermissionDenied):  # outside the secretary's cell
        keys.key_create(
            actor=world.users["secretary"], name="x", unit=world.commune, can_write=False, days=1
        )
    with pytest.raises(ValidationError):
        keys.key_create(
            actor=world.users["secretary"], name="x", unit=world.cell, can_write=False, days=9999
        )
    key, _ = keys.key_create(
        actor=world.users["secretary"], name="x", unit=world.cell, can_write=False, days=1
    )
    with pytest.raises(PermissionDenied):  # the sibling commune's staff
        keys.key_revoke(actor=world.users["outsider"], key=key)
    assert Assignment.objects.get(user=world.users["secretary"]).role == Role.CELL_SECRETARY


def test_the_keys_page_makes_shows_once_and_revokes(world: Any, client: Any) -> None:
    client.force_login(world.users["commune"])
    page = client.get("/khoa-api/")
    assert page.status_code == 200 and "Tạo khóa" in page.content.decode()
    made = client.post(
        "/khoa-api/", {"name": "Sổ tay đảng viên", "unit": "CB1", "can_write": "on", "days": "30"}
    )
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    key = ApiKey.objects.get()
    html = made.content.decode()
    assert f"tg_{key.prefix}_" in html and key.can_write and key.unit == world.cell
    listed = client.get("/khoa-api/").content.decode()
    assert "Sổ tay đảng viên" in listed and "chưa dùng" in listed and key.digest not in listed
    assert client.post(f"/khoa-api/{key.pk}/thu-hoi/").status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    bad = client.post("/khoa-api/", {"name": "", "unit": "XA2", "days": "0"})
    assert bad.status_code == 400 and ApiKey.objects.count() == 1
    assert 'href="/khoa-api/"' in client.get("/").content.decode()  # in the user menu
    client.force_login(world.users["member"])
    assert client.get("/khoa-api/").status_code == 404
    assert 'href="/khoa-api/"' not in client.get("/").content.decode()


def test_the_schema_describes_the_calls(world: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert {"/api/v1/units", "/api/v1/sessions/{code}/attendance"} <= set(schema["paths"])
    assert "put" in schema["paths"]["/api/v1/sessions/{code}/attendance"]


def test_every_key_sees_exactly_its_subtree(world: Any, sessions: Any) -> None:
    """Every unit a key can be made for, against every unit and session of the world:
    200 inside the key's subtree, 404 outside (never a 403 that tells it exists)."""
    everything = [
        world.province,
        world.commune,
        world.cell,
        world.cell2,
        world.sibling_commune,
        world.sibling_cell,
    ]
    hosts = {"HN-CB1": world.cell, "HN-CB3": world.sibling_cell}
    for key_unit in everything:
        client = _api(_key(world, "province", key_unit))
        for unit in everything:
            inside = unit.path.startswith(key_unit.path)
            got = client.get(f"/api/v1/units/{unit.code}").status_code
            assert got == (200 if inside else 404), (key_unit.code, unit.code, got)
        for code, host in hosts.items():
            inside = host.path.startswith(key_unit.path)
            for url in (f"/api/v1/sessions/{code}", f"/api/v1/sessions/{code}/attendance"):
                got = client.get(url).status_code
                assert got == (200 if inside else 404), (key_unit.code, url, got)
        listed = {u["code"] for u in client.get("/api/v1/units").json()["items"]}
        assert listed == {u.code for u in everything if u.path.startswith(key_unit.path)}


def test_a_body_too_large_or_too_long_is_refused(world: Any, sessions: Any, settings: Any) -> None:
    client = _api(_key(world, "secretary", world.cell, write=True))
    url = "/api/v1/sessions/HN-CB1/attendance"
    rows = [{"member": "DV0", "status": "co_mat"}] * (study.ROWS_LIMIT + 1)
    too_long = client.put(url, json.dumps({"rows": rows}), content_type="application/json")
    assert too_long.status_code == 400
    assert too_long.json()["errors"][0] == {"field": "body.rows", "message": "quá nhiều phần tử"}
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = client.put(url, json.dumps({"rows": rows[:100]}), content_type="application/json")
    assert big.status_code in (400, 413) and not Attendance.objects.exists()
    garbage = client.put(url, b"\x00{not json", content_type="application/json")
    assert garbage.status_code == 400


IMMEDIATE = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "ENQUEUE_ON_COMMIT": False,  # the test transaction never commits
    }
}


def test_a_reading_key_asks_for_a_report_and_reads_its_json(
    world: Any, sessions: Any, settings: Any
) -> None:
    settings.TASKS = IMMEDIATE
    study.attendance_set_rows(
        actor=SYSTEM,
        session=sessions["HN-CB1"],
        rows=[study.AttendanceRow(m.code, "co_mat") for m in world.members[:3]],
    )
    client = _api(_key(world, "commune", world.commune))
    body = {"unit": "XA1", "date_from": "2025-01-01", "date_to": "2025-12-31"}
    asked = client.post("/api/v1/reports", json.dumps(body), content_type="application/json")
    assert asked.status_code == 202
    job = asked.json()
    assert job["status"] == "done" and job["content"].endswith(
        f"/api/v1/reports/{job['id']}/content"
    )
    assert client.get(f"/api/v1/reports/{job['id']}").json()["progress"] == 100
    report = client.get(f"/api/v1/reports/{job['id']}/content")
    assert report.status_code == 200 and report["Content-Type"] == "application/json"
    totals = report.json()["sections"]["study"]["totals"]
    assert (totals["person_times"], totals["members_attended"]) == (3, 3)

    other = _api(_key(world, "province", world.province))  # another account's key
    assert other.get(f"/api/v1/reports/{job['id']}").status_code == 404
    sibling = {**body, "unit": "XA2"}
    outside = client.post("/api/v1/reports", json.dumps(sibling), content_type="application/json")
    assert outside.status_code == 404


def test_a_report_of_an_empty_period_says_why(world: Any, sessions: Any, settings: Any) -> None:
    settings.TASKS = IMMEDIATE
    client = _api(_key(world, "secretary", world.cell))
    body = {"unit": "CB1", "date_from": "2020-01-01", "date_to": "2020-01-31"}
    job = client.post("/api/v1/reports", json.dumps(body), content_type="application/json").json()
    assert job["status"] == "failed" and job["content"] is None and job["message"]
    late = client.get(f"/api/v1/reports/{job['id']}/content")
    assert late.status_code == 409 and late.json()["detail"] == job["message"]
    backwards = {**body, "date_from": "2020-02-01"}
    refused = client.post("/api/v1/reports", json.dumps(backwards), content_type="application/json")
    assert (
        refused.status_code == 400 and "Khoảng thời gian không hợp lệ" in refused.json()["detail"]
    )


def test_campaigns_are_read_with_their_documents(world: Any, sessions: Any) -> None:
    client = _api(_key(world, "secretary", world.cell))
    listed = client.get("/api/v1/campaigns").json()["items"]
    assert [c["title"] for c in listed] == ["Học tập (XA1)"]  # the commune's, studied by CB1
    (campaign,) = listed
    assert campaign["owner"] == "XA1" and campaign["documents"] == ["35-CT/TW"]
    assert campaign["member_target"] == 95.0 and campaign["audiences"] == ["members"]
    assert sessions["HN-CB1"].campaign_id == campaign["id"]
    later = client.get("/api/v1/campaigns", {"active_on": "2026-06-01"}).json()["items"]
    assert later == []


def test_a_wrong_method_is_told_in_vietnamese(world: Any) -> None:
    client = _api(_key(world, "commune", world.commune))
    refused = client.delete("/api/v1/units")
    assert refused.status_code == 405 and refused["Allow"] == "GET"
    assert refused.json() == {"detail": "Phương thức DELETE không dùng được ở đây; dùng GET."}
    assert client.get("/api/v1/units").status_code == 200


def test_a_key_needs_no_csrf_token(world: Any, sessions: Any) -> None:
    """Django's CSRF check stays on for the pages; the API's calls carry no cookie to
    forge, so a program's PUT is not refused for want of a token."""
    client = Client(enforce_csrf_checks=True)
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer " + _key(
        world, "secretary", world.cell, write=True
    )
    body = json.dumps({"rows": [{"member": world.members[0].code, "status": "co_mat"}]})
    done = client.put("/api/v1/sessions/HN-CB1/attendance", body, content_type="application/json")
    assert done.status_code == 200
    page = client.post("/khoa-api/", {"name": "x"})  # a page: refused without the token
    assert page.status_code == 403


def test_making_and_revoking_a_key_are_in_the_audit_trail(world: Any, client: Any) -> None:
    from auditlog.models import LogEntry

    client.force_login(world.users["commune"])
    client.post("/khoa-api/", {"name": "Sổ tay", "unit": "CB1", "days": "30"})
    key = ApiKey.objects.get()
    client.post(f"/khoa-api/{key.pk}/thu-hoi/")
    entries = LogEntry.objects.get_for_object(key).order_by("timestamp")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert all(e.actor == world.users["commune"] for e in entries)
    assert key.digest not in str(entries[0].changes) and "revoked_at" in str(entries[1].changes)


def test_a_conference_above_is_seen_but_not_its_list_of_names(world: Any, sessions: Any) -> None:
    """The commune's conference: a cell's key reads the session (as its secretary's pages
    do) but not who of the other cells attended (the grid is the host's)."""
    study.session_create(
        actor=SYSTEM,
        campaign=sessions["HN-CB1"].campaign,
        code="HN-XA1",
        host=world.commune,
        date=DAY,
    )
    study.attendance_set_rows(
        actor=SYSTEM,
        session=Session.objects.get(code="HN-XA1"),
        rows=[study.AttendanceRow(world.members[3].code, "co_mat")],  # of CB2
    )
    cell = _api(_key(world, "secretary", world.cell))
    assert cell.get("/api/v1/sessions/HN-XA1").status_code == 200
    refused = cell.get("/api/v1/sessions/HN-XA1/attendance")
    assert refused.status_code == 403 and "DV3" not in refused.content.decode()
    commune = _api(_key(world, "commune", world.commune))
    rows = commune.get("/api/v1/sessions/HN-XA1/attendance").json()["items"]
    assert [r["member"] for r in rows] == ["DV3"]
