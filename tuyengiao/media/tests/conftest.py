from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.media import access, services
from tuyengiao.media.models import AwardKind, MediaKind


def media_kind(code: str) -> MediaKind:
    return MediaKind.objects.get(code=code)


def award_kind(code: str) -> AwardKind:
    return AwardKind.objects.get(code=code)


def record(unit: Any, kind: str, count: int, actor: Any = None, **kwargs: Any) -> Any:
    """Media output through the service (system actor unless given), by default for
    the third quarter of 2025."""
    values: dict[str, Any] = {
        "date_from": dt.date(2025, 7, 1),
        "date_to": dt.date(2025, 9, 30),
    }
    values.update(kwargs)
    output, _ = services.media_output_save(
        actor=actor or access.SYSTEM,
        data=services.MediaData(unit=unit, kind=media_kind(kind), count=count, **values),
    )
    return output


def award(code: str, unit: Any, kind: str, actor: Any = None, **kwargs: Any) -> Any:
    values: dict[str, Any] = {"name": f"Khen thưởng {code}", "date": dt.date(2025, 9, 2)}
    values.update(kwargs)
    saved, _ = services.award_save(
        actor=actor or access.SYSTEM,
        data=services.AwardData(code=code, kind=award_kind(kind), unit=unit, **values),
    )
    return saved


@pytest.fixture
def document(world: Any) -> Any:
    from tuyengiao.documents import services as documents

    return documents.document_create(
        actor=access.SYSTEM,
        symbol="57-NQ/TW",
        title="Về đột phá phát triển khoa học, công nghệ",
        issue_date=dt.date(2024, 12, 22),
    )


@pytest.fixture
def outputs(world: Any, document: Any) -> list[Any]:
    """Media output across the tree in the second half of 2025, and two records that
    fall outside it (one before, one straddling its end)."""
    w = world
    return [
        record(w.province, "tin_bai", 120, document_symbol="57-NQ/TW"),
        record(w.province, "phat_thanh", 30, minutes=450, language="Mông"),
        record(w.province, "phat_thanh", 40, minutes=600),
        record(w.commune, "tin_bai", 25),
        record(
            w.commune,
            "truyen_hinh",
            6,
            minutes=90,
            language="tiếng Dao",
            document_symbol="Nghị quyết số 57-NQ/TW",
        ),
        record(
            w.cell, "trang_ttdt", 8, date_from=dt.date(2025, 10, 1), date_to=dt.date(2025, 12, 31)
        ),
        record(w.sibling_commune, "tin_bai", 14, language="Mông"),
        record(w.sibling_cell, "phong_su", 2, minutes=30),
        # outside the second half: before it, and straddling its end
        record(
            w.commune, "tin_bai", 99, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 3, 31)
        ),
        record(
            w.commune, "tin_bai", 77, date_from=dt.date(2025, 12, 1), date_to=dt.date(2026, 1, 31)
        ),
    ]


@pytest.fixture
def awards(world: Any, document: Any) -> list[Any]:
    w = world
    return [
        award("KNC-1", w.cell, "ky_niem_chuong", member=w.members[0], name="Kỷ niệm chương"),
        award("KNC-2", w.commune, "ky_niem_chuong", person_name="Lò Thị Mai"),
        award("BK-1", w.commune, "bang_khen", decision_symbol="15-QĐ/TU"),
        award("BK-2", w.cell, "bang_khen", member=w.members[1], document_symbol="57-NQ/TW"),
        award("GK-1", w.sibling_cell, "giay_khen"),
        award("DH-1", w.cell, "dien_hinh", name="Chi bộ bản Một tiêu biểu"),
        award(
            "MH-1",
            w.sibling_commune,
            "mo_hinh",
            name="Mô hình dân vận khéo",
            document_symbol="57-NQ/TW",
        ),
        award("MH-0", w.commune, "mo_hinh", date=dt.date(2025, 3, 1)),  # before the period
    ]
