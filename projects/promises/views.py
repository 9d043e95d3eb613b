"""Promise pages ("you said, we did"): HTTP only."""

from django.http import HttpRequest
from django.views.generic import FormView, TemplateView

from coprod.accounts.selectors import coordinators_of
from coprod.notifications.reach import unreachable_members
from coprod.versions import StaleFormMixin
from coprod.views import ServiceFormMixin
from projects.mixins import ProjectMixin, warn_unreachable
from projects.promises import services as services
from projects.promises.forms import ContributionForm, PointForm, ResponseForm, UpdateForm
from projects.promises.notifications import UPDATE_POSTED
from projects.promises.selectors import (
    UPDATE,
    contribution_get,
    contributions_for_project,
    promise_state,
    told_of_updates,
    trail,
    with_states,
)
from projects.selectors import participant_in_project


class PromiseListView(ProjectMixin, TemplateView):
    """You said, we did: everything members said and what came of it."""

    permission_required = "projects.view_project"
    template_name = "projects/promise_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            contributions=with_states(contributions_for_project(self.project)), **kwargs
        )


class PromiseCreateView(ServiceFormMixin, ProjectMixin, FormView):
    permission_required = "projects.record_contribution"
    template_name = "projects/promise_form.html"
    form_class = ContributionForm
    success_message = "Written down. Next, give the answer."

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "meetings": self.get_project().meetings.order_by("-starts_at"),
        }

    def call_service(self, form):
        return services.contribution_record(
            project=self.project, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return self.result.get_absolute_url()


class PointRaiseView(ServiceFormMixin, ProjectMixin, FormView):
    """A member puts a point on record from their phone: "I want the group to know…"."""

    permission_required = "projects.raise_point"
    template_name = "projects/point_form.html"
    form_class = PointForm
    success_message = "Thank you. Your point is on record, and the organisation will answer it."

    def get_context_data(self, **kwargs):
        person = participant_in_project(self.request.user, self.project)
        return super().get_context_data(
            person=person,
            credited=person.credited_name() if person else "",
            finished=self.project.status == self.project.Status.FINISHED,
            **kwargs,
        )

    def call_service(self, form):
        return services.point_raise(
            project=self.project,
            participant=participant_in_project(self.request.user, self.project),
            **form.cleaned_data,
        )

    def get_success_url(self):
        return self.result.get_absolute_url()


class PromiseMixin(ProjectMixin):
    """One contribution of a project the person can see, and its page's parts."""

    request: HttpRequest
    template_name: str | None = "projects/promise_detail.html"

    def get_contribution(self):
        if not hasattr(self, "contribution"):
            self.contribution = contribution_get(self.get_project(), self.kwargs["promise_pk"])
        return self.contribution

    def page_context(self, *, response_form=None, update_form=None) -> dict:
        contribution = self.get_contribution()
        user = self.request.user
        if response_form is None and user.has_perm("projects.respond_contribution", self.project):
            response_form = ResponseForm(
                staff=coordinators_of(self.project.organisation_id),
                version=services.response_version(contribution),
                initial={
                    "response": contribution.response,
                    "reason": contribution.reason,
                    "promised_update_on": contribution.promised_update_on,
                },
            )
        if update_form is None and user.has_perm("projects.post_update", self.project):
            update_form = UpdateForm()
        sees_people = user.has_perm("projects.view_personal_details", self.project)
        steps = list(trail(contribution))
        told = told_of_updates([step for step in steps if step.kind == UPDATE], kind=UPDATE_POSTED)
        for step in steps:
            step.told = told.get(step.pk)  # type: ignore[attr-defined]
        return {
            "sees_people": sees_people,
            "cannot_reach": unreachable_members(self.project, kind=UPDATE_POSTED)
            if sees_people
            else None,
            "contribution": contribution,
            "state": promise_state(contribution),
            "trail": steps,
            "response_form": response_form,
            "update_form": update_form,
        }


class PromiseDetailView(PromiseMixin, TemplateView):
    permission_required = "projects.view_project"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.page_context(), **kwargs)


class PromiseRespondView(StaleFormMixin, ServiceFormMixin, PromiseMixin, FormView):
    permission_required = "projects.respond_contribution"
    form_class = ResponseForm
    stale_what = "the answer"
    success_message = "Answer saved. Members can see it."

    def get_initial(self):
        contribution = self.get_contribution()
        return {
            "response": contribution.response,
            "reason": contribution.reason,
            "promised_update_on": contribution.promised_update_on,
        }

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "staff": coordinators_of(self.get_project().organisation_id),
            "version": services.response_version(self.get_contribution()),
        }

    def forget_saved(self):
        del self.contribution

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, **self.page_context(response_form=context["form"])}

    def call_service(self, form):
        return services.contribution_respond(
            contribution=self.get_contribution(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return self.contribution.get_absolute_url()


class PromiseUpdateView(ServiceFormMixin, PromiseMixin, FormView):
    permission_required = "projects.post_update"
    form_class = UpdateForm
    success_message = "Update posted. Everyone who was part of it is being told."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, **self.page_context(update_form=context["form"])}

    def call_service(self, form):
        return services.update_post(
            contribution=self.get_contribution(), by=self.request.user, **form.cleaned_data
        )

    def after_success(self):
        found = unreachable_members(self.project, kind=UPDATE_POSTED)
        warn_unreachable(self.request, self.project, found, about="this update")

    def get_success_url(self):
        return self.contribution.get_absolute_url()
