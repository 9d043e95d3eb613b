from django.db import models
from django.db.models.functions import Lower

from coprod.models import TimeStampedModel


class TermKind(models.TextChoices):
    JARGON = "jargon", "Jargon: suggest plainer words"
    KNOWN_ACRONYM = "known_acronym", "Acronym most people know: do not flag"


class Term(TimeStampedModel):
    """A word or phrase to flag in text members will read, with a plainer way to say it.

    The list is data: admins add to it as members tell us what alienates them.
    """

    Kind = TermKind

    phrase = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.JARGON)
    suggestion = models.CharField("say instead", max_length=200, blank=True)
    why = models.CharField("why it matters", max_length=300, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["phrase"]
        constraints = [
            models.UniqueConstraint(Lower("phrase"), name="plainlanguage_term_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=TermKind.values),
                name="plainlanguage_term_kind_valid",
            ),
        ]

    def __str__(self):
        return self.phrase
