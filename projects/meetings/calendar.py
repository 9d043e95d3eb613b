"""Calendar files (.ics) for meetings, made with the icalendar package.

Times carry the organisation's time zone (with its VTIMEZONE), so a phone in
any zone shows the right local time, including on the days clocks change.
Nothing private goes in: no needs, no names of who is coming.
"""

import datetime
from urllib.parse import urlparse

from django.conf import settings
from icalendar import Calendar, Event

from projects.models import Meeting


def _location(meeting: Meeting) -> str:
    parts = []
    if meeting.in_person and meeting.venue:
        parts.append(f"{meeting.venue.name}, {' '.join(meeting.venue.address.split())}")
    if meeting.online:
        parts.append(meeting.online_link or f"By phone: {meeting.dial_in}")
    return " / ".join(parts)


def _description(meeting: Meeting, url: str) -> str:
    lines = [meeting.purpose]
    agenda = list(meeting.agenda.all())
    if agenda:
        lines += ["", "Agenda:"] + [f"{n}. {item.title}" for n, item in enumerate(agenda, 1)]
    if meeting.in_person and meeting.venue and meeting.venue.getting_there:
        lines += ["", "How to get there:", meeting.venue.getting_there]
    if meeting.online and meeting.dial_in:
        lines += ["", f"Join by phone: {meeting.dial_in}"]
    if meeting.online and meeting.joining_help:
        lines += ["", f"Help with joining: {meeting.joining_help}"]
    lines += ["", f"Everything about this meeting: {url}"]
    return "\n".join(lines)


def _event(meeting: Meeting, base_url: str) -> Event:
    zone = meeting.project.organisation.zone
    url = base_url.rstrip("/") + meeting.get_absolute_url()
    event = Event()
    # The same UID every time, so a calendar replaces the event when it changes.
    event.add("uid", f"meeting-{meeting.pk}@{urlparse(base_url).hostname or 'coprod'}")
    # When this information last changed (RFC 5545, no METHOD): the same
    # meeting gives the same file, whenever and however often it is made.
    event.add("dtstamp", meeting.updated_at.astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", f"{meeting.title} ({meeting.project.title})")
    event.add("description", _description(meeting, url))
    event.add("url", url)
    location = _location(meeting)
    if location:
        event.add("location", location)
    # Calendars update an event they already hold when the sequence grows.
    event.add("sequence", meeting.changes.count())
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    return event


def calendar_for(meetings, *, base_url: str = "", name: str = "") -> bytes:
    """Return an iCalendar file holding these meetings."""
    base_url = base_url or settings.COPROD_BASE_URL
    calendar = Calendar()
    calendar.add("prodid", "-//Coprod//Meetings//EN")
    calendar.add("version", "2.0")
    if name:
        calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(_event(meeting, base_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()
