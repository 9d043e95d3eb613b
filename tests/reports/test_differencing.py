"""A funder cannot find out about fewer than 5 people by subtracting one report figure from another.

The attacker here is a funder with a browser: they read the portfolio, the
report for every period the page offers them and any date range they care
to type into the address, and note every figure shown. Then they subtract:
each figure from every figure that covers more days, each figure from the
figures shown inside it, each total from its shown parts. The truth behind
every such difference is worked out here from the rows themselves (ledger
entries, attendance, memberships): it must never be about 1 to 4 people.

On the code before fixed periods (any date range allowed) every scenario
below gave someone away.
"""

import datetime
import html
import random
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coprod.reports.suppression import threshold
from participants.models import ProjectMembership
from payments.models import Claim, LedgerEntry
from projects.models import Attendance, Meeting
from tests.factories import FunderGrantFactory, ProjectFactory, ProjectMembershipFactory

pytestmark = pytest.mark.django_db

EVERYTHING = (datetime.date.min, datetime.date.max)
START = datetime.date(2025, 10, 1)
# People counted for money or hours joined before the project started, all
# in one month: the scenarios for joining are about the months after.
BEFORE = datetime.date(2025, 9, 15)


# --- The rows, made the way the apps make them ------------------------------------


@dataclass
class Scene:
    project: object
    zone: object
    meetings: dict

    def member(self, joined: datetime.date):
        membership = ProjectMembershipFactory(project=self.project)
        ProjectMembership.objects.filter(pk=membership.pk).update(created_at=self.noon(joined))
        return membership.participant

    def noon(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(12), tzinfo=self.zone)

    def pay(self, person, day: datetime.date, pence: int, *, how: str = "cash") -> None:
        kind = Claim.Kind.EXPENSE if how == "expenses" else Claim.Kind.TIME
        method = "cash" if how == "expenses" else how
        claim = Claim.objects.create(
            participant=person,
            project=self.project,
            kind=kind,
            work_date=day,
            amount_pence=pence,
            status=Claim.Status.PAID,
            method=method,
            paid_on=day,
        )
        LedgerEntry.objects.create(
            claim=claim,
            organisation=self.project.organisation,
            project=self.project,
            participant=person,
            kind=LedgerEntry.Kind.PAID,
            amount_pence=pence,
            method=method,
            work_date=day,
        )

    def attend(self, person, day: datetime.date, minutes: int, preparing: int = 0) -> None:
        if day not in self.meetings:
            starts = self.noon(day)
            self.meetings[day] = Meeting.objects.create(
                project=self.project,
                title=f"Meeting on {day}",
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
                status=Meeting.Status.SCHEDULED,
            )
        Attendance.objects.create(
            meeting=self.meetings[day],
            participant=person,
            minutes=minutes,
            preparation_minutes=preparing,
        )

    def people(self, days: list[datetime.date]) -> None:
        """For each day given: a person paid, another at a meeting, another joining."""
        for n, day in enumerate(days):
            self.pay(self.member(BEFORE), day, 1_000 + 37 * n)
            self.attend(self.member(BEFORE), day, 60 + 15 * n, 30)
            self.member(day)


@pytest.fixture
def scene(world):
    project = ProjectFactory(organisation=world.org, title="Open Doors", start_date=START)
    FunderGrantFactory(project=project, user=world.users["funder"])
    return Scene(project=project, zone=world.org.zone, meetings={})


# --- What the funder reads ---------------------------------------------------------


BLOCK = '<div class="report-block mb-4" id="table-'
ROW = re.compile(r'<th scope="row">([^<]*)</th>\s*<td class="number">([^<]*)</td>')
MONEY = {
    "Money into bank accounts": "cash",
    "Vouchers": "vouchers",
    "Expenses paid back": "expenses",
    "All money paid": "total",
}


def number(text: str):
    """The value shown, or None when it is hidden."""
    text = html.unescape(text).strip()
    if text.startswith(("fewer than", "not shown", "nothing")):
        return None
    return Decimal(text.replace("£", "").replace(",", ""))


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def month_span(label: str, within: tuple) -> tuple:
    month, year = label.split()
    first = datetime.date(int(year), MONTHS.index(month) + 1, 1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return (max(first, within[0]), min(last, within[1]))


def period_span(key: str) -> tuple:
    if key == "life":
        return EVERYTHING
    if match := re.fullmatch(r"fy(\d{4})-\d{2}(?:-q(\d))?", key):
        year, quarter = int(match[1]), match[2]
        start = datetime.date(year, 4, 1)
        months = 12
        if quarter:
            index = year * 12 + 3 + 3 * (int(quarter) - 1)
            start, months = datetime.date(index // 12, index % 12 + 1, 1), 3
        index = start.year * 12 + start.month - 1 + months
        return (start, datetime.date(index // 12, index % 12 + 1, 1) - datetime.timedelta(days=1))
    first = datetime.date.fromisoformat(key + "-01")
    return month_span(first.strftime("%b %Y"), EVERYTHING)


def figures_on(page: str, span: tuple) -> list[tuple]:
    """(family, category, span, value) for every figure of the page that adds up across days."""
    found = []
    for block in page.split(BLOCK)[1:]:
        key = block[: block.index('"')]
        if key not in ("money", "hours", "joined", "work"):
            continue
        for label, cell in ROW.findall(block):
            label = html.unescape(label).strip()
            if key == "work" and not label.startswith("Hours"):
                continue
            value = number(cell)
            if key == "money":
                found.append(("money", MONEY[label], span, value))
            elif key in ("hours", "joined"):
                family = key
                if label.startswith("All "):
                    found.append((family, "total", span, value))
                else:
                    found.append((family, "total", month_span(label, span), value))
            elif key == "work" and label == "Hours at meetings":
                found.append(("hours", "meeting", span, value))
            elif key == "work" and label == "Hours preparing":
                found.append(("hours", "preparing", span, value))
    return found


def everything_a_funder_can_read(client, project, days: list[datetime.date]) -> list[tuple]:
    url = reverse("reports:project", kwargs={"pk": project.pk})
    first = client.get(url)
    assert first.status_code == 200
    page = first.content.decode()
    found = figures_on(page, EVERYTHING)
    for key in re.findall(r'<option value="([^"]+)"', page):
        response = client.get(url, {"period": key})
        assert response.status_code == 200, key
        found += figures_on(response.content.decode(), period_span(key))
    # Any date range typed into the address (the attack on the old report).
    for start in days:
        for end in days:
            if end < start:
                continue
            response = client.get(url, {"start": start.isoformat(), "end": end.isoformat()})
            assert response.status_code in (200, 400)
            if response.status_code == 200:
                found += figures_on(response.content.decode(), (start, end))
    # The portfolio: the whole life of each project.
    listing = html.unescape(client.get(reverse("reports:list")).content.decode())
    row = listing[listing.index(project.title) :]
    cells = re.findall(r'<td class="number">(.*?)</td>', row, re.S)[:4]
    members, _, hours, paid = (number(cell) for cell in cells)
    found += [
        ("joined", "total", EVERYTHING, members),
        ("hours", "total", EVERYTHING, hours),
        ("money", "total", EVERYTHING, paid),
    ]
    return found


# --- The truth, from the rows ------------------------------------------------------


def truth(project, zone) -> dict[str, list[tuple]]:
    """Per family: (day, person, {category: amount}) for every row a figure counts."""
    money = []
    for entry in LedgerEntry.objects.filter(
        project=project, kind="paid", reversed_by__isnull=True
    ).select_related("claim"):
        part = (
            "expenses"
            if entry.claim.kind == "expense"
            else ("vouchers" if entry.method == "vouchers" else "cash")
        )
        money.append((entry.work_date, entry.participant_id, {part: entry.amount_pence}))
    hours = [
        (
            timezone.localdate(a.meeting.starts_at, timezone=zone),
            a.participant_id,
            {"meeting": a.minutes, "preparing": a.preparation_minutes},
        )
        for a in Attendance.objects.filter(
            meeting__project=project, meeting__ends_at__lte=timezone.now()
        ).select_related("meeting")
    ]
    joined = [
        (timezone.localdate(m.created_at, timezone=zone), m.participant_id, {"total": 1})
        for m in ProjectMembership.objects.filter(
            project=project, status__in=["active", "on_break", "left"]
        )
    ]
    return {"money": money, "hours": hours, "joined": joined}


def people_behind(rows, categories: set[str], inside, outside) -> int:
    """Different people whose own amount in these days and categories is not zero."""
    amounts: dict = {}
    for day, person, values in rows:
        if inside(day) and not outside(day):
            amount = sum(v for k, v in values.items() if k in categories or "total" in categories)
            amounts[person] = amounts.get(person, 0) + amount
    return sum(1 for amount in amounts.values() if amount)


def within(span):
    return lambda day: span[0] <= day <= span[1]


def in_any(spans):
    return lambda day: any(s[0] <= day <= s[1] for s in spans)


def differences_about_few_people(found: list[tuple], rows: dict) -> list[str]:
    """Every subtraction the funder can do whose truth is about 1 to 4 people."""
    leaks = []
    shown: dict[tuple, set] = {}
    for family, category, span, value in found:
        if value is not None and span[0] <= span[1]:
            shown.setdefault((family, category), set()).add(span)

    def small(n: int) -> bool:
        return 0 < n < threshold()

    for (family, category), spans in shown.items():
        ordered = sorted(spans, key=lambda s: (-(s[1] - s[0]).days, s))
        for outer in ordered:
            inner = [s for s in ordered if s != outer and outer[0] <= s[0] and s[1] <= outer[1]]
            # One figure minus one inside it.
            for one in inner:
                n = people_behind(rows[family], {category}, within(outer), within(one))
                if small(n):
                    leaks.append(f"{family}/{category}: {outer} minus {one} is about {n}")
            # One figure minus as much of it as is shown inside it.
            cover: list[tuple] = []
            for one in inner:
                if all(one[1] < c[0] or c[1] < one[0] for c in cover):
                    cover.append(one)
            n = people_behind(rows[family], {category}, within(outer), in_any(cover))
            if cover and small(n):
                leaks.append(f"{family}/{category}: {outer} minus {cover} is about {n}")
    # A total minus its parts shown for the same days.
    parts = {"money": ["cash", "vouchers", "expenses"], "hours": ["meeting", "preparing"]}
    for family, names in parts.items():
        for span in shown.get((family, "total"), ()):
            hidden = {p for p in names if span not in shown.get((family, p), set())}
            if hidden and len(hidden) < len(names):
                n = people_behind(rows[family], hidden, within(span), lambda day: False)
                if small(n):
                    leaks.append(f"{family}: total for {span} minus its shown parts is about {n}")
    return leaks


def assert_nobody_given_away(client, scene, days):
    found = everything_a_funder_can_read(client, scene.project, days)
    assert any(value is not None for *_, value in found), "the funder should see something"
    leaks = differences_about_few_people(found, truth(scene.project, scene.zone))
    assert leaks == []
    return found


# --- The attacks ---------------------------------------------------------------------


def test_the_issue_one_day_against_ten_days_gives_nobody_away(scene, client_for, world):
    # Six people paid for 11 November, £60.15 in all; one more paid £7.77 for
    # 21 November. "11 to 11 November" beside "11 to 21 November" gave away
    # that one person's £7.77.
    for pence in (1_000, 1_000, 1_000, 1_000, 1_000, 1_015):
        scene.pay(scene.member(BEFORE), datetime.date(2025, 11, 11), pence)
    scene.pay(scene.member(BEFORE), datetime.date(2025, 11, 21), 777)
    client = client_for(world, "funder")

    found = assert_nobody_given_away(
        client, scene, [datetime.date(2025, 11, 11), datetime.date(2025, 11, 21)]
    )

    money = {value for family, category, _, value in found if family == "money" and value}
    assert not any(a - b == Decimal("7.77") for a in money for b in money)


def test_overlapping_ranges_give_nobody_away(scene, client_for, world):
    # Six people in mid-November, one early and one late in the month.
    days = [datetime.date(2025, 11, 15)] * 6 + [
        datetime.date(2025, 11, 5),
        datetime.date(2025, 11, 25),
    ]
    scene.people(days)

    assert_nobody_given_away(
        client_for(world, "funder"),
        scene,
        [datetime.date(2025, 11, d) for d in (1, 11, 20, 30)],
    )


def test_a_month_inside_its_quarter_inside_its_year_gives_nobody_away(scene, client_for, world):
    # Six people in November, one in December (the same quarter), one in
    # January (the same financial year): the quarter minus November, or the
    # year minus the quarter, would each be one person.
    days = [datetime.date(2025, 11, 10)] * 6 + [
        datetime.date(2025, 12, 10),
        datetime.date(2026, 1, 10),
    ]
    scene.people(days)

    found = assert_nobody_given_away(
        client_for(world, "funder"),
        scene,
        [datetime.date(2025, 10, 1), datetime.date(2025, 11, 30), datetime.date(2026, 3, 31)],
    )

    # The year still says how much there was, for each kind of figure.
    year = {f: v for f, c, span, v in found if c == "total" and span == period_span("fy2025-26")}
    assert None not in year.values()
    assert set(year) == {"money", "hours", "joined"}


def test_a_range_against_the_whole_life_gives_nobody_away(scene, client_for, world):
    # Six people in November; one in October.
    scene.people([datetime.date(2025, 11, 3)] * 6 + [datetime.date(2025, 10, 20)])

    assert_nobody_given_away(
        client_for(world, "funder"),
        scene,
        [datetime.date(2025, 11, 1), datetime.date(2025, 11, 30)],
    )


def test_the_portfolio_against_a_report_gives_nobody_away(scene, client_for, world):
    # Six people in November and one in February: the portfolio's whole
    # life minus the report for October to December would be one person.
    scene.people([datetime.date(2025, 11, 3)] * 6 + [datetime.date(2026, 2, 20)])

    assert_nobody_given_away(
        client_for(world, "funder"),
        scene,
        [datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)],
    )


def test_every_figure_of_a_busy_project_together_gives_nobody_away(scene, client_for, world):
    # Twenty people over six months, paid in cash, vouchers and expenses, at
    # meetings and preparing, joining along the way; some months are busy,
    # some have one or two people.
    rng = random.Random(14)
    months = [datetime.date(2025, m, 1) for m in (10, 11, 12)] + [
        datetime.date(2026, m, 1) for m in (1, 2, 3)
    ]
    for _ in range(20):
        joined = rng.choice(months) + datetime.timedelta(days=rng.randrange(27))
        person = scene.member(joined)
        for month in rng.sample(months, rng.choice([1, 1, 2, 3])):
            day = month + datetime.timedelta(days=rng.choice([4, 11, 18]))
            scene.pay(
                person,
                day,
                rng.randrange(500, 5_000),
                how=rng.choice(["cash", "cash", "vouchers", "expenses"]),
            )
            scene.attend(person, day, rng.choice([15, 60, 90, 120]), rng.choice([0, 0, 30]))

    found = assert_nobody_given_away(
        client_for(world, "funder"),
        scene,
        [datetime.date(2025, 10, 1), datetime.date(2025, 11, 15), datetime.date(2026, 3, 31)],
    )

    assert sum(1 for *_, value in found if value is not None) > 50
