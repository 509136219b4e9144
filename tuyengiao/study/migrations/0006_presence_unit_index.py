"""The presences' (unit, date) index: no query reads presences by their host, and
every QR check-in and attendance import wrote it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("study", "0005_checkin_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="presencefact",
            name="presencefact_unit",
        ),
    ]
