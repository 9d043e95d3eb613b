"""Give messages planned before expiry dates existed the moment they stop being of use.

The same cut-offs as coprod/notifications/meetings.py, promises.py and
coprod/reports/services.py now set when planning: news of a meeting (and
"the papers are late") until it starts, "the notes are missing" until two
weeks after it, "a promised update is due" until the day after the date,
"it is late" until four weeks after, report access until it ends. Only rows
with no expiry are touched; the sweep (coprod/notifications/expiry.py) then
takes those whose moment has passed off the dashboard.

It lives here, not in the outbox's migrations, because it reads meetings
and promises: the outbox knows nothing of them.
"""

import datetime
import zoneinfo

from django.db import migrations

UNTIL_START = {"meeting_scheduled", "papers_ready", "papers_late"}
CHANGE_KINDS = {"meeting_moved", "meeting_changed", "meeting_cancelled"}
PROMISE_KINDS = {"promise_due", "promise_overdue"}
NOTES_CUT_OFF = datetime.timedelta(days=14)


def _at(day, hour, zone):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone).astimezone(datetime.UTC)


def _about_model(kind):
    if kind in UNTIL_START or kind == "notes_missing":
        return "meeting"
    if kind in CHANGE_KINDS:
        return "meetingchange"
    if kind in PROMISE_KINDS:
        return "contribution"
    return "fundergrant"


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    models = {
        "meeting": apps.get_model("projects", "Meeting"),
        "meetingchange": apps.get_model("projects", "MeetingChange"),
        "contribution": apps.get_model("projects", "Contribution"),
        "fundergrant": apps.get_model("projects", "FunderGrant"),
    }
    types = {
        ct.pk: ct.model
        for ct in ContentType.objects.filter(app_label="projects", model__in=list(models))
    }
    if not types:
        return  # a new database: no messages yet
    rows = list(
        Notification.objects.filter(
            expires_at__isnull=True,
            about_type_id__in=list(types),
            kind__in=UNTIL_START | CHANGE_KINDS | PROMISE_KINDS | {"notes_missing", "report_access"},
        ).select_related("organisation")
    )
    wanted = {name: set() for name in models}
    for row in rows:
        wanted[types[row.about_type_id]].add(row.about_id)
    found = {
        "meeting": models["meeting"].objects.in_bulk(wanted["meeting"]),
        "meetingchange": models["meetingchange"]
        .objects.select_related("meeting")
        .in_bulk(wanted["meetingchange"]),
        "contribution": models["contribution"].objects.in_bulk(wanted["contribution"]),
        "fundergrant": models["fundergrant"].objects.in_bulk(wanted["fundergrant"]),
    }
    changed = []
    for row in rows:
        about = found[types[row.about_type_id]].get(row.about_id)
        if about is None or types[row.about_type_id] != _about_model(row.kind):
            continue
        zone = zoneinfo.ZoneInfo(row.organisation.timezone)
        if row.kind in UNTIL_START:
            row.expires_at = about.starts_at
        elif row.kind == "notes_missing":
            end_day = about.ends_at.astimezone(zone).date()
            row.expires_at = _at(end_day + NOTES_CUT_OFF, 10, zone)
        elif row.kind in CHANGE_KINDS:
            row.expires_at = about.meeting.starts_at
        elif row.kind in PROMISE_KINDS and about.promised_update_on is not None:
            days = 1 if row.kind == "promise_due" else 28
            row.expires_at = _at(about.promised_update_on + datetime.timedelta(days=days), 9, zone)
        elif row.kind == "report_access":
            row.expires_at = _at(about.expires_on + datetime.timedelta(days=1), 0, zone)
        if row.expires_at is not None:
            changed.append(row)
    Notification.objects.bulk_update(changed, ["expires_at"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0004_alter_notification_kind"),
        ("projects", "0007_backfill_coordinator_history"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
