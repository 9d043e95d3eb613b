"""Start the coordinator history with the people already named.

Nobody wrote down when they were named, so each row says so (recorded_late):
the person was named on or before the day this migration ran, and members
are shown exactly that ("named before ..."), never a guessed date.
"""

from django.db import migrations


def _name(user):
    return user.display_name or user.email


def backfill(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Change = apps.get_model("projects", "ProjectCoordinatorChange")
    for project in Project.objects.prefetch_related("coordinators"):
        already = set(
            Change.objects.filter(project=project, kind="added").values_list(
                "coordinator_id", flat=True
            )
        )
        Change.objects.bulk_create(
            Change(
                project=project,
                kind="added",
                coordinator=user,
                coordinator_name=_name(user),
                recorded_late=True,
            )
            for user in project.coordinators.all()
            if user.pk not in already
        )


def unbackfill(apps, schema_editor):
    apps.get_model("projects", "ProjectCoordinatorChange").objects.filter(
        recorded_late=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_coordinator_history")]
    operations = [migrations.RunPython(backfill, unbackfill)]
