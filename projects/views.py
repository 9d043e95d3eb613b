from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from coprod.accounts.permissions import PermissionRequiredMixin
from coprod.accounts.selectors import COORDINATING_ROLES, organisations_for
from coprod.notifications.reach import unreachable_in_project
from coprod.plainlanguage.selectors import check_fields
from coprod.versions import (
    StaleFormMixin,
    VersionForm,
    add_stale_notice,
    is_stale,
    typed_rows,
)
from coprod.views import PostActionView, ServiceFormMixin
from participants.selectors import memberships_for_staff
from projects import services
from projects.forms import (
    AgreedOnForm,
    CurrentPhaseForm,
    LadderForm,
    PhaseFormSet,
    PhaseTemplateForm,
    ProjectCreateForm,
    ProjectForm,
    PurposeForm,
    ValueForm,
    ValueReviseForm,
    ValuesReviewedForm,
    WaysOfWorkingForm,
)
from projects.meetings.selectors import next_meeting_for_project
from projects.mixins import ProjectMixin
from projects.models import RUNG_MEANINGS, Rung, Value
from projects.promises.selectors import contributions_for_project, with_states
from projects.selectors import (
    ladder_for_project,
    participant_in_project,
    project_list_for_dashboard,
    value_histories,
    values_for_project,
)

EDIT_STEPS = [
    ("update", "The basics"),
    ("edit_purpose", "Purpose and scope"),
    ("edit_ways", "Ways of working"),
    ("values", "Values"),
    ("phases", "Phases"),
]


class EditStepMixin(ProjectMixin):
    """One small step of setting up a project; each step saves on its own."""

    step = ""

    def get_context_data(self, **kwargs):
        steps = [
            (reverse(f"projects:{name}", kwargs={"pk": self.project.pk}), label, name == self.step)
            for name, label in EDIT_STEPS
        ]
        # Each step's own title, so a screen reader tells the steps apart.
        step_label = dict(EDIT_STEPS).get(self.step, "Set up")
        return super().get_context_data(steps=steps, step_label=step_label, **kwargs)


class ProjectDetailView(ProjectMixin, TemplateView):
    """The project in plain words, for members on phones and for staff alike."""

    permission_required = "projects.view_project"
    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        participant = participant_in_project(user, self.project)
        sees_people = user.has_perm("projects.view_personal_details", self.project)
        return super().get_context_data(
            phases=list(self.project.phases.all()),
            values=values_for_project(self.project, participant=participant),
            ladder=ladder_for_project(self.project),
            rungs=[(rung, RUNG_MEANINGS[rung]) for rung in Rung],
            next_meeting=next_meeting_for_project(self.project),
            promises=with_states(contributions_for_project(self.project)[:3]),
            people=memberships_for_staff(self.project) if sees_people else None,
            cannot_reach=unreachable_in_project(self.project) if sees_people else None,
            **kwargs,
        )


class ProjectListView(PermissionRequiredMixin, TemplateView):
    """Every project of the staff member's organisations, a page at a time."""

    permission_required = "accounts.view_dashboard"
    template_name = "projects/project_list.html"
    per_page = 50

    def get_context_data(self, **kwargs):
        projects = project_list_for_dashboard(self.request.user)
        page = Paginator(projects, self.per_page).get_page(self.request.GET.get("page"))
        return super().get_context_data(page=page, **kwargs)


class ProjectCreateView(ServiceFormMixin, PermissionRequiredMixin, FormView):
    template_name = "projects/project_form.html"
    form_class = ProjectCreateForm
    permission_required = "projects.add_project_anywhere"

    def organisations(self):
        return organisations_for(self.request.user, COORDINATING_ROLES)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisations": self.organisations()}

    success_message = "Project created. Next, say what it is for."

    def call_service(self, form):
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation")
        if not self.request.user.has_perm("projects.add_project", organisation):
            raise Http404
        return services.project_create(organisation=organisation, by=self.request.user, **data)

    def get_success_url(self):
        return reverse("projects:edit_purpose", kwargs={"pk": self.result.pk})


class ProjectTextStepView(StaleFormMixin, ServiceFormMixin, EditStepMixin, FormView):
    """A step of texts members will read, with the plain-language check beside them."""

    permission_required = "projects.change_project"
    template_name = "projects/project_step.html"
    success_message = "Saved."
    next_step = ""
    checked_fields: tuple[str, ...] = ()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_permission_object()}

    def get_context_data(self, **kwargs):
        form = kwargs.get("form") or self.get_form()
        texts = {
            name: (form.data.get(name, "") if form.is_bound else getattr(self.project, name))
            for name in self.checked_fields
        }
        advice = check_fields(texts)
        advice_rows = [
            (form[name].label, advice[name]) for name in self.checked_fields if name in advice
        ]
        next_url = (
            reverse(f"projects:{self.next_step}", kwargs={"pk": self.project.pk})
            if self.next_step
            else ""
        )
        return super().get_context_data(advice_rows=advice_rows, next_url=next_url, **kwargs)

    def post(self, request, *args, **kwargs):
        if "check" in request.POST:
            # "Check my words" shows advice on what was typed, saving nothing.
            form = self.get_form()
            return self.render_to_response(self.get_context_data(form=form, checked=True))
        return super().post(request, *args, **kwargs)


class ProjectUpdateView(ProjectTextStepView):
    step = "update"
    stale_what = "the basics of this project"
    form_class = ProjectForm
    next_step = "edit_purpose"
    checked_fields = ("summary",)
    template_name = "projects/project_step.html"

    def may_change_coordinators(self) -> bool:
        return self.request.user.has_perm("projects.change_coordinators", self.project)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "may_change_coordinators": self.may_change_coordinators(),
        }

    def get_context_data(self, **kwargs):
        if not self.may_change_coordinators():
            kwargs["named_coordinators"] = sorted(map(str, self.project.coordinators.all()))
        return super().get_context_data(**kwargs)

    def call_service(self, form):
        # The form has no coordinators field for a co-lead; the service checks again.
        return services.project_update(
            project=self.project, by=self.request.user, **form.cleaned_data
        )


class ProjectPurposeView(ProjectTextStepView):
    step = "edit_purpose"
    stale_what = "the purpose and scope"
    form_class = PurposeForm
    next_step = "edit_ways"
    checked_fields = ("purpose", "can_change", "fixed")

    def call_service(self, form):
        return services.project_update_purpose(
            project=self.project, by=self.request.user, **form.cleaned_data
        )


class ProjectWaysOfWorkingView(ProjectTextStepView):
    step = "edit_ways"
    stale_what = "the ways of working"
    form_class = WaysOfWorkingForm
    next_step = "values"
    checked_fields = ("problems", "payment_approach", "confidentiality", "support")

    def call_service(self, form):
        return services.project_update_ways_of_working(
            project=self.project, by=self.request.user, **form.cleaned_data
        )


class PhasesView(ServiceFormMixin, EditStepMixin, FormView):
    """The phases as a list saved at once, and a template to start them from (the view's form)."""

    permission_required = "projects.manage_phases"
    template_name = "projects/phases_form.html"
    step = "phases"
    form_class = PhaseTemplateForm
    success_message = "Phases added. Rename, reorder or add to them below."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "template" not in self.request.POST:
            # The list was posted: the template form beside it is shown as it was.
            kwargs.pop("data", None)
            kwargs.pop("files", None)
        return kwargs

    def call_service(self, form):
        return services.phases_start_from_template(
            project=self.project, by=self.request.user, template=form.cleaned_data["template"]
        )

    def get_context_data(self, **kwargs):
        phases = list(self.project.phases.all())
        if "formset" not in kwargs:
            kwargs["formset"] = PhaseFormSet(
                project=self.project,
                prefix="phases",
                initial=[
                    {
                        "phase": p,
                        "name": p.name,
                        "description": p.description,
                        "position": p.position,
                    }
                    for p in phases
                ],
            )
            kwargs["current_form"] = CurrentPhaseForm(
                project=self.project, initial={"current_phase": self.project.current_phase_id}
            )
            kwargs["version_form"] = VersionForm(
                prefix="phases", version=services.phases_version(self.project)
            )
        context = super().get_context_data(phases=phases, **kwargs)
        return {**context, "template_form": context["form"]}

    def post(self, request, *args, **kwargs):
        if "template" in request.POST:
            return super().post(request, *args, **kwargs)

        formset = PhaseFormSet(request.POST, project=self.project, prefix="phases")
        current_form = CurrentPhaseForm(request.POST, project=self.project)
        # The stamp of the phases this page showed; it also carries the list's own errors.
        version_form = VersionForm(request.POST, prefix="phases")
        if formset.is_valid() and current_form.is_valid() and version_form.is_valid():
            rows = [form.cleaned_data for form in formset.forms if form.cleaned_data]
            try:
                services.phases_save(
                    project=self.project,
                    by=request.user,
                    rows=rows,
                    current_phase=current_form.cleaned_data["current_phase"],
                    version=version_form.seen(),
                )
            except ValidationError as error:
                if is_stale(error):
                    add_stale_notice(request, services.PHASES_WHAT)
                    self.project.refresh_from_db()
                    typed = typed_rows([*formset.forms, current_form])
                    return self.render_to_response(self.get_context_data(stale_typed=typed))
                version_form.add_error(None, error)
            else:
                messages.success(request, "Phases saved.")
                return redirect(request.path)
        return self.render_to_response(
            self.get_context_data(
                formset=formset, current_form=current_form, version_form=version_form
            )
        )


class ValuesView(ServiceFormMixin, EditStepMixin, FormView):
    """Leads' page for the values: agree suggestions, reword, stop using, review."""

    permission_required = "projects.manage_values"
    template_name = "projects/values_manage.html"
    step = "values"
    form_class = ValuesReviewedForm
    success_message = "Review recorded."

    def get_context_data(self, **kwargs):
        values = values_for_project(self.project)
        histories = value_histories(self.project)
        for group in values.values():
            for value in group:
                value.history = histories.get(value.pk, [])
        context = super().get_context_data(values=values, agree_form=AgreedOnForm(), **kwargs)
        return {**context, "reviewed_form": context["form"]}

    def call_service(self, form):
        return services.values_review_record(
            project=self.project, by=self.request.user, reviewed_on=form.cleaned_data["reviewed_on"]
        )


class ValueProposeView(ServiceFormMixin, ProjectMixin, FormView):
    permission_required = "projects.propose_value"
    template_name = "projects/value_form.html"
    form_class = ValueForm
    success_message = "Thank you. Your suggestion is there for the group to talk about."

    def get_context_data(self, **kwargs):
        form = kwargs.get("form")
        texts = (
            {name: form.data.get(name, "") for name in ("title", "meaning")}
            if form and form.is_bound
            else {}
        )
        advice = check_fields(texts)
        advice_rows = [(form[name].label, advice[name]) for name in texts if name in advice]
        return super().get_context_data(
            heading="Suggest a value", advice_rows=advice_rows, **kwargs
        )

    def call_service(self, form):
        return services.value_propose(
            project=self.project, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return self.project.get_absolute_url()


class ValueMixin(ProjectMixin):
    """A value of a project the person can see; any other value is simply not found."""

    def get_value(self):
        if hasattr(self, "value"):
            return self.value
        self.value = get_object_or_404(
            Value.objects.select_related("current_version"),
            pk=self.kwargs["value_pk"],
            project=self.get_project(),
        )
        return self.value


class ValueReviseView(StaleFormMixin, ServiceFormMixin, ValueMixin, FormView):
    permission_required = "projects.manage_values"
    stale_what = "this value"
    template_name = "projects/value_form.html"
    form_class = ValueReviseForm
    success_message = "New wording saved. Earlier wordings are kept in its history."

    def forget_saved(self):
        del self.value

    def get_form_kwargs(self):
        version = self.get_value().current_version
        return {
            **super().get_form_kwargs(),
            "value": self.value,
            "initial": {"title": version.title, "meaning": version.meaning},
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading="Reword a value", value=self.get_value(), **kwargs)

    def call_service(self, form):
        return services.value_revise(
            value=self.get_value(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("projects:values", kwargs={"pk": self.project.pk})


class ValueActionView(ValueMixin, PostActionView):
    """POST-only actions on one value; each answers with a redirect and a message."""

    back_to = "projects:values"
    anchor = ""

    def done_url(self):
        return reverse(self.back_to, kwargs={"pk": self.project.pk}) + self.anchor


class ValueAgreeView(ValueActionView):
    permission_required = "projects.manage_values"

    def act(self):
        value = self.get_value()
        form = AgreedOnForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError("Give the date the group agreed it.")
        services.value_agree(
            value=value, by=self.request.user, agreed_on=form.cleaned_data["agreed_on"]
        )
        return f"“{value}” is now one of the group's agreed values."


class ValueRetireView(ValueActionView):
    permission_required = "projects.manage_values"

    def act(self):
        value = self.get_value()
        services.value_retire(value=value, by=self.request.user)
        return f"“{value}” is no longer used. Its history is kept."


class ValueEndorseView(ValueActionView):
    permission_required = "projects.endorse_value"
    back_to = "projects:detail"
    anchor = "#values"

    def get_permission_object(self):
        return self.get_value()

    def act(self):
        value = self.get_value()
        participant = participant_in_project(self.request.user, self.project)
        if self.request.POST.get("action") == "withdraw":
            services.value_endorsement_withdraw(value=value, participant=participant)
            return f"You no longer endorse “{value}”."
        services.value_endorse(value=value, participant=participant)
        return f"You endorse “{value}”."


class LadderView(ServiceFormMixin, ProjectMixin, FormView):
    """The ladder of participation: the organisation's view and members' views, over time."""

    permission_required = "projects.view_ladder"
    template_name = "projects/ladder.html"
    form_class = LadderForm
    success_message = "Thank you. Your view is added to the project's history."

    def can_answer(self):
        return self.request.user.has_perm("projects.answer_ladder", self.project)

    def get_context_data(self, **kwargs):
        as_organisation = self.request.user.has_perm("projects.assess_ladder", self.project)
        return super().get_context_data(
            ladder=ladder_for_project(self.project),
            rungs=[(rung, RUNG_MEANINGS[rung]) for rung in Rung],
            can_answer=self.can_answer(),
            as_organisation=as_organisation,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.can_answer():
            raise Http404
        return super().post(request, *args, **kwargs)

    def call_service(self, form):
        user = self.request.user
        participant = None
        if not user.has_perm("projects.assess_ladder", self.project):
            participant = participant_in_project(user, self.project)
        return services.ladder_assess(
            project=self.project, by=user, participant=participant, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("projects:ladder", kwargs={"pk": self.project.pk})
