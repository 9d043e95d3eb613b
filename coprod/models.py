"""Abstract base models every app shares.

The kernel has no tables of its own: these are abstract, so each model that
inherits one gets the columns in its own table, exactly as if written by hand.
"""

from django.db import models
from django.utils import timezone


class CreatedAtModel(models.Model):
    """A row that is only ever added, never changed: ledger entries, events, logs.

    It carries `created_at` only; there is no `updated_at` to drift.
    """

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class TimeStampedQuerySet(models.QuerySet):
    """A queryset whose `update()` moves `updated_at` too, as `save()` does.

    Django's `auto_now` is applied by `save()` only; without this, a row
    changed by `update()` would look unchanged to anything that asks when it
    last changed (the reports' cache stamp does: coprod/reports/figures/cached.py).
    """

    def update(self, **kwargs):
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)


class TimeStampedModel(CreatedAtModel):
    """A row that is edited in place: when it was made and when it last changed."""

    updated_at = models.DateTimeField(auto_now=True)

    objects = TimeStampedQuerySet.as_manager()

    class Meta:
        abstract = True
