"""Review and pulse pages: HTTP only."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from coprod.accounts.permissions import PermissionRequiredMixin
from coprod.accounts.selectors import coordinators_of
from coprod.smallnumbers import threshold
from coprod.versions import StaleFormMixin
from coprod.views import PostActionView, ServiceFormMixin
from participants.models import AccessLog
from participants.services import access_log_record_many
from projects.meetings.selectors import project_people_for_meetings
from projects.meetings.views import MeetingMixin
from projects.mixins import ProjectMixin
from projects.models import ReviewQuestion, SupportTask
from projects.reviews import services
from projects.reviews.forms import AgreedChangeForm, AnswerForm, PulseForm, QuestionForm, ReviewForm
from projects.reviews.selectors import (
    CLOSED,
    OPEN,
    STATE_WORDS,
    answers_over_time,
    group_view,
    my_answers,
    people_words,
    project_questions,
    pulse_given,
    pulse_trend,
    review_get,
    review_questions,
    review_state,
    reviews_for_project,
    staff_answers_of,
    takers_count,
)
from projects.selectors import participant_in_project, projects_visible_to
from projects.support import chat_ask, task_done


class ReviewListView(ProjectMixin, TemplateView):
    """A project's reviews, how answers moved over time, and the pulse after meetings."""

    permission_required = "projects.view_reviews"
    template_name = "projects/reviews/review_list.html"

    def get_context_data(self, **kwargs):
        coordinator = self.request.user.has_perm("projects.read_private_answers", self.project)
        return super().get_context_data(
            reviews=reviews_for_project(self.project),
            moved=answers_over_time(self.project),
            pulse=pulse_trend(self.project),
            sees_changes=coordinator,
            threshold=threshold(),
            **kwargs,
        )


class ReviewCreateView(ServiceFormMixin, ProjectMixin, FormView):
    permission_required = "projects.plan_review"
    template_name = "projects/reviews/review_form.html"
    form_class = ReviewForm
    success_message = "Review planned. Members can answer from the day it opens."

    def get_form_kwargs(self):
        project = self.get_project()
        return {
            **super().get_form_kwargs(),
            "phases": project.phases.order_by("position"),
            "meetings": project.meetings.order_by("-starts_at"),
        }

    def call_service(self, form):
        return services.review_schedule(
            project=self.project, by=self.request.user, **form.service_arguments()
        )

    def get_success_url(self):
        return self.result.get_absolute_url()


class QuestionsView(ServiceFormMixin, ProjectMixin, FormView):
    """The questions the project asks at its reviews: add one, or open one to reword it."""

    permission_required = "projects.plan_review"
    template_name = "projects/reviews/questions.html"
    form_class = QuestionForm
    success_message = "Question added. Reviews that have not opened yet will ask it."

    def get(self, request, *args, **kwargs):
        services.questions_ensure(project=self.get_project())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        questions = list(project_questions(self.project))
        return super().get_context_data(
            asked=[q for q in questions if not q.retired],
            retired=[q for q in questions if q.retired],
            **kwargs,
        )

    def call_service(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.question_add(project=self.project, by=self.request.user, **data)


class QuestionUpdateView(StaleFormMixin, ServiceFormMixin, ProjectMixin, FormView):
    permission_required = "projects.plan_review"
    template_name = "projects/reviews/question_form.html"
    form_class = QuestionForm
    stale_what = "this question"
    success_message = "Saved. Reviews already open keep the wording they opened with."

    def get_question(self):
        if not hasattr(self, "question"):
            self.question = get_object_or_404(
                ReviewQuestion.objects.select_related("current_version", "project"),
                project=self.get_project(),
                pk=self.kwargs["question_pk"],
                current_version__isnull=False,
            )
        return self.question

    def forget_saved(self):
        del self.question

    def get_initial(self):
        current = self.get_question().current_version
        return {"text": current.text, "hint": current.hint, "scale": current.scale}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "version": services.question_version(self.get_question()),
        }

    def get_context_data(self, **kwargs):
        question = self.get_question()
        return super().get_context_data(
            question=question, versions=question.versions.order_by("-number"), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if "retire" in request.POST:
            services.question_retire(question=self.get_question())
            messages.success(request, "That question will not be asked at new reviews.")
            return self._back()
        return super().post(request, *args, **kwargs)

    def _back(self):
        return redirect("projects:review_questions", pk=self.project.pk)

    def call_service(self, form):
        return services.question_reword(
            question=self.get_question(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("projects:review_questions", kwargs={"pk": self.project.pk})


class ReviewMixin(ProjectMixin):
    def get_review(self):
        if not hasattr(self, "review"):
            self.review = review_get(self.get_project(), self.kwargs["review_pk"])
        return self.review


class ReviewDetailView(ReviewMixin, TemplateView):
    """One review: your answers, what the group said beside the coordinators, what was agreed."""

    permission_required = "projects.view_reviews"
    template_name = "projects/reviews/review_detail.html"

    def get_context_data(self, **kwargs):
        user, project, review = self.request.user, self.get_project(), self.get_review()
        coordinator = user.has_perm("projects.read_private_answers", project)
        state = review_state(review)
        person = participant_in_project(user, project)
        questions = review_questions(review)
        mine = {}
        if person is not None and user.has_perm("projects.answer_review_as_member", project):
            mine = my_answers(review, person)
        elif user.has_perm("projects.answer_review_as_staff", project):
            mine = staff_answers_of(review, user)
        views, read_private = group_view(review, coordinator=coordinator)
        if read_private:
            access_log_record_many(
                participants=read_private,
                viewer=user,
                kind=AccessLog.Kind.REVIEW_ANSWERS,
                detail=f"{review.title} ({project.title})",
            )
        return super().get_context_data(
            review=review,
            state=state,
            state_words=STATE_WORDS[state],
            is_open=state == OPEN,
            is_closed=state == CLOSED,
            questions=[(n, q, mine.get(q.pk)) for n, q in enumerate(questions, start=1)],
            can_answer=user.has_perm("projects.answer_review", project),
            views=views,
            took_part=people_words(takers_count(review)),
            actions=review.agreed_actions.select_related(
                "meeting", "owner_participant", "owner_user"
            ),
            promises=review.agreed_promises.select_related("responsible"),
            **kwargs,
        )


def _change_form(project, review, data=None):
    return AgreedChangeForm(
        data,
        people=project_people_for_meetings(project),
        staff=coordinators_of(project.organisation_id),
        meetings=project.meetings.order_by("-starts_at"),
        initial={"meeting": review.meeting_id},
    )


class AnswerView(ServiceFormMixin, ReviewMixin, FormView):
    """One question on one page: answer it, change it, or skip it and come back."""

    permission_required = "projects.answer_review"
    template_name = "projects/reviews/answer.html"
    form_class = AnswerForm

    def get_question(self):
        if not hasattr(self, "question"):
            questions = review_questions(self.get_review())
            number = self.kwargs["number"]
            if not 1 <= number <= len(questions):
                raise Http404("No such question")
            self.questions, self.question = questions, questions[number - 1]
        return self.question

    def as_member(self):
        person = participant_in_project(self.request.user, self.get_project())
        if person is not None and self.request.user.has_perm(
            "projects.answer_review_as_member", self.project
        ):
            return person
        return None

    def saved(self):
        person = self.as_member()
        question = self.get_question()
        if person is not None:
            return my_answers(self.get_review(), person).get(question.pk)
        return staff_answers_of(self.get_review(), self.request.user).get(question.pk)

    def get_initial(self):
        answer = self.saved()
        if answer is None:
            return {}
        return {"step": answer.step, "words": answer.words or "", "visibility": answer.visibility}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "question": self.get_question(),
            "member": self.as_member() is not None,
        }

    def get_context_data(self, **kwargs):
        self.get_question()
        number = self.kwargs["number"]
        state = review_state(self.get_review())
        return super().get_context_data(
            review=self.review,
            number=number,
            total=len(self.questions),
            is_open=state == OPEN,
            state_words=STATE_WORDS[state],
            member=self.as_member() is not None,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if "skip" in request.POST:
            return redirect(self._next_url())
        return super().post(request, *args, **kwargs)

    def call_service(self, form):
        data = form.cleaned_data
        person = self.as_member()
        common = {
            "review": self.get_review(),
            "question": self.get_question(),
            "step": data.get("step"),
            "words": data.get("words", ""),
        }
        if person is not None:
            return services.answer_give(participant=person, visibility=data["visibility"], **common)
        return services.answer_give_staff(user=self.request.user, **common)

    def get_success_message(self, form, result):
        return "Saved." if result is not None else "Your answer to that question is taken back."

    def _next_url(self):
        self.get_question()
        number = self.kwargs["number"]
        if number < len(self.questions):
            return reverse(
                "projects:review_answer",
                kwargs={"pk": self.project.pk, "review_pk": self.review.pk, "number": number + 1},
            )
        return self.review.get_absolute_url()

    def get_success_url(self):
        return self._next_url()


class ReviewCloseView(ReviewMixin, PostActionView):
    permission_required = "projects.plan_review"

    def act(self):
        review = services.review_close(review=self.get_review(), by=self.request.user)
        if review.repeat_months:
            return "Closed. The next one is planned."
        return "Closed. The answers are kept here."

    def done_url(self):
        return self.get_review().get_absolute_url()


class AgreedChangeView(ServiceFormMixin, ReviewMixin, FormView):
    permission_required = "projects.record_agreed_change"
    template_name = "projects/reviews/agreed_change.html"

    def get_form(self, form_class=None):
        data = self.request.POST if self.request.method == "POST" else None
        return _change_form(self.get_project(), self.get_review(), data)

    def get_context_data(self, **kwargs):
        return super().get_context_data(review=self.get_review(), **kwargs)

    def call_service(self, form):
        data = form.cleaned_data
        return services.agreed_change_record(
            review=self.get_review(),
            by=self.request.user,
            kind=data["kind"],
            description=data["description"],
            due_on=data["due_on"],
            meeting=data.get("meeting"),
            **form.owner_arguments(),
        )

    def get_success_message(self, form, result):
        if form.cleaned_data["kind"] == "action":
            return "Saved as an action. Its owner can see it on their page."
        return "Saved as a promise. Members will hear when the organisation reports back."

    def get_success_url(self):
        return self.get_review().get_absolute_url()


class PulseView(ServiceFormMixin, MeetingMixin, FormView):
    """ "How equal did today feel?" after a meeting: one tap, never named."""

    permission_required = "projects.give_pulse"
    template_name = "projects/reviews/pulse.html"
    form_class = PulseForm
    success_message = "Thank you. Nobody in the group will see it was you."

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        person = participant_in_project(self.request.user, self.project)
        return super().get_context_data(
            given=pulse_given(meeting, person),
            can_give=services.pulse_open(meeting),
            **kwargs,
        )

    def call_service(self, form):
        data = dict(form.cleaned_data)
        debrief = data.pop("debrief", False)
        person = participant_in_project(self.request.user, self.project)
        with transaction.atomic():
            pulse = services.pulse_give(meeting=self.get_meeting(), participant=person, **data)
            if debrief:
                chat_ask(
                    meeting=self.meeting,
                    participant=person,
                    kinds_asked=[SupportTask.Kind.DEBRIEF],
                )
        return pulse

    def get_success_url(self):
        return self.get_meeting().get_absolute_url()

    def get_success_message(self, form, result):
        if form.cleaned_data.get("debrief"):
            return self.success_message + " A coordinator will get in touch for a chat."
        return self.success_message


class TaskDoneView(PermissionRequiredMixin, PostActionView):
    """A coordinator marks a chat or a check-in done: it leaves everyone's dashboard."""

    permission_required = "projects.mark_task_done"

    def get_permission_object(self):
        if not hasattr(self, "task"):
            self.task = get_object_or_404(
                SupportTask.objects.select_related("project__organisation", "participant"),
                pk=self.kwargs["pk"],
                project__in=projects_visible_to(self.request.user),
            )
        return self.task

    def act(self):
        task_done(task=self.get_permission_object(), by=self.request.user)
        return f"Marked done: {self.task.get_kind_display().lower()} with {self.task.participant}."

    def done_url(self):
        return reverse("accounts:dashboard")
