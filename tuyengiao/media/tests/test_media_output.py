"""Media output: the service's rules and permissions, and the pages that call it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuyengiao.media import services
from tuyengiao.media.models import MediaOutput

from .conftest import media_kind, record

pytestmark = pytest.mark.django_db


def _data(unit: Any, **kwargs: Any) -> services.MediaData:
    values: dict[str, Any] = {
        "date_from": dt.date(2025, 7, 1),
        "date_to": dt.date(2025, 9, 30),
        "kind": media_kind("phat_thanh"),
        "count": 12,
        "minutes": 180,
        "language": "tiếng mông",
    }
    values.update(kwargs)
    return services.MediaData(unit=unit, **values)


def test_a_row_is_matched_by_unit_period_kind_language_and_document(
    world: Any, document: Any
) -> None:
    user = world.users["commune"]
    first, outcome = services.media_output_save(
        actor=user, data=_data(world.commune, document_symbol="nghị quyết số 57 - nq/tw")
    )
    assert outcome == "created"
    assert (first.language, first.document_symbol, first.document) == ("Mông", "57-NQ/TW", document)
    same, outcome = services.media_output_save(
        actor=user, data=_data(world.commune, language="Mông", document_symbol="57-NQ/TW")
    )
    assert (same.pk, outcome) == (first.pk, "unchanged")
    _, outcome = services.media_output_save(
        actor=user, data=_data(world.commune, count=13, document_symbol="57-NQ/TW")
    )
    assert outcome == "updated" and MediaOutput.objects.get().count == 13
    # another language is another record
    services.media_output_save(actor=user, data=_data(world.commune, language="Dao"))
    assert MediaOutput.objects.count() == 2


def test_vietnamese_is_the_blank_language(world: Any) -> None:
    for spelling in ("", "Tiếng Việt", "tieng viet", "Kinh"):
        assert services.language_clean(spelling) == ""
    assert services.language_clean(" tiếng  Hà Nhì ") == "Hà Nhì"
    output = record(world.commune, "tin_bai", 5, language="Tiếng Việt")
    assert output.language == "" and output.language_label == "Tiếng Việt"


def test_overlapping_periods_are_refused(world: Any) -> None:
    record(world.commune, "tin_bai", 5)
    with pytest.raises(ValidationError) as refused:
        record(
            world.commune,
            "tin_bai",
            6,
            date_from=dt.date(2025, 9, 1),
            date_to=dt.date(2025, 12, 31),
        )
    assert "chồng lên kỳ này" in refused.value.messages[0]
    # the next quarter, or another kind, is fine
    record(
        world.commune, "tin_bai", 6, date_from=dt.date(2025, 10, 1), date_to=dt.date(2025, 12, 31)
    )
    record(
        world.commune, "phong_su", 1, date_from=dt.date(2025, 9, 1), date_to=dt.date(2025, 12, 31)
    )
    assert MediaOutput.objects.count() == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date_to": dt.date(2025, 6, 30)}, "'Đến ngày' phải từ 'Từ ngày' trở đi."),
        ({"count": -1}, "Số lượng phải là số nguyên không âm."),
        ({"minutes": -5}, "Thời lượng phải là số phút không âm."),
    ],
)
def test_bad_figures_are_refused_in_vietnamese(world: Any, change: Any, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.media_output_save(
            actor=world.users["province"], data=_data(world.commune, **change)
        )
    assert message in refused.value.messages


@pytest.mark.parametrize("persona", ["secretary", "member", "outsider"])
def test_only_staff_of_the_subtree_record(world: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.media_output_save(actor=world.users[persona], data=_data(world.cell))
    assert not MediaOutput.objects.exists()


def test_no_actor_is_refused(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.media_output_save(actor=None, data=_data(world.cell))


def test_a_change_needs_the_old_unit_too(world: Any) -> None:
    output = record(world.sibling_commune, "tin_bai", 3)
    with pytest.raises(PermissionDenied):
        services.media_output_save(
            actor=world.users["commune"], data=_data(world.commune), output=output
        )
    assert MediaOutput.objects.get().unit == world.sibling_commune


# --- pages --------------------------------------------------------------------------------


def test_record_on_the_web_and_see_it_in_the_list(world: Any, client_for: Any) -> None:
    client = client_for("commune")
    response = client.post(
        "/tin-bai/them/",
        {
            "unit": "CB1",
            "date_from": "01/07/2025",
            "date_to": "30/09/2025",
            "kind": "truyen_hinh",
            "language": "Mông",
            "count": "4",
            "minutes": "120",
        },
    )
    assert response.status_code == 302
    output = MediaOutput.objects.get()
    assert (output.unit, output.count, output.minutes) == (world.cell, 4, 120)
    page = client.get(response["Location"]).content.decode()
    assert "Chương trình truyền hình" in page and "Mông" in page and "120" in page
    assert "1 số liệu · 4 sản phẩm · 120 phút" in page


def test_the_form_shows_the_services_refusal(world: Any, client_for: Any) -> None:
    record(world.cell, "truyen_hinh", 1, language="Mông")
    response = client_for("commune").post(
        "/tin-bai/them/",
        {
            "unit": "CB1",
            "date_from": "01/09/2025",
            "date_to": "31/10/2025",
            "kind": "truyen_hinh",
            "language": "mông",
            "count": "4",
        },
    )
    assert response.status_code == 400
    assert "chồng lên kỳ này" in response.content.decode()
    assert MediaOutput.objects.count() == 1


def test_edit_on_the_web(world: Any, client_for: Any) -> None:
    output = record(world.cell, "tin_bai", 3)
    client = client_for("province")
    form = client.get(f"/tin-bai/{output.pk}/sua/").content.decode()
    assert 'value="01/07/2025"' in form
    response = client.post(
        f"/tin-bai/{output.pk}/sua/",
        {
            "unit": "CB1",
            "date_from": "01/07/2025",
            "date_to": "30/09/2025",
            "kind": "tin_bai",
            "count": "9",
        },
    )
    assert response.status_code == 302
    output.refresh_from_db()
    assert output.count == 9


def test_the_list_is_filtered_by_unit_and_period(world: Any, client_for: Any) -> None:
    record(world.cell, "tin_bai", 3, language="Thái")
    record(world.sibling_cell, "tin_bai", 4, language="Lự")
    record(
        world.cell,
        "tin_bai",
        5,
        language="Giáy",
        date_from=dt.date(2024, 1, 1),
        date_to=dt.date(2024, 3, 31),
    )
    client = client_for("province")
    page = client.get("/tin-bai/", {"don_vi": "XA1", "tu": "01/01/2025", "den": "31/12/2025"})
    html = page.content.decode()
    assert "Thái" in html and "Lự" not in html and "Giáy" not in html
    # the member of CB1 sees CB1's records, not XA2's
    html = client_for("member").get("/tin-bai/", {"tu": "01/01/2025", "den": "31/12/2025"})
    assert "Thái" in html.content.decode() and "Lự" not in html.content.decode()


def test_the_unit_panel_says_this_years_figures(world: Any, client_for: Any) -> None:
    from tuyengiao.orgs.selectors import today

    from .conftest import award

    year = today().year
    record(
        world.cell,
        "phat_thanh",
        7,
        minutes=105,
        date_from=dt.date(year, 1, 1),
        date_to=dt.date(year, 3, 31),
    )
    record(
        world.sibling_cell,
        "tin_bai",
        50,
        date_from=dt.date(year, 1, 1),
        date_to=dt.date(year, 3, 31),
    )
    award("MH-P", world.cell, "mo_hinh", date=dt.date(year, 2, 1))
    award("GK-P", world.cell, "giay_khen", date=dt.date(year, 2, 1))
    award("GK-OLD", world.cell, "giay_khen", date=dt.date(year - 1, 2, 1))
    client = client_for("commune")
    html = client.get("/tin-bai/don-vi/XA1/", HTTP_HX_REQUEST="true").content.decode()
    assert (
        "7 tin, bài, chương trình tuyên truyền (105 phút) · 1 khen thưởng · 1 điển hình, mô hình"
        in html
    )
    assert "<html" not in html
    assert f"Tin bài, khen thưởng năm {year}</h2>" in html  # a year, not "2.026"
    page = client.get("/don-vi/XA1/").content.decode()
    assert 'hx-get="/tin-bai/don-vi/XA1/"' in page
