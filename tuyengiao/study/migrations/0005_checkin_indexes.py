"""Indexes that every QR check-in wrote and no query needs: the attendance's own
indexes on ``session`` and ``member`` (the unique (session, member) and the
(member, status) index lead with them) and, on PostgreSQL, the LIKE index that
``unique=True`` adds beside the check-in device's unique index.

Only the indexes are dropped: altering the foreign keys through Django would drop
and re-add (and so re-validate) the constraints, minutes on a national table."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def _drop_attendance_indexes(apps: Any, schema_editor: Any) -> None:
    Attendance = apps.get_model("study", "Attendance")
    table = Attendance._meta.db_table
    for column in ("session_id", "member_id"):
        name = schema_editor._create_index_name(table, [column], suffix="")
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def _add_attendance_indexes(apps: Any, schema_editor: Any) -> None:
    Attendance = apps.get_model("study", "Attendance")
    table = Attendance._meta.db_table
    for column in ("session_id", "member_id"):
        name = schema_editor._create_index_name(table, [column], suffix="")
        schema_editor.execute(
            f"CREATE INDEX {schema_editor.quote_name(name)} ON "
            f"{schema_editor.quote_name(table)} ({schema_editor.quote_name(column)})"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0005_official_list"),
        ("study", "0004_unit_member_facts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="attendance",
                    name="member",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attendance",
                        to="orgs.member",
                    ),
                ),
                migrations.AlterField(
                    model_name="attendance",
                    name="session",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attendance",
                        to="study.session",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(_drop_attendance_indexes, _add_attendance_indexes),
            ],
        ),
        migrations.AlterField(
            model_name="checkindevice",
            name="device_id",
            field=models.CharField(max_length=64),
        ),
        migrations.AddConstraint(
            model_name="checkindevice",
            constraint=models.UniqueConstraint(fields=("device_id",), name="checkindevice_one"),
        ),
    ]
