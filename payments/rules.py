import rules

from coprod.accounts.models import StaffRole
from coprod.accounts.selectors import organisation_ids_for
from participants.rules import coordinates_anywhere
from payments.four_eyes import approval_refusal
from projects.rules import is_project_coordinator


@rules.predicate
def does_finance_anywhere(user):
    """Hold the finance role in at least one organisation."""
    return bool(organisation_ids_for(user, [StaffRole.FINANCE]))


@rules.predicate
def keeps_the_books_anywhere(user):
    """Hold the finance or the admin role in at least one organisation."""
    return bool(organisation_ids_for(user, [StaffRole.FINANCE, StaffRole.ADMIN]))


@rules.predicate
def approves_for_claim(user, claim):
    """Coordinate the project the claim is for (the rule behind projects.manage_money)."""
    return claim is not None and is_project_coordinator(user, claim.project)


@rules.predicate
def is_claimant(user, claim):
    return claim is not None and user.is_authenticated and claim.participant.user_id == user.pk


@rules.predicate
def must_leave_to_someone_else(user, claim):
    """Be the claimant, or the person who entered the claim for them (four eyes)."""
    return claim is not None and approval_refusal(claim, user) is not None


@rules.predicate
def pays_for_claim(user, claim):
    """Hold the finance role in the claim's organisation."""
    return claim is not None and claim.project.organisation_id in organisation_ids_for(
        user, [StaffRole.FINANCE]
    )


# Finance pays and exports; coordinators approve for their projects; members
# see their own. Bank details: finance only. Access needs: never here.
rules.add_perm("payments.use_finance", does_finance_anywhere)
rules.add_perm("payments.view_claim", is_claimant | approves_for_claim | pays_for_claim)
# Never one's own claim (a coordinator who is also a member), nor one they
# entered for someone else: a second person approves (payments/four_eyes.py).
rules.add_perm("payments.approve_claim", approves_for_claim & ~must_leave_to_someone_else)
rules.add_perm("payments.reveal_voucher_code", is_claimant)
rules.add_perm("payments.approve_anywhere", coordinates_anywhere)
rules.add_perm("payments.view_bank_details", pays_for_claim)
# Receipts: whoever may see the claim (the claimant, approvers, finance).
rules.add_perm("payments.view_receipt", is_claimant | approves_for_claim | pays_for_claim)
# The tax-year summary (names and totals, no bank details): finance and admins.
rules.add_perm("payments.view_tax_year", keeps_the_books_anywhere)
