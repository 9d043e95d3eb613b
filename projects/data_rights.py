"""What the projects app holds about a participant, for export and erasure."""

from participants.data_rights import register
from projects.models import (
    AgendaItem,
    Attendance,
    Endorsement,
    Invitee,
    LadderAssessment,
    MeetingAction,
    Milestone,
    RecordSignOff,
    Review,
    ReviewAnswer,
    Story,
    StoryRequest,
    ValueVersion,
)
from projects.reviews.services import author_key

REMOVED = "(removed at the person's request)"


def export_contributions(participant):
    return {
        "values_endorsed": [
            f"{e.version.value.project.title}: {e.version.title}"
            for e in Endorsement.objects.filter(participant=participant).select_related(
                "version__value__project"
            )
        ],
        "views_on_the_ladder": [
            {
                "project": v.project.title,
                "step": v.get_rung_display(),
                "why": v.reason,
                "when": v.created_at,
            }
            for v in LadderAssessment.objects.filter(participant=participant).select_related(
                "project"
            )
        ],
        "values_suggested_or_worded": [
            f"{v.value.project.title}: {v.title}"
            for v in ValueVersion.objects.filter(written_by_id=participant.user_id).select_related(
                "value__project"
            )
        ]
        if participant.user_id
        else [],
    }


def erase_contributions(participant):
    # Endorsements and ladder steps stay as anonymous counts; their own words go.
    LadderAssessment.objects.filter(participant=participant).update(reason=REMOVED)


register(section="contributions", export=export_contributions, erase=erase_contributions)


def export_meetings(participant):
    invites = Invitee.objects.filter(participant=participant).select_related("meeting__project")
    attended = Attendance.objects.filter(participant=participant).select_related("meeting__project")
    actions = MeetingAction.objects.filter(owner_participant=participant).select_related(
        "meeting__project"
    )
    return {
        "answers": [
            {
                "meeting": f"{i.meeting.project.title}: {i.meeting.title}",
                "starts": i.meeting.starts_at,
                "answer": i.get_answer_display() if i.answer else "not answered",
                "what_you_needed": i.needs or "",
                "note": i.note,
                "recorded_by_a_coordinator": i.answered_on_behalf,
            }
            for i in invites
        ],
        "attended": [
            {
                "meeting": f"{a.meeting.project.title}: {a.meeting.title}",
                "starts": a.meeting.starts_at,
                "minutes": a.minutes,
                "preparation_minutes": a.preparation_minutes,
            }
            for a in attended
        ],
        "actions": [
            {"what": a.description, "by": a.due_on, "done": a.done_at is not None} for a in actions
        ],
    }


def erase_meetings(participant):
    # What they needed and wrote goes; attendance stays (payments are built
    # from it and money records are kept by law), tied to the pseudonym.
    Invitee.objects.filter(participant=participant).update(needs=None, note="")
    AgendaItem.objects.filter(led_by=participant).update(led_by=None)


register(section="meetings", export=export_meetings, erase=erase_meetings)


def export_reviews(participant):
    # Answers given without a name are left out: an export can be made by
    # staff on the person's behalf, and it must not tell them which were theirs.
    rows = (
        ReviewAnswer.objects.filter(participant=participant)
        .select_related("review__project", "question")
        .order_by("review__opens_on", "question__question__position")
    )
    return {
        "review_answers": [
            {
                "review": f"{a.review.project.title}: {a.review.title}",
                "question": a.question.text,
                "answer": a.question.steps[a.step - 1] if a.step and a.question.steps else "",
                "in_your_words": a.words or "",
                "who_sees_it": a.get_visibility_display(),
            }
            for a in rows
        ],
    }


def erase_reviews(participant):
    # Every answer goes, their anonymous ones too (found again by their key);
    # that they took part stays, as a count.
    ReviewAnswer.objects.filter(participant=participant).delete()
    keys = [
        author_key(review, participant)
        for review in Review.objects.filter(takers__participant=participant)
    ]
    ReviewAnswer.objects.filter(author_key__in=keys).delete()


register(section="reviews", export=export_reviews, erase=erase_reviews)


def export_stories(participant):
    stories = Story.objects.filter(teller=participant).select_related("project")
    return {
        "stories": [
            {
                "project": story.project.title,
                "title": story.title,
                "words": story.words,
                "has_a_file": bool(story.file),
                "who_may_see_it": story.get_reach_display(),
                "how_you_are_named": story.get_naming_display(),
                "taken_back": story.withdrawn_at,
                "quotes": [
                    {"words": q.words, "you_said_yes": q.approved_at}
                    for q in story.quotes.order_by("created_at", "pk")
                ],
                "themes": [t.name for t in story.themes.order_by("name")],
                "where_it_was_shown": [
                    {"when": u.on, "where": u.get_place_display(), "by": u.viewer_name}
                    for u in story.uses.order_by("on", "pk")
                ],
            }
            for story in stories
        ],
        "times_asked_for_a_story": StoryRequest.objects.filter(participant=participant).count(),
    }


def erase_stories(participant):
    # A story is the teller's own: erasing them removes every story, quote and file.
    for story in Story.objects.filter(teller=participant):
        if story.file:
            story.file.delete(save=False)
        story.delete()
    StoryRequest.objects.filter(participant=participant).delete()


register(section="stories", export=export_stories, erase=erase_stories)


def export_credit(participant):
    return {
        "milestones_you_were_thanked_for": [
            f"{m.project.title}: {m.title} ({m.happened_on})"
            for m in Milestone.objects.filter(credited=participant).select_related("project")
        ],
        "sign_offs_of_your_record": [
            {"by": s.signed_by_name, "their_role": s.role, "words": s.note, "when": s.created_at}
            for s in RecordSignOff.objects.filter(participant=participant)
        ],
    }


def erase_credit(participant):
    # The milestone stays the group's; the person is no longer named on it.
    for milestone in Milestone.objects.filter(credited=participant):
        milestone.credited.remove(participant)
    RecordSignOff.objects.filter(participant=participant).delete()


register(section="credit", export=export_credit, erase=erase_credit)
