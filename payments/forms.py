"""Forms for payments: input shape only; amounts are typed in pounds and stored in pence."""

import uuid

from django import forms
from django.core.exceptions import ValidationError

from coprod.fields import BoundedDateField, LimitedCharField, ModelForm
from payments.models import (
    Benefit,
    BenefitsAndLimit,
    Expense,
    LimitDecision,
    PaidHow,
    PaymentChoice,
    PaymentPolicy,
)
from payments.money import AmountError, pence_from_pounds
from payments.services import DECISIONS, EXPENSE_MAX_PENCE, LIMIT_MAX_PENCE, RATE_MAX_PENCE
from projects.forms import DATE


class PoundsField(forms.CharField):
    """Pounds and pence as typed ("4.50", "£4.50", "1,250"), cleaned to whole pence.

    Every money field uses this, with the most it takes stated
    (`maximum_pence`); the parser's own message says what to write instead.
    """

    def __init__(self, *args, maximum_pence: int, **kwargs):
        self.maximum_pence = maximum_pence
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            return pence_from_pounds(value, maximum_pence=self.maximum_pence)
        except AmountError as error:
            raise ValidationError(str(error), code="amount") from error


class PaymentChoiceForm(forms.Form):
    method = forms.ChoiceField(
        label="How would you like to be paid?",
        choices=PaymentChoice.Method.choices,
        widget=forms.RadioSelect,
    )
    voucher_provider = LimitedCharField(label="Which vouchers?", required=False, max_length=100)
    voucher_reason = LimitedCharField(
        label="Why vouchers?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="We always write down why. If it was not your choice, you can ask us about it.",
    )
    account_name = LimitedCharField(label="Name on the account", required=False, max_length=100)
    sort_code = LimitedCharField(
        label="Sort code",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    account_number = LimitedCharField(
        label="Account number",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text="Only our finance staff can see your bank details. Leave them empty to keep "
        "the ones we have.",
    )


class BenefitsForm(forms.Form):
    benefits = forms.MultipleChoiceField(
        label="Which benefits do you get? (optional)",
        choices=Benefit.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Only you and the coordinators of your projects see this. We use it to show "
        "you what to know, never to decide for you.",
    )
    limit = PoundsField(
        label="A limit you want to stay under (optional)",
        required=False,
        maximum_pence=LIMIT_MAX_PENCE,
    )
    period = forms.ChoiceField(
        label="Over what period?",
        choices=[("", "Choose a period"), *BenefitsAndLimit.Period.choices],
        required=False,
    )
    uc_start_day = forms.IntegerField(
        label="If Universal Credit: the day of the month your assessment period starts",
        min_value=1,
        max_value=31,
        required=False,
    )


class ExpenseForm(forms.Form):
    expense = forms.ChoiceField(label="What was it for?", choices=Expense.choices)
    amount = PoundsField(
        label="How much? (£)",
        maximum_pence=EXPENSE_MAX_PENCE,
        help_text="Pounds and pence with a full stop, like 4.50. Up to £500.",
    )
    work_date = BoundedDateField(label="When?", widget=DATE)
    description = LimitedCharField(
        label="A few words (optional)",
        required=False,
        max_length=300,
        help_text="For example: bus there and back.",
    )
    receipt = forms.FileField(
        label="A photo or PDF of the receipt (optional)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )
    # One per form shown: the same form sent twice (back button, double tap) is one claim.
    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4())
        self.fields["project"] = forms.ModelChoiceField(
            label="For which project?", queryset=projects
        )
        if projects.count() == 1:
            self.fields["project"].widget = forms.HiddenInput()
            self.fields["project"].initial = projects.get().pk
        self.order_fields(["project", "expense", "amount", "work_date", "description", "receipt"])


class ApproveForm(forms.Form):
    decision = forms.ChoiceField(
        label="They would go over their limit. What did they choose?",
        choices=[
            (LimitDecision.SPLIT, "Pay what fits now, and the rest in the next period"),
            (LimitDecision.VOUCHERS, "Pay this one in vouchers (write why)"),
            (LimitDecision.DECLINE, "They choose not to take this payment"),
            (LimitDecision.GO_AHEAD, "Go ahead: they know, and chose to (write what they said)"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    note = LimitedCharField(label="Their words, or the reason", required=False, max_length=300)

    def __init__(self, *args, over_limit=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not over_limit:
            # Nothing to decide: the claim is within any limit they set.
            del self.fields["decision"]
            del self.fields["note"]

    def clean_decision(self):
        decision = self.cleaned_data["decision"]
        if decision and decision not in DECISIONS:
            raise ValidationError("Choose one of the options.")
        return decision


class RejectForm(forms.Form):
    reason = LimitedCharField(
        label="Why not?",
        max_length=300,
        help_text="They will read this.",
        error_messages={"required": "Say why, plainly: the person will read this."},
    )


class MarkPaidForm(forms.Form):
    paid_on = BoundedDateField(label="Paid on", widget=DATE)
    how = forms.ChoiceField(
        label="How was it paid?",
        choices=PaidHow.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    reference = LimitedCharField(
        label="Payment reference (needed for a bank transfer) or voucher batch",
        max_length=100,
        required=False,
    )
    handed_by = LimitedCharField(
        label="Cash in hand: who handed it over?", max_length=100, required=False
    )


class TaxYearForm(forms.Form):
    """Which tax year to show; a year outside those offered gets a plain message."""

    year = forms.IntegerField(label="Tax year", required=False)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        self.fields["year"].widget = forms.Select(
            attrs={"class": "form-select"},
            choices=[(year, f"{year}-{(year + 1) % 100:02d}") for year in years],
        )
        self.fields["year"].error_messages["invalid"] = self.choose_message()

    def choose_message(self) -> str:
        last, first = self.years[0], self.years[-1]
        return (
            f"Choose a tax year from {first}-{(first + 1) % 100:02d} "
            f"to {last}-{(last + 1) % 100:02d}."
        )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year is None:
            return self.years[0]
        if year not in self.years:
            raise ValidationError(self.choose_message())
        return year


class RateCardForm(forms.Form):
    hourly = PoundsField(label="Our hourly rate (£)", maximum_pence=RATE_MAX_PENCE)
    valid_from = BoundedDateField(label="From", widget=DATE)
    source = LimitedCharField(label="Agreed by", required=False, max_length=300)


class PolicyForm(ModelForm):
    expenses = forms.MultipleChoiceField(
        label="Expenses we pay back",
        choices=Expense.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = PaymentPolicy
        fields = ["basis", "minimum_minutes", "pays_preparation", "expenses"]
        widgets = {"basis": forms.RadioSelect}
        labels = {"basis": "The hourly rate we pay"}


class ReverseForm(forms.Form):
    reason = LimitedCharField(label="What was the mistake?", max_length=300)
