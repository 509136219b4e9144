"""A believable demo province after the 2025 reform, with a little history.

Deterministic (a fixed random seed), so screenshots and tests see the same data.
Pre-reform: two districts with six communes; on 01/07/2025 the districts are
dissolved and the six communes merged into three that report to the province.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TypedDict

from django.contrib.auth import get_user_model
from django.db import transaction

from tuyengiao.orgs.access import SYSTEM

from . import services
from .models import Member, Role, Unit

REFORM = dt.date(2025, 7, 1)
OLD_START = dt.date(2015, 1, 1)

FAMILY = [
    ("Nguyễn", 30),
    ("Trần", 9),
    ("Lê", 8),
    ("Phạm", 6),
    ("Hoàng", 5),
    ("Vũ", 4),
    ("Đặng", 3),
    ("Bùi", 3),
    ("Đỗ", 3),
    ("Ngô", 2),
    ("Dương", 2),
    ("Lý", 2),
    ("Phan", 2),
    ("Lò", 4),
    ("Tòng", 2),
    ("Giàng", 3),
    ("Vàng", 2),
    ("Sùng", 2),
    ("Lường", 2),
    ("Đèo", 1),
    ("Hà", 2),
    ("Lù", 1),
    ("Tẩn", 1),
    ("Chảo", 1),
]
MIDDLE_M = ["Văn", "Đức", "Minh", "Hữu", "Quang", "Xuân", "Thành", "Công", "Văn", "Văn", "A"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Thuỳ"]
GIVEN_M = [
    "An",
    "Anh",
    "Bình",
    "Chiến",
    "Công",
    "Cường",
    "Dũng",
    "Đạt",
    "Đức",
    "Giang",
    "Hải",
    "Hậu",
    "Hiếu",
    "Hoà",
    "Hùng",
    "Huy",
    "Khánh",
    "Kiên",
    "Long",
    "Lợi",
    "Mạnh",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Toàn",
    "Trung",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
    "Ước",
    "Ơn",
    "Sình",
    "Páo",
    "Chứ",
]
GIVEN_F = [
    "Ánh",
    "Bích",
    "Chi",
    "Dung",
    "Duyên",
    "Đào",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Huệ",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Thảo",
    "Thuỷ",
    "Thủy",
    "Trang",
    "Uyên",
    "Vân",
    "Yến",
    "Xuân",
    "Ân",
]

OLD_DISTRICTS = [
    (
        "H-TAMDUONG",
        "Huyện ủy Tam Đường",
        "Huyện ủy",
        [
            ("X-BANGIANG", "Đảng ủy xã Bản Giang"),
            ("X-HOMUN", "Đảng ủy xã Hồ Mít"),
            ("X-NUNGNANG", "Đảng ủy xã Nùng Nàng"),
        ],
    ),
    (
        "H-TPLAICHAU",
        "Thành ủy Lai Châu",
        "Thành ủy",
        [
            ("P-TANPHONG", "Đảng ủy phường Tân Phong"),
            ("P-DOANKET", "Đảng ủy phường Đoàn Kết"),
            ("P-QUYETTHANG", "Đảng ủy phường Quyết Thắng"),
        ],
    ),
]
# new unit code, name, kind, merged from (old commune codes)
MERGED = [
    ("X-TAMDUONG", "Đảng ủy xã Tam Đường", "Đảng ủy xã", ["X-BANGIANG", "X-HOMUN"]),
    ("X-BINHLU", "Đảng ủy xã Bình Lư", "Đảng ủy xã", ["X-NUNGNANG"]),
    (
        "P-TANPHONG-M",
        "Đảng ủy phường Tân Phong",
        "Đảng ủy phường",
        ["P-TANPHONG", "P-DOANKET", "P-QUYETTHANG"],
    ),
]
NEW_COMMUNES = [
    ("P-DOANKET-M", "Đảng ủy phường Đoàn Kết", "Đảng ủy phường"),
    ("X-SINHO", "Đảng ủy xã Sìn Hồ", "Đảng ủy xã"),
    ("X-PHONGTHO", "Đảng ủy xã Phong Thổ", "Đảng ủy xã"),
    ("X-THANUYEN", "Đảng ủy xã Than Uyên", "Đảng ủy xã"),
    ("X-TANUYEN", "Đảng ủy xã Tân Uyên", "Đảng ủy xã"),
    ("X-MUONGTE", "Đảng ủy xã Mường Tè", "Đảng ủy xã"),
    ("X-NAMNHUN", "Đảng ủy xã Nậm Nhùn", "Đảng ủy xã"),
    ("X-PAUTANG", "Đảng ủy xã Pa Ủ", "Đảng ủy xã"),
    ("X-DAOSANG", "Đảng ủy xã Dào San", "Đảng ủy xã"),
    ("X-BUMNUA", "Đảng ủy xã Bum Nưa", "Đảng ủy xã"),
    ("DU-COQUAN", "Đảng ủy các cơ quan Đảng tỉnh", "Đảng ủy cơ quan"),
    ("DU-UBND", "Đảng ủy UBND tỉnh", "Đảng ủy cơ quan"),
]
CELL_KINDS = [
    "Chi bộ bản",
    "Chi bộ thôn",
    "Chi bộ trường học",
    "Chi bộ trạm y tế",
    "Chi bộ cơ quan",
]
VILLAGES = [
    "Nà Khuy",
    "Bản Hon",
    "Sùng Phài",
    "Nậm Loỏng",
    "Tả Lèng",
    "Hồ Thầu",
    "Bình Lư",
    "Phìn Hồ",
    "Cốc Pa",
    "Na Đông",
    "Séo Phìn",
    "Thèn Sin",
    "Lùng Thàng",
    "Nà Tăm",
    "Bản Lang",
    "Pa Vây Sử",
    "Huổi Luông",
    "Mường So",
    "Khổng Lào",
    "Sin Suối Hồ",
]


def _person(rng: random.Random) -> tuple[str, str, dt.date, dt.date]:
    family = rng.choices([f for f, _ in FAMILY], weights=[w for _, w in FAMILY])[0]
    if rng.random() < 0.52:
        gender, middle, given = "nam", rng.choice(MIDDLE_M), rng.choice(GIVEN_M)
    else:
        gender, middle, given = "nu", rng.choice(MIDDLE_F), rng.choice(GIVEN_F)
    birth = dt.date(rng.randint(1950, 2001), rng.randint(1, 12), rng.randint(1, 28))
    admitted = dt.date(
        min(birth.year + rng.randint(19, 40), 2025), rng.randint(1, 12), rng.randint(1, 28)
    )
    return f"{family} {middle} {given}", gender, birth, admitted


def _cells(parent: Unit, count: int, since: dt.date | None, rng: random.Random) -> list[Unit]:
    cells = []
    for index in range(1, count + 1):
        kind = rng.choice(CELL_KINDS)
        village = rng.choice(VILLAGES)
        name = f"{kind} {village}" if "bản" in kind or "thôn" in kind else f"{kind} số {index}"
        cells.append(
            services.unit_create(
                actor=SYSTEM,
                code=f"{parent.code}-CB{index:02d}",
                name=name,
                kind="Chi bộ",
                parent=parent,
                valid_from=since,
            )
        )
    return cells


def _members(
    cells: list[Unit], per_cell: tuple[int, int], rng: random.Random, counter: list[int]
) -> None:
    rows = []
    for cell in cells:
        for _ in range(rng.randint(*per_cell)):
            counter[0] += 1
            name, gender, birth, admitted = _person(rng)
            rows.append(
                services.NewMember(
                    code=f"DV{counter[0]:06d}",
                    full_name=name,
                    unit=cell,
                    gender=gender,
                    birth_date=birth,
                    admission_date=admitted,
                    exempt=birth.year < 1958 and rng.random() < 0.6,
                )
            )
    services.member_bulk_create(actor=SYSTEM, rows=rows)


@transaction.atomic
class DemoSummary(TypedDict):
    members: int
    units: int
    accounts: list[tuple[str, str]]  # (username, what the account can do)


def build(seed: int = 2025) -> DemoSummary:
    rng = random.Random(seed)  # noqa: S311  seeded generator for demo data, not a secret
    counter = [0]
    province = services.unit_create(
        actor=SYSTEM,
        code="TU-LC",
        name="Tỉnh ủy Lai Châu",
        kind="Tỉnh ủy",
        population=512_000,
        place="Lai Châu",
    )
    old_communes: dict[str, Unit] = {}
    districts = []
    for code, name, kind, communes in OLD_DISTRICTS:
        district = services.unit_create(
            actor=SYSTEM, code=code, name=name, kind=kind, parent=province, valid_from=OLD_START
        )
        districts.append(district)
        for c_code, c_name in communes:
            commune = services.unit_create(
                actor=SYSTEM,
                code=c_code,
                name=c_name,
                kind="Đảng ủy xã" if c_code.startswith("X") else "Đảng ủy phường",
                parent=district,
                valid_from=OLD_START,
            )
            old_communes[c_code] = commune
            _members(_cells(commune, rng.randint(4, 6), OLD_START, rng), (26, 34), rng, counter)
    new_units = []
    for code, name, kind, sources in MERGED:
        target = services.unit_create(
            actor=SYSTEM,
            code=code,
            name=name,
            kind=kind,
            parent=province,
            valid_from=REFORM,
            population=rng.randint(18_000, 40_000),
            place=_place(name, kind),
        )
        services.unit_merge(
            actor=SYSTEM, sources=[old_communes[s] for s in sources], into=target, on=REFORM
        )
        new_units.append(target)
    for district in districts:
        services.unit_dissolve(actor=SYSTEM, unit=district, on=REFORM)
    for code, name, kind in NEW_COMMUNES:
        unit = services.unit_create(
            actor=SYSTEM,
            code=code,
            name=name,
            kind=kind,
            parent=province,
            valid_from=REFORM,
            population=rng.randint(12_000, 35_000),
            place=_place(name, kind),
        )
        new_units.append(unit)
        _members(_cells(unit, rng.randint(9, 12), REFORM, rng), (24, 34), rng, counter)
    accounts = _accounts(province, new_units[0])
    return {"members": counter[0], "units": Unit.objects.count(), "accounts": accounts}


def _place(name: str, kind: str) -> str:
    """The place on a commune's documents: its name without the kind ("Tam Đường")."""
    return name[len(kind) :].strip() if name.startswith(kind) else ""


def _accounts(province: Unit, commune: Unit) -> list[tuple[str, str]]:
    user_model = get_user_model()
    cell = Unit.objects.filter(parent=commune, valid_to__isnull=True).order_by("code").first()
    assert cell is not None  # noqa: S101  narrows the type for mypy; true by construction
    member = (
        Member.objects.filter(memberships__unit=cell, memberships__valid_to__isnull=True)
        .order_by("code")
        .first()
    )
    plan = [
        ("admin", Role.PROVINCE_STAFF, province, "Quản trị hệ thống", True),
        ("tinh", Role.PROVINCE_STAFF, province, "Cán bộ Ban Tuyên giáo và Dân vận Tỉnh ủy", False),
        ("xa", Role.COMMUNE_STAFF, commune, f"Cán bộ {commune.name}", False),
        ("chibo", Role.CELL_SECRETARY, cell, f"Bí thư {cell.name}", False),
        ("dangvien", Role.MEMBER, cell, "Đảng viên", False),
    ]
    result = []
    for username, role, unit, label, superuser in plan:
        user = user_model.objects.filter(username=username).first() or user_model(username=username)
        user.is_superuser = user.is_staff = superuser
        user.first_name = label[:150]
        user.set_password("demo")
        user.save()
        services.assignment_set(actor=SYSTEM, user=user, unit=unit, role=role)
        if role == Role.MEMBER and member is not None:
            member.user = user
            member.save(update_fields=["user"])
        result.append((username, f"{role.label} — {unit.name}"))
    return result
