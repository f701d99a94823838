from django.db import migrations

from disciplines.defaults import ensure_default_catalogue


def load(apps, schema_editor):
    ensure_default_catalogue(
        apps.get_model("disciplines", "Discipline"), apps.get_model("disciplines", "ApplicationArea")
    )


class Migration(migrations.Migration):
    dependencies = [("disciplines", "0001_catalogue")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
