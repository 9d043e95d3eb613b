"""One project's report for one of its periods: every section, already protected."""

import datetime

from django.utils import timezone

from coprod.reports.figures.feels import feels_section
from coprod.reports.figures.follow_through import follow_through_section
from coprod.reports.figures.grids import grids_for, project_life
from coprod.reports.figures.honesty import honesty_section
from coprod.reports.figures.money import money_section
from coprod.reports.figures.people import people_section
from coprod.reports.figures.tables import Report
from coprod.reports.figures.work import work_section
from coprod.reports.periods import Period
from projects.models import Project


def project_report(
    project: Project, *, period: Period | None = None, now: datetime.datetime | None = None
) -> Report:
    """Every figure of one project's report for one of its periods, already protected.

    The figures that add up across periods (joiners, hours, money) are
    counted and protected for every period of the project at once, so each
    reads the same on every page it appears on, the portfolio's included.
    """
    now = now or timezone.now()
    today = timezone.localdate(now, timezone=project.organisation.zone)
    whole = project_life(project, today=today)
    period = period or whole
    grids = grids_for(project, whole, now)
    people, people_facts = people_section(project, period, grids)
    work, work_facts = work_section(project, period, now, grids)
    money, money_facts = money_section(project, period, people_facts, grids)
    follow, follow_facts = follow_through_section(project, period, today)
    honesty, organisation_views = honesty_section(project, period)
    headline = [
        ("Members involved", people_facts["members"]),
        ("Meetings held", work_facts["held"]),
        ("Hours of lived-experience work", work_facts["hours"]),
        ("Money paid", money_facts["paid"]),
        ("Median days from meeting to payment", money_facts["median_days"]),
        ("Promised updates delivered on time", follow_facts["promises_kept"]),
    ]
    return Report(
        project=project,
        period=period,
        produced_at=now,
        headline=headline,
        sections=[
            ("people", "People", people),
            ("work", "Work", work),
            ("money", "Money", money),
            ("follow-through", "Follow-through", follow),
            ("honesty", "Honesty", honesty),
            ("feels", "How members say it feels", feels_section(project, period, today)),
        ],
        organisation_views=organisation_views,
    )
