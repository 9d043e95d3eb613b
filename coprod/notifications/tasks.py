"""Celery tasks: thin wrappers around dispatch. Safe to run twice, or side by side."""

from celery import shared_task

from coprod.notifications.dispatch import dispatch_due
from coprod.notifications.expiry import expire_stale


@shared_task(name="notifications.enqueue_dispatch", ignore_result=True)
def enqueue_dispatch_task():
    """Beat's tick: ask a worker to send what is due."""
    dispatch_task.apply_async()


# Not acks_late: the claim on each Notification row is what makes a dispatch
# safe to lose or repeat, and a broker message left unacknowledged when Redis
# goes away is what kills a worker (Kombu's "Restoring unacknowledged messages").
@shared_task(name="notifications.dispatch", ignore_result=True)
def dispatch_task():
    """Send every message that is due (claims make a second copy of this task harmless)."""
    return dispatch_due()


@shared_task(name="notifications.expire_stale", ignore_result=True)
def expire_stale_task():
    """Take tasks and failed messages that can no longer help off the dashboard."""
    return expire_stale()
