"""What payments hold about a person. Erasure keeps amounts and dates (the law needs them),
tied to the person's pseudonym; bank details, benefits and descriptions go."""

from participants.data_rights import register
from payments.models import Benefit, BenefitsAndLimit, Claim, PaymentChoice
from payments.money import pounds


def export_money(participant):
    choice = PaymentChoice.objects.filter(participant=participant).first()
    benefits = BenefitsAndLimit.objects.filter(participant=participant).first()
    return {
        "how_paid": choice.get_method_display() if choice else "",
        "voucher_reason": choice.voucher_reason if choice else "",
        "bank_account": choice.account_masked if choice else "",
        "benefits": [dict(Benefit.choices).get(code, code) for code in benefits.benefits]
        if benefits
        else [],
        "limit": pounds(benefits.limit_pence)
        if benefits and benefits.limit_pence is not None
        else "",
        "limit_period": benefits.get_period_display() if benefits else "",
        "claims": [
            {
                "date": c.work_date,
                "for": c.get_kind_display(),
                "what": c.description or c.get_expense_display(),
                "amount": pounds(c.amount_pence),
                "status": c.get_status_display(),
                "paid_on": c.paid_on,
                "how_paid": c.get_paid_how_display(),
            }
            for c in Claim.objects.filter(participant=participant).order_by("work_date")
        ],
    }


def erase_money(participant):
    PaymentChoice.objects.filter(participant=participant).delete()
    BenefitsAndLimit.objects.filter(participant=participant).delete()
    for claim in Claim.objects.filter(participant=participant).exclude(receipt=""):
        claim.receipt.delete(save=False)
    Claim.objects.filter(participant=participant).update(
        description="", receipt="", voucher_code=None, limit_note=""
    )


register(section="money", export=export_money, erase=erase_money)
