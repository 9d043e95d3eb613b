"""Taking tasks and failed messages off the dashboard once they can no longer help.

A message's `expires_at` is when it stops being of use (a meeting's start for
its invitation, two weeks after it for "the notes are missing"). Rows still
to be sent are called off by the dispatcher when it reaches them ("Too late
to be of use."); rows already waiting for a coordinator, or failed for good,
are never reached again, so this sweep marks them. It is one UPDATE of the
rows it changes, so running it twice, or side by side, is harmless.
"""

from django.db.models import Case, F, Value, When
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from coprod.notifications.models import Notification

Status = Notification.Status
TASK_NOT_NEEDED = "Not needed any more: the moment it was for has passed."
FAILED_TOO_LATE = "Too late to be of use. It had failed: "
# Only these, by name: a message that "may have been sent" must never be
# marked "not sent" by a sweep (the dashboard stops showing it once it has
# expired, without changing what is known about it).
SWEPT = (Status.WAITING, Status.FAILED)


def expire_stale(*, now=None) -> int:
    """Mark waiting tasks and failed messages past their moment as not sent; return how many."""
    now = now or timezone.now()
    return Notification.objects.filter(status__in=SWEPT, expires_at__lte=now).update(
        status=Status.CANCELLED,
        last_error=Case(
            When(status=Status.WAITING, then=Value(TASK_NOT_NEEDED)),
            default=Substr(Concat(Value(FAILED_TOO_LATE), F("last_error")), 1, 500),
        ),
        claim="",
        lease_expires_at=None,
        updated_at=now,
    )
