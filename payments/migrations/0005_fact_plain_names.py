"""Give every seeded fact the plain name members read, instead of its internal key."""

from django.db import migrations

LABELS = {
    "rlw.uk": "Real Living Wage (UK outside London)",
    "rlw.london": "Real Living Wage (London)",
    "nlw.21_plus": "National Living Wage (age 21 and over)",
    "uc.work_allowance.higher": "Universal Credit work allowance (if you get no help with housing)",
    "uc.work_allowance.lower": "Universal Credit work allowance (if you get help with housing)",
    "esa.permitted_work.higher": "ESA permitted work: the most you can earn",
    "carers.earnings_limit": "Carer's Allowance earnings limit",
    "hmrc.trading_allowance": "HMRC trading allowance (tax-free)",
}


def seed(apps, schema_editor):
    Fact = apps.get_model("payments", "Fact")
    for key, label in LABELS.items():
        Fact.objects.filter(key=key, label="").update(label=label)


class Migration(migrations.Migration):
    dependencies = [("payments", "0004_paid_how_receipts_and_plain_names")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
