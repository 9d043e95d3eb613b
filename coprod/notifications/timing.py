"""When a message may go: reminder moments in local time, and the hours texts may arrive.

Reminders a whole number of days before a meeting keep the meeting's clock
time ("2 days before" a 10:00 meeting is 10:00, even across a clock change);
the rest of the offset is real minutes. Texts go only inside the person's
chosen parts of the day, and never in the quiet hours (21:00 to 08:00).
"""

import datetime
import zoneinfo

from django.conf import settings

from participants.models import CONTACT_TIME_HOURS


def reminder_moment(
    starts_at: datetime.datetime, minutes_before: int, zone: zoneinfo.ZoneInfo
) -> datetime.datetime:
    """Return when a reminder `minutes_before` a meeting is due, as an aware UTC moment."""
    days, minutes = divmod(minutes_before, 24 * 60)
    local = starts_at.astimezone(zone)
    wall = local.replace(tzinfo=None) - datetime.timedelta(days=days)
    moment = wall.replace(tzinfo=zone).astimezone(datetime.UTC)
    return moment - datetime.timedelta(minutes=minutes)


def at_local_time(day: datetime.date, hour: int, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """Return `hour`:00 on a local day, as an aware UTC moment."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone).astimezone(datetime.UTC)


def text_windows(contact_times: list[str]) -> list[tuple[int, int]]:
    """The (start hour, end hour) spans in a day when texts may arrive, quiet hours removed."""
    quiet_from, quiet_until = settings.COPROD_SMS_QUIET_HOURS
    spans = [CONTACT_TIME_HOURS[code] for code in contact_times if code in CONTACT_TIME_HOURS]
    spans = sorted(spans) or [(quiet_until, quiet_from)]
    return [
        (max(start, quiet_until), min(end, quiet_from))
        for start, end in spans
        if max(start, quiet_until) < min(end, quiet_from)
    ]


def text_moment(
    due: datetime.datetime,
    *,
    contact_times: list[str],
    zone: zoneinfo.ZoneInfo,
    expires_at: datetime.datetime | None = None,
) -> datetime.datetime:
    """Return the first moment from `due` when a text may arrive.

    If that is too late to be of use (after `expires_at`), the last allowed
    moment before `due` is used instead: a 9am meeting's "2 hours before"
    text goes at 8:59pm the evening before rather than never.
    """
    windows = text_windows(contact_times)
    local = due.astimezone(zone)
    for start, end in windows:
        if start <= local.hour < end:
            return due
    for offset in range(0, 3):
        day = local.date() + datetime.timedelta(days=offset)
        for start, _end in windows:
            moment = at_local_time(day, start, zone)
            if moment > due:
                if expires_at is None or moment < expires_at:
                    return moment
                return _last_allowed_before(due, windows, zone) or moment
    return due


def _last_allowed_before(due, windows, zone):
    local = due.astimezone(zone)
    for offset in range(0, 3):
        day = local.date() - datetime.timedelta(days=offset)
        for _start, end in reversed(windows):
            moment = at_local_time(day, end, zone) - datetime.timedelta(minutes=1)
            if moment < due:
                return moment
    return None
