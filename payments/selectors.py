"""Reads about money, scoped to who is asking."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, Min, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce, TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coprod.accounts.models import Organisation, StaffRole
from coprod.accounts.selectors import COORDINATING_ROLES, organisation_ids_for
from participants.models import Participant
from payments.models import (
    BenefitNote,
    BenefitsAndLimit,
    Claim,
    Fact,
    LedgerEntry,
    PaidHow,
    PaymentChoice,
    PaymentPolicy,
    PayMethod,
    RateBasis,
    RateCard,
)
from payments.money import period_bounds, tax_year_bounds


def choice_for(participant: Participant) -> PaymentChoice:
    """Return how someone wants to be paid; unsaved (cash, no details) if they never said."""
    choice = PaymentChoice.objects.filter(participant=participant).first()
    return choice or PaymentChoice(participant=participant)


def policy_for(project) -> PaymentPolicy:
    """Return how a project pays (made with the project: `services.policy_default_create`)."""
    return PaymentPolicy.objects.get(project=project)


def rate_in_force(*, organisation: Organisation, basis: str, on: datetime.date) -> RateCard:
    """Return the rate card in force on a date (the latest that started on or before it).

    Only reads: the Real Living Wage cards are copied from the facts when the
    organisation is created and by the services that price work
    (`rate_cards_from_facts`).
    """
    card = (
        RateCard.objects.filter(organisation=organisation, basis=basis, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )
    if card is None:
        raise ValidationError(f"There is no {RateBasis(basis).label} rate for {on:%-d %B %Y}.")
    return card


def claims_to_approve(user) -> QuerySet[Claim]:
    """Claims waiting for approval in projects of organisations the user coordinates."""
    return (
        Claim.objects.filter(
            status=Claim.Status.SUBMITTED,
            project__organisation_id__in=organisation_ids_for(user, COORDINATING_ROLES),
        )
        .select_related("participant", "project")
        .defer(*UNSHOWN_ON_LISTS)
        .order_by("work_date", "pk")
    )


# Encrypted columns no list of claims shows: not read, so not decrypted, row by row.
UNSHOWN_ON_LISTS = (
    "voucher_code",
    "participant__access_needs",
    "participant__support_contact",
    "participant__wellbeing_notes",
)


def finance_organisation_ids(user) -> list[int]:
    return list(organisation_ids_for(user, [StaffRole.FINANCE]))


def tax_year_organisation_ids(user) -> list[int]:
    """Organisations whose tax-year summary the user may read: as finance or as admin."""
    return list(organisation_ids_for(user, [StaffRole.FINANCE, StaffRole.ADMIN]))


def finance_queue(user) -> QuerySet[Claim]:
    """Approved claims not yet paid, waiting longest first: only what the queue's rows show."""
    return (
        Claim.objects.filter(
            status=Claim.Status.APPROVED,
            project__organisation_id__in=finance_organisation_ids(user),
        )
        .select_related("participant__payment_choice", "project")
        .defer(*UNSHOWN_ON_LISTS)
        .order_by("work_date", "pk")
    )


def _late(organisations, today: datetime.date) -> Q:
    """Claims waiting longer than their organisation aims to pay within."""
    late = Q(pk__in=[])
    for organisation in organisations:
        cutoff = today - datetime.timedelta(days=organisation.payment_target_days)
        late |= Q(project__organisation_id=organisation.pk, work_date__lt=cutoff)
    return late


def finance_queue_totals(claims: QuerySet[Claim], organisations) -> dict:
    """How many claims the whole queue holds, their pence, and how many are late: one query."""
    totals = claims.order_by().aggregate(
        count=Count("pk"),
        pence=Coalesce(Sum("amount_pence"), 0),
        late=Count("pk", filter=_late(organisations, timezone.localdate())),
    )
    return totals


def finance_queue_mark_waiting(claims, organisations) -> list[Claim]:
    """Say, on each claim of one page, how many days it has waited and whether that is late."""
    today = timezone.localdate()
    target = {organisation.pk: organisation.payment_target_days for organisation in organisations}
    claims = list(claims)
    for claim in claims:
        claim.days_waiting = (today - claim.work_date).days
        claim.overdue = claim.days_waiting > target.get(claim.project.organisation_id, 0)
    return claims


def claims_to_approve_totals(claims: QuerySet[Claim]) -> dict:
    """How many claims wait for approval, and their pence, across every page: one query."""
    return claims.order_by().aggregate(count=Count("pk"), pence=Coalesce(Sum("amount_pence"), 0))


def claim_get_for(user, pk) -> Claim:
    """A claim the person may see (theirs, their projects', their organisation's finance)."""

    visible = Claim.objects.filter(
        Q(participant__user=user)
        | Q(project__organisation_id__in=organisation_ids_for(user, COORDINATING_ROLES))
        | Q(project__organisation_id__in=organisation_ids_for(user, [StaffRole.FINANCE]))
    )
    return get_object_or_404(visible.select_related("participant", "project"), pk=pk)


def notes_for(benefits: list[str]) -> list[BenefitNote]:
    """The latest note for each benefit someone receives."""
    notes = []
    for code in benefits:
        note = BenefitNote.objects.filter(
            benefit=code, valid_from__lte=timezone.localdate()
        ).first()
        if note:
            notes.append(note)
    return notes


def statement_for(participant) -> dict:
    """What a member has been paid, what is waiting and since when, and their limit now."""
    claims = list(
        Claim.objects.filter(participant=participant)
        .select_related("project")
        .order_by("-work_date", "-pk")[:100]
    )
    paid = [c for c in claims if c.status == Claim.Status.PAID]
    waiting = [c for c in claims if c.status in (Claim.Status.SUBMITTED, Claim.Status.APPROVED)]
    benefits = BenefitsAndLimit.objects.filter(participant=participant).first()
    limit = None
    if benefits and benefits.limit_pence and benefits.period:
        start, end = period_bounds(
            benefits.period, timezone.localdate(), uc_start_day=benefits.uc_start_day
        )
        so_far = (
            LedgerEntry.objects.filter(
                participant=participant,
                work_date__range=(start, end),
                kind=LedgerEntry.Kind.APPROVED,
                claim__kind=Claim.Kind.TIME,
            ).aggregate(total=Sum("amount_pence"))["total"]
            or 0
        )
        limit = {"limit": benefits.limit_pence, "so_far": so_far, "start": start, "end": end}
    return {
        "paid": paid,
        "waiting": waiting,
        "rejected": [c for c in claims if c.status == Claim.Status.REJECTED],
        "choice": choice_for(participant),
        "limit": limit,
        "paid_total": sum(c.amount_pence for c in paid),
    }


def rate_cards_for(organisation_ids) -> QuerySet[RateCard]:
    return RateCard.objects.filter(organisation_id__in=organisation_ids).select_related(
        "organisation"
    )


# Fact keys that belong to each benefit, for "figures we know".
BENEFIT_FACTS = {
    "uc": ["uc.work_allowance.higher", "uc.work_allowance.lower"],
    "esa": ["esa.permitted_work.higher"],
    "carers": ["carers.earnings_limit"],
}


def figures_for(benefits: list[str]) -> list[dict]:
    """The latest dated figure for each of someone's benefits, or "not confirmed".

    Each comes with its plain name (a newer row without one borrows an older
    row's name for the same figure): members never read the internal key.
    """
    today = timezone.localdate()
    figures = []
    for code in benefits:
        for key in BENEFIT_FACTS.get(code, []):
            rows = list(Fact.objects.filter(key=key).order_by("-valid_from"))
            fact = next((row for row in rows if row.valid_from and row.valid_from <= today), None)
            if fact:
                name = fact.label or next((row.label for row in rows if row.label), "")
                figures.append({"name": name or fact.plain_name, "fact": fact})
    return figures


# --- Tax years ------------------------------------------------------------------------


def tax_year_of(day: datetime.date) -> int:
    """The year the UK tax year holding `day` starts in (6 April to 5 April)."""
    return tax_year_bounds(day)[0].year


def _paid_day():
    """The day the money moved, for "paid" entries and their reversals.

    A reversal counts on the day of the payment it takes back, so a mistake
    comes off the same tax year. Rows written before the ledger kept the day
    fall back to the claim's paid_on, then to the day the row was written.
    """
    return Case(
        When(
            kind=LedgerEntry.Kind.REVERSAL,
            then=Coalesce("reverses__paid_on", "claim__paid_on", TruncDate("reverses__created_at")),
        ),
        default=Coalesce("paid_on", "claim__paid_on", TruncDate("created_at")),
    )


def payments_ledger(organisation_ids):
    """Paid entries and reversals of them, with the day the money moved (`paid_day`)."""
    return (
        LedgerEntry.objects.filter(organisation_id__in=organisation_ids)
        .filter(
            Q(kind=LedgerEntry.Kind.PAID)
            | Q(kind=LedgerEntry.Kind.REVERSAL, reverses__kind=LedgerEntry.Kind.PAID)
        )
        .annotate(
            paid_day=_paid_day(),
            how=Case(
                When(kind=LedgerEntry.Kind.REVERSAL, then=F("reverses__paid_how")),
                default=F("paid_how"),
            ),
        )
    )


def tax_years_paid(organisation_ids) -> list[int]:
    """Tax years to choose from: the first with a payment to the current one, newest first."""
    current = tax_year_of(timezone.localdate())
    first = payments_ledger(organisation_ids).aggregate(first=Min("paid_day"))["first"]
    start = min(tax_year_of(first), current) if first else current
    return list(range(current, start - 1, -1))


@dataclass
class TaxYearSummary:
    start: datetime.date
    end: datetime.date
    people: list[dict] = field(default_factory=list)
    by_how: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.start.year}-{self.end.year % 100:02d}"


COLUMNS = (PayMethod.CASH, PayMethod.VOUCHERS, PayMethod.EXPENSES)


def tax_year_summary(organisation_ids, *, start_year: int) -> TaxYearSummary:
    """What each person was paid in one tax year, by the day it was paid (not the row's date).

    Totals per person (money, vouchers, expenses) and per way it was paid;
    reversed payments come off. Three queries, whatever the number of rows.
    """
    start, end = tax_year_bounds(datetime.date(start_year, 4, 6))
    rows = (
        payments_ledger(organisation_ids)
        .filter(paid_day__range=(start, end))
        .values("participant_id", "method", "how")
        .annotate(total=Sum("amount_pence"))
        .order_by()
    )
    people: dict[int, dict] = {}
    by_how: dict[str, int] = {}
    for row in rows:
        person = people.setdefault(
            row["participant_id"], {**{column.value: 0 for column in COLUMNS}, "total": 0}
        )
        column = row["method"] if row["method"] in person else PayMethod.CASH.value
        person[column] += row["total"]
        person["total"] += row["total"]
        by_how[row["how"] or ""] = by_how.get(row["how"] or "", 0) + row["total"]
    participants = Participant.objects.in_bulk(list(people))
    summary = TaxYearSummary(start=start, end=end)
    for pk, person in people.items():
        participant = participants[pk]
        person["participant"] = participant
        person["reference"] = participant.pseudonym or f"P{participant.pk}"
        person["name"] = (
            "" if participant.erased_at else (participant.full_name or participant.preferred_name)
        )
    summary.people = sorted(
        (person for person in people.values() if any(person[c.value] for c in COLUMNS)),
        key=lambda person: (person["name"].lower(), person["reference"]),
    )
    labels = dict(PaidHow.choices)
    summary.by_how = [
        {
            "how": how,
            "label": labels.get(how, "Not recorded (paid before Coprod kept it)"),
            "total": total,
        }
        for how, total in sorted(by_how.items(), key=lambda item: item[0] == "")
        if total
    ]
    summary.totals = {
        column.value: sum(person[column.value] for person in summary.people) for column in COLUMNS
    }
    summary.totals["total"] = sum(summary.totals.values())
    return summary
