"""Four eyes on money: who may not approve a claim, and why.

The rule (`payments.approve_claim`) and the service (`services.claim_approve`)
both ask `approval_refusal`, so the page, the permission and the write can
never disagree about who must leave a claim to someone else.
"""

from coprod.accounts.models import User
from payments.models import Claim

OWN_CLAIM = "This is your own claim, so someone else must approve it."
ENTERED_CLAIM = "You entered this claim, so someone else must approve it."


def approval_refusal(claim: Claim, user: User | None) -> str | None:
    """Return why the person may not approve this claim, or None if nothing stands in the way.

    Nobody approves money they asked for, or a claim they entered for
    someone else (a paper claim): a second person must look at it.
    """
    if user is None or user.pk is None:
        return None
    if claim.participant.user_id == user.pk:
        return OWN_CLAIM
    if claim.on_behalf and claim.submitted_by_id == user.pk:
        return ENTERED_CLAIM
    return None
