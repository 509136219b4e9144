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
    if province is None:
        return ""
    if Presenter.objects.filter(code=FIRST).exists():
        return build_outreach(province)
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
        f"ghi tên trên {format_int(named)} hội nghị. {build_outreach(province)}"
    ).strip()


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


# --- dissemination events, courses, materials, languages of communes -------------------

EVENT_MARK = "TT-DEMO-0001"
MATERIAL_TEXT = (
    "ĐỀ CƯƠNG TUYÊN TRUYỀN\nNghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá phát triển "
    "khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia.\n"
)


def build_outreach(province: Unit, seed: int = 1275) -> str:
    """Dissemination events in every commune with presenters (some in the languages
    its people speak), the languages of communes (a few without a presenter who speaks
    them), a province course for grassroots presenters and commune courses for
    communicators, and the province's materials on 57-NQ/TW. Idempotent."""
    from tuyengiao.documents import selectors as document_selectors

    from .models import DisseminationEvent, DisseminationForm

    if DisseminationEvent.objects.filter(code=EVENT_MARK).exists():
        return ""
    rng = random.Random(seed)  # noqa: S311  seeded generator for demo data, not a secret
    forms = list(DisseminationForm.objects.all())
    symbol = "57-NQ/TW" if document_selectors.documents_by_symbol("57-NQ/TW") else ""
    communes = [
        v.unit
        for v in org_selectors.children_on(province, REFORM)
        if selectors.is_commune(v.kind) and v.valid_to is None
    ]
    n_events = 0
    number = 0
    for commune in communes:
        people = list(
            Presenter.objects.filter(unit__path__startswith=commune.path, valid_until__isnull=True)
        )
        spoken = sorted({lang for p in people for lang in p.language_list})
        extra = rng.choice(["", "", "Hà Nhì", "Lự", "Giáy"])
        services.unit_languages_set(
            actor=SYSTEM, unit=commune, languages="; ".join([*spoken[:2], extra])
        )
        if not people:
            continue
        for _ in range(rng.randint(3, 8)):
            number += 1
            day = dt.date(2025, 7, 1) + dt.timedelta(days=rng.randint(5, 170))
            language = rng.choice(spoken) if spoken and rng.random() < 0.3 else ""
            services.event_save(
                actor=SYSTEM,
                data=services.EventData(
                    code=f"TT-DEMO-{number:04d}",
                    unit=commune,
                    date=day,
                    listeners=rng.randint(25, 160),
                    form=rng.choice(forms),
                    presenters=tuple(rng.sample(people, k=min(len(people), rng.randint(1, 2)))),
                    document_symbol=symbol if rng.random() < 0.7 else "",
                    language=language,
                ),
            )
            n_events += 1
    n_courses = _courses(province, communes, rng)
    n_materials = _materials(province, communes, symbol)
    return (
        f"Đã tạo {format_int(n_events)} buổi tuyên truyền, {format_int(n_courses)} lớp tập "
        f"huấn và {format_int(n_materials)} tài liệu mẫu."
    )


def _courses(province: Unit, communes: list[Unit], rng: random.Random) -> int:
    results = ["gioi", "kha", "kha", "dat", "hoan_thanh"]
    course, _ = services.course_save(
        actor=SYSTEM,
        data=services.CourseData(
            code="LOP-TU-2025-01",
            title="Tập huấn nghiệp vụ báo cáo viên cơ sở năm 2025",
            unit=province,
            date_from=dt.date(2025, 8, 18),
            date_to=dt.date(2025, 8, 20),
            extra_participants=24,
        ),
    )
    for presenter in Presenter.objects.filter(level__code="co_so", valid_until__isnull=True):
        services.learner_set(
            actor=SYSTEM, course=course, presenter=presenter, result=rng.choice(results)
        )
    made = 1
    for commune in communes[: max(1, len(communes) // 2)]:
        local, _ = services.course_save(
            actor=SYSTEM,
            data=services.CourseData(
                code=f"LOP-{commune.code}-2025",
                title=f"Bồi dưỡng kỹ năng tuyên truyền miệng — {commune.name}",
                unit=commune,
                date_from=dt.date(2025, 10, 1) + dt.timedelta(days=rng.randint(0, 45)),
                extra_participants=rng.randint(15, 60),
            ),
        )
        for presenter in Presenter.objects.filter(
            level__code="ttv", unit__path__startswith=commune.path
        ):
            services.learner_set(
                actor=SYSTEM, course=local, presenter=presenter, result=rng.choice(results)
            )
        made += 1
    return made


def _materials(province: Unit, communes: list[Unit], symbol: str) -> int:
    made = 0
    for code, title, kind, copies, file in (
        (
            "TL-TU-57-DC",
            "Đề cương tuyên truyền Nghị quyết 57-NQ/TW",
            "de_cuong",
            1500,
            ("de-cuong-57.txt", MATERIAL_TEXT.encode()),
        ),
        ("TL-TU-57-HD", "Hỏi - đáp về Nghị quyết 57-NQ/TW", "hoi_dap", 3000, None),
        ("TL-TU-57-TG", "Tờ gấp: Đột phá khoa học, công nghệ", "to_gap", 20000, None),
    ):
        services.material_save(
            actor=SYSTEM,
            data=services.MaterialData(
                code=code,
                title=title,
                kind=kind,
                unit=province,
                date=dt.date(2025, 7, 20),
                document_symbol=symbol,
                copies=copies,
                distributed_to=tuple(communes),
            ),
            file=file,
        )
        made += 1
    return made
