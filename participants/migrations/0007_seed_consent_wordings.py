"""The first wording of each consent, in plain words. Admins add new versions."""

import datetime

from django.db import migrations

WORDINGS = {
    "contact": "We may contact you about meetings and projects you are part of, in the way you "
    "chose. You can stop this at any time.",
    "data_kept": "We keep the details you give us so we can include you, support you and pay "
    "you. We keep them while you take part, and you can ask us to delete them.",
    "photos": "We may use photos that show you, for example in reports or on our website. We "
    "will always ask before using a new one in a public place.",
    "stories": "We may use your words or your story, for example in reports to funders, named "
    "the way you chose (or not named at all).",
}


def seed(apps, schema_editor):
    ConsentWording = apps.get_model("participants", "ConsentWording")
    for topic, text in WORDINGS.items():
        ConsentWording.objects.get_or_create(
            topic=topic, version=1, defaults={"text": text, "valid_from": datetime.date(2026, 11, 1)}
        )


def unseed(apps, schema_editor):
    apps.get_model("participants", "ConsentWording").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("participants", "0006_consent")]
    operations = [migrations.RunPython(seed, unseed)]
