"""Reading reviews: where each stands, a person's own answers, and what the group sees.

What the group sees protects anonymous answers the way reports protect small
numbers. Nothing given without a name shows while the review is open (so no
answer can be lined up with the moment someone took part). Then an
anonymous answer to a question hides among the people who took
part in the review and did not answer that question with their name (to the
group or to the coordinators). Until at least `threshold()` people are in that
crowd, the question's anonymous answers are kept back, and left out of its
counts too (a count minus the named answers would give them away). How many
took part is said as "fewer than 5" below the threshold.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coprod.smallnumbers import fewer_than, is_small, threshold
from participants.models import Participant
from projects.models import (
    SCALE_STEPS,
    AnswerVisibility,
    Meeting,
    Project,
    Pulse,
    PulseTaker,
    Review,
    ReviewAnswer,
    ReviewQuestion,
    ReviewQuestionVersion,
    ReviewTaker,
)
from projects.reviews.services import PULSE_DAYS, author_key, is_open

WAITING, OPEN, CLOSED = "waiting", "open", "closed"
STATE_WORDS = {WAITING: "Not open yet", OPEN: "Open for answers", CLOSED: "Closed"}


def review_state(review: Review, *, now=None) -> str:
    zone = review.project.organisation.zone
    today = timezone.localdate(now or timezone.now(), timezone=zone)
    if review.closed_at is not None or (review.closes_on is not None and today > review.closes_on):
        return CLOSED
    if is_open(review, now=now):
        return OPEN
    return WAITING


def reviews_for_project(project: Project, *, now=None) -> list[Review]:
    reviews = list(
        Review.objects.filter(project=project)
        .select_related("after_phase")
        .order_by("-opens_on", "-pk")
    )
    for review in reviews:
        review.state = review_state(review, now=now)  # type: ignore[attr-defined]
        review.state_words = STATE_WORDS[review.state]  # type: ignore[attr-defined]
    return reviews


def review_get(project: Project, pk) -> Review:
    return get_object_or_404(
        Review.objects.select_related("project__organisation", "meeting", "after_phase"),
        project=project,
        pk=pk,
    )


def review_questions(review: Review) -> list[ReviewQuestionVersion]:
    """The questions the review asks, in the project's order."""
    return list(
        review.questions.select_related("question").order_by("question__position", "question_id")
    )


def project_questions(project: Project) -> QuerySet[ReviewQuestion]:
    return (
        ReviewQuestion.objects.filter(project=project)
        .select_related("current_version")
        .order_by("retired", "position", "pk")
    )


def my_answers(review: Review, participant: Participant) -> dict[int, ReviewAnswer]:
    """The person's own answers, by question version id (their anonymous ones included)."""
    rows = ReviewAnswer.objects.filter(review=review).filter(
        Q(participant=participant) | Q(author_key=author_key(review, participant))
    )
    return {row.question_id: row for row in rows}


def staff_answers_of(review: Review, user) -> dict[int, ReviewAnswer]:
    rows = ReviewAnswer.objects.filter(review=review, user=user, visibility=AnswerVisibility.STAFF)
    return {row.question_id: row for row in rows}


@dataclass
class Line:
    """One answer as a page shows it."""

    name: str
    step: str
    words: str
    note: str = ""


@dataclass
class QuestionView:
    question: ReviewQuestionVersion
    members: list[Line] = field(default_factory=list)
    kept_back: bool = False
    counts: list[tuple[str, int]] = field(default_factory=list)
    answered: str = ""
    staff: list[Line] = field(default_factory=list)
    staff_counts: list[tuple[str, int]] = field(default_factory=list)


def _step_word(question: ReviewQuestionVersion, step: int | None) -> str:
    steps = SCALE_STEPS.get(question.scale, ())
    return steps[step - 1] if step and len(steps) >= step else ""


def _counts(question, rows) -> list[tuple[str, int]]:
    steps = SCALE_STEPS.get(question.scale, ())
    if not steps:
        return []
    tally = Counter(row.step for row in rows if row.step)
    return [(word, tally.get(number, 0)) for number, word in enumerate(steps, start=1)]


def people_words(count: int) -> str:
    if count == 0:
        return "nobody yet"
    if is_small(count):
        return fewer_than() + " people"
    return f"{count} {'person' if count == 1 else 'people'}"


def takers_count(review: Review) -> int:
    return ReviewTaker.objects.filter(review=review).count()


def group_view(review: Review, *, coordinator: bool) -> tuple[list[QuestionView], list]:
    """Every question with the answers this reader may see; and whose private answers were read.

    `coordinator` readers also see answers given only to the coordinators,
    with the person's name: the second value lists those people, for the
    access log the member sees.
    """
    questions = review_questions(review)
    takers = takers_count(review)
    still_open = review_state(review) != CLOSED
    rows = list(ReviewAnswer.objects.filter(review=review).select_related("participant", "user"))
    by_question: dict[int, list[ReviewAnswer]] = {}
    for row in rows:
        by_question.setdefault(row.question_id, []).append(row)
    views, read_private = [], []
    for question in questions:
        answers = by_question.get(question.pk, [])
        named = [a for a in answers if a.visibility == AnswerVisibility.NAMED]
        private = [a for a in answers if a.visibility == AnswerVisibility.COORDINATORS]
        anonymous = [a for a in answers if a.visibility == AnswerVisibility.ANONYMOUS]
        staff = [a for a in answers if a.visibility == AnswerVisibility.STAFF]
        crowd = takers - len(named) - len(private)
        # While it is open, nothing without a name shows: a new one appearing
        # just after someone took part would point at them. Once closed, only
        # a crowd of at least `threshold()` hides them.
        kept_back = bool(anonymous) and (still_open or crowd < threshold())
        shown = named + ([] if kept_back else anonymous)
        view = QuestionView(question=question, kept_back=kept_back)
        for answer in sorted(named, key=lambda a: _credited(a).casefold()):
            view.members.append(_line(question, answer, _credited(answer)))
        if coordinator:
            for answer in sorted(private, key=lambda a: _own_name(a).casefold()):
                view.members.append(
                    _line(question, answer, _own_name(answer), note="Only to the coordinators")
                )
                read_private.append(answer.participant)
            shown = shown + private
        if not kept_back:
            for answer in sorted(anonymous, key=lambda a: (a.step or 0, a.words or "")):
                view.members.append(_line(question, answer, "Without a name"))
        view.counts = _counts(question, shown)
        view.answered = people_words(len(shown))
        for answer in staff:
            view.staff.append(
                _line(question, answer, str(answer.user) if answer.user else "A coordinator")
            )
        view.staff_counts = _counts(question, staff)
        views.append(view)
    return views, read_private


def _credited(answer: ReviewAnswer) -> str:
    """A named answer's writer, as they chose to be credited."""
    person = answer.participant
    if person is None or person.erased_at is not None:
        return "A member"
    return person.credited_name()


def _own_name(answer: ReviewAnswer) -> str:
    person = answer.participant
    return person.preferred_name if person is not None else "A member"


def _line(question, answer, name, note="") -> Line:
    return Line(
        name=name, step=_step_word(question, answer.step), words=answer.words or "", note=note
    )


# --- How answers moved over time ------------------------------------------------


@dataclass
class Moved:
    """One scale question across a project's reviews: each review's counts, or kept back."""

    text: str
    steps: tuple[str, ...]
    rows: list[tuple[Review, list[int] | None, str]]


def answers_over_time(project: Project, *, now=None) -> list[Moved]:
    """For each question asked with a scale, the counts at each review, oldest first.

    Counts are of answers the group may see (named, and anonymous ones not
    kept back), and a review where fewer than `threshold()` people gave them
    shows "fewer than 5" instead, as in reports.
    """
    reviews = [r for r in reversed(reviews_for_project(project, now=now)) if r.opens_on is not None]
    moved: dict[tuple[int, str], Moved] = {}
    for review in reviews:
        views, _ = group_view(review, coordinator=False)
        for view in views:
            steps = SCALE_STEPS.get(view.question.scale, ())
            if not steps:
                continue
            # A question whose scale changed starts a new row of its own.
            entry = moved.setdefault(
                (view.question.question_id, view.question.scale),
                Moved(view.question.text, steps, []),
            )
            entry.text = view.question.text
            total = sum(count for _, count in view.counts)
            if is_small(total):
                entry.rows.append((review, None, fewer_than()))
            else:
                entry.rows.append((review, [count for _, count in view.counts], str(total)))
    return list(moved.values())


# --- The pulse ------------------------------------------------------------------


def pulse_given(meeting: Meeting, participant: Participant | None) -> bool:
    if participant is None:
        return False
    return PulseTaker.objects.filter(meeting=meeting, participant=participant).exists()


@dataclass
class PulsePoint:
    meeting: Meeting
    people: int
    average: float | None
    changes: list[str]
    waiting: bool = False


def pulse_closed(meeting: Meeting, *, now=None) -> bool:
    """The fortnight for saying how a meeting felt is over."""
    return meeting.ends_at + datetime.timedelta(days=PULSE_DAYS) < (now or timezone.now())


def pulse_trend(
    project: Project, *, since: datetime.datetime | None = None, now=None
) -> list[PulsePoint]:
    """Each ended meeting's pulse, oldest first: hidden below the threshold, like reports.

    `changes` (the words) are for the project's coordinators only.
    """
    meetings = Meeting.objects.filter(project=project, pulses__isnull=False).distinct()
    if since is not None:
        meetings = meetings.filter(starts_at__gte=since)
    steps: dict[int, list[int]] = {}
    words: dict[int, list[str]] = {}
    for pulse in Pulse.objects.filter(meeting__in=meetings):
        steps.setdefault(pulse.meeting_id, []).append(pulse.step)
        if pulse.change:
            words.setdefault(pulse.meeting_id, []).append(pulse.change)
    points = []
    moment = now or timezone.now()
    for meeting in meetings.order_by("starts_at"):
        given = steps.get(meeting.pk, [])
        # Shown once answers have stopped coming: a figure that moves as each
        # answer arrives would tell who said what.
        waiting = not pulse_closed(meeting, now=moment)
        small = is_small(len(given)) or waiting
        points.append(
            PulsePoint(
                meeting=meeting,
                people=len(given),
                average=None if small else round(sum(given) / len(given), 1),
                changes=[] if small else sorted(words.get(meeting.pk, [])),
                waiting=waiting,
            )
        )
    return points


# --- A member's home page ------------------------------------------------------


def open_reviews_for_member(user, *, now=None) -> list[Review]:
    """Reviews open for answers now in the projects the person takes part in."""
    if not getattr(user, "is_authenticated", False):
        return []
    # A day either side of the server's date covers every organisation's zone;
    # each review is then asked in its own.
    server_today = timezone.localdate(now or timezone.now())
    nearby = (
        Review.objects.filter(
            project__memberships__participant__user=user,
            project__memberships__status__in=["active", "on_break"],
            opens_on__lte=server_today + datetime.timedelta(days=1),
            closes_on__gte=server_today - datetime.timedelta(days=1),
            closed_at__isnull=True,
        )
        .exclude(project__status=Project.Status.FINISHED)
        .select_related("project__organisation")
        .only(
            "title",
            "opens_on",
            "closes_on",
            "closed_at",
            "project__title",
            "project__organisation__timezone",
        )
        .distinct()
        .order_by("closes_on", "pk")[:10]
    )
    return [review for review in nearby if is_open(review, now=now)][:5]


def pulses_to_give(user, *, now=None) -> list[Meeting]:
    """Meetings of the last fortnight the person was invited to and has not said how it felt."""
    if not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    given = PulseTaker.objects.filter(meeting=OuterRef("pk"), participant__user=user)
    return list(
        Meeting.objects.filter(
            invitees__participant__user=user,
            project__memberships__participant__user=user,
            project__memberships__status__in=["active", "on_break"],
            ends_at__lte=now,
            ends_at__gte=now - datetime.timedelta(days=PULSE_DAYS),
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .exclude(Exists(given))
        .select_related("project")
        .only("title", "starts_at", "project__title", "project_id")
        .distinct()
        .order_by("-ends_at")[:3]
    )
