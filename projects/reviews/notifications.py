"""The message a review sends: "have your say", to each member taking part, when it opens.

Planned when a review is given its dates (scheduled, or its phase ended),
called off when it closes, and checked once more just before it goes.
Members on a break are not messaged (they can still answer from their page).
`register()` runs from ProjectsConfig.ready().
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from coprod.notifications import kinds, topics
from coprod.notifications.relevance import lock_about, still_wanted
from coprod.notifications.services import cancel_pending, notify
from coprod.notifications.timing import at_local_time
from participants.models import ProjectMembership
from projects.models import Review

REVIEW_OPEN = "review_open"
REVIEW_HOUR = 10


def _closes_at(review: Review) -> datetime.datetime | None:
    if review.closes_on is None:
        return None
    zone = review.project.organisation.zone
    return at_local_time(review.closes_on + datetime.timedelta(days=1), 0, zone)


def review_opens(review: Review, *, now=None) -> None:
    """Plan one "have your say" message to each active member, on the morning it opens."""
    if review.opens_on is None:
        return
    now = now or timezone.now()
    project = review.project
    moment = at_local_time(review.opens_on, REVIEW_HOUR, project.organisation.zone)
    closes = _closes_at(review)
    due = max(moment, now)
    if closes is not None and due >= closes:
        return
    members = ProjectMembership.objects.filter(
        project=project, status=ProjectMembership.Status.ACTIVE
    ).select_related("participant")
    for membership in members:
        notify(
            kind=REVIEW_OPEN,
            about=review,
            recipient=membership.participant,
            project=project,
            due_at=due,
            key_moment=moment,
            expires_at=closes,
        )


def review_closed(review: Review) -> None:
    cancel_pending(about=review, kinds=[REVIEW_OPEN], reason="The review closed.")


@still_wanted(REVIEW_OPEN)
def _review_wanted(row) -> str:
    review = lock_about(row)
    if review is None:
        return "The review was removed."
    if review.closed_at is not None:
        return "The review closed."
    still_in = ProjectMembership.objects.filter(
        project_id=review.project_id,
        participant_id=row.recipient_participant_id,
        status=ProjectMembership.Status.ACTIVE,
    ).exists()
    if not still_in:
        return "They are no longer taking part (a break, or they left)."
    return ""


def member_context(notification) -> dict:
    review = notification.about
    return {
        "review": review,
        "link": settings.COPROD_BASE_URL + review.get_absolute_url(),
    }


def review_topics(ids):
    rows = Review.objects.filter(pk__in=ids).select_related("project")
    return {
        review.pk: topics.Topic(
            review.title,
            review.project.title,
            reverse("projects:review", kwargs={"pk": review.project_id, "review_pk": review.pk}),
        )
        for review in rows
    }


def register() -> None:
    kinds.register(
        REVIEW_OPEN,
        label="A review is open: have your say (to members)",
        build=member_context,
        template="projects/notifications/review_open",
    )
    topics.register("projects.Review", review_topics)
