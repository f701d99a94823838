from django.db import migrations

from roles.defaults import ensure_default_matrix


def load(apps, schema_editor):
    ensure_default_matrix(
        apps.get_model("roles", "JobProfile"),
        apps.get_model("roles", "CompetencyCategory"),
        apps.get_model("roles", "Competency"),
        apps.get_model("roles", "RequiredLevel"),
    )


class Migration(migrations.Migration):
    dependencies = [("roles", "0001_job_profiles")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
