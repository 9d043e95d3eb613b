"""Give existing organisations and projects the defaults new ones now get when created.

Pages used to create them on first read: the Real Living Wage rate cards (copied
from the facts) and each project's payment policy. From now on the services that
create an organisation or a project make them, and reading only reads.
"""

from django.db import migrations

RATE_FACTS = {"rlw.uk": "rlw_uk", "rlw.london": "rlw_london"}
# Every kind of expense, as a new policy pays them back (payments.models.Expense today).
EXPENSES = ["travel", "childcare", "care", "refreshments", "phone_data"]


def forwards(apps, schema_editor):
    Fact = apps.get_model("payments", "Fact")
    RateCard = apps.get_model("payments", "RateCard")
    PaymentPolicy = apps.get_model("payments", "PaymentPolicy")
    Organisation = apps.get_model("accounts", "Organisation")
    Project = apps.get_model("projects", "Project")

    facts = list(
        Fact.objects.filter(key__in=RATE_FACTS, value__isnull=False, valid_from__isnull=False)
    )
    have = set(
        RateCard.objects.filter(basis__in=RATE_FACTS.values()).values_list(
            "organisation_id", "basis", "valid_from"
        )
    )
    RateCard.objects.bulk_create(
        [
            RateCard(
                organisation_id=organisation_id,
                basis=RATE_FACTS[fact.key],
                valid_from=fact.valid_from,
                hourly_pence=int(fact.value * 100),
                source=fact.source,
            )
            for organisation_id in Organisation.objects.values_list("pk", flat=True)
            for fact in facts
            if (organisation_id, RATE_FACTS[fact.key], fact.valid_from) not in have
        ],
        ignore_conflicts=True,
    )
    PaymentPolicy.objects.bulk_create(
        [
            PaymentPolicy(project_id=project_id, expenses=EXPENSES)
            for project_id in Project.objects.filter(payment_policy__isnull=True).values_list(
                "pk", flat=True
            )
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_payment_target"),
        ("projects", "0008_expire_old_messages"),
        ("payments", "0006_voucher_code_reveals"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
