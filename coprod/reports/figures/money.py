"""Money: what was paid and how, and how fair and fast payment was."""

from decimal import Decimal

from django.db.models import Count, Q

from coprod.dbfunctions import DaysBetween
from coprod.reports import suppression
from coprod.reports.figures.grids import Grids, within
from coprod.reports.figures.tables import Table
from coprod.reports.periods import Period
from coprod.reports.suppression import Figure
from payments.models import Claim
from projects.models import Project


def money_section(
    project: Project, period: Period, people_facts: dict, grids: Grids
) -> tuple[list[Table], dict]:
    money = grids.money

    def part(key: str) -> Figure:
        return money.figure(period.key, key)

    claims = Claim.objects.filter(
        within(period, "work_date", moment=False), project=project, status=Claim.Status.PAID
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
