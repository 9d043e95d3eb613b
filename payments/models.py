"""Paying people: dated facts, rate cards, choices, claims and an append-only ledger.

Money is integer pence everywhere. Amounts worked out from time use Decimal
and round half-up to the penny once, in payments/money.py.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from encrypted_fields.fields import EncryptedCharField, EncryptedTextField

from coprod.models import TimeStampedModel, TimeStampedQuerySet


class Fact(TimeStampedModel):
    """A dated figure or rule from ../shared/data/payments-facts.md, with its source.

    Kept as data (seeded by a migration, edited in the admin site when the
    law or the year changes), never as a constant in code. An unconfirmed
    figure has no value: Coprod then says "check with an adviser".
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        SECONDARY = "secondary", "Reported by a secondary source"
        UNCONFIRMED = "unconfirmed", "Unconfirmed"

    key = models.CharField(max_length=80)
    label = models.CharField(
        "plain name",
        max_length=150,
        blank=True,
        help_text="What members read, for example: Universal Credit work allowance.",
    )
    value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=20, default="GBP")
    period = models.CharField(max_length=30, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    pay_by = models.DateField(null=True, blank=True)
    scope = models.CharField(max_length=40, default="UK")
    status = models.CharField(max_length=20, choices=Status.choices)
    source = models.CharField(max_length=300)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["key", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "valid_from"], name="payments_fact_once"),
        ]

    def __str__(self):
        return f"{self.key} from {self.valid_from}: {self.value}"

    @property
    def plain_name(self) -> str:
        """The name members read; never the internal key."""
        return self.label or "A figure we hold"

    @property
    def per_period(self) -> str:
        """ "a month", "a week", "a tax year": the period in words."""
        return PERIODS_IN_WORDS.get(self.period, "")


PERIODS_IN_WORDS = {
    "hour": "an hour",
    "week": "a week",
    "month": "a month",
    "tax_year": "a tax year",
    "year": "a year",
}


class Benefit(models.TextChoices):
    UNIVERSAL_CREDIT = "uc", "Universal Credit"
    ESA = "esa", "Employment and Support Allowance (ESA)"
    PIP = "pip", "Personal Independence Payment (PIP)"
    CARERS_ALLOWANCE = "carers", "Carer's Allowance"
    JSA = "jsa", "Jobseeker's Allowance (JSA)"
    INCOME_SUPPORT = "income_support", "Income Support"
    HOUSING_BENEFIT = "housing_benefit", "Housing Benefit"
    PENSION_CREDIT = "pension_credit", "Pension Credit"
    OTHER = "other", "Another benefit"


class BenefitNote(TimeStampedModel):
    """What to know about payments and one benefit, in plain words; dated, sourced, editable."""

    benefit = models.CharField(max_length=30, choices=Benefit.choices)
    note = models.TextField("what to know, in plain words")
    tell = models.TextField("who to tell, and how", blank=True)
    valid_from = models.DateField()
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["benefit", "-valid_from"]

    def __str__(self):
        return f"{self.get_benefit_display()} (from {self.valid_from})"


class RateBasis(models.TextChoices):
    RLW_UK = "rlw_uk", "Real Living Wage (UK)"
    RLW_LONDON = "rlw_london", "Real Living Wage (London)"
    OWN = "own", "Our own rate (higher than the Real Living Wage)"


class RateCard(TimeStampedModel):
    """An hourly rate an organisation pays from a date. The rate on a meeting's date applies."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="rate_cards"
    )
    basis = models.CharField(max_length=20, choices=RateBasis.choices)
    hourly_pence = models.PositiveIntegerField("pence an hour")
    valid_from = models.DateField()
    source = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation", "basis", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "basis", "valid_from"], name="payments_rate_once_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(hourly_pence__gt=0) & models.Q(hourly_pence__lt=100_000),
                name="payments_rate_sensible",
            ),
        ]

    def __str__(self):
        return f"{self.get_basis_display()}: {self.hourly_pence}p from {self.valid_from}"


class Expense(models.TextChoices):
    TRAVEL = "travel", "Travel"
    CHILDCARE = "childcare", "Childcare"
    CARE = "care", "Care for someone"
    REFRESHMENTS = "refreshments", "Food and drink"
    PHONE_DATA = "phone_data", "Phone or data"


class PaymentPolicy(TimeStampedModel):
    """How a project pays: which rate, minimum time, what time and expenses count."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="payment_policy"
    )
    basis = models.CharField(max_length=20, choices=RateBasis.choices, default=RateBasis.RLW_UK)
    minimum_minutes = models.PositiveIntegerField(
        "minimum paid time per meeting (minutes)", default=60
    )
    pays_preparation = models.BooleanField("preparation time is paid", default=True)
    expenses = models.JSONField("expenses we pay back", default=list, blank=True)

    class Meta:
        ordering = ["project"]

    def __str__(self):
        return f"Payment policy of {self.project}"


class PaymentChoiceMethod(models.TextChoices):
    CASH = "cash", "Money into my bank account"
    VOUCHERS = "vouchers", "Vouchers"
    NONE = "none", "No payment: I volunteer my time"
    EXPENSES_ONLY = "expenses_only", "Only my expenses paid back"


class PaymentChoice(TimeStampedModel):
    """How a member wants to be paid by one organisation. Bank details are encrypted."""

    Method = PaymentChoiceMethod

    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.CASCADE, related_name="payment_choice"
    )
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.CASH)
    voucher_provider = models.CharField(max_length=100, blank=True)
    voucher_reason = models.TextField(
        "why vouchers",
        blank=True,
        help_text="Always said out loud: vouchers can feel like not being trusted with money.",
    )
    account_name = EncryptedCharField(max_length=100, blank=True, null=True)
    sort_code = EncryptedCharField(max_length=8, blank=True, null=True)
    account_number = EncryptedCharField(max_length=8, blank=True, null=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["participant"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(method=PaymentChoiceMethod.VOUCHERS)
                | ~models.Q(voucher_reason=""),
                name="payments_vouchers_say_why",
            ),
        ]

    def __str__(self):
        return f"{self.participant}: {self.get_method_display()}"

    @property
    def has_bank_details(self) -> bool:
        """Whether any part of the bank details is on file (so showing it is a read)."""
        return bool(self.account_name or self.sort_code or self.account_number)

    @property
    def account_masked(self) -> str:
        number = self.account_number or ""
        return f"account ending {number[-4:]}" if number else "no bank details yet"


class BenefitsAndLimit(TimeStampedModel):
    """What a member privately says about their benefits, and the limit they want to stay under."""

    class Period(models.TextChoices):
        WEEK = "week", "A week (Monday to Sunday)"
        MONTH = "month", "A calendar month"
        UC = "uc", "My Universal Credit assessment period"

    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.CASCADE, related_name="benefits"
    )
    # Which benefits, encrypted: a comma-separated list of Benefit codes.
    benefits_encrypted = EncryptedTextField(blank=True, null=True)
    limit_pence = models.PositiveIntegerField("limit", null=True, blank=True)
    period = models.CharField(max_length=10, choices=Period.choices, blank=True)
    uc_start_day = models.PositiveSmallIntegerField(
        "the day of the month my assessment period starts", null=True, blank=True
    )

    class Meta:
        ordering = ["participant"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uc_start_day__isnull=True)
                | (models.Q(uc_start_day__gte=1) & models.Q(uc_start_day__lte=31)),
                name="payments_uc_day_of_month",
            ),
        ]

    def __str__(self):
        return f"Benefits and limit of {self.participant}"

    @property
    def benefits(self) -> list[str]:
        return [code for code in (self.benefits_encrypted or "").split(",") if code]


def receipt_path(instance, filename: str) -> str:
    """A name nobody can guess: receipts are handed out only by a permission-checked view."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"receipts/{uuid.uuid4().hex}.{extension}"


class PayMethod(models.TextChoices):
    """What a claim is paid as, fixed when it is approved."""

    CASH = "cash", "Money"
    VOUCHERS = "vouchers", "Vouchers"
    EXPENSES = "expenses", "Expenses paid back"


class PaidHow(models.TextChoices):
    """How the money actually reached the person, recorded when it is marked paid."""

    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    VOUCHER_CODE = "voucher_code", "Voucher code"
    CASH_IN_HAND = "cash_in_hand", "Cash in hand"
    CHEQUE = "cheque", "Cheque"


class LimitDecision(models.TextChoices):
    SPLIT = "split", "Part now, the rest in the next period"
    VOUCHERS = "vouchers", "Paid in vouchers this time"
    DECLINE = "decline", "They chose not to take this payment"
    GO_AHEAD = "go_ahead", "They chose to go ahead"


class ClaimKind(models.TextChoices):
    TIME = "time", "Time"
    EXPENSE = "expense", "Expense"


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for approval"
    APPROVED = "approved", "Approved, waiting to be paid"
    PAID = "paid", "Paid"
    REJECTED = "rejected", "Not approved"


class Claim(TimeStampedModel):
    """Money someone is owed: for time at a meeting (from attendance) or for an expense."""

    Kind = ClaimKind
    Status = ClaimStatus
    # So templates can write claim.Method.VOUCHERS and claim.PaidHow.CHEQUE.
    Method = PayMethod
    PaidHow = PaidHow

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="claims"
    )
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    attendance = models.ForeignKey(
        "projects.Attendance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    expense = models.CharField(max_length=20, choices=Expense.choices, blank=True)
    description = models.CharField(max_length=300, blank=True)
    work_date = models.DateField("the day of the meeting or the expense")
    minutes = models.PositiveIntegerField(null=True, blank=True)
    rate_pence = models.PositiveIntegerField(null=True, blank=True)
    amount_pence = models.PositiveIntegerField()
    receipt = models.FileField(upload_to=receipt_path, blank=True, max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    method = models.CharField(
        max_length=20, choices=PayMethod.choices, blank=True, help_text="Fixed when approved."
    )
    voucher_reason = models.TextField(blank=True)
    limit_decision = models.CharField(max_length=20, choices=LimitDecision.choices, blank=True)
    limit_note = models.CharField(max_length=300, blank=True)
    not_before = models.DateField(null=True, blank=True, help_text="Paid in a later period.")
    rejection_reason = models.CharField(max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    on_behalf = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paid_on = models.DateField(null=True, blank=True)
    paid_reference = models.CharField(max_length=100, blank=True)
    paid_how = models.CharField(max_length=20, choices=PaidHow.choices, blank=True)
    paid_handed_by = models.CharField("cash handed over by", max_length=100, blank=True)
    cheque_number = models.CharField(max_length=30, blank=True)
    # Sent with the form that made the claim: the same form sent twice makes one claim.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    voucher_code = EncryptedCharField(max_length=100, blank=True, null=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # The approvals list and the finance queue: claims still waiting, oldest first.
            # Partial, so it stays the size of what waits, not of the whole history.
            models.Index(
                fields=["work_date", "id"],
                condition=models.Q(status__in=[ClaimStatus.SUBMITTED, ClaimStatus.APPROVED]),
                name="payments_claim_waiting",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["attendance"],
                condition=models.Q(attendance__isnull=False, kind=ClaimKind.TIME),
                name="payments_one_time_claim_per_attendance",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_pence__lte=100_000),
                name="payments_claim_amount_sensible",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ClaimStatus.values),
                name="payments_claim_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.participant}: {self.amount_pence}p ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("payments:claim", kwargs={"pk": self.pk})

    @property
    def paid_in_words(self) -> str:
        """How it was paid, for the person paid: "by bank transfer", "in cash from Sam"."""
        if self.paid_how == PaidHow.BANK_TRANSFER:
            return "by bank transfer"
        if self.paid_how == PaidHow.VOUCHER_CODE:
            return "as a voucher code"
        if self.paid_how == PaidHow.CASH_IN_HAND:
            return f"in cash, handed over by {self.paid_handed_by}"
        if self.paid_how == PaidHow.CHEQUE:
            return f"by cheque (number {self.cheque_number})"
        return "in vouchers" if self.method == PayMethod.VOUCHERS else ""

    def goes_to_bank(self, choice: "PaymentChoice") -> bool:
        """Whether this money goes (or went) into the person's bank account."""
        if self.status == self.Status.PAID and self.paid_how:
            return self.paid_how == PaidHow.BANK_TRANSFER
        if self.method:
            return self.method != PayMethod.VOUCHERS
        return self.kind == self.Kind.EXPENSE or choice.method == PaymentChoice.Method.CASH


class VoucherCodeReveal(models.Model):
    """One time a voucher code was shown to its owner: who asked, and when (append-only).

    The member may see their code whenever they need it, by pressing a
    button (a POST, never a link that a preview could open); these rows are
    what limits how often (`services.VOUCHER_REVEALS_PER_HOUR`).
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="voucher_reveals")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Voucher code for claim {self.claim_id} shown {self.created_at:%Y-%m-%d %H:%M}"


class LedgerQuerySet(TimeStampedQuerySet):
    def update(self, **kwargs):
        raise PermissionError("Ledger entries are never changed: add a reversal instead.")

    def delete(self):
        raise PermissionError("Ledger entries are never deleted: add a reversal instead.")


class LedgerKind(models.TextChoices):
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"
    REVERSAL = "reversal", "Reversal"


class LedgerEntry(TimeStampedModel):
    """One movement of money, never changed or deleted: a mistake is put right by a reversal.

    The model refuses updates and deletes, and on PostgreSQL a trigger does too
    (migration 0003), so not even a raw UPDATE changes a row.
    """

    Kind = LedgerKind

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="ledger")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="ledger"
    )
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="ledger"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount_pence = models.IntegerField()
    method = models.CharField(max_length=20)
    rate_pence = models.PositiveIntegerField(null=True, blank=True)
    minutes = models.PositiveIntegerField(null=True, blank=True)
    work_date = models.DateField()
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    reason = models.CharField(max_length=300, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    # For "paid" entries and their reversals: the day the money was paid, and how.
    # The tax year of a payment is read from paid_on, never from created_at.
    paid_on = models.DateField(null=True, blank=True)
    paid_how = models.CharField(max_length=20, choices=PaidHow.choices, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = LedgerQuerySet.as_manager()  # type: ignore[misc,assignment]

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # Nothing approved or paid twice: one entry of each kind per claim.
            models.UniqueConstraint(
                fields=["claim", "kind"],
                condition=models.Q(kind__in=[LedgerKind.APPROVED, LedgerKind.PAID]),
                name="payments_claim_approved_and_paid_once",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount_pence}p for {self.participant}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Ledger entries are never changed: add a reversal instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Ledger entries are never deleted: add a reversal instead.")


class PaidTotal(TimeStampedModel):
    """Money that stands (paid, never reversed) for one person on one project, in pence.

    A running total of the append-only ledger, kept by the service that
    writes each ledger entry, in the same transaction (payments.services._ledger),
    so reports read one row per person instead of scanning the ledger.
    `payments.totals.paid_totals_recompute` rebuilds it from the ledger.
    """

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="+"
    )
    pence = models.IntegerField(default=0)

    class Meta:
        ordering = ["project", "participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "participant"], name="payments_one_paid_total_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.pence}p standing for {self.participant} on {self.project}"
