"""Demo data: the demo province's media output and its awards and models.

For the two quarters after the 2025 reform: the Provincial Committee's news
items, radio and television programmes in Vietnamese and in Mông, Dao and Thái
(many on Nghị quyết 57-NQ/TW), each commune's news items and web articles, and
a few communes' radio programmes in their own language; commemorative medals for
members, certificates of merit for communes and cells, exemplary models and good
practices. Deterministic and idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from tuyengiao.lib.numbers import format_int
from tuyengiao.orgs import selectors as org_selectors
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Member, Membership, Unit, valid_on_q

from . import services
from .models import Award, AwardKind, MediaKind

QUARTERS = [
    (dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
    (dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
]
DOCUMENT = "57-NQ/TW"
LANGUAGES = ["Mông", "Dao", "Thái"]
FIRST_AWARD = "KT-TU-001"
MODELS = [
    "Mô hình “Dân vận khéo” trong xây dựng nông thôn mới",
    "Mô hình “Chi bộ 4 tốt, đảng viên 4 gương mẫu”",
    "Cách làm hay: sinh hoạt chi bộ chuyên đề chuyển đổi số",
    "Mô hình “Mỗi đảng viên một việc làm vì Nhân dân”",
]


@transaction.atomic
def build(seed: int = 17) -> str:
    province = Unit.objects.filter(code="TU-LC").first()
    if province is None or Award.objects.filter(code=FIRST_AWARD).exists():
        return ""
    if not MediaKind.objects.exists():  # emptied by a test's flush: put the data back
        from importlib import import_module

        from django.apps import apps

        import_module("tuyengiao.media.migrations.0002_kinds").seed(apps, None)
    rng = random.Random(seed)  # noqa: S311  seeded generator for demo data, not a secret
    media = {k.code: k for k in MediaKind.objects.all()}
    kinds = {k.code: k for k in AwardKind.objects.all()}
    made = 0

    def output(unit: Unit, kind: str, count: int, **kwargs: object) -> None:
        nonlocal made
        for start, end in QUARTERS:
            services.media_output_save(
                actor=SYSTEM,
                data=services.MediaData(
                    unit=unit,
                    date_from=start,
                    date_to=end,
                    kind=media[kind],
                    count=max(count + rng.randint(-count // 4, count // 4), 0),
                    **kwargs,  # type: ignore[arg-type]
                ),
            )
            made += 1

    output(province, "tin_bai", 180, document_symbol=DOCUMENT)
    output(province, "tin_bai", 240)
    output(province, "phong_su", 12, minutes=180, document_symbol=DOCUMENT)
    output(province, "chuyen_muc", 26)
    output(province, "phat_thanh", 90, minutes=1350)
    output(province, "truyen_hinh", 45, minutes=900)
    output(province, "trang_ttdt", 150, document_symbol=DOCUMENT)
    for language in LANGUAGES:
        output(province, "phat_thanh", 60, minutes=900, language=language)
        output(province, "truyen_hinh", 26, minutes=390, language=language)
    communes = [v.unit for v in org_selectors.children_on(province, QUARTERS[0][0])]
    for i, commune in enumerate(communes):
        output(commune, "tin_bai", rng.randint(6, 30))
        if i % 2 == 0:
            output(commune, "trang_ttdt", rng.randint(4, 20), document_symbol=DOCUMENT)
        if i % 3 == 0:
            output(
                commune, "phat_thanh", rng.randint(8, 24), minutes=240, language=LANGUAGES[i % 3]
            )
    awards = _awards(province, communes, kinds, rng)
    return (
        f"Đã tạo số liệu tin bài mẫu ({format_int(made)} dòng) và "
        f"{format_int(awards)} khen thưởng, điển hình, mô hình."
    )


def _member_of(unit: Unit, day: dt.date) -> Member | None:
    membership = (
        Membership.objects.filter(valid_on_q(day), unit__path__startswith=unit.path)
        .select_related("member")
        .order_by("member__code")
        .first()
    )
    return membership.member if membership else None


def _awards(
    province: Unit, communes: list[Unit], kinds: dict[str, AwardKind], rng: random.Random
) -> int:
    made = 0

    def add(kind: str, name: str, unit: Unit, day: dt.date, **kwargs: object) -> None:
        nonlocal made
        made += 1
        services.award_save(
            actor=SYSTEM,
            data=services.AwardData(
                code=f"KT-TU-{made:03d}",
                kind=kinds[kind],
                name=name,
                unit=unit,
                date=day,
                **kwargs,  # type: ignore[arg-type]
            ),
        )

    medal_day = dt.date(2025, 8, 1)
    for commune in communes[:8]:
        member = _member_of(commune, medal_day)
        if member is not None:
            add(
                "ky_niem_chuong",
                "Kỷ niệm chương Vì sự nghiệp Tuyên giáo",
                commune,
                medal_day,
                member=member,
                decision_symbol="125-QĐ/BTGDVTW",
            )
    merit_day = dt.date(2025, 11, 20)
    for commune in communes[: max(len(communes) // 2, 1)]:
        add(
            "bang_khen",
            "Bằng khen có thành tích xuất sắc trong học tập, quán triệt Nghị quyết 57-NQ/TW",
            commune,
            merit_day,
            decision_symbol="210-QĐ/TU",
            document_symbol=DOCUMENT,
        )
    for commune in communes[::3]:
        for cell in [v.unit for v in org_selectors.children_on(commune, merit_day)][:2]:
            add(
                "giay_khen",
                "Giấy khen chi bộ tiêu biểu trong tuyên truyền",
                cell,
                merit_day,
                decision_symbol="",
            )
    for i, commune in enumerate(communes[1::4]):
        add(
            "mo_hinh",
            MODELS[i % len(MODELS)],
            commune,
            dt.date(2025, 12, 10),
            document_symbol=DOCUMENT if rng.random() < 0.5 else "",
        )
    for commune in communes[2::5]:
        add(
            "dien_hinh",
            "Điển hình tiên tiến trong học tập và làm theo tư tưởng, đạo đức, phong cách "
            "Hồ Chí Minh",
            commune,
            dt.date(2025, 12, 10),
            person_name="Sùng A Pao" if rng.random() < 0.5 else "",
        )
    return made
