"""The message a payment causes ("you have been paid"), and how the dashboard names a claim.

`register()` runs from PaymentsConfig.ready(); the words are in
templates/payments/notifications/.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format

from coprod.notifications import kinds, topics
from payments.models import Claim
from payments.money import pounds

PAYMENT_PAID = "payment_paid"


def paid_context(notification) -> dict:
    claim = notification.about
    return {
        "claim": claim,
        "amount": pounds(claim.amount_pence),
        "paid_on": date_format(claim.paid_on, "l j F"),
        "link": settings.COPROD_BASE_URL
        + reverse("payments:statement", kwargs={"pk": claim.participant_id}),
    }


def claim_topics(ids):
    return {
        claim.pk: topics.Topic(
            f"Payment of {pounds(claim.amount_pence)}",
            claim.get_kind_display(),
            claim.get_absolute_url(),
        )
        for claim in Claim.objects.filter(pk__in=ids)
    }


def register() -> None:
    kinds.register(
        PAYMENT_PAID,
        label="A payment was made",
        build=paid_context,
        template="payments/notifications/payment_paid",
    )
    topics.register("payments.Claim", claim_topics)
