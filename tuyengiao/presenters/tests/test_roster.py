"""The roster: services with their permission checks, serving on a date, pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.presenters import selectors, services
from tuyengiao.presenters.models import Presenter, PresenterLevel

from .conftest import level, save, status

pytestmark = pytest.mark.django_db


def _data(world: Any, **kwargs: Any) -> services.PresenterData:
    values: dict[str, Any] = {
        "code": "BCV-N",
        "full_name": "Vàng A Páo",
        "level": level("co_so"),
        "unit": world.commune,
        "status": status("cong_nhan"),
        "valid_from": dt.date(2025, 8, 1),
    }
    values.update(kwargs)
    return services.PresenterData(**values)


def test_save_creates_then_changes_nothing_then_updates(world: Any) -> None:
    actor = world.users["commune"]
    presenter, outcome = services.presenter_save(actor=actor, data=_data(world))
    assert outcome == "created"
    assert (presenter.family_name, presenter.middle_name, presenter.given_name) == (
        "Vàng",
        "A",
        "Páo",
    )
    assert services.presenter_save(actor=actor, data=_data(world))[1] == "unchanged"
    _, outcome = services.presenter_save(actor=actor, data=_data(world, languages="mông"))
    assert outcome == "updated"
    assert Presenter.objects.get(code="BCV-N").languages == "Mông"


@pytest.mark.parametrize("persona", ["secretary", "member", "outsider", "unassigned"])
def test_only_staff_of_the_recognising_unit_may_save(world: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.presenter_save(actor=world.users[persona], data=_data(world))
    assert not Presenter.objects.exists()


def test_no_actor_is_refused(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.presenter_save(actor=None, data=_data(world))


def test_commune_staff_cannot_move_a_presenter_of_the_province(world: Any) -> None:
    save(code="BCV-T", full_name="Lò Văn Thắng", level="tinh", unit=world.province)
    with pytest.raises(PermissionDenied):
        services.presenter_save(
            actor=world.users["commune"], data=_data(world, code="BCV-T", level=level("tinh"))
        )


def test_district_level_ends_with_the_district_tier(world: Any) -> None:
    with pytest.raises(ValidationError, match="trước ngày 01/07/2025"):
        services.presenter_save(
            actor=world.users["province"], data=_data(world, level=level("huyen"))
        )
    presenter, _ = services.presenter_save(
        actor=world.users["province"],
        data=_data(world, level=level("huyen"), valid_from=dt.date(2022, 3, 1)),
    )
    assert presenter.level.code == "huyen"


def test_relieved_needs_a_last_day_and_dates_in_order(world: Any) -> None:
    with pytest.raises(ValidationError, match="Đến ngày"):
        services.presenter_save(
            actor=world.users["commune"], data=_data(world, status=status("thoi"))
        )
    with pytest.raises(ValidationError, match="phải sau"):
        services.presenter_save(
            actor=world.users["commune"], data=_data(world, valid_until=dt.date(2025, 1, 1))
        )


def test_levels_are_data(world: Any) -> None:
    """A level added by a new regulation is a row, usable at once."""
    PresenterLevel.objects.create(code="xa", name="Báo cáo viên cấp xã", label="Xã", order=35)
    presenter, _ = services.presenter_save(
        actor=world.users["commune"], data=_data(world, level=level("xa"))
    )
    assert presenter.level.name == "Báo cáo viên cấp xã"


def test_decision_links_a_registered_document(world: Any) -> None:
    from tuyengiao.documents import services as documents

    document = documents.document_create(
        actor=SYSTEM, symbol="125-QĐ/ĐU", title="Quyết định công nhận báo cáo viên"
    )
    presenter, _ = services.presenter_save(
        actor=world.users["commune"], data=_data(world, decision_symbol="125-QĐ/ĐU")
    )
    assert presenter.decision == document
    other, _ = services.presenter_save(
        actor=world.users["commune"], data=_data(world, code="BCV-M", decision_symbol="9-QĐ/ĐU")
    )
    assert other.decision is None and other.decision_symbol == "9-QĐ/ĐU"


def test_serving_on_a_date_is_one_query(world: Any, roster: dict[str, Any]) -> None:
    def serving(day: dt.date) -> set[str]:
        return set(
            Presenter.objects.filter(selectors.serving_q(day)).values_list("code", flat=True)
        )

    assert serving(dt.date(2025, 9, 30)) == {"BCV-T1", "BCV-X1", "TTV-X1", "BCV-X9", "BCV-Y1"}
    assert serving(dt.date(2025, 10, 1)) == {"BCV-T1", "BCV-X1", "TTV-X1", "BCV-Y1"}
    assert serving(dt.date(2025, 6, 30)) == set()


# --- pages -----------------------------------------------------------------------------


def test_roster_page_searches_without_diacritics_and_sorts_by_given_name(
    client_for: Any, roster: dict[str, Any]
) -> None:
    client = client_for("commune")
    page = client.get(reverse("presenters:roster")).content.decode()
    # XA1's subtree, serving today: Ân (TTV) before Yến; not the province's, not XA2's.
    assert page.index("Đặng Văn Ân") < page.index("Nguyễn Thị Yến")
    assert "Lò Văn Thắng" not in page and "Hà Thị Lan" not in page
    assert "Trần Văn Bình" not in page  # relieved on 30/09/2025
    assert (
        "Trần Văn Bình" in client.get(reverse("presenters:roster") + "?tat_ca=1").content.decode()
    )
    found = client.get(reverse("presenters:roster") + "?q=yen").content.decode()
    assert "Nguyễn Thị Yến" in found and "Đặng Văn Ân" not in found


def test_roster_is_paged(client_for: Any, world: Any) -> None:
    for i in range(60):
        save(code=f"TTV-{i:03d}", full_name=f"Lò Văn Tòng {i}", level="ttv", unit=world.cell)
    page = client_for("commune").get(reverse("presenters:roster")).content.decode()
    assert "Trang 1/2" in page and page.count("<td>TTV-0") == 50


def test_roster_of_a_unit_out_of_scope_is_404(client_for: Any, roster: dict[str, Any]) -> None:
    client = client_for("commune")
    assert client.get(reverse("presenters:roster") + "?don_vi=XA2").status_code == 404
    assert client.get(reverse("presenters:detail", args=["BCV-Y1"])).status_code == 404
    # the province's presenter is visible (an ancestor's roster) but not editable
    assert client.get(reverse("presenters:detail", args=["BCV-T1"])).status_code == 200
    assert client.get(reverse("presenters:edit", args=["BCV-T1"])).status_code == 403


def test_add_and_edit_through_the_form(client_for: Any, world: Any) -> None:
    client = client_for("commune")
    response = client.post(
        reverse("presenters:new"),
        {
            "code": "BCV-W",
            "member_code": "DV1",
            "full_name": "",
            "level": "co_so",
            "unit": "XA1",
            "status": "cong_nhan",
            "valid_from": "01/08/2025",
            "theory": "trung_cap",
            "languages": "Thái",
        },
    )
    assert response.status_code == 302, response.content.decode()
    presenter = Presenter.objects.get(code="BCV-W")
    assert presenter.full_name == "Trần Thị Bình" and presenter.member == world.members[1]
    response = client.post(
        reverse("presenters:edit", args=["BCV-W"]),
        {
            "member_code": "DV1",
            "full_name": "Trần Thị Bình",
            "level": "co_so",
            "unit": "XA1",
            "status": "thoi",
            "valid_from": "01/08/2025",
            "valid_until": "31/10/2025",
        },
    )
    assert response.status_code == 302
    presenter.refresh_from_db()
    assert presenter.status.code == "thoi" and presenter.valid_until == dt.date(2025, 10, 31)
    detail = client.get(reverse("presenters:detail", args=["BCV-W"])).content.decode()
    assert "31/10/2025" in detail and "Miễn nhiệm" in detail


def test_form_errors_keep_the_input(client_for: Any, world: Any) -> None:
    client = client_for("commune")
    response = client.post(
        reverse("presenters:new"),
        {
            "code": "BCV-E",
            "full_name": "Lò Thị Hoa",
            "level": "huyen",
            "unit": "XA1",
            "status": "cong_nhan",
            "valid_from": "01/08/2025",
        },
    )
    assert response.status_code == 400
    assert "trước ngày 01/07/2025" in response.content.decode()
    assert not Presenter.objects.filter(code="BCV-E").exists()
    # a unit out of scope cannot be chosen
    response = client.post(
        reverse("presenters:new"),
        {
            "code": "BCV-E",
            "full_name": "Lò Thị Hoa",
            "level": "co_so",
            "unit": "XA2",
            "status": "cong_nhan",
        },
    )
    assert response.status_code == 400 and not Presenter.objects.filter(code="BCV-E").exists()


def test_secretary_reads_but_may_not_add(client_for: Any, roster: dict[str, Any]) -> None:
    client = client_for("secretary")
    assert client.get(reverse("presenters:new")).status_code == 403
    assert client.get(reverse("presenters:detail", args=["TTV-X1"])).status_code == 200
    assert client.get(reverse("presenters:edit", args=["TTV-X1"])).status_code == 403
