"""Demo data: the province's plan 12-KH/TU (carrying out 68-NQ/TW) with tasks for the
communes, some done on time, some late, some overdue, a few progress reports; and
inspections, supervisions and field reviews of communes and cells, one with follow-up
tasks. Deterministic and idempotent: a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from tuyengiao.documents import selectors as document_selectors
from tuyengiao.lib.numbers import format_int
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Unit

from . import services
from .models import Inspection, Kind, Programme, Task

PLAN = "12-KH/TU"
IMPLEMENTS = "68-NQ/TW"
CONTENTS = [
    "Tổ chức hội nghị quán triệt Nghị quyết đến toàn thể cán bộ, đảng viên",
    "Xây dựng chương trình hành động của cấp ủy thực hiện Nghị quyết",
    "Rà soát, tháo gỡ khó khăn cho hộ kinh doanh chuyển lên doanh nghiệp",
    "Tuyên truyền trên hệ thống truyền thanh cơ sở về phát triển kinh tế tư nhân",
    "Báo cáo sơ kết 6 tháng thực hiện Nghị quyết",
]


@transaction.atomic
def build(seed: int = 68) -> str:
    province = Unit.objects.filter(code="TU-LC").first()
    found = document_selectors.documents_by_symbol(PLAN)
    if province is None or not found or Task.objects.filter(code="NV-12-001").exists():
        return ""
    rng = random.Random(seed)  # noqa: S311  seeded generator for demo data, not a secret
    plan = found[0]
    target = document_selectors.documents_by_symbol(IMPLEMENTS)
    programme = Programme.objects.filter(document=plan).first() or services.programme_create(
        actor=SYSTEM, document=plan, unit=province, implements=target[0] if target else None
    )
    communes = list(
        Unit.objects.filter(parent=province, valid_to__isnull=True).order_by("sort_key", "code")
    )
    tasks = 0
    for i, commune in enumerate(communes):
        for j, content in enumerate(CONTENTS[: 2 + i % 3]):
            deadline = dt.date(2025, 9, 30) + dt.timedelta(days=60 * j + 7 * (i % 4))
            roll = rng.random()
            done_on = None
            if roll < 0.5:
                done_on = deadline - dt.timedelta(days=rng.randint(0, 20))
            elif roll < 0.7:
                done_on = deadline + dt.timedelta(days=rng.randint(1, 30))
            task, _ = services.task_save(
                actor=SYSTEM,
                programme=programme,
                data=services.TaskData(
                    code=f"NV-12-{tasks + 1:03d}",
                    content=content,
                    unit=commune,
                    deadline=deadline,
                    done_on=done_on,
                ),
            )
            tasks += 1
            if done_on is not None and j == 0:
                services.task_report(
                    actor=SYSTEM,
                    task=task,
                    note="Đã tổ chức hội nghị, 100% cán bộ, đảng viên tham gia.",
                    day=done_on,
                )
    rounds = 0
    for i, commune in enumerate(communes):
        cells = list(Unit.objects.filter(parent=commune, valid_to__isnull=True).order_by("code"))
        kind = [Kind.INSPECTION, Kind.SUPERVISION, Kind.REVIEW][i % 3]
        start = dt.date(2025, 8, 1) + dt.timedelta(days=11 * i)
        services.inspection_save(
            actor=SYSTEM,
            data=services.InspectionData(
                code=f"KT-{commune.code}-01",
                kind=kind.value,
                unit=commune,
                date_from=start,
                date_to=start + dt.timedelta(days=5),
                subject="Việc học tập, quán triệt và xây dựng chương trình hành động thực hiện "
                "Nghị quyết 68-NQ/TW",
                findings="Các chi bộ tổ chức học tập đầy đủ; một số chi bộ chưa xây dựng kế hoạch.",
                recommendations="Các chi bộ còn thiếu hoàn thành kế hoạch trong 30 ngày.",
                targets=[(c, rng.randint(8, 30)) for c in cells[:3]],
            ),
        )
        rounds += 1
    first = communes[0] if communes else None
    if first is not None:
        inspection, _ = services.inspection_save(
            actor=SYSTEM,
            data=services.InspectionData(
                code="KT-TU-2025-01",
                kind=Kind.INSPECTION.value,
                unit=province,
                date_from=dt.date(2025, 10, 6),
                date_to=dt.date(2025, 10, 17),
                subject="Kiểm tra việc thực hiện Kế hoạch 12-KH/TU",
                findings="Đảng ủy xã triển khai kịp thời; tiến độ rà soát hộ kinh doanh chậm.",
                recommendations="Hoàn thành rà soát hộ kinh doanh trước 31/12/2025.",
                targets=[(c, rng.randint(20, 60)) for c in communes[:4]],
            ),
        )
        rounds += 1
        services.task_save(
            actor=SYSTEM,
            inspection=inspection,
            data=services.TaskData(
                code="KN-TU-2025-01",
                content="Hoàn thành rà soát hộ kinh doanh theo kiến nghị của đoàn kiểm tra",
                unit=first,
                deadline=dt.date(2025, 12, 31),
            ),
        )
        tasks += 1
    if not Inspection.objects.exists():
        return ""
    return (
        f"Chương trình hành động: {format_int(tasks)} nhiệm vụ của {PLAN}; "
        f"{format_int(rounds)} cuộc kiểm tra, giám sát, khảo sát."
    )
