"""The unit page's undated details: population and the place on its reports."""

from __future__ import annotations

from typing import Any

import pytest

from tuyengiao.orgs.models import Unit

pytestmark = pytest.mark.django_db


def test_commune_staff_set_population_and_place_in_vietnamese_format(
    client_for: Any, world: Any
) -> None:
    client = client_for("commune")
    page = client.get(f"/don-vi/{world.commune.code}/").content.decode()
    assert f"/don-vi/{world.commune.code}/sua/" in page
    response = client.post(
        f"/don-vi/{world.commune.code}/sua/", {"population": "12.500", "place": "  Tam  Đường "}
    )
    assert response.status_code == 302
    unit = Unit.objects.get(pk=world.commune.pk)
    assert (unit.population, unit.place) == (12500, "Tam Đường")
    page = client.get(f"/don-vi/{world.commune.code}/").content.decode()
    assert "Địa danh: Tam Đường" in page and "dân số 12.500" in page


def test_bad_population_is_a_vietnamese_error_and_changes_nothing(
    client_for: Any, world: Any
) -> None:
    client = client_for("province")
    response = client.post(f"/don-vi/{world.cell.code}/sua/", {"population": "-3", "place": "X"})
    assert response.status_code == 400
    assert "Dân số không được là số âm." in response.content.decode()
    response = client.post(f"/don-vi/{world.cell.code}/sua/", {"population": "nhiều"})
    assert "Dân số phải là một số nguyên, ví dụ 12.500." in response.content.decode()
    # more digits than any column holds: a sentence, not a 500 (it was, on both databases)
    response = client.post(f"/don-vi/{world.cell.code}/sua/", {"population": "9" * 20})
    assert response.status_code == 400
    assert "Dân số quá lớn (tối đa 1.000.000.000)." in response.content.decode()
    unit = Unit.objects.get(pk=world.cell.pk)
    assert (unit.population, unit.place) == (None, "")


def test_the_service_refuses_a_population_no_column_holds(world: Any) -> None:
    """The rule is the service's, for every door (the form only says it earlier)."""
    from django.core.exceptions import ValidationError

    from tuyengiao.orgs import services
    from tuyengiao.orgs.access import SYSTEM

    with pytest.raises(ValidationError, match="Dân số quá lớn"):
        services.unit_update(actor=SYSTEM, unit=world.cell, population=10**12)
    with pytest.raises(ValidationError, match="Dân số quá lớn"):
        services.unit_create(
            actor=SYSTEM,
            code="CB-MOI",
            name="Chi bộ mới",
            kind="Chi bộ",
            parent=world.commune,
            population=10**12,
        )
    assert Unit.objects.get(pk=world.cell.pk).population is None
    assert not Unit.objects.filter(code="CB-MOI").exists()


def test_a_member_cannot_edit_and_a_sibling_unit_is_not_found(client_for: Any, world: Any) -> None:
    assert client_for("member").get(f"/don-vi/{world.cell.code}/sua/").status_code == 403
    client = client_for("commune")
    response = client.post(f"/don-vi/{world.sibling_commune.code}/sua/", {"place": "Hai"})
    assert response.status_code == 404
    assert Unit.objects.get(pk=world.sibling_commune.pk).place == ""


def test_the_change_is_in_the_audit_trail(client_for: Any, world: Any) -> None:
    from auditlog.models import LogEntry

    client_for("commune").post(f"/don-vi/{world.commune.code}/sua/", {"place": "Tam Đường"})
    entry = LogEntry.objects.get_for_object(world.commune).order_by("-timestamp").first()
    assert entry is not None and entry.actor == world.users["commune"]
    assert entry.changes_dict["place"] == ["", "Tam Đường"]


def _post(client: Any, unit_code: str, action: str, **fields: str) -> Any:
    data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
    return client.post(f"/don-vi/{unit_code}/co-cau/", data)


def test_commune_staff_add_a_cell_then_merge_another_into_it_keeping_history(
    client_for: Any, world: Any
) -> None:
    """The 2025 reform from the page: a new cell, an old one merged into it on a
    date; members move with it, the old cell's history maps to the new one."""
    import datetime as dt

    from tuyengiao.orgs import selectors

    client = client_for("commune")
    assert client.get(f"/don-vi/{world.commune.code}/co-cau/").status_code == 200
    response = _post(
        client,
        world.commune.code,
        "add_child",
        code="CB-MOI",
        name="Chi bộ bản Mới",
        kind="Chi bộ",
        on="01/07/2025",
    )
    assert response.status_code == 302
    new = Unit.objects.get(code="CB-MOI")
    assert new.parent == world.commune and new.valid_from == dt.date(2025, 7, 1)
    response = _post(client, world.cell2.code, "merge", into_code="CB-MOI", on="01/07/2025")
    assert response.status_code == 302 and response["Location"] == "/don-vi/CB-MOI/"
    old = Unit.objects.get(pk=world.cell2.pk)
    assert old.valid_to == dt.date(2025, 7, 1)
    assert selectors.successor_today(old) == new
    before = {v.unit_id for v in selectors.subtree_on(world.commune, dt.date(2025, 6, 30))}
    after = {v.unit_id for v in selectors.subtree_on(world.commune, dt.date(2025, 7, 1))}
    assert old.pk in before and new.pk not in before
    assert new.pk in after and old.pk not in after


def test_rename_and_errors_in_vietnamese_without_change(client_for: Any, world: Any) -> None:
    client = client_for("province")
    response = _post(client, world.cell.code, "rename", name="Chi bộ Một", on="32/13/2025")
    assert response.status_code == 400
    assert "Ngày phải có dạng dd/mm/yyyy." in response.content.decode()
    response = _post(client, world.cell.code, "dissolve", on="01/08/2025")
    assert response.status_code == 400
    assert "còn đảng viên sinh hoạt" in response.content.decode()
    assert Unit.objects.get(pk=world.cell.pk).valid_to is None
    response = _post(client, world.cell.code, "rename", name="Chi bộ bản Một A", on="01/08/2025")
    assert response.status_code == 302
    import datetime as dt

    from tuyengiao.orgs.selectors import version_on

    after, before = (
        version_on(world.cell, dt.date(2025, 8, 1)),
        version_on(world.cell, dt.date(2025, 7, 31)),
    )
    assert after is not None and after.name == "Chi bộ bản Một A"
    assert before is not None and before.name == "Chi bộ bản Một"


def test_a_unit_outside_scope_is_named_like_a_missing_one(client_for: Any, world: Any) -> None:
    client = client_for("commune")
    for code in (world.sibling_commune.code, "KHONG-CO"):
        response = _post(client, world.cell.code, "move", parent_code=code, on="01/08/2025")
        assert response.status_code == 400
        assert f"Không tìm thấy đơn vị mã {code} trong phạm vi của bạn." in (
            response.content.decode()
        )
    assert Unit.objects.get(pk=world.cell.pk).parent == world.commune
    assert (
        _post(client, world.sibling_cell.code, "rename", name="X", on="01/08/2025").status_code
        == 404
    )
    assert client_for("member").get(f"/don-vi/{world.cell.code}/co-cau/").status_code == 403
