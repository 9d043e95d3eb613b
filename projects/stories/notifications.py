"""The message a story request sends: "would you like to tell your story?", once, to that person.

Checked again just before it goes: someone who has since said "please do not
ask me", or who is no longer taking part, is not sent it. `register()` runs
from ProjectsConfig.ready().
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from coprod.notifications import kinds, topics
from coprod.notifications.relevance import lock_about, still_wanted
from coprod.notifications.services import notify
from participants.models import Participant
from projects.models import StoryRequest
from projects.selectors import NOT_TAKING_PART, takes_part_now

STORY_REQUEST = "story_request"


def story_asked(request: StoryRequest, *, now=None) -> None:
    now = now or timezone.now()
    notify(
        kind=STORY_REQUEST,
        about=request,
        recipient=request.participant,
        project=request.project,
        due_at=now,
        key_moment=now,
    )


@still_wanted(STORY_REQUEST)
def _request_wanted(row) -> str:
    request = lock_about(row)
    if request is None:
        return "The request was removed."
    person = Participant.objects.filter(pk=request.participant_id).first()
    if person is None or person.story_requests == Participant.StoryRequests.DO_NOT_ASK:
        return "They asked not to be asked to tell their story."
    still_in = takes_part_now(request.project_id, request.participant_id)
    if not still_in:
        return NOT_TAKING_PART
    return ""


def member_context(notification) -> dict:
    request = notification.about
    return {
        "request": request,
        "link": settings.COPROD_BASE_URL
        + reverse("projects:story_create", kwargs={"pk": request.project_id}),
    }


def request_topics(ids):
    rows = StoryRequest.objects.filter(pk__in=ids).select_related("project")
    return {
        request.pk: topics.Topic(
            "Would you like to tell your story?",
            request.project.title,
            reverse("projects:stories", kwargs={"pk": request.project_id}),
        )
        for request in rows
    }


def register() -> None:
    kinds.register(
        STORY_REQUEST,
        label="Would you like to tell your story? (to one member, when asked)",
        build=member_context,
        template="projects/notifications/story_request",
    )
    topics.register("projects.StoryRequest", request_topics)
