"""Every project has its reminder rules from the start.

New projects get the defaults from project_create; before, a project without
rules got them the first time its reminders page was opened or a meeting was
planned. This gives them to every project that still has none, so showing
the page only reads.
"""

from django.db import migrations

# DEFAULT_RULES as they are now (a migration keeps its own copy):
# (label, minutes before, window minutes, SMS only)
DEFAULT_RULES = [
    ("2 days before", 2 * 24 * 60, 6 * 60, False),
    ("2 hours before", 2 * 60, 30, True),
]


def seed(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    ReminderRule = apps.get_model("notifications", "ReminderRule")
    without = Project.objects.filter(reminder_rules__isnull=True).values_list("pk", flat=True)
    ReminderRule.objects.bulk_create(
        [
            ReminderRule(
                project_id=project_id,
                label=label,
                minutes_before=minutes,
                window_minutes=window,
                sms_only=sms_only,
            )
            for project_id in without.iterator()
            for label, minutes, window, sms_only in DEFAULT_RULES
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0006_kind_from_the_registry"),
        ("projects", "0008_expire_old_messages"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
