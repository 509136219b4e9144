"""The forms of dissemination to the public, as data (WORKBOOK.md ``Hình thức`` of
``Buổi tuyên truyền``). A new form is a new row (a migration), not code."""

from django.db import migrations

FORMS = [
    # code, name, order
    ("chuyen_de", "Chuyên đề", 10),
    ("long_ghep", "Lồng ghép", 20),
    ("luu_dong", "Lưu động", 30),
    ("truc_tuyen", "Trực tuyến", 40),
]


def seed(apps, schema_editor):
    Form = apps.get_model("presenters", "DisseminationForm")
    for code, name, order in FORMS:
        Form.objects.update_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("presenters", "0003_outreach")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
