"""Asking, at the moment of sending, whether a message still has a reason to go.

A reminder planned last week may be about a meeting that was called off a
second ago. The outbox knows nothing of meetings or promises, so the code that
plans a kind of message also says how to check it is still wanted: it
registers a check here, and the dispatcher runs it just before the hand-over.

A check receives the outbox row and returns why it must not go ("The meeting
was cancelled."), or "" if it may. It runs inside the dispatcher's
transaction, before the row itself is locked, and should lock the row it reads
(`lock_about`): then a change that is committing waits for the check, or the
check waits for the change, and a message never starts after the change that
called it off has committed.
"""

from collections.abc import Callable

from coprod.notifications.models import Notification

Check = Callable[[Notification], str]
_checks: dict[str, Check] = {}


def still_wanted(*kinds: str):
    """Register the decorated function as the check for these kinds of message."""

    def register(check: Check) -> Check:
        for kind in kinds:
            if kind in _checks and _checks[kind] is not check:
                raise ValueError(f"Two checks for one kind of message: {kind}")
            _checks[kind] = check
        return check

    return register


def why_not_now(notification: Notification) -> str:
    """Return why this message must not go now, or "" if it still should."""
    check = _checks.get(notification.kind)
    return check(notification) if check else ""


def lock_about(notification: Notification, *, model=None, pk=None):
    """Read (and lock until the transaction ends) what the message is about, or None if gone.

    FOR NO KEY UPDATE on PostgreSQL: it waits for a change being written to
    the row and makes such a change wait for it. SQLite writes one at a time.
    """
    model = model or notification.about_type.model_class()
    pk = pk if pk is not None else notification.about_id
    # One row by its key: no ordering to build (a model's default one may join other tables).
    rows = model._default_manager.select_for_update(no_key=True).filter(pk=pk).order_by()[:1]
    return next(iter(rows), None)
