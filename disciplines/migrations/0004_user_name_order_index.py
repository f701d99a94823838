# The people directory (and every other list of people by name) pages through users in
# name order; with thousands of people, an index in that order lets the database stop
# after a page instead of sorting everyone. auth_user belongs to Django's auth app, so
# the index is created here with SQL that PostgreSQL and SQLite both understand.

from django.db import migrations

INDEX = "disciplines_user_by_name"


class Migration(migrations.Migration):
    dependencies = [
        ("disciplines", "0003_field_verbose_names"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON auth_user (last_name, first_name, username, id)",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
