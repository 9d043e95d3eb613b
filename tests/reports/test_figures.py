"""Each report figure, counted in the database, agrees with the rows it counts."""

import datetime
import statistics
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from coprod.demo.scale import grow
from coprod.reports import periods
from coprod.reports.figures.portfolio import portfolio
from coprod.reports.figures.report import project_report
from payments.models import Claim, LedgerEntry
from payments.services import ledger_reverse
from projects.meetings.selectors import papers_due
from projects.models import Attendance, Invitee, Meeting, Project
from projects.promises.selectors import contributions_for_project, with_states

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(world):
    grown = grow(organisation=world.org, members=90, projects=1, months=8, seed=3)
    return Project.objects.select_related("organisation").get(pk=grown.projects[0].pk)


def hours(minutes):
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def held(project):
    return Meeting.objects.filter(project=project, status="scheduled", ends_at__lte=timezone.now())


def test_work_figures_match_the_meetings_and_attendance(project):
    report = project_report(project)
    meetings = list(held(project))
    rows = list(Attendance.objects.filter(meeting__in=meetings))

    assert report.table("meetings").rows[-1][1].value == len(meetings)
    by_format = Counter(m.format for m in meetings)
    assert [row[1].value for row in report.table("meetings").rows[:3]] == [
        by_format["in_person"],
        by_format["online"],
        by_format["hybrid"],
    ]
    assert report.table("hours").rows[-1][1].value == hours(
        sum(r.minutes + r.preparation_minutes for r in rows)
    )
    work = {row[0]: row[1] for row in report.table("work").rows}
    invited = Invitee.objects.filter(meeting__in=meetings).count()
    assert work["Attendance rate (places taken of places offered)"].value == len(rows) / invited
    on_time = sum(
        1
        for m in meetings
        if m.papers_ready_at
        and timezone.localdate(m.papers_ready_at, timezone=project.organisation.zone)
        <= papers_due(m).out_by
    )
    assert work["Meetings whose papers went out on time"].value == on_time / len(meetings)


def test_money_figures_match_the_ledger_and_a_reversal_takes_money_off(project, world):
    def standing():
        entries = LedgerEntry.objects.filter(project=project, kind="paid").select_related("claim")
        return [e for e in entries if not hasattr(e, "reversed_by")]

    def split(entries):
        return {
            "cash": sum(
                e.amount_pence for e in entries if e.claim.kind == "time" and e.method == "cash"
            ),
            "vouchers": sum(
                e.amount_pence for e in entries if e.claim.kind == "time" and e.method == "vouchers"
            ),
            "expenses": sum(e.amount_pence for e in entries if e.claim.kind == "expense"),
        }

    money = project_report(project).table("money").rows
    expected = split(standing())
    assert [row[1].value for row in money] == [
        expected["cash"],
        expected["vouchers"],
        expected["expenses"],
        sum(expected.values()),
    ]

    # When a payment is put right by a reversal, it no longer counts as paid.
    wrong = standing()[0]
    ledger_reverse(entry=wrong, by=world.users["finance"], reason="Paid to the wrong person.")
    total = project_report(project).table("money").rows[-1][1].value
    assert total == sum(expected.values()) - wrong.amount_pence


def test_payment_fairness_figures(project):
    claims = list(Claim.objects.filter(project=project, status="paid", kind="time"))
    payment = {row[0]: row[1] for row in project_report(project).table("payment").rows}

    waits = [(c.paid_on - c.work_date).days for c in claims]
    assert payment["Median days from the meeting to payment"].value == Decimal(
        str(statistics.median(waits))
    )
    vouchers = [c for c in claims if c.method == "vouchers"]
    assert payment["Voucher payments with a recorded reason"].value == 1
    assert vouchers, "the seed should pay some people in vouchers"


def test_follow_through_matches_promise_state_for_every_contribution(project):
    states = Counter(c.state for c in with_states(contributions_for_project(project)))
    responses = Counter(c.response for c in contributions_for_project(project))
    report = project_report(project)

    promises = {row[0]: row[1].value for row in report.table("promises").rows}
    assert promises == {
        "Delivered on time": states["kept"],
        "Delivered late": states["kept late"],
        "Overdue now": states["overdue"],
        "Not due yet": states["due"],
    }
    answers = [row[1].value for row in report.table("responses").rows]
    assert answers == [
        responses["waiting"],
        responses["accepted"],
        responses["in_progress"],
        responses["not_possible"],
        responses["done"],
        sum(responses.values()),
    ]
    assert states["kept"]
    assert states["kept late"]
    assert states["overdue"]


def test_a_month_counts_only_what_happened_in_it(project):
    zone = project.organisation.zone
    first = Meeting.objects.filter(project=project).order_by("starts_at").first()
    day = timezone.localdate(first.starts_at, timezone=zone).replace(day=1)
    period = periods.month(day, zone)
    end = periods.next_month(day) - datetime.timedelta(days=1)

    report = project_report(project, period=period)

    in_month = held(project).filter(
        starts_at__gte=period.starts_at, starts_at__lt=period.ends_before
    )
    assert report.table("meetings").rows[-1][1].value == in_month.count()
    in_range = LedgerEntry.objects.filter(
        project=project, kind="paid", work_date__gte=day, work_date__lte=end
    )
    money = report.table("money").rows[-1][1]
    assert money.hidden or money.value == sum(e.amount_pence for e in in_range)
    assert (report.period.start, report.period.end) == (day, end)


def test_the_portfolio_shows_each_project_s_whole_life_exactly_as_its_report_does(project, world):
    small = grow(organisation=world.org, members=4, months=3, seed=5, title="Tiny").projects[0]
    projects = Project.objects.filter(pk__in=[project.pk, small.pk])

    rows = {row.project.pk: row.figures for row in portfolio(projects)}

    for each in projects.select_related("organisation"):
        report = project_report(each)
        whole = {
            "members": report.table("people").rows[-1][1],
            "hours": report.table("hours").rows[-1][1],
            "paid": report.table("money").rows[-1][1],
        }
        for key, figure in whole.items():
            shown = rows[each.pk][key]
            assert (shown.value, shown.hidden) == (figure.value, figure.hidden), (each, key)
    assert rows[small.pk]["paid"].hidden
    assert not rows[project.pk]["paid"].hidden
