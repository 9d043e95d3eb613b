"""Celery tasks of projects: thin wrappers around services. Safe to run twice."""

from celery import shared_task

from projects.reviews.services import close_ended_reviews


@shared_task(name="projects.close_ended_reviews", ignore_result=True)
def close_ended_reviews_task():
    """Close reviews whose last day has passed, and plan the next of a repeating one."""
    return close_ended_reviews()
