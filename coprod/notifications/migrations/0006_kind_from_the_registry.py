"""A message's kind is a code the sending app registers (kinds.py), not a list of choices.

After this, a new kind of message needs no migration.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0005_may_have_gone_and_about_moment"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(max_length=30),
        ),
    ]
