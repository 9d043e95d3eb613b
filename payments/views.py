"""Payment pages: members on phones, coordinators approving, finance paying. HTTP only."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.generic import FormView, TemplateView, View

from coprod.accounts.models import Organisation
from coprod.accounts.permissions import PermissionRequiredMixin
from coprod.csv_safe import stream_csv
from coprod.fields import parse_id
from coprod.formerrors import add_service_errors
from coprod.views import PostActionView, ServiceFormMixin
from participants.mixins import OwnProfileMixin
from participants.models import ProjectMembership
from participants.selectors import participant_get_for_staff
from payments import services
from payments.forms import (
    ApproveForm,
    BenefitsForm,
    ExpenseForm,
    MarkPaidForm,
    PaymentChoiceForm,
    PolicyForm,
    RateCardForm,
    RejectForm,
    ReverseForm,
    TaxYearForm,
)
from payments.four_eyes import approval_refusal
from payments.models import BenefitsAndLimit, Claim, LedgerEntry, PaymentChoice, PayMethod
from payments.money import pounds
from payments.selectors import (
    choice_for,
    claim_get_for,
    claims_to_approve,
    claims_to_approve_totals,
    figures_for,
    finance_organisation_ids,
    finance_queue,
    finance_queue_mark_waiting,
    finance_queue_totals,
    notes_for,
    policy_for,
    rate_cards_for,
    statement_for,
    tax_year_organisation_ids,
    tax_year_summary,
    tax_years_paid,
)
from projects.mixins import ProjectMixin
from projects.models import Project


class OwnMoneyMixin(OwnProfileMixin):
    """A member's own money pages; anyone else's are simply not found."""

    def get_participant(self):
        return self.get_permission_object()


class StatementView(OwnMoneyMixin, TemplateView):
    """What I have been paid, what is waiting and since when, my choice and my limit."""

    template_name = "payments/statement.html"

    def get_context_data(self, **kwargs):
        row = BenefitsAndLimit.objects.filter(participant=self.get_participant()).first()
        tell = [note for note in notes_for(row.benefits if row else []) if note.tell]
        return super().get_context_data(
            statement=statement_for(self.get_participant()),
            today=timezone.localdate(),
            tell=tell,
            **kwargs,
        )


class PaymentChoiceView(ServiceFormMixin, OwnMoneyMixin, FormView):
    template_name = "payments/choice_form.html"
    form_class = PaymentChoiceForm
    success_message = "Saved. It applies to payments not yet approved."

    def get_initial(self):
        choice = choice_for(self.get_participant())
        return {
            "method": choice.method,
            "voucher_provider": choice.voucher_provider,
            "voucher_reason": choice.voucher_reason,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(choice=choice_for(self.get_participant()), **kwargs)

    def call_service(self, form):
        return services.payment_choice_save(
            participant=self.get_participant(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("payments:statement", kwargs={"pk": self.participant.pk})


class BenefitsView(ServiceFormMixin, OwnMoneyMixin, FormView):
    template_name = "payments/benefits_form.html"
    form_class = BenefitsForm
    success_message = "Saved. Only you and your projects' coordinators can see this."

    def get_initial(self):
        row = BenefitsAndLimit.objects.filter(participant=self.get_participant()).first()
        if row is None:
            return {}
        return {
            "benefits": row.benefits,
            # Shown back exactly as the parser reads it: integer pence, no floats.
            "limit": pounds(row.limit_pence).removeprefix("£") if row.limit_pence else "",
            "period": row.period,
            "uc_start_day": row.uc_start_day,
        }

    def get_context_data(self, **kwargs):
        row = BenefitsAndLimit.objects.filter(participant=self.get_participant()).first()
        benefits = row.benefits if row else []
        return super().get_context_data(
            notes=notes_for(benefits), figures=figures_for(benefits), **kwargs
        )

    def call_service(self, form):
        data = form.cleaned_data
        return services.benefits_save(
            participant=self.get_participant(),
            by=self.request.user,
            benefits=data["benefits"],
            limit_pence=data["limit"],
            period=data["period"],
            uc_start_day=data["uc_start_day"],
        )


class ExpenseSubmitMixin(ServiceFormMixin):
    """Send an expense claim for `self.participant`; say `success_message`, go to `done_url()`.

    A claim like one already waiting comes back to the form with "Is this the
    same as ...?": sending it again with not_a_duplicate=yes saves it.
    """

    template_name: str | None = "payments/expense_form.html"
    form_class: type[ExpenseForm] | None = ExpenseForm
    thanks = ""

    def service_refused(self, form, error):
        if isinstance(error, services.PossibleDuplicate):
            return self.render_to_response(
                self.get_context_data(form=form, duplicate=error.existing)
            )
        return super().service_refused(form, error)

    def call_service(self, form):
        data = dict(form.cleaned_data)
        data["amount_pence"] = data.pop("amount")
        data["submission_key"] = data.pop("submission")
        data["not_a_duplicate"] = self.request.POST.get("not_a_duplicate") == "yes"
        return services.expense_claim_submit(
            participant=self.participant, by=self.request.user, **data
        )

    def get_success_url(self):
        return self.done_url()


class ExpenseCreateView(ExpenseSubmitMixin, OwnMoneyMixin, FormView):
    success_message = (
        "Thank you. Your claim is sent for approval. You can see it on your statement."
    )

    def projects(self):
        return Project.objects.filter(
            memberships__participant=self.get_participant(),
            memberships__status__in=[
                ProjectMembership.Status.ACTIVE,
                ProjectMembership.Status.ON_BREAK,
            ],
        ).distinct()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projects": self.projects()}

    def done_url(self):
        return reverse("payments:statement", kwargs={"pk": self.participant.pk})


class ExpenseForView(ExpenseSubmitMixin, PermissionRequiredMixin, FormView):
    """A coordinator enters a paper claim for someone; the claim says it was entered for them."""

    permission_required = "participants.view_person"
    success_message = "Claim entered. It needs approving, like any claim."

    def get_permission_object(self):
        if not hasattr(self, "participant"):
            self.participant = participant_get_for_staff(self.request.user, self.kwargs["pk"])
        return self.participant

    def get_form_kwargs(self):
        projects = Project.objects.filter(
            Exists(
                ProjectMembership.objects.filter(
                    project=OuterRef("pk"), participant=self.get_permission_object()
                ).exclude(status=ProjectMembership.Status.LEFT)
            )
        )
        return {**super().get_form_kwargs(), "projects": projects}

    def get_context_data(self, **kwargs):
        return super().get_context_data(participant=self.participant, for_someone=True, **kwargs)

    def done_url(self):
        return reverse("participants:person", kwargs={"pk": self.participant.pk})


# --- Coordinators -----------------------------------------------------------------------


class ApprovalsView(PermissionRequiredMixin, TemplateView):
    """Claims waiting for a coordinator, with each person's limit in front of them."""

    template_name = "payments/approvals.html"

    permission_required = "payments.approve_anywhere"

    per_page = 50

    def get_context_data(self, **kwargs):
        waiting = claims_to_approve(self.request.user)
        page = Paginator(waiting, self.per_page).get_page(self.request.GET.get("page"))
        claims = _with_urls(list(page.object_list))
        for claim, check in zip(claims, services.limit_checks(claims), strict=True):
            claim.check = check
            claim.refusal = approval_refusal(claim, self.request.user)
        return super().get_context_data(
            claims=claims, page=page, totals=claims_to_approve_totals(waiting), **kwargs
        )


def _with_urls(claims: list[Any]) -> list[Any]:
    """Give each claim of a list its address (`claim.url`) from one reverse(), not one a row."""
    stand_in = 987654321
    address = reverse("payments:claim", kwargs={"pk": stand_in})
    for claim in claims:
        claim.url = address.replace(str(stand_in), str(claim.pk))
    return claims


class ClaimMixin(PermissionRequiredMixin):
    def get_permission_object(self):
        if not hasattr(self, "claim"):
            self.claim = claim_get_for(self.request.user, self.kwargs["pk"])
        return self.claim


class ClaimDetailView(ClaimMixin, TemplateView):
    permission_required = "payments.view_claim"
    template_name = "payments/claim_detail.html"

    def get_context_data(self, **kwargs):
        claim = self.get_permission_object()
        user = self.request.user
        can_approve = user.has_perm("payments.approve_claim", claim)
        is_theirs = user.has_perm("payments.reveal_voucher_code", claim)
        # Shown only in answer to the POST of VoucherCodeRevealView, never on GET.
        voucher_code = kwargs.pop("voucher_code", "")
        check = services.limit_check(claim) if can_approve else None
        over = bool(check and check.crosses)
        choice = choice_for(claim.participant)
        goes_to_bank = claim.goes_to_bank(choice)
        show_bank = user.has_perm("payments.view_bank_details", claim)
        benefit_notes = _benefit_notes(user, claim)
        can_approve_now = can_approve and claim.status == Claim.Status.SUBMITTED
        # Whatever of their benefits or bank details this page shows staff is logged.
        services.claim_private_reads_record(
            claim=claim,
            viewer=user,
            benefit_notes=bool(benefit_notes),
            limit=bool(can_approve_now and over),
            bank=("full" if show_bank else "last digits")
            if goes_to_bank and choice.has_bank_details and (show_bank or choice.account_number)
            else "",
        )
        return super().get_context_data(
            claim=claim,
            check=check,
            can_approve=can_approve_now,
            # Said to a coordinator who would otherwise approve it: why they cannot.
            refusal=approval_refusal(claim, user)
            if claim.status == Claim.Status.SUBMITTED
            and user.has_perm("projects.manage_money", claim.project)
            else None,
            approve_form=kwargs.pop("approve_form", ApproveForm(over_limit=over)),
            reject_form=kwargs.pop("reject_form", RejectForm()),
            choice=choice,
            goes_to_bank=goes_to_bank,
            show_bank=show_bank,
            benefit_notes=benefit_notes,
            voucher_code=voucher_code,
            is_theirs=is_theirs,
            reveals=claim.voucher_reveals.all()[:5] if is_theirs else [],
            reveals_per_hour=services.VOUCHER_REVEALS_PER_HOUR,
            ledger=claim.ledger.all(),
            **kwargs,
        )


class ReceiptDownloadView(ClaimMixin, View):
    """Hand over a claim's receipt through the storage API, to those who may see the claim.

    Never a public media address: the claimant, the coordinators who approve
    and the organisation's finance; anyone else is told it does not exist.
    """

    permission_required = "payments.view_receipt"

    def get(self, request, *args, **kwargs):
        claim = self.get_permission_object()
        if not claim.receipt:
            raise Http404
        extension = claim.receipt.name.rsplit(".", 1)[-1].lower()
        content_type = RECEIPT_TYPES.get(extension)
        if content_type is None:
            raise Http404
        response = FileResponse(
            claim.receipt.open("rb"),
            as_attachment=True,
            filename=f"receipt-claim-{claim.pk}.{extension}",
            content_type=content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


RECEIPT_TYPES = {
    extension: kind.mime for kind in services.RECEIPT_KINDS for extension in kind.extensions
}


def _benefit_notes(user, claim):
    """Benefits notes for the person and the coordinators of their projects, nobody else."""
    if not user.has_perm("participants.view_private_notes", claim.participant):
        return []
    row = BenefitsAndLimit.objects.filter(participant=claim.participant).first()
    return notes_for(row.benefits) if row else []


class VoucherCodeRevealView(ClaimDetailView):
    """Show the claimant their voucher code, by a button: a reload or a link preview shows nothing.

    Each reveal is recorded, and limited per hour (`services.voucher_code_reveal`).
    """

    permission_required = "payments.reveal_voucher_code"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        claim = self.get_permission_object()
        try:
            code = services.voucher_code_reveal(claim=claim, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(claim)
        response = self.render_to_response(self.get_context_data(voucher_code=code))
        add_never_cache_headers(response)
        return response


class ClaimApproveView(ClaimDetailView):
    """Approve from the claim page; a limit warning comes back to the same page."""

    permission_required = "payments.approve_claim"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        claim = self.get_permission_object()
        if claim.status != Claim.Status.SUBMITTED:
            # Approved (or turned down) meanwhile, perhaps by a colleague.
            messages.info(request, f"This claim is already {claim.get_status_display().lower()}.")
            return redirect(claim)
        check = services.limit_check(claim)
        form = ApproveForm(request.POST, over_limit=bool(check and check.crosses))
        if form.is_valid():
            try:
                services.claim_approve(claim=claim, by=request.user, **form.cleaned_data)
            except services.LimitWarning:
                form.add_error(
                    "decision", "This would take them over their limit. Choose what they want."
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Approved. Finance will pay it.")
                return redirect("payments:approvals")
        return self.render_to_response(self.get_context_data(approve_form=form))


class ClaimRejectView(ClaimMixin, PostActionView):
    permission_required = "payments.approve_claim"

    def act(self):
        form = RejectForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        services.claim_reject(
            claim=self.get_permission_object(), by=self.request.user, **form.cleaned_data
        )
        return "Turned down. They will see your reason."

    def done_url(self):
        # Turned down: back to the list. Not (a reason was missing): back to the claim.
        claim = Claim.objects.get(pk=self.get_permission_object().pk)
        if claim.status == Claim.Status.SUBMITTED:
            return claim.get_absolute_url()
        return reverse("payments:approvals")


class PolicyView(ServiceFormMixin, ProjectMixin, FormView):
    """How a project pays: the rate, the minimum time, preparation, expenses."""

    permission_required = "projects.manage_money"
    template_name = "payments/policy_form.html"
    form_class = PolicyForm
    success_message = "Saved. It applies to claims made from now on."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": policy_for(self.get_project())}

    def call_service(self, form):
        data = {name: form.cleaned_data[name] for name in PolicyForm.Meta.fields}
        return services.policy_save(project=self.project, by=self.request.user, **data)


# --- Finance ----------------------------------------------------------------------------


class FinanceMixin(PermissionRequiredMixin):
    permission_required = "payments.use_finance"

    def organisation_ids(self):
        return finance_organisation_ids(self.request.user)


class FinanceQueueView(ServiceFormMixin, FinanceMixin, FormView):
    """Approved claims, waiting longest first; mark several paid at once."""

    template_name = "payments/queue.html"
    form_class = MarkPaidForm

    def get_initial(self):
        return {"paid_on": timezone.localdate()}

    per_page = 50

    def get_context_data(self, **kwargs):
        organisations = list(Organisation.objects.filter(pk__in=self.organisation_ids()))
        queue = finance_queue(self.request.user)
        page = Paginator(queue, self.per_page).get_page(self.request.GET.get("page"))
        claims = _with_urls(finance_queue_mark_waiting(page.object_list, organisations))
        # This page shows the bank details of all on it not paid in vouchers: logged, one INSERT.
        services.bank_details_read_many(
            participants=[
                claim.participant
                for claim in claims
                if claim.method != PayMethod.VOUCHERS
                and getattr(claim.participant, "payment_choice", PaymentChoice()).has_bank_details
            ],
            viewer=self.request.user,
            detail="on the list of payments to make",
        )
        return super().get_context_data(
            claims=claims,
            page=page,
            totals=finance_queue_totals(queue, organisations),
            organisations=organisations,
            **kwargs,
        )

    def get_success_url(self):
        # Back to the same page of the queue: what is left on it, then the next claims.
        return self.request.get_full_path()

    def ticked(self) -> list[int]:
        return [pk for pk in map(parse_id, self.request.POST.getlist("claim")) if pk]

    def form_valid(self, form):
        if not self.ticked():
            form.add_error(None, "Tick the claims you have paid.")
            return self.form_invalid(form)
        return super().form_valid(form)

    def call_service(self, form):
        return services.claims_mark_paid(
            claim_ids=self.ticked(),
            by=self.request.user,
            organisation_ids=self.organisation_ids(),
            voucher_codes=self._per_row("code-"),
            cheque_numbers=self._per_row("cheque-"),
            **form.cleaned_data,
        )

    def get_success_message(self, form, result):
        if not result.paid:
            return ""
        return (
            f"Marked {len(result.paid)} paid: {pounds(sum(c.amount_pence for c in result.paid))}."
        )

    def after_success(self):
        skipped = self.result.skipped
        if skipped:
            messages.warning(
                self.request,
                f"{len(skipped)} of the {len(self.ticked())} ticked claims "
                f"{'was' if len(skipped) == 1 else 'were'} not marked paid, "
                "and nobody was told they were paid:",
            )
        for reason in skipped:
            messages.warning(self.request, reason)

    def _per_row(self, prefix: str) -> dict[int, str]:
        """Values typed against one row of the queue, such as "code-12" or "cheque-12"."""
        typed = {
            parse_id(key.removeprefix(prefix)): value
            for key, value in self.request.POST.items()
            # items() gives each key's last value, a str; isinstance tells mypy.
            if key.startswith(prefix) and isinstance(value, str) and value.strip()
        }
        return {pk: value for pk, value in typed.items() if pk}


class RateCardsView(ServiceFormMixin, FinanceMixin, FormView):
    template_name = "payments/rates.html"
    form_class = RateCardForm
    success_message = "Rate added."

    def organisation(self):
        organisation = Organisation.objects.filter(pk__in=self.organisation_ids()).first()
        if organisation is None:
            raise Http404
        return organisation

    def get_context_data(self, **kwargs):
        return super().get_context_data(rates=rate_cards_for(self.organisation_ids()), **kwargs)

    def call_service(self, form):
        data = form.cleaned_data
        return services.rate_card_add(
            organisation=self.organisation(),
            by=self.request.user,
            hourly_pence=data["hourly"],
            valid_from=data["valid_from"],
            source=data["source"],
        )


class LedgerReverseView(FinanceMixin, PostActionView):
    def act(self):
        entry = get_object_or_404(
            LedgerEntry, pk=self.kwargs["pk"], organisation_id__in=self.organisation_ids()
        )
        form = ReverseForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError("Say what the mistake was.")
        services.ledger_reverse(entry=entry, by=self.request.user, **form.cleaned_data)
        self.claim_url = entry.claim.get_absolute_url()
        return "Reversed. Both entries stay in the ledger."

    def done_url(self):
        return getattr(self, "claim_url", reverse("payments:queue"))


class PaymentsExportView(FinanceMixin, View):
    """One row per payment: approved and waiting, and paid. For a bank upload or finance system."""

    def get(self, request, *args, **kwargs):
        claims = (
            Claim.objects.filter(
                project__organisation_id__in=self.organisation_ids(),
                status__in=[Claim.Status.APPROVED, Claim.Status.PAID],
            )
            .select_related("participant__payment_choice", "project")
            .order_by("status", "work_date", "pk")
        )

        def bank_choice(claim: Claim) -> PaymentChoice:
            # Read through select_related: no query per row.
            choice = getattr(claim.participant, "payment_choice", None) or PaymentChoice()
            if not claim.goes_to_bank(choice):
                # Vouchers, cash in hand, cheques: no bank details leave Coprod.
                return PaymentChoice()
            return choice

        # Everyone whose bank details the file carries is logged before it is sent:
        # a first pass over the same rows, then one INSERT.
        services.bank_details_read_many(
            participants=[
                claim.participant
                for claim in claims.iterator(chunk_size=500)
                if bank_choice(claim).has_bank_details
            ],
            viewer=request.user,
            detail="in a download of payments (a spreadsheet for the bank)",
        )

        def rows():
            for claim in claims.iterator(chunk_size=500):
                choice = bank_choice(claim)
                name = claim.participant.full_name or claim.participant.preferred_name
                yield [
                    claim.pk,
                    claim.get_status_display(),
                    claim.participant.pseudonym or f"P{claim.participant_id}",
                    name if not claim.participant.erased_at else "",
                    claim.project.title,
                    claim.work_date.isoformat(),
                    claim.method,
                    f"{claim.amount_pence / 100:.2f}",
                    choice.account_name or "",
                    choice.sort_code or "",
                    choice.account_number or "",
                    claim.paid_on.isoformat() if claim.paid_on else "",
                    claim.paid_reference,
                    claim.get_paid_how_display(),
                    claim.cheque_number,
                    claim.paid_handed_by,
                ]

        header = [
            "claim",
            "status",
            "person reference",
            "name",
            "project",
            "date of work",
            "method",
            "amount GBP",
            "account name",
            "sort code",
            "account number",
            "paid on",
            "reference",
            "how paid",
            "cheque number",
            "cash handed over by",
        ]
        return stream_csv(f"payments-{timezone.localdate()}.csv", header, rows())


class TaxYearMixin(PermissionRequiredMixin):
    """One tax year (6 April to 5 April) chosen with ?year=2026; payments by the day paid."""

    request: HttpRequest

    permission_required = "payments.view_tax_year"

    def organisation_ids(self):
        return tax_year_organisation_ids(self.request.user)

    def tax_year_form(self) -> TaxYearForm:
        form = TaxYearForm(
            self.request.GET or {"year": ""}, years=tax_years_paid(self.organisation_ids())
        )
        form.is_valid()
        return form


class TaxYearView(TaxYearMixin, TemplateView):
    """The tax-year summary for finance and admins: totals per person and per way paid."""

    template_name = "payments/tax_year.html"

    def get_context_data(self, **kwargs):
        form = self.tax_year_form()
        summary = None
        if not form.errors:
            summary = tax_year_summary(
                self.organisation_ids(), start_year=form.cleaned_data["year"]
            )
        return super().get_context_data(form=form, summary=summary, **kwargs)


class TaxYearExportView(TaxYearMixin, View):
    """What each person was paid in a tax year (6 April to 5 April), one row each."""

    permission_required = "payments.use_finance"

    def organisation_ids(self):
        return finance_organisation_ids(self.request.user)

    def get(self, request, *args, **kwargs):
        form = self.tax_year_form()
        if form.errors:
            return HttpResponseBadRequest(
                " ".join(form.errors["year"]), content_type="text/plain; charset=utf-8"
            )
        summary = tax_year_summary(self.organisation_ids(), start_year=form.cleaned_data["year"])

        def rows():
            for person in summary.people:
                yield [
                    person["reference"],
                    person["name"],
                    f"{person['cash'] / 100:.2f}",
                    f"{person['vouchers'] / 100:.2f}",
                    f"{person['expenses'] / 100:.2f}",
                ]

        header = ["person reference", "name", "cash GBP", "vouchers GBP", "expenses GBP"]
        return stream_csv(f"tax-year-{summary.label}.csv", header, rows())
