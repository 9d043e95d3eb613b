"""The message a review sends: "have your say", to each member taking part, when it opens.

Planned when a review is given its dates (scheduled, or its phase ended) and
for people who join while it is open or still to open (MEMBERSHIP_LISTENERS),
called off when it closes, and checked once more just before it goes.
Members on a break are not messaged (they can still answer from their page).
`register()` runs from ProjectsConfig.ready().
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from coprod.notifications import kinds, topics
from coprod.notifications.models import Notification
from coprod.notifications.relevance import lock_about, still_wanted
from coprod.notifications.services import cancel_pending, notify
from coprod.notifications.timing import at_local_time
from participants.models import ProjectMembership
from participants.services import MEMBERSHIP_LISTENERS
from projects.models import Review
from projects.selectors import NOT_TAKING_PART, takes_part_now

REVIEW_OPEN = "review_open"
REVIEW_HOUR = 10


def _closes_at(review: Review) -> datetime.datetime | None:
    if review.closes_on is None:
        return None
    zone = review.project.organisation.zone
    return at_local_time(review.closes_on + datetime.timedelta(days=1), 0, zone)


def review_opens(review: Review, *, now=None, newcomers_only: bool = False) -> None:
    """Plan one "have your say" message to each active member, on the morning it opens.

    `newcomers_only`: skip everyone who already has one planned (or sent).
    """
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
    if newcomers_only:
        members = members.exclude(
            participant_id__in=Notification.objects.filter(
                kind=REVIEW_OPEN,
                about_type=ContentType.objects.get_for_model(Review),
                about_id=review.pk,
            ).values("recipient_participant_id")
        )
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


def members_changed(project_id: int, *, now=None) -> None:
    """Someone joined (or came back): reviews open or still to open reach them too.

    Planning again is idempotent per person and review, so only the newcomers
    get a row; people who left are skipped by the check before sending.
    """
    today = timezone.localdate(now or timezone.now())
    waiting_or_open = Review.objects.filter(
        project_id=project_id,
        closed_at__isnull=True,
        opens_on__isnull=False,
        closes_on__gte=today - datetime.timedelta(days=1),
    ).select_related("project__organisation")
    for review in waiting_or_open:
        review_opens(review, now=now, newcomers_only=True)


def review_closed(review: Review) -> None:
    cancel_pending(about=review, kinds=[REVIEW_OPEN], reason="The review closed.")


@still_wanted(REVIEW_OPEN)
def _review_wanted(row) -> str:
    review = lock_about(row)
    if review is None:
        return "The review was removed."
    if review.closed_at is not None:
        return "The review closed."
    still_in = takes_part_now(review.project_id, row.recipient_participant_id)
    if not still_in:
        return NOT_TAKING_PART
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
    if members_changed not in MEMBERSHIP_LISTENERS:
        MEMBERSHIP_LISTENERS.append(members_changed)
