"""Creating a province's commune committees from the official list (issue 13, item 1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from tuyengiao.orgs import official, services
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import OfficialListRun, Unit

IMMEDIATE = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "ENQUEUE_ON_COMMIT": False,  # the test transaction never commits
    }
}
LAI_CHAU = "12"


def test_the_list_holds_the_34_provinces_and_3321_communes() -> None:
    provinces = official.provinces()
    assert len(provinces) == 34
    communes = [c for p in provinces for c in official.communes(p.code)]
    assert len(communes) == 3321
    assert len({c.code for c in communes}) == 3321
    assert all(len(c.code) == 5 and c.code.isdigit() for c in communes)
    assert {c.kind for c in communes} == {"Xã", "Phường", "Đặc khu"}
    assert sum(1 for c in communes if c.kind == "Đặc khu") == 13
    assert len(official.communes(LAI_CHAU)) == 38
    # Vietnamese order of names, not the order of codes or of bytes.
    names = [p.short for p in provinces]
    assert names.index("An Giang") == 0
    assert names.index("Bắc Ninh") < names.index("Cà Mau") < names.index("Đà Nẵng")
    assert names.index("Đồng Tháp") < names.index("Gia Lai")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Xã Đắk song", "Xã Đắk Song"),
        ("Xã  Đắk   Song ", "Xã Đắk Song"),
        ("Đặc khu Côn Đảo", "Đặc khu Côn Đảo"),
        ("Phường 1", "Phường 1"),
        ("Xa\u0300 Tam Đường", "Xã Tam Đường"),  # NFD in, NFC out
    ],
)
def test_known_flaws_of_the_source_are_cleaned(raw: str, clean: str) -> None:
    assert official.clean_name(raw) == clean


def test_each_commune_becomes_its_party_committee() -> None:
    by_kind = {c.kind: c for c in official.communes("91")}
    assert by_kind["Đặc khu"].party_kind == "Đảng ủy đặc khu"
    assert by_kind["Đặc khu"].party_name.startswith("Đảng ủy đặc khu ")
    assert by_kind["Xã"].party_kind == "Đảng ủy xã"
    assert by_kind["Phường"].party_kind == "Đảng ủy phường"
    assert official.guess_province("Tỉnh ủy Lai Châu").code == LAI_CHAU  # type: ignore[union-attr]
    assert official.guess_province("Thanh uy Ha Noi").code == "01"  # type: ignore[union-attr]
    assert official.guess_province("Tỉnh ủy Thử") is None


def _preview(client: Any) -> Any:
    return client.get(f"/don-vi/TINH/danh-muc-xa/?tinh={LAI_CHAU}")


def test_province_staff_preview_then_create_the_ticked_communes(
    client_for: Any, world: Any, settings: Any
) -> None:
    settings.TASKS = IMMEDIATE
    client = client_for("province")
    page = _preview(client)
    assert page.status_code == 200
    html = page.content.decode()
    assert len(page.content) < 200_000
    assert html.count('name="ma"') == 38
    assert "Đảng ủy xã Sìn Hồ" in html and "01/07/2025" in html
    codes = [c.code for c in official.communes(LAI_CHAU)][:3]
    response = client.post(
        "/don-vi/TINH/danh-muc-xa/",
        {"tinh": LAI_CHAU, "hieu_luc_tu": "01/07/2025", "ma": codes},
    )
    assert response.status_code == 302
    run = OfficialListRun.objects.get()
    assert response["Location"] == f"/don-vi/TINH/danh-muc-xa/{run.pk}/"
    assert (run.status, run.created, run.skipped) == ("done", 3, 0)
    made = Unit.objects.filter(admin_code__in=codes).order_by("admin_code")
    assert [u.parent_id for u in made] == [world.province.pk] * 3
    first = official.communes(LAI_CHAU)[0]
    unit = Unit.objects.get(admin_code=first.code)
    assert (unit.code, unit.name, unit.kind) == (
        f"TINH-{first.code}",
        first.party_name,
        first.party_kind,
    )
    assert unit.valid_from == dt.date(2025, 7, 1)
    assert unit.place == first.short
    assert unit.versions.count() == 1
    world.province.refresh_from_db()
    assert world.province.admin_code == LAI_CHAU
    status = client.get(response["Location"])
    assert "Đã tạo 3 đơn vị" in status.content.decode()

    # The same request again creates nothing: the communes are already there.
    again = _preview(client).content.decode()
    assert again.count('name="ma"') == 35
    client.post(
        "/don-vi/TINH/danh-muc-xa/", {"tinh": LAI_CHAU, "hieu_luc_tu": "01/07/2025", "ma": codes}
    )
    assert Unit.objects.filter(admin_code__in=codes).count() == 3


def test_a_commune_already_in_the_tree_by_name_is_kept(
    client_for: Any, world: Any, settings: Any
) -> None:
    from tuyengiao.orgs import services

    settings.TASKS = IMMEDIATE
    first = official.communes(LAI_CHAU)[0]
    services.unit_create(
        actor=SYSTEM, code="CO-SAN", name=first.party_name, kind="Đảng ủy xã", parent=world.province
    )
    client = client_for("province")
    html = _preview(client).content.decode()
    assert "CO-SAN" in html and html.count('name="ma"') == 37
    client.post(
        "/don-vi/TINH/danh-muc-xa/",
        {"tinh": LAI_CHAU, "hieu_luc_tu": "01/07/2025", "ma": [first.code]},
    )
    run = OfficialListRun.objects.get()
    assert (run.status, run.created, run.skipped) == ("done", 0, 1), run.message
    assert not Unit.objects.filter(admin_code=first.code).exists()


def test_refusals_change_nothing(client_for: Any, world: Any, settings: Any) -> None:
    settings.TASKS = IMMEDIATE
    client = client_for("province")
    code = official.communes(LAI_CHAU)[0].code
    future = client.post(
        "/don-vi/TINH/danh-muc-xa/", {"tinh": LAI_CHAU, "hieu_luc_tu": "31/12/2099", "ma": [code]}
    )
    assert future.status_code == 400
    assert "tương lai" in future.content.decode()
    none = client.post("/don-vi/TINH/danh-muc-xa/", {"tinh": LAI_CHAU, "hieu_luc_tu": ""})
    assert "Chưa chọn" in none.content.decode()
    other = client.post(
        "/don-vi/TINH/danh-muc-xa/", {"tinh": "01", "ma": [code]}
    )  # a Lai Châu code under Hà Nội
    assert "không thuộc danh mục" in other.content.decode()
    assert not OfficialListRun.objects.exists()
    assert not Unit.objects.filter(admin_code=code).exists()


@pytest.mark.parametrize(("persona", "status"), [("commune", 404), ("member", 404)])
def test_outside_scope_is_404(client_for: Any, world: Any, persona: str, status: int) -> None:
    client = client_for(persona)
    assert _preview(client).status_code == status
    assert client.post("/don-vi/TINH/danh-muc-xa/", {"tinh": LAI_CHAU}).status_code == status


def test_the_unit_page_offers_the_list_to_a_province(client_for: Any, world: Any) -> None:
    from tuyengiao.orgs import services

    services.unit_update(actor=SYSTEM, unit=world.province, population=None, place="Lai Châu")
    html = client_for("province").get("/don-vi/TINH/").content.decode()
    assert f"/don-vi/TINH/danh-muc-xa/?tinh={LAI_CHAU}" in html
    assert "danh-muc-xa" not in client_for("province").get("/don-vi/XA1/").content.decode()


def test_the_system_actor_cannot_request_a_run(world: Any) -> None:
    """The worker creates the units later with the requester's rights, so a run needs an
    account: the system actor is refused with a message, not a database error."""
    code = official.communes(LAI_CHAU)[0].code
    with pytest.raises(PermissionDenied, match="tài khoản"):
        services.official_list_request(
            actor=SYSTEM,
            parent=world.province,
            province_code=LAI_CHAU,
            codes=[code],
            valid_from=dt.date(2025, 7, 1),
        )
    assert not OfficialListRun.objects.exists()


def test_an_unexpected_failure_creates_nothing_and_the_page_stops_waiting(
    client_for: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuyengiao.orgs import selectors

    def broken(*args: object) -> Any:
        raise RuntimeError("lost the database")

    codes = [c.code for c in official.communes(LAI_CHAU)][:2]
    run = services.official_list_request(
        actor=world.users["province"],
        parent=world.province,
        province_code=LAI_CHAU,
        codes=codes,
        valid_from=dt.date(2025, 7, 1),
    )
    monkeypatch.setattr(selectors, "official_preview", broken)
    with pytest.raises(RuntimeError):  # re-raised: the task's result keeps the traceback
        services.official_list_run(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.message) == ("failed", services.OFFICIAL_SYSTEM_ERROR)
    assert not Unit.objects.filter(admin_code__in=codes).exists()
    page = client_for("province").get(f"/don-vi/TINH/danh-muc-xa/{run.pk}/").content.decode()
    assert services.OFFICIAL_SYSTEM_ERROR in page
    assert "every 2s" not in page


def _one_commune_request(world: Any) -> OfficialListRun:
    """A request for the first commune of Lai Châu's list, not yet run."""
    return services.official_list_request(
        actor=world.users["province"],
        parent=world.province,
        province_code=LAI_CHAU,
        codes=[official.communes(LAI_CHAU)[0].code],
        valid_from=dt.date(2025, 7, 1),
    )


def test_a_request_queued_for_over_a_minute_says_no_worker_took_it(
    client_for: Any, world: Any
) -> None:
    from django.utils import timezone

    run = _one_commune_request(world)
    client = client_for("province")
    url = f"/don-vi/TINH/danh-muc-xa/{run.pk}/"
    warning = "Chưa có tiến trình nền nào nhận yêu cầu này sau 1 phút"
    assert warning not in client.get(url).content.decode()
    OfficialListRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=61)
    )
    stale = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert warning in stale and "every 2s" in stale  # still waiting for the worker


def test_a_run_whose_worker_died_says_it_stopped_and_stops_asking(
    client_for: Any, world: Any
) -> None:
    from django.utils import timezone

    run = _one_commune_request(world)
    client = client_for("province")
    url = f"/don-vi/TINH/danh-muc-xa/{run.pk}/"
    stopped = "Tiến trình nền đã dừng khi đang tạo các đơn vị"
    OfficialListRun.objects.filter(pk=run.pk).update(
        status=OfficialListRun.Status.RUNNING, started_at=timezone.now() - dt.timedelta(minutes=1)
    )
    running = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert stopped not in running and "every 2s" in running
    OfficialListRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=16)
    )
    page = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert stopped in page and "every 2s" not in page
    assert "/don-vi/TINH/danh-muc-xa/" in page  # ask again
    # the task records when it started
    done = services.official_list_run(run_id=run.pk)
    assert done.status == OfficialListRun.Status.DONE and done.started_at is not None
