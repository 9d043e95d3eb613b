"""Reads about money, scoped to who is asking."""

import datetime

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from coprod.accounts.models import StaffRole
from coprod.accounts.selectors import COORDINATING_ROLES, organisation_ids_for
from payments.models import BenefitNote, BenefitsAndLimit, Claim, LedgerEntry, RateCard
from payments.money import period_bounds
from payments.services import choice_for


def claims_to_approve(user) -> QuerySet[Claim]:
    """Claims waiting for approval in projects of organisations the user coordinates."""
    return (
        Claim.objects.filter(
            status=Claim.Status.SUBMITTED,
            project__organisation_id__in=organisation_ids_for(user, COORDINATING_ROLES),
        )
        .select_related("participant", "project")
        .order_by("work_date", "pk")
    )


def finance_organisation_ids(user) -> list[int]:
    return list(organisation_ids_for(user, [StaffRole.FINANCE]))


def finance_queue(user) -> list[Claim]:
    """Approved claims not yet paid, waiting longest first, with days since the work."""
    today = timezone.localdate()
    claims = list(
        Claim.objects.filter(
            status=Claim.Status.APPROVED,
            project__organisation_id__in=finance_organisation_ids(user),
        )
        .select_related("participant__payment_choice", "project__organisation")
        .order_by("work_date", "pk")
    )
    for claim in claims:
        claim.days_waiting = (today - claim.work_date).days
        claim.overdue = claim.days_waiting > claim.project.organisation.payment_target_days
    return claims


def claim_get_for(user, pk) -> Claim:
    """A claim the person may see (theirs, their projects', their organisation's finance)."""
    from django.shortcuts import get_object_or_404

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


def ledger_for_export(organisation_ids, *, since: datetime.date | None = None):
    return (
        LedgerEntry.objects.filter(organisation_id__in=organisation_ids)
        .select_related("participant", "project", "claim")
        .order_by("created_at", "pk")
    )


# Fact keys that belong to each benefit, for "figures we know".
BENEFIT_FACTS = {
    "uc": ["uc.work_allowance.higher", "uc.work_allowance.lower"],
    "esa": ["esa.permitted_work.higher"],
    "carers": ["carers.earnings_limit"],
}


def figures_for(benefits: list[str]) -> list[dict]:
    """The latest dated figure for each of someone's benefits, or "not confirmed"."""
    from payments.models import Fact

    today = timezone.localdate()
    figures = []
    for code in benefits:
        for key in BENEFIT_FACTS.get(code, []):
            fact = (
                Fact.objects.filter(key=key, valid_from__lte=today).order_by("-valid_from").first()
            )
            if fact:
                figures.append({"key": key, "fact": fact})
    return figures
