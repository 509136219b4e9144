"""Demo data: the demo province's presenters and communicators.

Province presenters recognised by the Provincial Committee (Quyết định
125-QĐ/TU), district presenters of before the reform (relieved on 30/06/2025),
grassroots presenters and communicators in most communes — two communes have
none, so the unit page flags them — and the presenters named on the study
demo's conferences. Deterministic and idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from tuyengiao.lib.numbers import format_int
from tuyengiao.orgs import selectors as org_selectors
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.demo import REFORM, _person
from tuyengiao.orgs.models import Unit

from . import selectors, services
from .models import Presenter, PresenterLevel, PresenterStatus

FIRST = "BCV-TU-01"
DECISION = "125-QĐ/TU"
RECOGNISED = dt.date(2022, 3, 15)
LANGUAGES = ["Thái", "Mông", "Dao", "Hà Nhì", "Lự", "Giáy", ""]
DEGREES = ["Đại học", "Đại học", "Thạc sĩ", "Thạc sĩ", "Tiến sĩ"]
TOPICS = [
    "Xây dựng Đảng",
    "Kinh tế - xã hội",
    "Quốc phòng, an ninh",
    "Khoa học, công nghệ và chuyển đổi số",
    "Văn hoá, dân tộc",
]
# Communes left without a presenter, so that the unit page has something to flag.
WITHOUT = {"X-DAOSANG", "X-BUMNUA"}


@transaction.atomic
def build(seed: int = 973) -> str:
    province = Unit.objects.filter(code="TU-LC").first()
    if province is None or Presenter.objects.filter(code=FIRST).exists():
        return ""
    if not PresenterLevel.objects.exists():  # emptied by a test's flush: put the data back
        from importlib import import_module

        from django.apps import apps

        import_module("tuyengiao.presenters.migrations.0002_levels_statuses").seed(apps, None)
    rng = random.Random(seed)  # noqa: S311  seeded generator for demo data, not a secret
    level = {lv.code: lv for lv in PresenterLevel.objects.all()}
    status = {s.code: s for s in PresenterStatus.objects.all()}
    made: list[Presenter] = []

    def add(code: str, unit: Unit, lvl: str, **kwargs: object) -> Presenter:
        name = _person(rng)[0]
        presenter, _ = services.presenter_save(
            actor=SYSTEM,
            data=services.PresenterData(
                code=code,
                full_name=str(kwargs.pop("full_name", name)),
                level=level[lvl],
                unit=unit,
                status=status[str(kwargs.pop("status", "cong_nhan"))],
                **kwargs,  # type: ignore[arg-type]
            ),
        )
        made.append(presenter)
        return presenter

    province_ones = [
        add(
            f"BCV-TU-{i:02d}",
            province,
            "tinh",
            valid_from=RECOGNISED,
            decision_symbol=DECISION,
            theory=rng.choice(["cao_cap", "cao_cap", "cu_nhan"]),
            degree=rng.choice(DEGREES[1:]),
            topics=rng.choice(TOPICS),
            languages=rng.choice(LANGUAGES),
        )
        for i in range(1, 13)
    ]
    add(
        "BCV-TW-01",
        province,
        "tw",
        valid_from=dt.date(2021, 12, 15),
        theory="cao_cap",
        degree="Tiến sĩ",
        topics="Xây dựng Đảng",
    )
    # Before the reform: district presenters, relieved when the districts ended.
    for district in Unit.objects.filter(code__startswith="H-").order_by("code"):
        for i in range(1, 4):
            add(
                f"BCV-{district.code}-{i}",
                district,
                "huyen",
                status="thoi",
                valid_from=dt.date(2021, 6, 1),
                valid_until=REFORM - dt.timedelta(days=1),
                theory=rng.choice(["trung_cap", "cao_cap"]),
                degree="Đại học",
            )
    communes = [v.unit for v in org_selectors.children_on(province, REFORM)]
    by_commune: dict[int, list[Presenter]] = {}
    for commune in communes:
        if commune.code in WITHOUT or not selectors.is_commune(commune.kind):
            continue
        own = [
            add(
                f"BCV-{commune.code}-{i}",
                commune,
                "co_so",
                valid_from=REFORM + dt.timedelta(days=rng.randint(10, 60)),
                theory=rng.choice(["trung_cap", "trung_cap", "cao_cap", "cu_nhan"]),
                degree=rng.choice(DEGREES[:3]),
                languages=rng.choice(LANGUAGES),
            )
            for i in range(1, rng.randint(2, 3) + 1)
        ]
        cells = list(org_selectors.children_on(commune, dt.date(2025, 9, 1)))
        for j, cell in enumerate(cells[: rng.randint(2, 4)], start=1):
            add(
                f"TTV-{commune.code}-{j}",
                cell.unit,
                "ttv",
                valid_from=REFORM + dt.timedelta(days=rng.randint(10, 90)),
                theory=rng.choice(["so_cap", "trung_cap"]),
                languages=rng.choice(LANGUAGES),
            )
        by_commune[commune.pk] = own
    named = _name_on_sessions(province_ones, by_commune)
    return (
        f"Đã tạo đội ngũ báo cáo viên mẫu: {format_int(len(made))} người, "
        f"ghi tên trên {format_int(named)} hội nghị."
    )


def _name_on_sessions(
    province_ones: list[Presenter], by_commune: dict[int, list[Presenter]]
) -> int:
    """The province's presenters on the provincial conference, each commune's own on
    its commune session (the study demo's codes)."""
    from tuyengiao.study.models import Session

    named = 0
    main = Session.objects.filter(code="HN-TU-57").first()
    if main is not None:
        services.session_presenters_set(actor=SYSTEM, session=main, presenters=province_ones[:2])
        named += 1
    for session in Session.objects.filter(code__startswith="HN-57-").select_related("host"):
        own = by_commune.get(session.host_id, [])
        if own:
            services.session_presenters_set(actor=SYSTEM, session=session, presenters=own[:1])
            named += 1
    return named
