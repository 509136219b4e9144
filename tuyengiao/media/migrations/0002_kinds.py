"""The kinds of media output and of awards in the workbook (WORKBOOK.md, ``Tin bài``
and ``Khen thưởng``), as data: a province that counts another kind adds a row (a
new migration), not code."""

from django.db import migrations

MEDIA_KINDS = [
    # code, label in the workbook, noun in the report, broadcast, order
    ("tin_bai", "Tin, bài", "tin, bài", False, 10),
    ("phong_su", "Phóng sự", "phóng sự", False, 20),
    ("chuyen_muc", "Chuyên mục", "chuyên mục", False, 30),
    ("phat_thanh", "Chương trình phát thanh", "chương trình phát thanh", True, 40),
    ("truyen_hinh", "Chương trình truyền hình", "chương trình truyền hình", True, 50),
    (
        "trang_ttdt",
        "Bài trên trang thông tin điện tử",
        "bài trên trang thông tin điện tử",
        False,
        60,
    ),
]
AWARD_KINDS = [
    # code, label, is_model, people_only, order
    ("ky_niem_chuong", "Kỷ niệm chương", False, True, 10),
    ("bang_khen", "Bằng khen", False, False, 20),
    ("giay_khen", "Giấy khen", False, False, 30),
    ("dien_hinh", "Điển hình tiên tiến", True, False, 40),
    ("mo_hinh", "Mô hình", True, False, 50),
]


def seed(apps, schema_editor):
    MediaKind = apps.get_model("media", "MediaKind")
    AwardKind = apps.get_model("media", "AwardKind")
    for code, label, noun, broadcast, order in MEDIA_KINDS:
        MediaKind.objects.update_or_create(
            code=code,
            defaults={"label": label, "noun": noun, "broadcast": broadcast, "order": order},
        )
    for code, label, is_model, people_only, order in AWARD_KINDS:
        AwardKind.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "is_model": is_model,
                "people_only": people_only,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("media", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
