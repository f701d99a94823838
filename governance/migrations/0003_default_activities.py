from django.db import migrations

from governance.defaults import ensure_default_activities


def load(apps, schema_editor):
    ensure_default_activities(apps.get_model("governance", "Activity"))


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_organisational_models")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
