"""Meeting times across the clock changes: typed in local time, stored in UTC, shown back right."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from projects.meetings.calendar import calendar_for
from projects.meetings.times import local_datetime, slots_touched
from projects.models import Meeting

LONDON = zoneinfo.ZoneInfo("Europe/London")


def last_sunday(year, month):
    day = datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
    return day - datetime.timedelta(days=(day.weekday() - 6) % 7)


def next_clock_change(month):
    """The next last-Sunday-of-`month` (3: clocks forward, 10: back) at least a week away."""
    year = timezone.localdate().year
    while last_sunday(year, month) < timezone.localdate() + datetime.timedelta(days=7):
        year += 1
    return last_sunday(year, month)


def test_ten_oclock_on_the_morning_clocks_go_forward_is_nine_utc():
    day = next_clock_change(3)
    moment = local_datetime(day, datetime.time(10), LONDON)
    assert moment.astimezone(datetime.UTC).time() == datetime.time(9)
    # The day before, still on GMT, ten o'clock is ten UTC.
    before = local_datetime(day - datetime.timedelta(days=1), datetime.time(10), LONDON)
    assert before.astimezone(datetime.UTC).time() == datetime.time(10)


def test_ten_oclock_on_the_morning_clocks_go_back_is_ten_utc():
    day = next_clock_change(10)
    moment = local_datetime(day, datetime.time(10), LONDON)
    assert moment.astimezone(datetime.UTC).time() == datetime.time(10)
    before = local_datetime(day - datetime.timedelta(days=1), datetime.time(10), LONDON)
    assert before.astimezone(datetime.UTC).time() == datetime.time(9)


def test_a_time_skipped_when_clocks_go_forward_is_refused():
    day = next_clock_change(3)
    with pytest.raises(ValidationError, match="does not exist"):
        local_datetime(day, datetime.time(1, 30), LONDON)


def test_a_meeting_across_the_skipped_hour_lasts_its_real_length(world):
    day = next_clock_change(3)
    meeting = Meeting(
        starts_at=local_datetime(day, datetime.time(0, 30), LONDON),
        ends_at=local_datetime(day, datetime.time(2, 30), LONDON),
    )
    # 00:30 GMT to 02:30 BST is one real hour, which is what attendance counts.
    assert meeting.minutes == 60


def test_the_planner_stores_ten_oclock_on_the_clock_change_day_correctly(world, client_for):
    day = next_clock_change(3)
    client = client_for(world, "coordinator")

    response = client.post(
        reverse("projects:meeting_create", kwargs={"pk": world.project.pk}),
        {
            "title": "Spring planning",
            "purpose": "Plan the spring events.",
            "day": day.isoformat(),
            "start_time": "10:00",
            "end_time": "12:00",
            "format": "in_person",
            "venue": world.venue.pk,
        },
    )

    meeting = Meeting.objects.get(title="Spring planning")
    assert response.status_code == 302
    assert meeting.starts_at == datetime.datetime.combine(
        day, datetime.time(9), tzinfo=datetime.UTC
    )
    assert meeting.minutes == 120
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "10:00 a.m. to 12:00 p.m." in page


def test_the_calendar_file_keeps_local_time_and_the_zone_rules(world):
    day = next_clock_change(10)
    meeting = world.meeting
    meeting.starts_at = local_datetime(day, datetime.time(10), LONDON)
    meeting.ends_at = local_datetime(day, datetime.time(12), LONDON)

    text = calendar_for([meeting]).decode()

    assert f"DTSTART;TZID=Europe/London:{day:%Y%m%d}T100000" in text
    assert "BEGIN:VTIMEZONE" in text
    assert "TZID:Europe/London" in text


def test_parts_of_the_week_a_meeting_touches():
    monday = datetime.date(2030, 1, 7)
    morning = local_datetime(monday, datetime.time(10), LONDON)
    assert slots_touched(morning, morning + datetime.timedelta(hours=1), LONDON) == {
        "weekday_morning"
    }
    long_one = local_datetime(monday, datetime.time(11), LONDON)
    assert slots_touched(long_one, long_one + datetime.timedelta(hours=7), LONDON) == {
        "weekday_morning",
        "weekday_afternoon",
        "weekday_evening",
    }
    saturday = local_datetime(monday + datetime.timedelta(days=5), datetime.time(18), LONDON)
    assert slots_touched(saturday, saturday + datetime.timedelta(hours=2), LONDON) == {
        "weekend_evening"
    }
