"""How members say it feels: the pulse after meetings, and reviews' answers, counted.

Only counts and averages, protected like every other figure: a month's pulse
about fewer than `threshold()` people shows no average, and a question's
answers are a partition (its steps add up to the people who answered) with
secondary suppression. Words people wrote never reach this section. The
counts are those the group itself sees (projects/reviews/selectors.py), so
anonymous answers the group view keeps back are kept back here too: a member
reading the report could otherwise subtract the named answers they know.
Months are never added up into a total, so no month can be found from the rest.
"""

import datetime

from django.db.models import Count

from coprod.reports import suppression
from coprod.reports.figures.tables import Table, month_label
from coprod.reports.periods import Period
from projects.models import Meeting, Project, Pulse, PulseTaker, Review
from projects.reviews.selectors import group_view
from projects.reviews.services import PULSE_DAYS


def feels_section(project: Project, period: Period, today: datetime.date) -> list[Table]:
    return [_pulse_table(project, period, today), *_review_tables(project, period, today)]


def _month(meeting: Meeting, period: Period):
    return meeting.starts_at.astimezone(period.zone).date().replace(day=1)


def _pulse_table(project: Project, period: Period, today: datetime.date) -> Table:
    # Only meetings whose fortnight for answers is over, counted in whole
    # days: a figure moving as each answer came in would tell who said what
    # (and the kept report's stamp moves with the date).
    answered_by = datetime.datetime.combine(
        today - datetime.timedelta(days=PULSE_DAYS), datetime.time.min, tzinfo=period.zone
    )
    meetings = {
        m.pk: m
        for m in Meeting.objects.filter(
            project=project,
            starts_at__gte=period.starts_at,
            starts_at__lt=period.ends_before,
            ends_at__lt=answered_by,
        ).only("pk", "starts_at")
    }
    steps: dict = {}
    for row in (
        Pulse.objects.filter(meeting_id__in=meetings)
        .values("meeting_id", "step")
        .annotate(n=Count("pk"))
    ):
        month = _month(meetings[row["meeting_id"]], period)
        total, count = steps.get(month, (0, 0))
        steps[month] = (total + row["step"] * row["n"], count + row["n"])
    people: dict = {}
    for meeting_id, participant_id in PulseTaker.objects.filter(
        meeting_id__in=meetings
    ).values_list("meeting_id", "participant_id"):
        people.setdefault(_month(meetings[meeting_id], period), set()).add(participant_id)
    rows = []
    for month in sorted(steps):
        total, count = steps[month]
        who = len(people.get(month, ()))
        rows.append(
            [
                month_label(month),
                suppression.people(who),
                suppression.about(total / count, people=who, kind="score"),
            ]
        )
    return Table(
        "pulse",
        "How equal meetings felt, from 1 (not equal at all) to 5 (completely equal)",
        ["Month", "People who answered", "Average"],
        rows,
        note="Answered after each meeting, never named, and counted once the two weeks for "
        "answering are over. A month with answers from fewer than "
        f"{suppression.threshold()} people shows no average.",
    )


def _review_tables(project: Project, period: Period, today: datetime.date) -> list[Table]:
    # Reviews that opened in the period (one still to open has nothing to count).
    reviews = Review.objects.filter(
        project=project, opens_on__gte=period.start, opens_on__lte=min(period.end, today)
    ).order_by("opens_on", "pk")
    tables = []
    for review in reviews:
        views, _ = group_view(review, coordinator=False)
        for number, view in enumerate(views, start=1):
            if not view.counts:
                continue
            said = suppression.people_partition(
                sum(count for _, count in view.counts),
                [(word, count) for word, count in view.counts],
            )
            tables.append(
                Table(
                    f"review-{review.pk}-{number}",
                    f"{review.title}: {view.question.text}",
                    ["Answer", "Members who said so"],
                    [[word, said.parts[word]] for word, _ in view.counts]
                    + [["Members who answered", said.total]],
                    chart="bar",
                    total=True,
                    note="Members' answers the group can see; what they wrote in words is "
                    "not in reports.",
                )
            )
    return tables
