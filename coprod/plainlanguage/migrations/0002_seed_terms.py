"""A starting list: terms people with lived experience tell us feel cold,
blaming or confusing. Admins keep it up to date in the admin site."""

from django.db import migrations

JARGON = [
    ("hard to reach", "people we have not reached yet", "It puts the blame on people, not on services that have not reached them."),
    ("hard-to-reach", "people we have not reached yet", "It puts the blame on people, not on services that have not reached them."),
    ("service user", "people who use the service, or members", "People are more than the services they use."),
    ("service users", "people who use the service, or members", "People are more than the services they use."),
    ("stakeholder engagement", "working with people", "Few people outside organisations use these words."),
    ("stakeholders", "the people involved", "Few people outside organisations use this word."),
    ("stakeholder", "person involved", "Few people outside organisations use this word."),
    ("deliverables", "what we will do or make", "Office language that many people find cold."),
    ("going forward", "from now on", "Plainer words say the same thing."),
    ("capacity building", "training and support", "Vague: say what will actually happen."),
    ("beneficiaries", "people", "It casts people as receivers, not partners."),
    ("non-engagement", "not taking part", "It can sound like blame; say what happened and why."),
    ("did not engage", "did not take part", "It can sound like blame; say what happened and why."),
    ("non-compliant", "did not follow", "It sounds like a judgement; describe what happened."),
    ("interventions", "support, or what we do", "Clinical language that can feel like being done to."),
    ("signposting", "pointing people to other help", "Not everyday English."),
    ("signpost", "point people to", "Not everyday English."),
    ("pathway", "steps, or route", "Office language: say what the steps are."),
    ("holistic", "looking at the whole person", "Not everyday English."),
    ("leverage", "use", "Business language."),
    ("outcomes framework", "what we want to change, and how we will know", "Office language."),
    ("key performance indicators", "the numbers we will track", "Office language."),
    ("vulnerable", "say what the situation is", "Many people do not want to be labelled this way."),
]
KNOWN_ACRONYMS = ["NHS", "GP", "UK", "OK", "TV", "ID"]


def seed(apps, schema_editor):
    Term = apps.get_model("plainlanguage", "Term")
    for phrase, suggestion, why in JARGON:
        Term.objects.get_or_create(
            phrase=phrase, defaults={"kind": "jargon", "suggestion": suggestion, "why": why}
        )
    for phrase in KNOWN_ACRONYMS:
        Term.objects.get_or_create(phrase=phrase, defaults={"kind": "known_acronym"})


def unseed(apps, schema_editor):
    Term = apps.get_model("plainlanguage", "Term")
    phrases = [phrase for phrase, _, _ in JARGON] + KNOWN_ACRONYMS
    Term.objects.filter(phrase__in=phrases).delete()


class Migration(migrations.Migration):
    dependencies = [("plainlanguage", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
