"""Running totals of the ledger: money that stands per person and project (PaidTotal).

The ledger is append-only, so a total kept beside it is exact: each entry
that pays money adds to it, and the reversal of one takes it off again, in
the transaction that writes the entry. Counted as the reports count money
(coprod.reports.figures.rows.payments_standing): time paid as cash or
vouchers, and expenses; entries of nothing are left out.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from payments.models import Claim, LedgerEntry, PaidTotal, PayMethod

# An entry that pays money in one of the parts reports show.
COUNTED = Q(claim__kind=Claim.Kind.TIME, method__in=[PayMethod.CASH, PayMethod.VOUCHERS]) | Q(
    claim__kind=Claim.Kind.EXPENSE
)


def _counted(entry: LedgerEntry, claim: Claim) -> bool:
    if claim.kind == Claim.Kind.EXPENSE:
        return True
    return claim.kind == Claim.Kind.TIME and entry.method in (PayMethod.CASH, PayMethod.VOUCHERS)


def paid_total_follow(entry: LedgerEntry, claim: Claim) -> None:
    """Add a new ledger entry to its person's total, if it pays or un-pays money.

    Call inside the transaction that wrote the entry. The row is made if
    missing (a concurrent insert is ignored) and changed by an F() update,
    which PostgreSQL applies under the row's lock, so two payments at once
    both count.
    """
    if entry.kind == LedgerEntry.Kind.PAID:
        change, counted = entry.amount_pence, _counted(entry, claim)
    elif entry.kind == LedgerEntry.Kind.REVERSAL and entry.reverses is not None:
        reversed_entry = entry.reverses
        change = -reversed_entry.amount_pence
        counted = reversed_entry.kind == LedgerEntry.Kind.PAID and _counted(reversed_entry, claim)
    else:
        return
    if not counted or change == 0:
        return
    PaidTotal.objects.bulk_create(
        [PaidTotal(project_id=entry.project_id, participant_id=entry.participant_id)],
        ignore_conflicts=True,
    )
    PaidTotal.objects.filter(
        project_id=entry.project_id, participant_id=entry.participant_id
    ).update(pence=F("pence") + change, updated_at=timezone.now())


def paid_totals_from_ledger(project_ids: Iterable[int] | None = None) -> dict[tuple[int, int], int]:
    """(project id, participant id) -> pence that stands, counted from the ledger itself."""
    entries = LedgerEntry.objects.filter(
        COUNTED, kind=LedgerEntry.Kind.PAID, reversed_by__isnull=True
    )
    if project_ids is not None:
        entries = entries.filter(project_id__in=list(project_ids))
    rows = (
        entries.order_by()
        .values("project_id", "participant_id")
        .annotate(pence=Sum("amount_pence"))
    )
    return {(row["project_id"], row["participant_id"]): row["pence"] for row in rows}


def paid_totals_stored(project_ids: Iterable[int] | None = None) -> dict[tuple[int, int], int]:
    """(project id, participant id) -> pence, as stored; rows of nothing left out."""
    rows = PaidTotal.objects.exclude(pence=0)
    if project_ids is not None:
        rows = rows.filter(project_id__in=list(project_ids))
    return {
        (project_id, participant_id): pence
        for project_id, participant_id, pence in rows.values_list(
            "project_id", "participant_id", "pence"
        )
    }


@transaction.atomic
def paid_totals_recompute(project_ids: Iterable[int] | None = None) -> int:
    """Rebuild the stored totals from the ledger (all projects, or these); return rows written."""
    ids = None if project_ids is None else list(project_ids)
    stored = (
        PaidTotal.objects.all() if ids is None else PaidTotal.objects.filter(project_id__in=ids)
    )
    # Lock what is there so a payment made meanwhile waits for the rebuild.
    list(stored.select_for_update().values_list("pk", flat=True))
    stored.delete()
    totals = paid_totals_from_ledger(ids)
    PaidTotal.objects.bulk_create(
        (
            PaidTotal(project_id=project_id, participant_id=participant_id, pence=pence)
            for (project_id, participant_id), pence in totals.items()
        ),
        batch_size=2000,
    )
    return len(totals)
