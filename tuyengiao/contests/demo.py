"""Demo data: a question bank on Nghị quyết 57-NQ/TW imported from an Aiken file (with
``Đáp án:``), a province contest open to everyone with a finished first round (visitors
from the communes, so the ranking and the results per unit have something to show) and
a second round open now, and a practice quiz for members. Deterministic and idempotent:
a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from tuyengiao.documents.selectors import documents_by_symbol
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.demo import _person
from tuyengiao.orgs.models import Unit

from . import services
from .models import Contest, Question

CONTEST = "THI-NQ57"
AIKEN = """Nghị quyết 57-NQ/TW của Bộ Chính trị ban hành ngày nào?
A. 22/12/2024
B. 24/01/2025
C. 15/5/2016
D. 30/5/2019
Đáp án: A
Nguồn: 57-NQ/TW

Theo Nghị quyết 57-NQ/TW, đột phá quan trọng hàng đầu là gì?
A. Cải cách thủ tục hành chính
B. Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số
C. Phát triển kết cấu hạ tầng giao thông
D. Phát triển nguồn nhân lực du lịch
Đáp án: B
Nguồn: 57-NQ/TW, đoạn 1

Nghị quyết 57-NQ/TW xác định khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là động lực chính để làm gì?
A. Giảm chi tiêu công
B. Phát triển nhanh lực lượng sản xuất hiện đại
C. Tăng dân số cơ học
D. Mở rộng địa giới hành chính
Đáp án: B
Nguồn: 57-NQ/TW, đoạn 1

Cơ quan nào ban hành Nghị quyết 57-NQ/TW?
A. Quốc hội
B. Chính phủ
C. Bộ Chính trị
D. Ban Bí thư
ANSWER: C
Nguồn: 57-NQ/TW

Chỉ thị 05-CT/TW năm 2016 của Bộ Chính trị về việc gì?
A. Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh
B. Phát triển kinh tế tư nhân
C. Hội nhập quốc tế
D. Chuyển đổi số quốc gia
Đáp án: A

Nghị quyết 59-NQ/TW của Bộ Chính trị (24/01/2025) bàn về vấn đề nào?
A. Hội nhập quốc tế trong tình hình mới
B. Công tác dân vận
C. Xây dựng đội ngũ trí thức
D. Phát triển văn hóa
Đáp án: A
"""


def _visitor(
    round_: object, unit: Unit, name: str, right: int, guess: int, seconds: int, start: dt.datetime
) -> None:
    from .models import Round

    assert isinstance(round_, Round)  # noqa: S101  narrows the type; true by construction
    participant = services.participant_public(
        actor=SYSTEM, contest=round_.contest, full_name=name, unit_code=unit.code
    )
    attempt = services.attempt_start(
        actor=SYSTEM, round_=round_, participant=participant, now=start
    )
    keys = dict(Question.objects.filter(bank=round_.contest.bank).values_list("pk", "answer"))
    with transaction.atomic():
        for k, (qid, order) in enumerate(attempt.layout):
            choice = keys[qid] if k < right else (keys[qid] + 1) % len(order)
            services.answer_save(
                actor=SYSTEM, attempt=attempt, question_id=qid, choice=choice, now=start
            )
        services.guess_save(actor=SYSTEM, attempt=attempt, guess=guess, now=start)
    services.attempt_submit(
        actor=SYSTEM, attempt=attempt, now=start + dt.timedelta(seconds=seconds)
    )


def build(seed: int = 57) -> str:
    province = Unit.objects.filter(code="TU-LC").first()
    if province is None or Contest.objects.filter(code=CONTEST).exists():
        return ""
    if not documents_by_symbol("57-NQ/TW"):
        return ""  # the documents' demo makes the resolution first
    rng = random.Random(seed)  # noqa: S311  seeded generator for demo data, not a secret
    bank = services.bank_create(
        actor=SYSTEM, code="NH-NQ57", name="Câu hỏi tìm hiểu Nghị quyết 57-NQ/TW", unit=province
    )
    services.questions_import(actor=SYSTEM, bank=bank, name="nq57-aiken.txt", data=AIKEN.encode())
    services.questions_set_status(actor=SYSTEM, bank=bank, status="da_duyet")
    communes = list(
        Unit.objects.filter(
            parent=province, valid_to__isnull=True, kind__startswith="Đảng ủy"
        ).order_by("code")[:12]
    )
    contest = services.contest_create(
        actor=SYSTEM,
        code=CONTEST,
        title="Cuộc thi trực tuyến tìm hiểu Nghị quyết 57-NQ/TW",
        unit=province,
        bank=bank,
        audience="cong_khai",
        units=communes,
        questions_per_attempt=5,
        ask_guess=True,
    )
    now = timezone.now().replace(second=0, microsecond=0)
    first = services.round_create(
        actor=SYSTEM,
        contest=contest,
        opens_at=now - dt.timedelta(days=14),
        closes_at=now - dt.timedelta(days=7),
        attempts_allowed=3,
        time_limit_seconds=600,
    )
    services.round_create(
        actor=SYSTEM,
        contest=contest,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        attempts_allowed=3,
        time_limit_seconds=600,
    )
    for i in range(36):
        start = first.opens_at + dt.timedelta(hours=rng.randint(1, 150), minutes=i)
        _visitor(
            first,
            communes[i % len(communes)],
            _person(rng)[0],
            right=rng.choice([5, 5, 4, 4, 3, 2]),
            guess=rng.randint(5, 20),
            seconds=rng.randint(60, 590),
            start=start,
        )
    services.contest_create(
        actor=SYSTEM,
        code="LT-NQ57",
        title="Luyện tập: Nghị quyết 57-NQ/TW",
        unit=province,
        bank=bank,
        kind="luyen_tap",
        questions_per_attempt=6,
    )
    practice = Contest.objects.get(code="LT-NQ57")
    services.round_create(
        actor=SYSTEM,
        contest=practice,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=365),
        attempts_allowed=50,
        time_limit_seconds=1800,
    )
    return (
        f"Đã tạo ngân hàng câu hỏi mẫu ({Question.objects.filter(bank=bank).count()} câu), "
        f"cuộc thi {CONTEST} (36 bài vòng 1, vòng 2 đang mở) và bài luyện tập LT-NQ57."
    )
