"""How the dashboard names a claim a message is about ("you have been paid")."""

from coprod.notifications.topics import Topic, register
from payments.models import Claim
from payments.money import pounds


def claims(ids):
    return {
        claim.pk: Topic(
            f"Payment of {pounds(claim.amount_pence)}",
            claim.get_kind_display(),
            claim.get_absolute_url(),
        )
        for claim in Claim.objects.filter(pk__in=ids)
    }


def register_all() -> None:
    register("payments.Claim", claims)
