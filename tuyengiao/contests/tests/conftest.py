from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.tests import factories

NOW = timezone.now()

BODY = (
    "Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng hàng đầu.\n"
    "Đến năm 2030, kinh tế số đạt tối thiểu 30% GDP.\n"
    "Chi cho nghiên cứu phát triển đạt 2% GDP."
)

AIKEN = """Nghị quyết 57-NQ/TW xác định đột phá quan trọng hàng đầu là gì?
A. Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số
B. Cải cách hành chính
C) Phát triển hạ tầng
Đáp án: A
Nguồn: 57-NQ/TW, đoạn 1

Đến năm 2030, kinh tế số đạt tối thiểu bao nhiêu phần trăm GDP?
A. 20%
B. 30%
C. 40%
ANSWER: B
Nguồn: 57-NQ/TW, đoạn 2
"""

GIFT = """// Câu hỏi về Nghị quyết 57-NQ/TW
$CATEGORY: NQ57

// Nguồn: 57-NQ/TW, đoạn 3
::Câu 1:: Chi cho nghiên cứu phát triển đạt bao nhiêu phần trăm GDP? {
  ~1%
  =2% # Đúng
  ~3% tổng chi
####Xem đoạn 3 của Nghị quyết.
}

Nghị quyết 57-NQ/TW do Bộ Chính trị ban hành. {T}

Tỷ lệ 1\\:1 và ký hiệu \\{x\\} \\= y \\~ z \\# w là ví dụ thoát ký tự. {=Đúng vậy ~Không phải}
"""


@pytest.fixture
def bank(world: Any) -> Any:
    from tuyengiao.contests import services

    document = factories.document(body=BODY)
    b = services.bank_create(actor=SYSTEM, code="NH-57", name="Câu hỏi NQ 57", unit=world.commune)
    return SimpleNamespace(bank=b, document=document)


@pytest.fixture
def filled(bank: Any) -> Any:
    """The bank with the Aiken and GIFT questions, all approved."""
    from tuyengiao.contests import services

    services.questions_import(actor=SYSTEM, bank=bank.bank, name="a.txt", data=AIKEN.encode())
    services.questions_import(actor=SYSTEM, bank=bank.bank, name="b.gift", data=GIFT.encode())
    services.questions_set_status(actor=SYSTEM, bank=bank.bank, status="da_duyet")
    return bank


def contest_with_round(filled: Any, world: Any, **kw: Any) -> Any:
    """A contest of the commune on the filled bank, with one round open now."""
    from tuyengiao.contests import services

    contest = services.contest_create(
        actor=SYSTEM,
        code=kw.pop("code", "THI-57"),
        title="Tìm hiểu Nghị quyết 57",
        unit=world.commune,
        bank=filled.bank,
        questions_per_attempt=kw.pop("n", 5),
        **kw,
    )
    services.round_create(
        actor=SYSTEM,
        contest=contest,
        opens_at=NOW - dt.timedelta(hours=1),
        closes_at=NOW + dt.timedelta(hours=1),
        attempts_allowed=2,
        time_limit_seconds=300,
    )
    return contest


@pytest.fixture
def many_units_contest(filled: Any, world: Any) -> Any:
    """A public contest open to more units than its page lists at once (cells
    ``CB-000`` … named "Chi bộ thôn 000" …)."""
    from tuyengiao.contests import views
    from tuyengiao.orgs import services as org_services

    many = [
        org_services.unit_create(
            actor=SYSTEM,
            code=f"CB-{i:03d}",
            name=f"Chi bộ thôn {i:03d}",
            kind="Chi bộ",
            parent=world.commune,
        )
        for i in range(views.PUBLIC_UNITS_SHOWN + 10)
    ]
    return contest_with_round(filled, world, audience="cong_khai", units=many)
