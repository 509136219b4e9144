"""Issuers are data, effective-dated like units. The cut-over dates of the 2025 mergers of
the propaganda and mass-mobilisation commissions are approximate here; correct them in
the admin where a province knows its own date."""

import datetime as dt

from django.db import migrations

ISSUERS = [
    ("party", "TW", "Ban Chấp hành Trung ương Đảng", None, None),
    ("party", "VPTW", "Văn phòng Trung ương Đảng", None, None),
    ("party", "BTCTW", "Ban Tổ chức Trung ương", None, None),
    ("party", "UBKTTW", "Ủy ban Kiểm tra Trung ương", None, None),
    ("party", "BTGTW", "Ban Tuyên giáo Trung ương", None, dt.date(2025, 2, 1)),
    ("party", "BDVTW", "Ban Dân vận Trung ương", None, dt.date(2025, 2, 1)),
    ("party", "BTGDVTW", "Ban Tuyên giáo và Dân vận Trung ương", dt.date(2025, 2, 1), None),
    ("party", "TU", "Tỉnh ủy", None, None),
    ("party", "BTGTU", "Ban Tuyên giáo Tỉnh ủy", None, dt.date(2025, 3, 1)),
    ("party", "BTGDVTU", "Ban Tuyên giáo và Dân vận Tỉnh ủy", dt.date(2025, 3, 1), None),
    ("party", "HU", "Huyện ủy", None, dt.date(2025, 7, 1)),
    ("party", "ĐU", "Đảng ủy", None, None),
    ("party", "ĐUK", "Đảng ủy khối", None, None),
    ("state", "QH13", "Quốc hội khóa XIII", dt.date(2011, 7, 1), dt.date(2016, 7, 1)),
    ("state", "QH14", "Quốc hội khóa XIV", dt.date(2016, 7, 1), dt.date(2021, 7, 1)),
    ("state", "QH15", "Quốc hội khóa XV", dt.date(2021, 7, 1), None),
    ("state", "CP", "Chính phủ", None, None),
    ("state", "TTg", "Thủ tướng Chính phủ", None, None),
    ("state", "UBND", "Ủy ban nhân dân", None, None),
    ("state", "BTC", "Bộ Tài chính", None, None),
    ("state", "BNV", "Bộ Nội vụ", None, None),
    ("state", "BTTTT", "Bộ Thông tin và Truyền thông", None, dt.date(2025, 3, 1)),
    ("state", "BVHTTDL", "Bộ Văn hóa, Thể thao và Du lịch", None, None),
]


def forward(apps, schema_editor):
    Issuer = apps.get_model("documents", "Issuer")
    for system, code, name, valid_from, valid_to in ISSUERS:
        Issuer.objects.get_or_create(
            system=system,
            code=code,
            valid_from=valid_from,
            defaults={"name": name, "valid_to": valid_to},
        )


def backward(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_search_indexes")]
    operations = [migrations.RunPython(forward, backward)]
