"""The levels and statuses of Quy định 973-QĐ/BTGTW (15/12/2021), as data.

The district level ends with the district tier on 01/07/2025; ``co_so`` is the
grassroots level used since. A new regulation adds or closes rows here (a new
migration), not code.
"""

import datetime as dt

from django.db import migrations

LEVELS = [
    # code, name, label in the workbook, communicator, order, valid_to
    ("tw", "Báo cáo viên Trung ương", "Trung ương", False, 10, None),
    ("tinh", "Báo cáo viên cấp tỉnh", "Tỉnh", False, 20, None),
    ("huyen", "Báo cáo viên cấp huyện", "Huyện", False, 30, dt.date(2025, 7, 1)),
    ("co_so", "Báo cáo viên cơ sở", "Cơ sở", False, 40, None),
    ("ttv", "Tuyên truyền viên cơ sở", "Tuyên truyền viên", True, 50, None),
]
STATUSES = [
    # code, name, serving, needs_until, order
    ("de_xuat", "Đề xuất", False, False, 10),
    ("cong_nhan", "Đã công nhận", True, False, 20),
    ("tam_dung", "Tạm dừng hoạt động", False, False, 30),
    ("thoi", "Miễn nhiệm, thôi làm báo cáo viên", True, True, 40),
]


def seed(apps, schema_editor):
    Level = apps.get_model("presenters", "PresenterLevel")
    Status = apps.get_model("presenters", "PresenterStatus")
    for code, name, label, communicator, order, valid_to in LEVELS:
        Level.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "label": label,
                "is_communicator": communicator,
                "order": order,
                "valid_to": valid_to,
            },
        )
    for code, name, serving, needs_until, order in STATUSES:
        Status.objects.update_or_create(
            code=code,
            defaults={"name": name, "serving": serving, "needs_until": needs_until, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("presenters", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
