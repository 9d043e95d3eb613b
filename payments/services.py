"""Every write about money. Amounts are pence; the ledger only ever grows."""

import datetime
import re
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from coprod.accounts.models import Organisation, User
from coprod.fields import check_date_in_bounds, check_length
from coprod.notifications.services import notify
from coprod.uploads import DOCUMENTS, check_upload
from participants.models import AccessLog, Participant, ProjectMembership
from participants.services import access_log_record, access_log_record_many
from payments.four_eyes import approval_refusal
from payments.models import (
    Benefit,
    BenefitsAndLimit,
    Claim,
    Expense,
    Fact,
    LedgerEntry,
    LimitDecision,
    PaidHow,
    PaymentChoice,
    PaymentPolicy,
    PayMethod,
    RateBasis,
    RateCard,
    VoucherCodeReveal,
)
from payments.money import pence_for_time, period_bounds, pounds
from payments.notifications import PAYMENT_PAID
from payments.selectors import choice_for, policy_for, rate_in_force
from payments.totals import paid_total_follow
from projects.models import Project

# The most each money field takes (forms state it; services enforce it).
# Expenses above this need a second look: a person, not a typo.
EXPENSE_MAX_PENCE = 50_000  # £500.00
RATE_MAX_PENCE = 99_999  # £999.99 an hour (the rate card's check constraint)
LIMIT_MAX_PENCE = 1_000_000  # £10,000.00 a period
# A member may look at their voucher code whenever they need it, up to this
# many times in any hour; each time is recorded and listed on the claim page.
VOUCHER_REVEALS_PER_HOUR = 5
VOUCHER_REVEAL_WINDOW = datetime.timedelta(hours=1)
RECEIPT_KINDS = tuple(kind for kind in DOCUMENTS if kind.extensions[0] in ("pdf", "jpg", "png"))
FACT_KEYS = {RateBasis.RLW_UK: "rlw.uk", RateBasis.RLW_LONDON: "rlw.london"}


# --- Reads by staff, on the member's "Who has looked" -----------------------------------


def _on_claim(claim: Claim) -> str:
    return f"on your claim for {claim.work_date.day} {claim.work_date:%B %Y}"


@transaction.atomic
def claim_private_reads_record(
    *, claim: Claim, viewer: User, benefit_notes: bool, limit: bool, bank: str
) -> None:
    """Log what of the claimant's private money details the claim page shows this viewer.

    `benefit_notes`: the notes about their benefits; `limit`: the limit they
    set (from the same answers); `bank`: "full", "last digits" or "" for none.
    Their own page view is not logged (`access_log_record`).
    """
    person = claim.participant
    where = _on_claim(claim)
    if benefit_notes or limit:
        which = "" if benefit_notes and not limit else "(the limit you set) "
        if benefit_notes and limit:
            which = "(and the limit you set) "
        access_log_record(
            participant=person, viewer=viewer, kind=AccessLog.Kind.BENEFITS, detail=which + where
        )
    if bank:
        which = "(only the last 4 digits of the account number) " if bank == "last digits" else ""
        access_log_record(
            participant=person,
            viewer=viewer,
            kind=AccessLog.Kind.BANK_DETAILS,
            detail=which + where,
        )


@transaction.atomic
def bank_details_read_many(*, participants: list[Participant], viewer: User, detail: str) -> int:
    """Log, in one INSERT, that a finance page or download showed these people's bank details."""
    return access_log_record_many(
        participants=participants, viewer=viewer, kind=AccessLog.Kind.BANK_DETAILS, detail=detail
    )


# --- Rates ------------------------------------------------------------------------


def rate_cards_from_facts(*, organisation: Organisation) -> None:
    """Give the organisation the Real Living Wage history held as facts (idempotent, 2 queries).

    Run when the organisation is created (see apps.py) and by each service that
    prices work, so a figure added as a fact later applies from its day on.
    """
    facts = Fact.objects.filter(
        key__in=FACT_KEYS.values(), value__isnull=False, valid_from__isnull=False
    )
    have = set(
        RateCard.objects.filter(organisation=organisation, basis__in=FACT_KEYS).values_list(
            "basis", "valid_from"
        )
    )
    basis_for = {key: basis for basis, key in FACT_KEYS.items()}
    missing = [
        RateCard(
            organisation=organisation,
            basis=basis_for[fact.key],
            valid_from=fact.valid_from,
            hourly_pence=int(fact.value * 100),
            source=fact.source,
        )
        for fact in facts
        # Never null (filtered above): this only tells mypy.
        if fact.value is not None and fact.valid_from is not None
        if (basis_for[fact.key], fact.valid_from) not in have
    ]
    RateCard.objects.bulk_create(missing, ignore_conflicts=True)


@transaction.atomic
def rate_card_add(
    *,
    organisation: Organisation,
    by: User | None,
    hourly_pence: int,
    valid_from: datetime.date | None,
    source: str,
) -> RateCard:
    """Add the organisation's own hourly rate from a date; it must beat the Real Living Wage."""
    check_date_in_bounds(valid_from, "valid_from")
    errors = {}
    if valid_from is None:
        errors["valid_from"] = "Say from which day this rate applies."
    if not hourly_pence or hourly_pence <= 0 or hourly_pence > RATE_MAX_PENCE:
        errors["hourly_pence"] = "Give an hourly rate between £0.01 and £999.99."
    if errors:
        raise ValidationError(errors)
    assert valid_from is not None  # refused above
    rate_cards_from_facts(organisation=organisation)
    living = rate_in_force(organisation=organisation, basis=RateBasis.RLW_UK, on=valid_from)
    if hourly_pence < living.hourly_pence:
        raise ValidationError(
            {"hourly_pence": "Your own rate must be at least the Real Living Wage on that day."}
        )
    if RateCard.objects.filter(
        organisation=organisation, basis=RateBasis.OWN, valid_from=valid_from
    ).exists():
        raise ValidationError({"valid_from": "There is already a rate from that day."})
    return RateCard.objects.create(
        organisation=organisation,
        basis=RateBasis.OWN,
        hourly_pence=hourly_pence,
        valid_from=valid_from,
        source=check_length(source, 300, "source") or "Set by the organisation",
        created_by=by,
    )


def policy_default_create(*, project: Project) -> PaymentPolicy:
    """Give a new project the default payment policy (idempotent).

    Run when the project is created (see apps.py), so reading the policy never writes.
    """
    policy, _ = PaymentPolicy.objects.get_or_create(
        project=project, defaults={"expenses": [choice for choice, _ in Expense.choices]}
    )
    return policy


@transaction.atomic
def policy_save(
    *, project, by: User | None, basis: str, minimum_minutes: int, pays_preparation: bool, expenses
) -> PaymentPolicy:
    """Set how a project pays; it applies to claims made from now on."""
    if basis not in RateBasis.values:
        raise ValidationError({"basis": "Choose a rate."})
    if not 0 <= minimum_minutes <= 8 * 60:
        raise ValidationError({"minimum_minutes": "Choose from 0 to 480 minutes."})
    if (
        basis == RateBasis.OWN
        and not RateCard.objects.filter(
            organisation_id=project.organisation_id, basis=RateBasis.OWN
        ).exists()
    ):
        raise ValidationError({"basis": "Finance has not set your own rate yet."})
    policy = policy_for(project)
    policy.basis, policy.minimum_minutes = basis, minimum_minutes
    policy.pays_preparation = pays_preparation
    policy.expenses = [code for code in expenses if code in Expense.values]
    policy.save()
    return policy


# --- A member's choices ------------------------------------------------------------


@transaction.atomic
def payment_choice_save(
    *,
    participant: Participant,
    by: User | None,
    method: str,
    voucher_provider: str = "",
    voucher_reason: str = "",
    account_name: str = "",
    sort_code: str = "",
    account_number: str = "",
) -> PaymentChoice:
    """Save how someone wants to be paid; it applies to claims not yet approved."""
    errors = {}
    if method not in PaymentChoice.Method.values:
        errors["method"] = "Choose one of the options."
    voucher_reason = (voucher_reason or "").strip()
    if method == PaymentChoice.Method.VOUCHERS and not voucher_reason:
        errors["voucher_reason"] = "Say why vouchers: the person is always told the reason."
    sort_code = re.sub(r"[\s-]", "", sort_code or "")
    account_number = re.sub(r"\s", "", account_number or "")
    if sort_code and not re.fullmatch(r"\d{6}", sort_code):
        errors["sort_code"] = "A sort code is 6 numbers, like 12-34-56."
    if account_number and not re.fullmatch(r"\d{8}", account_number):
        errors["account_number"] = "An account number is 8 numbers."
    if errors:
        raise ValidationError(errors)
    choice = choice_for(participant)
    choice.method = method
    choice.voucher_provider = check_length(voucher_provider, 100, "voucher_provider")
    choice.voucher_reason = voucher_reason if method == PaymentChoice.Method.VOUCHERS else ""
    if account_name or sort_code or account_number:
        choice.account_name = check_length(account_name, 100, "account_name") or None
        choice.sort_code = sort_code or None
        choice.account_number = account_number or None
    choice.changed_by = by
    choice.save()
    return choice


@transaction.atomic
def benefits_save(
    *,
    participant: Participant,
    by: User | None,
    benefits: list[str],
    limit_pence: int | None = None,
    period: str = "",
    uc_start_day: int | None = None,
) -> BenefitsAndLimit:
    """Save which benefits someone gets (privately) and the limit they want to stay under."""
    errors = {}
    unknown = set(benefits) - set(Benefit.values)
    if unknown:
        errors["benefits"] = "Choose from the list."
    if limit_pence is not None and limit_pence <= 0:
        errors["limit_pence"] = "A limit must be more than £0, or left empty."
    elif limit_pence is not None and limit_pence > LIMIT_MAX_PENCE:
        errors["limit_pence"] = "A limit can be at most £10,000.00."
    if limit_pence is not None and not period:
        errors["period"] = "Say which period the limit is for."
    if period == BenefitsAndLimit.Period.UC and not uc_start_day:
        errors["uc_start_day"] = "Say which day of the month your assessment period starts."
    if uc_start_day is not None and not 1 <= uc_start_day <= 31:
        errors["uc_start_day"] = "Choose a day from 1 to 31."
    if errors:
        raise ValidationError(errors)
    row, _ = BenefitsAndLimit.objects.get_or_create(participant=participant)
    row.benefits_encrypted = ",".join(sorted(set(benefits))) or None
    row.limit_pence = limit_pence
    row.period = period if limit_pence is not None else ""
    row.uc_start_day = uc_start_day if row.period == BenefitsAndLimit.Period.UC else None
    row.save()
    return row


# --- Claims ---------------------------------------------------------------------------


def _is_member(participant, project) -> bool:
    return (
        participant.organisation_id == project.organisation_id
        and ProjectMembership.objects.filter(participant=participant, project=project)
        .exclude(status=ProjectMembership.Status.LEFT)
        .exists()
    )


@transaction.atomic
def claims_for_meeting(*, meeting, by: User | None) -> list[Claim]:
    """Turn a meeting's attendance into time claims, at the rate in force on its date.

    Claims not yet approved follow changes to attendance; approved or paid
    ones are left alone (a correction then needs a reversal).
    """
    project = meeting.project
    policy = policy_for(project)
    zone = project.organisation.zone
    day = meeting.starts_at.astimezone(zone).date()
    rate_cards_from_facts(organisation=project.organisation)
    card = rate_in_force(organisation=project.organisation, basis=policy.basis, on=day)
    made = []
    attended = set()
    for attendance in meeting.attendance.select_related("participant"):
        attended.add(attendance.pk)
        choice = choice_for(attendance.participant)
        if choice.method in (PaymentChoice.Method.NONE, PaymentChoice.Method.EXPENSES_ONLY):
            continue
        minutes = attendance.minutes + (
            attendance.preparation_minutes if policy.pays_preparation else 0
        )
        minutes = max(minutes, policy.minimum_minutes)
        amount = pence_for_time(minutes, card.hourly_pence)
        claim = Claim.objects.filter(attendance=attendance, kind=Claim.Kind.TIME).first()
        if claim is not None and claim.status != Claim.Status.SUBMITTED:
            continue
        claim = claim or Claim(
            attendance=attendance,
            kind=Claim.Kind.TIME,
            participant=attendance.participant,
            project=project,
            submitted_by=by,
        )
        claim.work_date, claim.minutes = day, minutes
        claim.rate_pence, claim.amount_pence = card.hourly_pence, amount
        claim.description = f"{meeting.title}: {minutes} minutes"
        claim.save()
        made.append(claim)
    # Someone taken off the attendance list: their unapproved claim goes too.
    Claim.objects.filter(
        attendance__meeting=meeting, kind=Claim.Kind.TIME, status=Claim.Status.SUBMITTED
    ).exclude(attendance_id__in=attended).delete()
    return made


def claims_release(*, attendance) -> None:
    """Drop the unapproved claim for attendance being removed; refuse if money has moved."""
    claims = Claim.objects.filter(attendance=attendance)
    if claims.exclude(status__in=[Claim.Status.SUBMITTED, Claim.Status.REJECTED]).exists():
        raise ValidationError(
            f"{attendance.participant.preferred_name}'s time is already approved for payment. "
            "Ask finance to reverse it before changing their attendance."
        )
    claims.delete()


def attendance_recorded(meeting, by: User | None) -> None:
    """Attendance was recorded (projects tells us): the meeting's claims follow it."""
    claims_for_meeting(meeting=meeting, by=by)


def attendance_removing(attendance) -> None:
    """Attendance is about to be removed (projects tells us): drop its unpaid claim."""
    claims_release(attendance=attendance)


class PossibleDuplicate(ValidationError):
    """A claim just like this one is already waiting: ask before saving a second."""

    def __init__(self, existing: Claim):
        self.existing = existing
        super().__init__("A claim just like this one is already waiting.", code="duplicate")


def waiting_twin(
    *, participant: Participant, expense: str, amount_pence: int, work_date: datetime.date
) -> Claim | None:
    """A claim already waiting for the same person, amount, day and kind of expense."""
    return (
        Claim.objects.filter(
            participant=participant,
            kind=Claim.Kind.EXPENSE,
            expense=expense,
            amount_pence=amount_pence,
            work_date=work_date,
            status__in=[Claim.Status.SUBMITTED, Claim.Status.APPROVED],
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def expense_claim_submit(
    *,
    participant: Participant,
    project,
    by: User | None,
    expense: str,
    amount_pence: int,
    description: str,
    work_date: datetime.date,
    receipt=None,
    submission_key: uuid.UUID | None = None,
    not_a_duplicate: bool = False,
) -> Claim:
    """Claim an expense, from a phone or on paper through a coordinator.

    Safe to send twice: the same form (the same `submission_key`) makes one
    claim, returned again; a claim for the same person, amount, day and kind
    as one already waiting raises PossibleDuplicate unless `not_a_duplicate`.
    """
    check_date_in_bounds(work_date, "work_date")
    if submission_key is not None:
        sent = Claim.objects.filter(submission_key=submission_key).first()
        if sent is not None:
            if sent.participant_id != participant.pk:
                raise ValidationError("This form was already used. Please start again.")
            return sent
    errors = {}
    if not _is_member(participant, project):
        raise ValidationError("You can only claim for a project you are part of.")
    if expense not in Expense.values:
        errors["expense"] = "Choose what the money was for."
    if expense and expense not in policy_for(project).expenses:
        errors["expense"] = "This project does not pay back this kind of expense."
    if not isinstance(amount_pence, int) or amount_pence <= 0:
        errors["amount"] = "Give an amount more than £0, like 4.50."
    elif amount_pence > EXPENSE_MAX_PENCE:
        errors["amount"] = "That is more than £500. Please talk to your coordinator about it."
    if work_date > timezone.localdate():
        errors["work_date"] = "This date is in the future."
    if errors:
        raise ValidationError(errors)
    if not not_a_duplicate:
        twin = waiting_twin(
            participant=participant,
            expense=expense,
            amount_pence=amount_pence,
            work_date=work_date,
        )
        if twin is not None:
            # The same form sent twice at once: the other request may have saved
            # it since our first look. Then it is this claim, not a twin.
            sent = (
                Claim.objects.filter(submission_key=submission_key).first()
                if submission_key
                else None
            )
            if sent and sent.participant_id == participant.pk:
                return sent
            raise PossibleDuplicate(twin)
    claim = Claim(
        participant=participant,
        project=project,
        kind=Claim.Kind.EXPENSE,
        expense=expense,
        description=check_length(description, 300, "description"),
        work_date=work_date,
        amount_pence=amount_pence,
        submitted_by=by,
        on_behalf=by is None or by.pk != participant.user_id,
        submission_key=submission_key,
    )
    if receipt:
        try:
            checked = check_upload(receipt, kinds=RECEIPT_KINDS)
        except ValidationError as error:
            raise ValidationError({"receipt": error.messages}) from error
        claim.receipt.save(f"receipt.{checked.extension}", receipt, save=False)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        # The same form sent twice at once: the other request saved it first.
        if claim.receipt:
            claim.receipt.delete(save=False)
        sent = Claim.objects.filter(submission_key=submission_key).first()
        if sent is None or sent.participant_id != participant.pk:
            raise
        return sent
    return claim


@dataclass(frozen=True)
class LimitCheck:
    limit_pence: int
    period_start: datetime.date
    period_end: datetime.date
    before_pence: int
    after_pence: int

    @property
    def crosses(self) -> bool:
        return self.after_pence > self.limit_pence

    @property
    def room_pence(self) -> int:
        return max(self.limit_pence - self.before_pence, 0)


def limit_check(claim: Claim) -> LimitCheck | None:
    """Where the claim would take the person against their own limit, across the organisation.

    Counts what is approved or paid in the period for time (cash and, as the
    sources disagree, vouchers too); expenses are not earnings.
    """
    return limit_checks([claim])[0]


def limit_checks(claims) -> list[LimitCheck | None]:
    """`limit_check` for each of several claims, in their order, in two queries at most.

    One read of the people's limits and one of their ledger, summed per day,
    so a page of claims to approve costs the same whatever its length.
    """
    claims = list(claims)
    checks: list[LimitCheck | None] = [None] * len(claims)
    timed = [claim for claim in claims if claim.kind == Claim.Kind.TIME]
    if not timed:
        return checks
    limits: dict[int, BenefitsAndLimit] = {
        row.participant_id: row
        for row in BenefitsAndLimit.objects.filter(
            participant_id__in={claim.participant_id for claim in timed}
        )
        if row.limit_pence and row.period
    }
    periods = {}
    for index, claim in enumerate(claims):
        row = limits.get(claim.participant_id) if claim.kind == Claim.Kind.TIME else None
        if row is not None:
            periods[index] = period_bounds(
                row.period, claim.work_date, uc_start_day=row.uc_start_day
            )
    if not periods:
        return checks
    per_day = (
        LedgerEntry.objects.filter(
            participant_id__in={claims[index].participant_id for index in periods},
            work_date__range=(
                min(start for start, _ in periods.values()),
                max(end for _, end in periods.values()),
            ),
            kind__in=[LedgerEntry.Kind.APPROVED, LedgerEntry.Kind.REVERSAL],
            claim__kind=Claim.Kind.TIME,
        )
        .exclude(reverses__kind=LedgerEntry.Kind.PAID)
        .values_list("participant_id", "work_date")
        .annotate(total=Sum("amount_pence"))
        .order_by()
    )
    days: dict[int, list[tuple[datetime.date, int]]] = {}
    for participant_id, day, total in per_day:
        days.setdefault(participant_id, []).append((day, total or 0))
    for index, (start, end) in periods.items():
        claim = claims[index]
        before = sum(
            total for day, total in days.get(claim.participant_id, []) if start <= day <= end
        )
        checks[index] = LimitCheck(
            limits[claim.participant_id].limit_pence or 0,  # never 0: rows without are left out
            start,
            end,
            before,
            before + claim.amount_pence,
        )
    return checks


class LimitWarning(ValidationError):
    """Approving would take the person over their own limit: a choice is needed."""

    def __init__(self, check: LimitCheck):
        self.check = check
        super().__init__("This payment would take them over the limit they set.")


DECISIONS = tuple(LimitDecision.values)


def _ledger(claim, kind, amount, by, **fields) -> LedgerEntry:
    """Write one ledger entry and, in the same transaction, its person's running total."""
    entry = LedgerEntry.objects.create(
        claim=claim,
        organisation_id=claim.project.organisation_id,
        project=claim.project,
        participant=claim.participant,
        kind=kind,
        amount_pence=amount,
        method=claim.method,
        rate_pence=claim.rate_pence,
        minutes=claim.minutes,
        work_date=claim.work_date,
        by=by,
        **fields,
    )
    paid_total_follow(entry, claim)
    return entry


@transaction.atomic
def claim_approve(*, claim: Claim, by: User, decision: str = "", note: str = "", now=None) -> Claim:
    """Approve a claim, once; a claim over the person's limit needs a decision first.

    Never by the claimant, nor by whoever entered it for them: someone else
    must look at it (`four_eyes.approval_refusal`, which the rule asks too).

    Decisions: "split" (pay what fits now, the rest from the next period),
    "vouchers" (pay this one in vouchers, with the reason in `note`),
    "decline" (the person chooses not to take it), "go_ahead" (their choice,
    recorded in `note`).
    """
    claim = Claim.objects.select_for_update().select_related("project").get(pk=claim.pk)
    if claim.status != Claim.Status.SUBMITTED:
        raise ValidationError("This claim is not waiting for approval.")
    refusal = approval_refusal(claim, by)
    if refusal:
        raise ValidationError(refusal)
    note = check_length(note, 300, "note")
    choice = choice_for(claim.participant)
    if claim.kind == Claim.Kind.EXPENSE:
        claim.method = PayMethod.EXPENSES
    else:
        claim.method = (
            PayMethod.VOUCHERS if choice.method == PaymentChoice.Method.VOUCHERS else PayMethod.CASH
        )
        claim.voucher_reason = choice.voucher_reason if claim.method == PayMethod.VOUCHERS else ""
    check = limit_check(claim)
    if check and check.crosses:
        if decision not in DECISIONS:
            raise LimitWarning(check)
        claim.limit_decision, claim.limit_note = decision, note
        if decision in (LimitDecision.VOUCHERS, LimitDecision.GO_AHEAD) and not note:
            raise ValidationError({"note": "Write down the reason, as the person gave it."})
        if decision == LimitDecision.DECLINE:
            claim.status = Claim.Status.REJECTED
            claim.rejection_reason = (
                "They chose not to take this payment, to stay under their limit."
            )
            claim.save()
            return claim
        if decision == LimitDecision.VOUCHERS:
            claim.method, claim.voucher_reason = PayMethod.VOUCHERS, note
        if decision == LimitDecision.SPLIT:
            if check.room_pence == 0:
                raise ValidationError(
                    "Nothing fits in this period: choose another option, or pay it all later."
                )
            rest = claim.amount_pence - check.room_pence
            claim.amount_pence = check.room_pence
            later = Claim.objects.create(
                participant=claim.participant,
                project=claim.project,
                kind=claim.kind,
                description=f"{claim.description} (the rest, from the next period)",
                work_date=check.period_end + datetime.timedelta(days=1),
                not_before=check.period_end + datetime.timedelta(days=1),
                minutes=None,
                rate_pence=claim.rate_pence,
                amount_pence=rest,
                submitted_by=by,
                on_behalf=True,
                limit_decision=LimitDecision.SPLIT,
                limit_note=f"The rest of claim {claim.pk}",
            )
            later.method = claim.method
            later.voucher_reason = claim.voucher_reason
            later.status = Claim.Status.APPROVED
            later.approved_by, later.approved_at = by, now or timezone.now()
            later.save()
            _ledger(later, LedgerEntry.Kind.APPROVED, rest, by)
    claim.status = Claim.Status.APPROVED
    claim.approved_by, claim.approved_at = by, now or timezone.now()
    claim.save()
    _ledger(claim, LedgerEntry.Kind.APPROVED, claim.amount_pence, by)
    return claim


@transaction.atomic
def claim_reject(*, claim: Claim, by: User, reason: str) -> Claim:
    """Say no to a claim, with a reason the person will read (four eyes, as for approving)."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    refusal = approval_refusal(claim, by)
    if refusal:
        raise ValidationError(refusal)
    reason = check_length(reason, 300, "reason")
    if not reason:
        raise ValidationError({"reason": "Say why, plainly: the person will read this."})
    if claim.status != Claim.Status.SUBMITTED:
        raise ValidationError("Only a claim waiting for approval can be turned down.")
    claim.status, claim.rejection_reason = Claim.Status.REJECTED, reason
    claim.save(update_fields=["status", "rejection_reason", "updated_at"])
    return claim


@dataclass
class PaidResult:
    paid: list[Claim]
    skipped: list[str]


def _claim_label(claim: Claim) -> str:
    name = claim.participant.full_name or claim.participant.preferred_name
    return f"Claim {claim.pk} ({name}, {pounds(claim.amount_pence)})"


def _has_bank_details(claim: Claim) -> bool:
    choice = getattr(claim.participant, "payment_choice", None)
    return bool(choice and choice.sort_code and choice.account_number)


def _why_not_paid(
    claim: Claim, *, how: str, paid_on: datetime.date, voucher_code: str, cheque_number: str
) -> str:
    """Why this claim cannot have been paid this way on this day; empty when it can."""
    if claim.status != Claim.Status.APPROVED:
        return f"it is {claim.get_status_display().lower()}."
    if claim.not_before and claim.not_before > paid_on:
        return f"it waits until {claim.not_before:%-d %B} (their limit)."
    if claim.method == PayMethod.VOUCHERS:
        if how != PaidHow.VOUCHER_CODE:
            return "it is paid in vouchers: mark it paid with its voucher code."
        if not voucher_code:
            return "there is no voucher code for it: type the code you gave them."
        return ""
    if how == PaidHow.VOUCHER_CODE:
        return "it is paid as money, not vouchers."
    if how == PaidHow.BANK_TRANSFER and not _has_bank_details(claim):
        return (
            "there are no bank details on file, so it cannot have gone by bank transfer. "
            "Record cash in hand or a cheque, or ask them for their bank details."
        )
    if how == PaidHow.CHEQUE and not cheque_number:
        return "there is no cheque number for it."
    return ""


@transaction.atomic
def claims_mark_paid(
    *,
    claim_ids: list[int],
    by: User,
    organisation_ids,
    paid_on: datetime.date,
    how: str,
    reference: str = "",
    handed_by: str = "",
    voucher_codes: dict[int, str] | None = None,
    cheque_numbers: dict[int, str] | None = None,
) -> PaidResult:
    """Mark approved claims paid, once each, recording how the money actually went.

    Bank transfer needs bank details on file and a reference; a voucher
    claim needs its code; cash in hand says who handed it over; a cheque its
    number. A claim that cannot have been paid the way given is skipped with
    the reason, and its person is not told they were paid. Rows are locked
    in id order, so a second request waits, then finds them already paid;
    the ledger's unique (claim, paid) is the last guard.
    """
    errors = {}
    if how not in PaidHow.values:
        errors["how"] = "Say how the money was paid."
    reference = check_length(reference, 100, "reference")
    handed_by = check_length(handed_by, 100, "handed_by")
    if how == PaidHow.BANK_TRANSFER and not reference:
        errors["reference"] = "Give the payment reference from the bank."
    if how == PaidHow.CASH_IN_HAND and not handed_by:
        errors["handed_by"] = "Say who handed the cash over."
    check_date_in_bounds(paid_on, "paid_on")
    if paid_on > timezone.localdate():
        errors["paid_on"] = "This date is in the future."
    if errors:
        raise ValidationError(errors)
    codes = {pk: check_length(code, 100) for pk, code in (voucher_codes or {}).items()}
    cheques = {pk: check_length(number, 30) for pk, number in (cheque_numbers or {}).items()}
    result = PaidResult([], [])
    claims = list(
        Claim.objects.select_for_update(of=("self",))
        .filter(pk__in=claim_ids, project__organisation_id__in=organisation_ids)
        .select_related("project", "participant__payment_choice")
        .order_by("pk")
    )
    found = {claim.pk for claim in claims}
    for pk in sorted(set(claim_ids) - found):
        result.skipped.append(f"Claim {pk}: not found.")
    # A paid entry reversed earlier still holds the claim's one "paid" place.
    paid_before = set(
        LedgerEntry.objects.filter(claim__in=claims, kind=LedgerEntry.Kind.PAID).values_list(
            "claim_id", flat=True
        )
    )
    for claim in claims:
        why = _why_not_paid(
            claim,
            how=how,
            paid_on=paid_on,
            voucher_code=codes.get(claim.pk, ""),
            cheque_number=cheques.get(claim.pk, ""),
        )
        if not why and claim.pk in paid_before:
            why = "it was marked paid before and reversed: enter the money again as a new claim."
        if why:
            result.skipped.append(f"{_claim_label(claim)} is not marked paid: {why}")
            continue
        claim.status, claim.paid_by, claim.paid_on = Claim.Status.PAID, by, paid_on
        claim.paid_how, claim.paid_reference = how, reference
        claim.paid_handed_by = handed_by if how == PaidHow.CASH_IN_HAND else ""
        claim.cheque_number = cheques.get(claim.pk, "") if how == PaidHow.CHEQUE else ""
        if how == PaidHow.VOUCHER_CODE:
            claim.voucher_code = codes[claim.pk]
        claim.save()
        _ledger(
            claim,
            LedgerEntry.Kind.PAID,
            claim.amount_pence,
            by,
            reference=claim.cheque_number or reference,
            paid_on=paid_on,
            paid_how=how,
        )
        notify(
            kind=PAYMENT_PAID,
            about=claim,
            recipient=claim.participant,
            project=claim.project,
            due_at=timezone.now(),
        )
        result.paid.append(claim)
    return result


@transaction.atomic
def ledger_reverse(*, entry: LedgerEntry, by: User, reason: str) -> LedgerEntry:
    """Put a mistake right by adding the opposite entry; the claim goes back a step."""
    reason = check_length(reason, 300, "reason")
    if not reason:
        raise ValidationError({"reason": "Say what the mistake was."})
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.kind == LedgerEntry.Kind.REVERSAL or hasattr(entry, "reversed_by"):
        raise ValidationError("This entry cannot be reversed (again).")
    claim = Claim.objects.select_for_update().get(pk=entry.claim_id)
    reversal = _ledger(
        claim,
        LedgerEntry.Kind.REVERSAL,
        -entry.amount_pence,
        by,
        reverses=entry,
        reason=reason,
        # A reversed payment comes off the tax year the payment was in.
        paid_on=entry.paid_on,
        paid_how=entry.paid_how,
    )
    if entry.kind == LedgerEntry.Kind.PAID:
        claim.status, claim.paid_on, claim.paid_reference = Claim.Status.APPROVED, None, ""
        claim.paid_how, claim.paid_handed_by, claim.cheque_number = "", "", ""
    else:
        claim.status, claim.rejection_reason = Claim.Status.REJECTED, reason
    claim.save()
    return reversal


@transaction.atomic
def voucher_code_reveal(*, claim: Claim, by: User, now: datetime.datetime | None = None) -> str:
    """Show a voucher code to its owner, as often as they need it, and record each time.

    Security: a view checks `payments.reveal_voucher_code` first (only the
    claimant). At most VOUCHER_REVEALS_PER_HOUR reveals per claim in any hour,
    counted from the recorded rows, so the limit survives a cache flush.
    """
    now = now or timezone.now()
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if not claim.voucher_code:
        raise ValidationError("There is no voucher code for this claim yet.")
    recent = list(
        claim.voucher_reveals.filter(created_at__gt=now - VOUCHER_REVEAL_WINDOW).values_list(
            "created_at", flat=True
        )
    )
    if len(recent) >= VOUCHER_REVEALS_PER_HOUR:
        again = timezone.localtime(min(recent) + VOUCHER_REVEAL_WINDOW)
        raise ValidationError(
            f"You have looked at this code {VOUCHER_REVEALS_PER_HOUR} times in the last hour. "
            f"You can see it again from {again:%H:%M}."
        )
    VoucherCodeReveal.objects.create(claim=claim, by=by, created_at=now)
    return claim.voucher_code
