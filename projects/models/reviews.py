"""The group looks back together: reviews, their questions, answers and a pulse after meetings.

Anonymous answers are built so nothing can lead back to who wrote them: an
anonymous answer holds no participant, no time, and a random id (so neither
the order rows were added nor a timestamp lines it up with a named answer
given in the same sitting). Its writer finds it again by `author_key`, a keyed
digest of the review and their participant id that only the server can work
out. Who took part at all is kept apart (`ReviewTaker`, `PulseTaker`), so a
person is asked once, never which answer was theirs.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from encrypted_fields.fields import EncryptedTextField

from coprod.models import TimeStampedModel
from projects.models.meetings import Meeting
from projects.models.project import Phase, Project


class Scale(models.TextChoices):
    """How a question is answered besides (or instead of) in words."""

    WORDS = "words", "In words only"
    HOW_WELL = "how_well", "How well (5 steps)"
    HOW_MUCH = "how_much", "How much (5 steps)"
    HOW_EQUAL = "how_equal", "How equal (5 steps)"


# The words of each step, lowest first: a step is stored as 1 to 5.
SCALE_STEPS: dict[str, tuple[str, ...]] = {
    Scale.HOW_WELL: ("Not at all well", "Not very well", "Quite well", "Well", "Very well"),
    Scale.HOW_MUCH: ("Not at all", "A little", "Some", "A lot", "Completely"),
    Scale.HOW_EQUAL: (
        "Not equal at all",
        "Not very equal",
        "Fairly equal",
        "Mostly equal",
        "Completely equal",
    ),
}


class ReviewQuestion(TimeStampedModel):
    """One question a project asks itself at its reviews; its wording lives in versions."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="review_questions")
    position = models.PositiveIntegerField()
    retired = models.BooleanField(default=False)
    current_version = models.ForeignKey(
        "projects.ReviewQuestionVersion", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "position", "pk"]

    def __str__(self):
        return self.current_version.text if self.current_version_id else f"Question {self.pk}"


class ReviewQuestionVersion(TimeStampedModel):
    """One wording of a question. Never edited: a new wording adds a version."""

    question = models.ForeignKey(ReviewQuestion, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.CharField("the question", max_length=200)
    hint = models.CharField("a hint, if it helps", max_length=300, blank=True)
    scale = models.CharField(
        "how people answer", max_length=20, choices=Scale.choices, default=Scale.WORDS
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="projects_question_version_once"
            ),
            models.CheckConstraint(
                condition=models.Q(scale__in=Scale.values), name="projects_question_scale_valid"
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def steps(self) -> tuple[str, ...]:
        return SCALE_STEPS.get(self.scale, ())


class Review(TimeStampedModel):
    """A time the group looks back together: open between two dates, then kept."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    title = models.CharField(max_length=120)
    # None while it waits for the end of a phase (after_phase); if that phase is
    # taken off the plan, the review waits for a new date (nothing is lost).
    opens_on = models.DateField("open for answers from", null=True, blank=True)
    closes_on = models.DateField("open until", null=True, blank=True)
    # How long answers stay open, for a review that opens when a phase ends.
    open_days = models.PositiveIntegerField(default=14)
    repeat_months = models.PositiveIntegerField(
        "repeat every this many months", null=True, blank=True
    )
    after_phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The questions as they were worded when it opened to answers.
    questions = models.ManyToManyField(ReviewQuestionVersion, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name="the meeting where the group talks it over",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__isnull=True)
                | models.Q(opens_on__isnull=True)
                | models.Q(closes_on__gte=models.F("opens_on")),
                name="projects_review_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:review", kwargs={"pk": self.project_id, "review_pk": self.pk})


class AnswerVisibility(models.TextChoices):
    NAMED = "named", "With my name, to the group"
    ANONYMOUS = "anonymous", "Without my name, to the group"
    COORDINATORS = "coordinators", "Only to the coordinators"
    STAFF = "staff", "A coordinator's answer"


class ReviewTaker(models.Model):
    """Someone took part in a review: never which answers were theirs."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="takers")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "participant"], name="projects_review_taken_once"
            ),
        ]

    def __str__(self):
        return f"Took part in {self.review}"


class ReviewAnswer(models.Model):
    """One person's answer to one question of a review.

    No timestamps and a random id, on purpose (see the module's words).
    """

    Visibility = AnswerVisibility

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ReviewQuestionVersion, on_delete=models.PROTECT, related_name="+")
    visibility = models.CharField(max_length=20, choices=Visibility.choices)
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_answers",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_key = models.CharField(max_length=64, blank=True)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    words = EncryptedTextField(blank=True, null=True)

    class Meta:
        ordering = ["review", "question", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=AnswerVisibility.values),
                name="projects_answer_visibility_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(step__isnull=True) | models.Q(step__gte=1, step__lte=5),
                name="projects_answer_step_1_to_5",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        visibility=AnswerVisibility.ANONYMOUS,
                        participant__isnull=True,
                        user__isnull=True,
                    )
                    & ~models.Q(author_key="")
                )
                | models.Q(
                    visibility__in=[AnswerVisibility.NAMED, AnswerVisibility.COORDINATORS],
                    participant__isnull=False,
                    author_key="",
                )
                | models.Q(
                    visibility=AnswerVisibility.STAFF,
                    participant__isnull=True,
                    author_key="",
                ),
                name="projects_answer_author_fits_visibility",
            ),
            models.UniqueConstraint(
                fields=["review", "question", "participant"],
                condition=models.Q(participant__isnull=False),
                name="projects_answer_once_named",
            ),
            models.UniqueConstraint(
                fields=["review", "question", "author_key"],
                condition=~models.Q(author_key=""),
                name="projects_answer_once_anonymous",
            ),
            models.UniqueConstraint(
                fields=["review", "question", "user"],
                condition=models.Q(visibility=AnswerVisibility.STAFF),
                name="projects_answer_once_staff",
            ),
        ]

    def __str__(self):
        return f"An answer to {self.question}"


class PulseTaker(models.Model):
    """Someone gave the pulse for a meeting (so they are asked once): never what they said."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="pulse_takers")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant"], name="projects_pulse_given_once"
            ),
        ]

    def __str__(self):
        return f"Gave the pulse after {self.meeting}"


class Pulse(models.Model):
    """ "How equal did today feel?", one answer after a meeting, never named."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="pulses")
    step = models.PositiveSmallIntegerField()
    change = EncryptedTextField("anything we should change?", blank=True, null=True)

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(step__gte=1, step__lte=5), name="projects_pulse_step_1_to_5"
            ),
        ]

    def __str__(self):
        return f"A pulse after {self.meeting}"
