"""How few people are too few to show: the one threshold reports and reviews share.

A count of one to four people (with the default COPROD_REPORT_MIN_PEOPLE of 5)
can point at someone, so it is shown as "fewer than 5"; a zero points at nobody.
"""

from django.conf import settings


def threshold() -> int:
    return settings.COPROD_REPORT_MIN_PEOPLE


def is_small(count: int) -> bool:
    """One to four people (with the default threshold): enough to point at someone."""
    return 0 < count < threshold()


def fewer_than() -> str:
    return f"fewer than {threshold()}"
