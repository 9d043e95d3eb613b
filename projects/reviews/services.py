"""Every write about reviews: their questions, scheduling, answers, agreed changes and pulses."""

import datetime
import hmac
import logging
from hashlib import sha256

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coprod.accounts.models import StaffMembership, User
from coprod.accounts.selectors import COORDINATING_ROLES
from coprod.fields import check_date_in_bounds, check_length
from coprod.versions import check_version, version_of
from participants.models import Participant, ProjectMembership
from projects.meetings.services import action_add
from projects.models import (
    AnswerVisibility,
    Attendance,
    Contribution,
    Invitee,
    Meeting,
    MeetingAction,
    Phase,
    Project,
    Pulse,
    PulseTaker,
    Review,
    ReviewAnswer,
    ReviewQuestion,
    ReviewQuestionVersion,
    ReviewTaker,
    Scale,
)
from projects.promises.services import contribution_record, contribution_respond
from projects.reviews import notifications as announce
from projects.reviews.defaults import DEFAULT_QUESTIONS
from projects.selectors import refuse_if_finished

logger = logging.getLogger(__name__)

# What the question form writes, and so what its stamp covers.
QUESTION_FIELDS = ("text", "hint", "scale")
MAX_REPEAT_MONTHS = 24
MAX_OPEN_DAYS = 92
# A pulse is about a meeting people still remember.
PULSE_DAYS = 14
MEMBER_VISIBILITIES = (
    AnswerVisibility.NAMED,
    AnswerVisibility.ANONYMOUS,
    AnswerVisibility.COORDINATORS,
)


def _today(project: Project, now=None) -> datetime.date:
    """Today where the project's organisation is: review dates are its local days."""
    return timezone.localdate(now or timezone.now(), timezone=project.organisation.zone)


def author_key(review: Review, participant: Participant) -> str:
    """The key an anonymous answer is filed under: only the server can work it out."""
    message = f"review-answer:{review.pk}:{participant.pk}".encode()
    key = f"{settings.SECRET_KEY}:coprod.reviews".encode()
    return hmac.new(key, message, sha256).hexdigest()


# --- Questions -----------------------------------------------------------------------


@transaction.atomic
def questions_ensure(*, project: Project) -> list[ReviewQuestion]:
    """Give a project the nine default questions the first time it needs questions."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    questions = list(ReviewQuestion.objects.filter(project=project))
    if questions:
        return questions
    for position, (text, hint, scale) in enumerate(DEFAULT_QUESTIONS, start=1):
        question = ReviewQuestion.objects.create(project=project, position=position)
        _new_version(question, text=text, hint=hint, scale=scale, by=None)
        questions.append(question)
    return questions


def _new_version(question, *, text, hint, scale, by) -> ReviewQuestionVersion:
    text = check_length((text or "").strip(), 200, "text")
    hint = check_length((hint or "").strip(), 300, "hint")
    errors = {}
    if not text:
        errors["text"] = "Write the question."
    if scale not in Scale.values:
        errors["scale"] = "Choose how people answer."
    if errors:
        raise ValidationError(errors)
    latest = question.versions.order_by("-number").values_list("number", flat=True).first()
    version = ReviewQuestionVersion.objects.create(
        question=question,
        number=(latest or 0) + 1,
        text=text,
        hint=hint,
        scale=scale,
        written_by=by,
    )
    question.current_version = version
    question.save(update_fields=["current_version", "updated_at"])
    _refresh_unopened(question.project)
    return version


def current_versions(project: Project) -> list[ReviewQuestionVersion]:
    return [
        question.current_version
        for question in ReviewQuestion.objects.filter(project=project, retired=False)
        .select_related("current_version")
        .order_by("position", "pk")
        if question.current_version is not None
    ]


def _refresh_unopened(project: Project, *, now=None) -> None:
    """Reviews nobody can answer yet ask the questions as they are worded now."""
    today = _today(project, now)
    versions = current_versions(project)
    waiting = Review.objects.filter(project=project, closed_at__isnull=True).exclude(
        opens_on__lte=today
    )
    for review in waiting:
        review.questions.set(versions)


def question_version(question: ReviewQuestion) -> str:
    current = question.current_version
    return version_of(current, QUESTION_FIELDS) if current is not None else ""


@transaction.atomic
def question_add(
    *, project: Project, by: User | None, text: str, hint: str = "", scale: str = Scale.WORDS
) -> ReviewQuestion:
    questions_ensure(project=project)
    last = ReviewQuestion.objects.filter(project=project).order_by("-position").first()
    question = ReviewQuestion.objects.create(
        project=project, position=(last.position if last else 0) + 1
    )
    _new_version(question, text=text, hint=hint, scale=scale, by=by)
    return question


@transaction.atomic
def question_reword(
    *,
    question: ReviewQuestion,
    by: User | None,
    text: str,
    hint: str = "",
    scale: str = Scale.WORDS,
    version: str | None = None,
) -> ReviewQuestionVersion:
    """Word a question anew: the old wording stays with the reviews that asked it."""
    question = (
        ReviewQuestion.objects.select_for_update(of=("self",))
        .select_related("current_version", "project")
        .get(pk=question.pk)
    )
    check_version(question_version(question), version, what="this question")
    if question.retired:
        raise ValidationError("This question is no longer asked. Add it again as a new question.")
    current = question.current_version
    if current is not None and (current.text, current.hint, current.scale) == (
        (text or "").strip(),
        (hint or "").strip(),
        scale,
    ):
        return current
    return _new_version(question, text=text, hint=hint, scale=scale, by=by)


@transaction.atomic
def question_retire(*, question: ReviewQuestion) -> ReviewQuestion:
    """Stop asking a question at new reviews; earlier answers to it are kept."""
    question = ReviewQuestion.objects.select_for_update().get(pk=question.pk)
    if not question.retired:
        question.retired = True
        question.save(update_fields=["retired", "updated_at"])
        _refresh_unopened(question.project)
    return question


# --- Scheduling and closing ----------------------------------------------------------


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30]
    last += [31, 30, 31, 31, 30, 31, 30, 31]
    return datetime.date(year, month, min(day.day, last[month - 1]))


@transaction.atomic
def review_schedule(
    *,
    project: Project,
    by: User | None,
    title: str,
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
    repeat_months: int | None = None,
    after_phase: Phase | None = None,
    open_days: int | None = None,
    meeting: Meeting | None = None,
    now=None,
) -> Review:
    """Plan a review: on dates (once, or again every few months), or when a phase ends."""
    refuse_if_finished(project, "it takes no new reviews or answers")
    title = check_length((title or "").strip(), 120, "title")
    check_date_in_bounds(opens_on, "opens_on")
    check_date_in_bounds(closes_on, "closes_on")
    today = _today(project, now)
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Give the review a name, for example: Our six-month review."
    if after_phase is not None:
        current = (
            Phase.objects.filter(project=project, pk=project.current_phase_id or 0)
            .values_list("position", flat=True)
            .first()
        )
        if after_phase.project_id != project.pk:
            errors["after_phase"] = "Choose a phase of this project."
        elif current is not None and after_phase.position < current:
            errors["after_phase"] = "That phase has already ended. Choose a date instead."
        if opens_on is not None:
            errors["opens_on"] = "Choose a date or a phase, not both."
        open_days = open_days or 14
        if not 1 <= open_days <= MAX_OPEN_DAYS:
            errors["open_days"] = f"Choose between 1 and {MAX_OPEN_DAYS} days."
    else:
        if opens_on is None:
            errors["opens_on"] = "Say when answers open, or choose the end of a phase."
        elif opens_on < today:
            errors["opens_on"] = "This date has passed. Choose today or later."
        if closes_on is None:
            errors["closes_on"] = "Say until when people can answer."
        elif opens_on is not None and closes_on < opens_on:
            errors["closes_on"] = "Choose a date on or after the day answers open."
        elif opens_on is not None and (closes_on - opens_on).days > MAX_OPEN_DAYS:
            errors["closes_on"] = f"Keep it open for at most {MAX_OPEN_DAYS} days."
    if repeat_months is not None and not 1 <= repeat_months <= MAX_REPEAT_MONTHS:
        errors["repeat_months"] = f"Choose between 1 and {MAX_REPEAT_MONTHS} months."
    if meeting is not None and meeting.project_id != project.pk:
        errors["meeting"] = "Choose a meeting of this project."
    if errors:
        raise ValidationError(errors)
    questions_ensure(project=project)
    review = Review.objects.create(
        project=project,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        repeat_months=repeat_months,
        after_phase=after_phase,
        open_days=open_days or 14,
        meeting=meeting,
        created_by=by,
    )
    review.questions.set(current_versions(project))
    announce.review_opens(review, now=now)
    return review


def phases_moved_on(
    *, project: Project, was: int | None, now: Phase | None, phases: list[Phase], when=None
) -> list[Review]:
    """The current phase changed: reviews waiting for the end of a phase now behind it open.

    Moving on from phase 2 to 4 ends phases 2 and 3; moving back ends none;
    clearing the current phase ends none (the plan is not finished, only unset).
    """
    position = {phase.pk: phase.position for phase in phases}
    if was is None or now is None or was not in position:
        return []
    ended = [pk for pk, at in position.items() if position[was] <= at < now.position]
    return phase_ended(project=project, phase_ids=ended, now=when)


def phase_ended(*, project: Project, phase_ids: list[int], now=None) -> list[Review]:
    """Phases are over: the reviews waiting for their end open today."""
    today = _today(project, now)
    opened = []
    for review in Review.objects.select_for_update().filter(
        project=project, after_phase_id__in=phase_ids, opens_on__isnull=True, closed_at__isnull=True
    ):
        review.opens_on = today
        # Open for `open_days` days, today counted as the first.
        review.closes_on = today + datetime.timedelta(days=review.open_days - 1)
        review.save(update_fields=["opens_on", "closes_on", "updated_at"])
        review.questions.set(current_versions(project))
        announce.review_opens(review, now=now)
        opened.append(review)
    return opened


@transaction.atomic
def review_close(*, review: Review, by: User | None, now=None) -> Review:
    """Stop taking answers (once). A repeating review plans its next time."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.closed_at is not None:
        return review
    moment = now or timezone.now()
    review.closed_at = moment
    review.save(update_fields=["closed_at", "updated_at"])
    announce.review_closed(review)
    if review.repeat_months and review.opens_on:
        length = (review.closes_on - review.opens_on) if review.closes_on else None
        opens_on = _add_months(review.opens_on, review.repeat_months)
        today = _today(review.project, now)
        while opens_on < today:
            opens_on = _add_months(opens_on, review.repeat_months)
        project = review.project
        if project.status != Project.Status.FINISHED:
            review_schedule(
                project=project,
                by=by,
                title=review.title,
                opens_on=opens_on,
                closes_on=opens_on + length if length is not None else opens_on,
                repeat_months=review.repeat_months,
                meeting=None,
                now=now,
            )
    return review


def close_ended_reviews(*, now=None) -> int:
    """Close every review whose last day has passed where its organisation is (beat, hourly).

    One review that cannot close (say, its next time cannot be planned) is
    logged and left for the next run; the others still close.
    """
    # A day either side of the server's date covers every time zone.
    latest = timezone.localdate(now or timezone.now()) + datetime.timedelta(days=1)
    ended = Review.objects.filter(closed_at__isnull=True, closes_on__lt=latest).select_related(
        "project__organisation"
    )
    count = 0
    for review in ended:
        if review.closes_on is None or review.closes_on >= _today(review.project, now):
            continue
        try:
            review_close(review=review, by=None, now=now)
        except ValidationError:
            logger.exception("Review %s could not be closed", review.pk)
            continue
        count += 1
    return count


def is_open(review: Review, *, now=None) -> bool:
    today = _today(review.project, now)
    return (
        review.closed_at is None
        and review.opens_on is not None
        and review.opens_on <= today
        and (review.closes_on is None or today <= review.closes_on)
    )


def _check_open(review: Review, now=None) -> Review:
    review = Review.objects.select_for_update().select_related("project").get(pk=review.pk)
    refuse_if_finished(review.project, "it takes no new reviews or answers")
    if review.closed_at is not None or (
        review.closes_on is not None and _today(review.project, now) > review.closes_on
    ):
        raise ValidationError("This review has closed, so it takes no more answers.")
    if not is_open(review, now=now):
        raise ValidationError("This review is not open for answers yet.")
    return review


def _answers_changed(review: Review) -> None:
    """Move the review's updated_at: what is kept from its answers (reports) is read again."""
    Review.objects.filter(pk=review.pk).update()


def _check_question(review: Review, question: ReviewQuestionVersion) -> None:
    if not review.questions.filter(pk=question.pk).exists():
        raise ValidationError("This question is not part of this review.")


def _check_step(question: ReviewQuestionVersion, step: int | None, words: str) -> str:
    words = check_length((words or "").strip(), 4000, "words")
    if step is not None and (question.scale == Scale.WORDS or not 1 <= step <= 5):
        raise ValidationError({"step": "Choose one of the answers shown."})
    return words


# --- Answers -------------------------------------------------------------------------


@transaction.atomic
def answer_give(
    *,
    review: Review,
    participant: Participant,
    question: ReviewQuestionVersion,
    visibility: str,
    step: int | None = None,
    words: str = "",
    now=None,
) -> ReviewAnswer | None:
    """A member's answer to one question, replacing any answer they gave it before.

    An answer with neither a step nor words takes their answer back. An
    anonymous answer is filed under `author_key` and holds nothing else of them.
    """
    review = _check_open(review, now)
    _check_question(review, question)
    takes_part = ProjectMembership.objects.filter(
        project_id=review.project_id,
        participant=participant,
        status__in=[ProjectMembership.Status.ACTIVE, ProjectMembership.Status.ON_BREAK],
    ).exists()
    if not takes_part or participant.erased_at is not None:
        raise ValidationError("Only members of this project can answer its review.")
    if visibility not in MEMBER_VISIBILITIES:
        raise ValidationError({"visibility": "Choose who sees your answer."})
    words = _check_step(question, step, words)
    key = author_key(review, participant)
    ReviewAnswer.objects.filter(review=review, question=question, participant=participant).delete()
    ReviewAnswer.objects.filter(review=review, question=question, author_key=key).delete()
    ReviewTaker.objects.get_or_create(review=review, participant=participant)
    _answers_changed(review)
    if step is None and not words:
        return None
    anonymous = visibility == AnswerVisibility.ANONYMOUS
    return ReviewAnswer.objects.create(
        review=review,
        question=question,
        visibility=visibility,
        participant=None if anonymous else participant,
        author_key=key if anonymous else "",
        step=step,
        words=words or None,
    )


@transaction.atomic
def answer_give_staff(
    *,
    review: Review,
    user: User,
    question: ReviewQuestionVersion,
    step: int | None = None,
    words: str = "",
    now=None,
) -> ReviewAnswer | None:
    """A coordinator's own answer, kept beside the members' (the organisation's view)."""
    review = _check_open(review, now)
    _check_question(review, question)
    if not StaffMembership.objects.filter(
        user=user, organisation_id=review.project.organisation_id, role__in=COORDINATING_ROLES
    ).exists():
        raise ValidationError("Only coordinators of this organisation can give its answer.")
    words = _check_step(question, step, words)
    ReviewAnswer.objects.filter(
        review=review, question=question, user=user, visibility=AnswerVisibility.STAFF
    ).delete()
    _answers_changed(review)
    if step is None and not words:
        return None
    return ReviewAnswer.objects.create(
        review=review,
        question=question,
        visibility=AnswerVisibility.STAFF,
        user=user,
        step=step,
        words=words or None,
    )


# --- What the group agreed to change ---------------------------------------------


@transaction.atomic
def agreed_change_record(
    *,
    review: Review,
    by: User | None,
    kind: str,
    description: str,
    due_on: datetime.date | None,
    owner_participant: Participant | None = None,
    owner_user: User | None = None,
    meeting: Meeting | None = None,
    now=None,
) -> MeetingAction | Contribution:
    """A change the group agreed: an action with an owner and date, or a promise to report back.

    An action belongs to a meeting (the one where it was agreed); a promise is
    the organisation's, so a coordinator owns it and reports back by the date.
    """
    review = Review.objects.select_for_update().select_related("project").get(pk=review.pk)
    project = review.project
    refuse_if_finished(project, "it takes no new reviews or answers")
    if review.opens_on is None or review.opens_on > _today(project, now):
        raise ValidationError("Record what the group agreed once the review has opened.")
    meeting = meeting or review.meeting
    if due_on is None:
        raise ValidationError({"due_on": "Say by when."})
    if kind == "action":
        if meeting is None or meeting.project_id != project.pk:
            raise ValidationError(
                {"meeting": "Choose the meeting of this project where the group agreed it."}
            )
        action = action_add(
            meeting=meeting,
            by=by,
            description=description,
            due_on=due_on,
            owner_participant=owner_participant,
            owner_user=owner_user,
            now=now,
        )
        action.review = review
        action.save(update_fields=["review", "updated_at"])
        return action
    if kind != "promise":
        raise ValidationError({"kind": "Choose an action or a promise."})
    if owner_participant is not None or owner_user is None:
        raise ValidationError(
            {"owner": "A promise is the organisation's: choose the coordinator who reports back."}
        )
    if meeting is not None and meeting.project_id != project.pk:
        meeting = None
    contribution = contribution_record(project=project, by=by, said=description, meeting=meeting)
    contribution.review = review
    contribution.save(update_fields=["review", "updated_at"])
    return contribution_respond(
        contribution=contribution,
        by=by,
        response=Contribution.Response.ACCEPTED,
        reason="The group agreed this at the review.",
        promised_update_on=due_on,
        responsible=owner_user,
        now=now,
    )


# --- A pulse after a meeting -----------------------------------------------------


def pulse_open(meeting: Meeting, *, now=None) -> bool:
    """A pulse can be given from the meeting's end for a fortnight, unless it was called off."""
    moment = now or timezone.now()
    return (
        not meeting.is_cancelled
        and meeting.ends_at <= moment
        and moment <= meeting.ends_at + datetime.timedelta(days=PULSE_DAYS)
    )


@transaction.atomic
def pulse_give(
    *, meeting: Meeting, participant: Participant, step: int, change: str = "", now=None
) -> Pulse:
    """ "How equal did today feel?": once per person and meeting, never named."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not pulse_open(meeting, now=now):
        if meeting.is_cancelled:
            raise ValidationError("This meeting was called off.")
        if meeting.ends_at > (now or timezone.now()):
            raise ValidationError("You can say how it felt once the meeting has ended.")
        raise ValidationError(f"This was asked for {PULSE_DAYS} days after the meeting only.")
    was_there = (
        Invitee.objects.filter(meeting=meeting, participant=participant).exists()
        or Attendance.objects.filter(meeting=meeting, participant=participant).exists()
    )
    if not was_there:
        raise ValidationError("Only people invited to this meeting can say how it felt.")
    if step not in (1, 2, 3, 4, 5):
        raise ValidationError({"step": "Choose how equal it felt."})
    change = check_length((change or "").strip(), 2000, "change")
    _, new = PulseTaker.objects.get_or_create(meeting=meeting, participant=participant)
    if not new:
        raise ValidationError("You already told us how this meeting felt. Thank you.")
    return Pulse.objects.create(meeting=meeting, step=step, change=change or None)
