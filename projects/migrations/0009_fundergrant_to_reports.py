"""FunderGrant now belongs to reports (coprod/reports/migrations/0002): the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0008_expire_old_messages"),
        ("reports", "0002_fundergrant_from_projects"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="FunderGrant")],
            database_operations=[],
        ),
    ]
