# An expert's own consent to be named beside their thanked contributions on the
# management dashboard (governance/recognition.py); off until they tick it.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disciplines", "0004_user_name_order_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="expertise",
            name="recognition_opt_in",
            field=models.BooleanField(
                default=False,
                help_text="Show my name beside my most thanked contributions on the management dashboard.",
                verbose_name="name me in recognition",
            ),
        ),
    ]
