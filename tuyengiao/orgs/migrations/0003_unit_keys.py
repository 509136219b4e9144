"""Units get a Vietnamese sort key and a folded search key (issue 13 §2)."""

from django.db import migrations, models


def fill_keys(apps, schema_editor):  # type: ignore[no-untyped-def]
    from tuyengiao.orgs.services import unit_keys

    Unit = apps.get_model("orgs", "Unit")
    batch = []
    for unit in Unit.objects.only("pk", "code", "name").iterator(chunk_size=2000):
        unit.sort_key, unit.search_key = unit_keys(unit.name, unit.code)
        batch.append(unit)
        if len(batch) >= 2000:
            Unit.objects.bulk_update(batch, ["sort_key", "search_key"])
            batch = []
    Unit.objects.bulk_update(batch, ["sort_key", "search_key"])


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_unit_place")]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="sort_key",
            field=models.CharField(db_default="", default="", editable=False, max_length=400),
        ),
        migrations.AddField(
            model_name="unit",
            name="search_key",
            field=models.CharField(db_default="", default="", editable=False, max_length=400),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="unit",
            index=models.Index(fields=["parent", "sort_key"], name="unit_parent_sort_idx"),
        ),
    ]
