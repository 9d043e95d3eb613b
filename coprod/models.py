"""Abstract base models every app shares.

The kernel has no tables of its own: these are abstract, so each model that
inherits one gets the columns in its own table, exactly as if written by hand.
"""

from django.db import models


class CreatedAtModel(models.Model):
    """A row that is only ever added, never changed: ledger entries, events, logs.

    It carries `created_at` only; there is no `updated_at` to drift.
    """

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class TimeStampedModel(CreatedAtModel):
    """A row that is edited in place: when it was made and when it last changed."""

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
