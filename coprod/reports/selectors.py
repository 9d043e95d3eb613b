"""The figures in funder reports, counted in the database and protected before anyone sees them.

Every figure is an aggregate over the other apps' tables (memberships,
meetings, attendance, the ledger, contributions), read here and never
copied. The number of queries is fixed: it does not grow with members,
meetings or payments (tests/reports/test_query_count.py). Nothing about a
single person leaves this module: no names, no self-descriptions, and
every count of people goes through coprod.reports.suppression.

A report covers one of the project's fixed periods (coprod/reports/periods.py).
Figures that add up across periods (joiners, hours, money) are read for the
whole life at once, one row per person and month, and protected for every
period together (suppression.Grid); figures about who people are (status,
roles, views) describe the whole life whatever the period.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate, TruncMonth
from django.utils import timezone

from coprod.dbfunctions import DaysBetween
from coprod.reports import periods, suppression
from coprod.reports.periods import Period
from coprod.reports.suppression import Figure, Grid
from participants.models import ProjectMembership, ProjectRole
from payments.models import Claim, LedgerEntry
from projects.models import (
    Attendance,
    Contribution,
    Invitee,
    LadderAssessment,
    Meeting,
    Project,
    Rung,
)
from projects.promises.selectors import with_promise_state
from projects.selectors import values_for_project

INVOLVED = ("active", "on_break", "left")


# --- Periods -------------------------------------------------------------------


def project_life(project: Project, *, today: datetime.date | None = None) -> Period:
    """The project's life so far: from its start date (or creation) to today."""
    zone = project.organisation.zone
    today = today or timezone.localdate(timezone=zone)
    created = timezone.localdate(project.created_at, timezone=zone)
    start = project.start_date if project.start_date and project.start_date <= today else created
    return periods.life(min(start, today), today, zone)


def _within(period: Period, field: str, *, moment: bool = True) -> Q:
    """Rows in the period; the whole life is everything, whatever its date."""
    if period.level == periods.LIFE:
        return Q()
    if moment:
        return Q(**{f"{field}__gte": period.starts_at, f"{field}__lt": period.ends_before})
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


@dataclass
class Grids:
    """The figures that add up across periods, for every period of one project, protected."""

    months: list[datetime.date]  # every month of the tree that may hold data, in order
    joined: Grid
    hours: Grid
    money: Grid

    def months_of(self, period: Period) -> list[datetime.date]:
        if period.level == periods.LIFE:
            return self.months
        return [m for m in period.months() if self.months[0] <= m <= self.months[-1]]


def _grids(project: Project, whole: Period, now: datetime.datetime) -> Grids:
    """Read each family's rows in one query (person by month), then protect every period at once."""
    zone = whole.zone
    joined_rows = [
        (_month_key(row["month"]), row["participant_id"], {"total": 1})
        for row in _members(ProjectMembership.objects.filter(project=project))
        .annotate(month=TruncMonth("created_at", tzinfo=zone))
        .values("participant_id", "month")
    ]
    hours_rows = [
        (
            _month_key(row["month"]),
            row["participant_id"],
            {"meeting": row["minutes"], "preparing": row["preparing"]},
        )
        for row in _worked(Attendance.objects.filter(meeting__project=project), now)
        .annotate(month=TruncMonth("meeting__starts_at", tzinfo=zone))
        .values("participant_id", "month")
        .annotate(minutes=Sum("minutes"), preparing=Sum("preparation_minutes"))
        .order_by()
    ]
    money_rows = [
        (_month_key(row["month"]), row["participant_id"], {k: row[k] for k in MONEY_PARTS})
        for row in _paid(LedgerEntry.objects.filter(project=project))
        .annotate(month=TruncMonth("work_date"))
        .values("participant_id", "month")
        .annotate(
            **{
                key: Coalesce(Sum("amount_pence", filter=where), 0)
                for key, where in MONEY_PARTS.items()
            }
        )
        .order_by()
    ]
    months = set(whole.months())
    for rows in (joined_rows, hours_rows, money_rows):
        months.update(month for month, _, _ in rows)
    ordered = sorted(months)
    every = ordered[0]
    span = []
    while every <= ordered[-1]:
        span.append(every)
        every = periods.next_month(every)
    tree = periods.tree(span)

    def keyed(rows):
        return [(periods.month_key(month), person, values) for month, person, values in rows]

    return Grids(
        months=span,
        joined=Grid(kind="people", tree=tree, rows=keyed(joined_rows)),
        hours=Grid(
            kind="hours",
            tree=tree,
            rows=keyed(hours_rows),
            parts=["meeting", "preparing"],
            display=_hours,
        ),
        money=Grid(kind="money", tree=tree, rows=keyed(money_rows), parts=list(MONEY_PARTS)),
    )


# --- What a report is made of --------------------------------------------------


@dataclass
class Table:
    """One table of a report: shown on the page, drawn as a chart, exported as CSV."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    chart: str = ""  # "" for no chart, else "bar"
    note: str = ""
    total: bool = False  # the last row adds up the others (left out of the chart)

    def chart_rows(self):
        """(label, figure, size 0 to 100) for the chart: hidden figures draw no bar."""
        rows = self.rows[:-1] if self.total else self.rows
        figures = [(row[0], row[1]) for row in rows if isinstance(row[1], Figure)]
        values = [f.value for _, f in figures if not f.hidden and f.value]
        top = max(values, default=0) or 1
        return [
            (label, f, 0 if f.hidden or not f.value else round(100 * f.value / top))
            for label, f in figures
        ]


@dataclass
class Report:
    project: Project
    period: Period
    produced_at: datetime.datetime
    headline: list[tuple[str, Figure]]
    sections: list[tuple[str, str, list[Table]]]  # (key, heading, tables)
    organisation_views: list[LadderAssessment]

    def table(self, key: str) -> Table | None:
        for _, _, tables in self.sections:
            for table in tables:
                if table.key == key:
                    return table
        return None


def _month_label(day: datetime.date) -> str:
    return day.strftime("%b %Y")


def _month_key(moment) -> datetime.date | None:
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        return moment.date().replace(day=1)
    return moment.replace(day=1)


# --- People --------------------------------------------------------------------


def _members(memberships):
    """Memberships of people who have been part of the project (never just invited)."""
    return memberships.filter(status__in=INVOLVED)


def _worked(attendance, now: datetime.datetime):
    """Attendance at meetings held by now that counted some time (at the meeting or preparing)."""
    return attendance.filter(
        meeting__status=Meeting.Status.SCHEDULED, meeting__ends_at__lte=now
    ).filter(Q(minutes__gt=0) | Q(preparation_minutes__gt=0))


def _paid(ledger):
    """Payments that stand (paid, never reversed), each in exactly one of the money parts."""
    any_part = Q(pk__in=[])
    for where in MONEY_PARTS.values():
        any_part |= where
    return ledger.filter(STANDING).filter(any_part).exclude(amount_pence=0)


def _people_section(project: Project, period: Period, grids: Grids) -> tuple[list[Table], dict]:
    # Who is involved, and how, is about the project's whole life as it stands:
    # the same figures whatever period is chosen, so no two periods can be
    # subtracted to find one person's joining, leaving or role.
    involved = _members(ProjectMembership.objects.filter(project=project))
    counts = involved.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status="active")),
        on_break=Count("pk", filter=Q(status="on_break")),
        left=Count("pk", filter=Q(status="left")),
        described=Count("pk", filter=~Q(participant__self_description="")),
        no_payment=Count("pk", filter=Q(participant__payment_choice__method="none")),
    )
    statuses = suppression.people_partition(
        counts["total"],
        [("active", counts["active"]), ("on_break", counts["on_break"]), ("left", counts["left"])],
    )
    status_table = Table(
        "people",
        "Members involved",
        ["Status", "People"],
        [
            ["Active", statuses.parts["active"]],
            ["Taking a break", statuses.parts["on_break"]],
            ["Left", statuses.parts["left"]],
            ["All members involved", statuses.total],
        ],
        chart="bar",
        total=True,
        note="Everyone involved over the project's whole life, as they are today, "
        "whichever period you choose.",
    )

    months = grids.months_of(period)
    joined_table = Table(
        "joined",
        "New members by month",
        ["Month", "People who joined"],
        [[_month_label(m), grids.joined.figure(periods.month_key(m))] for m in months]
        + [["All new members", grids.joined.figure(period.key)]],
        chart="bar",
        total=True,
    )

    role_rows = list(
        ProjectRole.memberships.through.objects.filter(projectmembership__in=involved)
        .exclude(projectrole__name__iexact="Member")
        .values("projectrole__name")
        .annotate(
            n=Count("projectmembership", distinct=True),
            powerful=Max(
                Case(
                    When(
                        Q(projectrole__leads_project=True)
                        | Q(projectrole__edits_agendas=True)
                        | Q(projectrole__posts_updates=True),
                        then=1,
                    ),
                    default=0,
                )
            ),
        )
        .order_by("projectrole__name")
    )
    power = involved.filter(
        Q(roles__leads_project=True) | Q(roles__edits_agendas=True) | Q(roles__posts_updates=True)
    ).aggregate(n=Count("pk", distinct=True))["n"]
    power_figure = suppression.people(power)
    # "Any power role" minus one shown power role must not leave 1 to 4 people.
    if any(
        row["powerful"]
        and not suppression.is_small(row["n"])
        and suppression.is_small(power - row["n"])
        for row in role_rows
    ):
        power_figure.hide("subtraction")
    roles_table = Table(
        "roles",
        "Roles members hold",
        ["Role", "People holding it"],
        [[row["projectrole__name"], suppression.people(row["n"])] for row in role_rows]
        + [["Any role that leads, sets agendas or posts updates", power_figure]],
        note="One person can hold more than one role.",
    )

    described = suppression.people_partition(
        counts["total"],
        [("yes", counts["described"]), ("no", counts["total"] - counts["described"])],
    )
    described_table = Table(
        "described",
        "Members who chose to describe themselves",
        ["Members", "People"],
        [
            ["Chose to describe themselves", described.parts["yes"]],
            ["Did not", described.parts["no"]],
        ],
        note="What people wrote is never shown in a report: it is only counted.",
    )
    facts = {"members": statuses.total, "no_payment": suppression.people(counts["no_payment"])}
    return [status_table, joined_table, roles_table, described_table], facts


# --- Work ----------------------------------------------------------------------


def _held(project: Project, period: Period, now: datetime.datetime):
    return Meeting.objects.filter(
        _within(period, "starts_at"),
        project=project,
        status=Meeting.Status.SCHEDULED,
        ends_at__lte=now,
    )


def _papers_days_needed():
    """Per meeting: the largest "papers N days before" of invitees who have not said no."""
    return Subquery(
        Invitee.objects.filter(meeting=OuterRef("pk"), participant__papers_days_ahead__isnull=False)
        .exclude(answer=Invitee.Answer.NO)
        .order_by()
        .values("meeting")
        .annotate(days=Max("participant__papers_days_ahead"))
        .values("days")[:1],
        output_field=IntegerField(),
    )


def _work_section(
    project: Project, period: Period, now: datetime.datetime, grids: Grids
) -> tuple[list[Table], dict]:
    held = _held(project, period, now)
    zone = period.zone
    meetings = Meeting.objects.filter(_within(period, "starts_at"), project=project).aggregate(
        held=Count("pk", filter=Q(status="scheduled", ends_at__lte=now)),
        in_person=Count("pk", filter=Q(status="scheduled", ends_at__lte=now, format="in_person")),
        online=Count("pk", filter=Q(status="scheduled", ends_at__lte=now, format="online")),
        hybrid=Count("pk", filter=Q(status="scheduled", ends_at__lte=now, format="hybrid")),
        cancelled=Count("pk", filter=Q(status="cancelled")),
    )
    papers = held.annotate(
        needed=Greatest(
            Coalesce(_papers_days_needed(), Value(0), output_field=IntegerField()),
            F("project__organisation__papers_days_default"),
            output_field=IntegerField(),
        ),
        gap=DaysBetween(
            TruncDate("starts_at", tzinfo=zone), TruncDate("papers_ready_at", tzinfo=zone)
        ),
    ).aggregate(on_time=Count("pk", filter=Q(gap__gte=F("needed"))))["on_time"]
    attended = Attendance.objects.filter(meeting__in=held).aggregate(places=Count("pk"))
    invited = Invitee.objects.filter(meeting__in=held).aggregate(
        places=Count("pk"), people=Count("participant", distinct=True)
    )

    months = grids.months_of(period)
    hours = grids.hours
    hours_table = Table(
        "hours",
        "Hours of lived-experience work by month",
        ["Month", "Hours"],
        [[_month_label(m), hours.figure(periods.month_key(m))] for m in months]
        + [["All hours", hours.figure(period.key)]],
        chart="bar",
        total=True,
        note="Time at meetings and time preparing for them, from attendance records. "
        "A month with fewer than 5 people is not shown, nor is a month that would let "
        "one be worked out from this period's total or another period's.",
    )

    meeting_hours = hours.figure(period.key, "meeting")
    preparing_hours = hours.figure(period.key, "preparing")
    rate = suppression.about(
        attended["places"] / invited["places"] if invited["places"] else None,
        people=invited["people"],
        kind="share",
    )
    on_time = Figure(
        papers / meetings["held"] if meetings["held"] else None, people=0, kind="share"
    )
    meetings_table = Table(
        "meetings",
        "Meetings held, by format",
        ["Format", "Meetings"],
        [
            ["In person", Figure(meetings["in_person"], 0, kind="count")],
            ["Online", Figure(meetings["online"], 0, kind="count")],
            ["Hybrid (in person and online)", Figure(meetings["hybrid"], 0, kind="count")],
            ["All meetings held", Figure(meetings["held"], 0, kind="count")],
        ],
        chart="bar",
        total=True,
    )
    work_table = Table(
        "work",
        "Attendance and preparation",
        ["Measure", "Figure"],
        [
            ["Meetings cancelled", Figure(meetings["cancelled"], 0, kind="count")],
            ["Attendance rate (places taken of places offered)", rate],
            ["Hours at meetings", meeting_hours],
            ["Hours preparing", preparing_hours],
            ["Meetings whose papers went out on time", on_time],
        ],
        note="Papers are on time when they went out by the papers-out-by date: the most "
        "notice any invitee asked for, or the organisation's default.",
    )
    facts = {
        "held": Figure(meetings["held"], 0, kind="count"),
        "hours": hours.figure(period.key),
        "attendance": rate,
        "papers_on_time": on_time,
    }
    return [meetings_table, work_table, hours_table], facts


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- Money ---------------------------------------------------------------------

# A payment that stands: paid, and not put right by a reversal since.
STANDING = Q(kind=LedgerEntry.Kind.PAID, reversed_by__isnull=True)
MONEY_PARTS = {
    "cash": Q(claim__kind=Claim.Kind.TIME, method="cash"),
    "vouchers": Q(claim__kind=Claim.Kind.TIME, method="vouchers"),
    "expenses": Q(claim__kind=Claim.Kind.EXPENSE),
}


def _money_section(
    project: Project, period: Period, people_facts: dict, grids: Grids
) -> tuple[list[Table], dict]:
    money = grids.money

    def part(key: str) -> Figure:
        return money.figure(period.key, key)

    claims = Claim.objects.filter(
        _within(period, "work_date", moment=False), project=project, status=Claim.Status.PAID
    )
    paid = claims.aggregate(
        vouchers=Count("pk", filter=Q(kind="time", method="vouchers")),
        vouchers_with_reason=Count(
            "pk", filter=Q(kind="time", method="vouchers") & ~Q(voucher_reason="")
        ),
        voucher_people=Count(
            "participant", distinct=True, filter=Q(kind="time", method="vouchers")
        ),
        time=Count("pk", filter=Q(kind="time")),
        time_people=Count("participant", distinct=True, filter=Q(kind="time")),
    )
    # The median in the database: the middle one or two waits, by position.
    n = paid["time"]
    middle = list(
        claims.filter(kind=Claim.Kind.TIME)
        .annotate(days=DaysBetween("paid_on", "work_date"))
        .order_by("days")
        .values_list("days", flat=True)[max(n - 1, 0) // 2 : n // 2 + 1]
    )
    median = Decimal(sum(middle)) / len(middle) if middle else None
    median_days = suppression.about(median, people=paid["time_people"], kind="days")
    reasons = suppression.about(
        paid["vouchers_with_reason"] / paid["vouchers"] if paid["vouchers"] else None,
        people=paid["voucher_people"],
        kind="share",
    )
    split_table = Table(
        "money",
        "Money paid, by how it was paid",
        ["Paid as", "Amount"],
        [
            ["Money into bank accounts", part("cash")],
            ["Vouchers", part("vouchers")],
            ["Expenses paid back", part("expenses")],
            ["All money paid", part("total")],
        ],
        chart="bar",
        total=True,
        note="For work and expenses on days in the period. A payment later put right "
        "(reversed) is not counted. Amounts about fewer than 5 people are not shown.",
    )
    payment_table = Table(
        "payment",
        "How fair and fast payment was",
        ["Measure", "Figure"],
        [
            ["Members who chose not to be paid", people_facts["no_payment"]],
            ["Voucher payments with a recorded reason", reasons],
            ["Median days from the meeting to payment", median_days],
        ],
        note="Vouchers can affect benefits less but cost people choice, so each voucher "
        "payment should have its reason recorded: the aim is 100%.",
    )
    facts = {"paid": part("total"), "median_days": median_days}
    return [split_table, payment_table], facts


# --- Follow-through ------------------------------------------------------------


RESPONSES = [
    ("waiting", "Not answered yet"),
    ("accepted", "Accepted"),
    ("in_progress", "In progress"),
    ("not_possible", "Not possible"),
]
PROMISES = [
    ("kept", "Delivered on time"),
    ("kept late", "Delivered late"),
    ("overdue", "Overdue now"),
    ("due", "Not due yet"),
]


def _follow_through_section(project: Project, period: Period, today) -> tuple[list[Table], dict]:
    contributions = with_promise_state(
        Contribution.objects.filter(_within(period, "created_at"), project=project),
        today=today,
    )
    # Grouped by (answer, promise): at most 4 x 5 groups, each state worked out once per row.
    groups = contributions.order_by().values("response", "promise").annotate(n=Count("pk"))
    counts = {"total": 0} | {f"r_{key}": 0 for key, _ in RESPONSES}
    counts |= {f"p_{key}": 0 for key, _ in PROMISES}
    for group in groups:
        counts["total"] += group["n"]
        counts[f"r_{group['response']}"] += group["n"]
        if group["promise"]:
            counts[f"p_{group['promise']}"] += group["n"]
    count = lambda n: Figure(n, 0, kind="count")  # noqa: E731 - not about people
    responses = Table(
        "responses",
        "What members said, and the answers",
        ["Answer", "Contributions"],
        [[label, count(counts[f"r_{key}"])] for key, label in RESPONSES]
        + [["All contributions recorded", count(counts["total"])]],
        chart="bar",
        total=True,
    )
    promises = Table(
        "promises",
        "Promised updates",
        ["Update", "Contributions"],
        [[label, count(counts[f"p_{key}"])] for key, label in PROMISES],
        chart="bar",
        note="When the organisation answers, it promises a date to report back by.",
    )
    due = counts["p_kept"] + counts["p_kept late"] + counts["p_overdue"]
    facts = {
        "contributions": count(counts["total"]),
        "promises_kept": Figure(counts["p_kept"] / due if due else None, 0, kind="share"),
    }
    return [responses, promises], facts


# --- Honesty -------------------------------------------------------------------


def _honesty_section(project: Project, period: Period) -> tuple[list[Table], list]:
    # Members' views are their latest, whatever the period: a view as it
    # stood at the end of one period, beside another's, would tell who changed.
    views = LadderAssessment.objects.filter(project=project)
    organisation_views = list(
        views.filter(participant__isnull=True)
        .order_by("created_at", "pk")
        .only("rung", "created_at")
    )
    newest = (
        LadderAssessment.objects.filter(
            project=project,
            participant=OuterRef("participant"),
        )
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    latest = (
        views.filter(participant__isnull=False, pk=Subquery(newest))
        .values("rung")
        .annotate(n=Count("pk"))
    )
    by_rung = {row["rung"]: row["n"] for row in latest}
    said = suppression.people_partition(
        sum(by_rung.values()), [(rung.value, by_rung.get(rung.value, 0)) for rung in Rung]
    )
    ladder_table = Table(
        "ladder",
        "Where members say the project is on the ladder of participation",
        ["Step", "Members who say so"],
        [[rung.label, said.parts[rung.value]] for rung in Rung]
        + [["Members who gave a view", said.total]],
        chart="bar",
        total=True,
        note="Each member's latest view, whichever period you choose.",
    )
    history_table = Table(
        "ladder-history",
        "The organisation's view over time",
        ["Date", "Step"],
        [
            [timezone.localdate(view.created_at, timezone=period.zone), view.get_rung_display()]
            for view in organisation_views
        ],
    )
    values = values_for_project(project)["agreed"]
    values_table = Table(
        "values",
        "Values agreed",
        ["Value", "Agreed on", "Members endorsing the current wording"],
        [
            [
                value.current_version.title if value.current_version else "",
                value.agreed_on,
                suppression.people(value.endorsement_count),
            ]
            for value in values
        ],
    )
    return [ladder_table, history_table, values_table], organisation_views


# --- The whole report ----------------------------------------------------------


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
    grids = _grids(project, whole, now)
    people, people_facts = _people_section(project, period, grids)
    work, work_facts = _work_section(project, period, now, grids)
    money, money_facts = _money_section(project, period, people_facts, grids)
    follow, follow_facts = _follow_through_section(project, period, today)
    honesty, organisation_views = _honesty_section(project, period)
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
        ],
        organisation_views=organisation_views,
    )


# --- The portfolio -------------------------------------------------------------


PORTFOLIO_COLUMNS = [
    ("project", "Project"),
    ("members", "Members involved"),
    ("meetings", "Meetings held"),
    ("hours", "Hours of lived-experience work"),
    ("paid", "Money paid"),
    ("promises", "Promised updates on time"),
    ("rung", "Organisation's view on the ladder"),
]


@dataclass
class PortfolioRow:
    project: Project
    figures: dict[str, Figure | str]
    until: datetime.date | None = None  # a funder's access ends after this day

    def sort_key(self, column: str):
        """(hidden?, value): hidden and missing figures have no value to order by."""
        if column == "project":
            return (False, self.project.title.lower())
        figure = self.figures[column]
        if isinstance(figure, str):
            return (False, figure)
        if figure.hidden or figure.value is None:
            return (True, 0)
        return (False, figure.value)


def portfolio_sorted(rows: list[PortfolioRow], column: str, *, descending: bool = False):
    """Sort by a column either way; hidden figures always come last, in title order,
    so where they fall gives nothing away."""
    shown = [row for row in rows if not row.sort_key(column)[0]]
    hidden = [row for row in rows if row.sort_key(column)[0]]
    shown.sort(key=lambda row: row.sort_key(column), reverse=descending)
    return shown + hidden


def portfolio(projects, *, now: datetime.datetime | None = None) -> list[PortfolioRow]:
    """One row per project with the headline figures over each project's whole life.

    A fixed number of queries, grouped by project, whatever the number of
    projects, members, meetings or payments.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    newest_view = (
        LadderAssessment.objects.filter(project=OuterRef("pk"), participant__isnull=True)
        .order_by("-created_at", "-pk")
        .values("rung")[:1]
    )
    projects = list(
        projects.select_related("organisation")
        .annotate(rung=Subquery(newest_view))
        .order_by("title", "pk")
    )
    ids = [p.pk for p in projects]

    def grouped(queryset, **aggregates):
        rows = queryset.order_by().values("project_id").annotate(**aggregates)
        return {row.pop("project_id"): row for row in rows}

    # The same rows as each project's report counts for its whole life (the
    # root of its grids), so a figure reads the same on both pages.
    members = grouped(_members(ProjectMembership.objects.filter(project_id__in=ids)), n=Count("pk"))
    meetings = grouped(
        Meeting.objects.filter(project_id__in=ids, status="scheduled", ends_at__lte=now),
        n=Count("pk"),
    )
    attendance = {
        row.pop("meeting__project_id"): row
        for row in _worked(Attendance.objects.filter(meeting__project_id__in=ids), now)
        .order_by()
        .values("meeting__project_id")
        .annotate(
            minutes=Sum(F("minutes") + F("preparation_minutes")),
            people=Count("participant", distinct=True),
        )
    }
    paid = grouped(
        _paid(LedgerEntry.objects.filter(project_id__in=ids)),
        pence=Sum("amount_pence"),
        people=Count("participant", distinct=True),
    )
    promises: dict[int, dict] = {}
    states = (
        with_promise_state(Contribution.objects.filter(project_id__in=ids), today=today)
        .order_by()
        .values("project_id", "promise")
        .annotate(n=Count("pk"))
    )
    for group in states:  # one row per project and state, not per contribution
        tally = promises.setdefault(group["project_id"], {"kept": 0, "due": 0})
        if group["promise"] == "kept":
            tally["kept"] += group["n"]
        if group["promise"] in ("kept", "kept late", "overdue"):
            tally["due"] += group["n"]
    rungs = dict(Rung.choices)
    rows = []
    for project in projects:
        a = attendance.get(project.pk, {"minutes": 0, "people": 0})
        m = paid.get(project.pk, {"pence": 0, "people": 0})
        p = promises.get(project.pk, {"kept": 0, "due": 0})
        rows.append(
            PortfolioRow(
                project,
                {
                    "members": suppression.people(members.get(project.pk, {"n": 0})["n"]),
                    "meetings": Figure(meetings.get(project.pk, {"n": 0})["n"], 0, kind="count"),
                    "hours": suppression.about(
                        _hours(a["minutes"] or 0), people=a["people"], kind="hours"
                    ),
                    "paid": suppression.about(m["pence"] or 0, people=m["people"], kind="money"),
                    "promises": Figure(p["kept"] / p["due"] if p["due"] else None, 0, kind="share"),
                    "rung": rungs.get(project.rung, "Not yet given"),
                },
            )
        )
    return rows
