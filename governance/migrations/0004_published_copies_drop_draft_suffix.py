"""Published copies lose the " (draft)" their name was given when copied.

Copies used to be named "<source> (draft)", which stayed on the dashboards after they
were published; a published model cannot be renamed, so the suffix is dropped here.
Drafts keep their names (the publish page offers to rename them).
"""

import re

from django.db import migrations

SUFFIX = re.compile(r"\s+\((?:draft|Entwurf)\)$", re.IGNORECASE)


def drop_suffix(apps, schema_editor):
    OrganisationalModel = apps.get_model("governance", "OrganisationalModel")
    for model in OrganisationalModel.objects.exclude(status="draft").filter(based_on__isnull=False):
        name = SUFFIX.sub("", model.name)
        if name and name != model.name:
            OrganisationalModel.objects.filter(pk=model.pk).update(name=name)


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_default_activities")]

    operations = [migrations.RunPython(drop_suffix, migrations.RunPython.noop)]
