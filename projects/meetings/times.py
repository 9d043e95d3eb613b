"""Meeting times in the organisation's own time zone, right across clock changes.

Times are typed as a local date and clock time ("10:00 on 29 March"), stored
in UTC, and shown back in the organisation's zone. A clock time that does not
exist that day (the hour skipped when clocks go forward) is refused rather
than quietly moved; one that happens twice (when clocks go back) is the first.
"""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError

from participants.models import MeetingTime


def local_datetime(
    day: datetime.date, clock: datetime.time, zone: zoneinfo.ZoneInfo, *, field: str = ""
) -> datetime.datetime:
    """Return the aware moment for a local date and clock time, or raise ValidationError."""
    moment = datetime.datetime.combine(day, clock.replace(tzinfo=None), tzinfo=zone)
    back = moment.astimezone(datetime.UTC).astimezone(zone)
    if back.replace(tzinfo=None) != moment.replace(tzinfo=None):
        message = (
            f"{clock:%H:%M} does not exist on {day:%-d %B %Y}: the clocks go forward "
            "that night. Choose another time."
        )
        raise ValidationError({field: message} if field else message)
    return moment


def in_zone(moment: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    return moment.astimezone(zone)


def slots_touched(
    starts_at: datetime.datetime, ends_at: datetime.datetime, zone: zoneinfo.ZoneInfo
) -> set[str]:
    """Return the parts of the week (MeetingTime codes) a meeting overlaps, in local time."""
    start, end = in_zone(starts_at, zone), in_zone(ends_at, zone)
    slots = set()
    cursor = start
    while cursor < end:
        weekend = cursor.weekday() >= 5
        if cursor.hour < 12:
            part, boundary = "morning", cursor.replace(hour=12, minute=0, second=0)
        elif cursor.hour < 17:
            part, boundary = "afternoon", cursor.replace(hour=17, minute=0, second=0)
        else:
            part = "evening"
            boundary = datetime.datetime.combine(
                cursor.date() + datetime.timedelta(days=1), datetime.time(0), tzinfo=zone
            )
        slots.add(f"{'weekend' if weekend else 'weekday'}_{part}")
        cursor = min(boundary, end) if boundary > cursor else end
    return slots


def slot_label(code: str) -> str:
    return dict(MeetingTime.choices)[code].split(" (")[0].lower()
