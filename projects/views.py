from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from coprod.accounts.permissions import PermissionRequiredMixin
from coprod.accounts.selectors import COORDINATING_ROLES, organisations_for
from coprod.formerrors import add_service_errors, run_service
from coprod.notifications.reach import unreachable_in_project
from coprod.plainlanguage.selectors import check_fields
from coprod.versions import (
    StaleFormMixin,
    VersionForm,
    add_stale_notice,
    is_stale,
    typed_rows,
)
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
from projects.models import RUNG_MEANINGS, Rung, Value
from projects.promises.selectors import contributions_for_project, with_states
from projects.selectors import (
    ladder_for_project,
    participant_in_project,
    project_get_visible,
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


class ProjectMixin(PermissionRequiredMixin):
    """Load the project from the URL (404 if the person may not see it), then check the rule."""

    def get_project(self):
        if not hasattr(self, "project"):
            self.project = project_get_visible(self.request.user, self.kwargs["pk"])
        return self.project

    def get_permission_object(self):
        return self.get_project()

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, **kwargs)


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


class ProjectCreateView(PermissionRequiredMixin, FormView):
    template_name = "projects/project_form.html"
    form_class = ProjectCreateForm
    permission_required = "projects.add_project_anywhere"

    def organisations(self):
        return organisations_for(self.request.user, COORDINATING_ROLES)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisations": self.organisations()}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation")
        if not self.request.user.has_perm("projects.add_project", organisation):
            raise Http404
        try:
            project = services.project_create(
                organisation=organisation, by=self.request.user, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Project created. Next, say what it is for.")
        return redirect("projects:edit_purpose", pk=project.pk)


class ProjectTextStepView(StaleFormMixin, EditStepMixin, FormView):
    """A step of texts members will read, with the plain-language check beside them."""

    permission_required = "projects.change_project"
    template_name = "projects/project_step.html"
    service = None
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

    def form_valid(self, form):
        if run_service(self.request, form, lambda: self.save(form.cleaned_data), "Saved."):
            return redirect(self.request.path)
        return self.form_invalid(form)

    def save(self, data):
        raise NotImplementedError


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

    def save(self, data):
        # The form has no coordinators field for a co-lead; the service checks again.
        services.project_update(project=self.project, by=self.request.user, **data)


class ProjectPurposeView(ProjectTextStepView):
    step = "edit_purpose"
    stale_what = "the purpose and scope"
    form_class = PurposeForm
    next_step = "edit_ways"
    checked_fields = ("purpose", "can_change", "fixed")

    def save(self, data):
        services.project_update_purpose(project=self.project, by=self.request.user, **data)


class ProjectWaysOfWorkingView(ProjectTextStepView):
    step = "edit_ways"
    stale_what = "the ways of working"
    form_class = WaysOfWorkingForm
    next_step = "values"
    checked_fields = ("problems", "payment_approach", "confidentiality", "support")

    def save(self, data):
        services.project_update_ways_of_working(project=self.project, by=self.request.user, **data)


class PhasesView(EditStepMixin, TemplateView):
    permission_required = "projects.manage_phases"
    template_name = "projects/phases_form.html"
    step = "phases"

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
        return super().get_context_data(
            phases=phases, template_form=kwargs.pop("template_form", PhaseTemplateForm()), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if "template" in request.POST:
            template_form = PhaseTemplateForm(request.POST)
            if template_form.is_valid() and run_service(
                request,
                template_form,
                lambda: services.phases_start_from_template(
                    project=self.project,
                    by=request.user,
                    template=template_form.cleaned_data["template"],
                ),
                "Phases added. Rename, reorder or add to them below.",
            ):
                return redirect(request.path)
            return self.render_to_response(self.get_context_data(template_form=template_form))

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


class ValuesView(EditStepMixin, TemplateView):
    """Leads' page for the values: agree suggestions, reword, stop using, review."""

    permission_required = "projects.manage_values"
    template_name = "projects/values_manage.html"
    step = "values"

    def get_context_data(self, **kwargs):
        values = values_for_project(self.project)
        histories = value_histories(self.project)
        for group in values.values():
            for value in group:
                value.history = histories.get(value.pk, [])
        return super().get_context_data(
            values=values,
            agree_form=AgreedOnForm(),
            reviewed_form=kwargs.pop("reviewed_form", ValuesReviewedForm()),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = ValuesReviewedForm(request.POST)
        if form.is_valid() and run_service(
            request,
            form,
            lambda: services.values_review_record(
                project=self.project, by=request.user, reviewed_on=form.cleaned_data["reviewed_on"]
            ),
            "Review recorded.",
        ):
            return redirect(request.path)
        return self.render_to_response(self.get_context_data(reviewed_form=form))


class ValueProposeView(ProjectMixin, FormView):
    permission_required = "projects.propose_value"
    template_name = "projects/value_form.html"
    form_class = ValueForm

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

    def form_valid(self, form):
        if run_service(
            self.request,
            form,
            lambda: services.value_propose(
                project=self.project, by=self.request.user, **form.cleaned_data
            ),
            "Thank you. Your suggestion is there for the group to talk about.",
        ):
            return redirect(self.project)
        return self.form_invalid(form)


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


class ValueReviseView(StaleFormMixin, ValueMixin, FormView):
    permission_required = "projects.manage_values"
    stale_what = "this value"
    template_name = "projects/value_form.html"
    form_class = ValueReviseForm

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

    def form_valid(self, form):
        if run_service(
            self.request,
            form,
            lambda: services.value_revise(
                value=self.get_value(), by=self.request.user, **form.cleaned_data
            ),
            "New wording saved. Earlier wordings are kept in its history.",
        ):
            return redirect("projects:values", pk=self.project.pk)
        return self.form_invalid(form)


def warn_unreachable(request, project, found, *, about: str) -> None:
    """Say at once, beside the success message, how many people a message will not reach.

    Only people who may see the project's people (`projects.view_personal_details`)
    are told who; the page they land on lists them with why and what to do.
    Others, such as co-leads, get the number and where a coordinator looks.
    """
    if not found:
        return
    count = f"{len(found)} person" if len(found) == 1 else f"{len(found)} people"
    if request.user.has_perm("projects.view_personal_details", project):
        names = ", ".join(person.preferred_name for person, _ in found)
        messages.warning(
            request,
            f"{count} will not hear about {about}: {names}. Why, and what to do, is under "
            "“People we cannot reach” on this page.",
        )
    else:
        messages.warning(
            request,
            f"{count} will not hear about {about}. A coordinator can see who, and what to do, "
            "on the project page.",
        )


class PostActionView(View):
    """A POST-only action: do it, say what happened (or what stopped it), go back."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            message = self.act()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
            self.after_success()
        return redirect(self.done_url())

    def act(self) -> str:
        raise NotImplementedError

    def after_success(self) -> None:
        """Anything more to say once the success is said (who a message will not reach)."""

    def done_url(self) -> str:
        raise NotImplementedError


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


class LadderView(ProjectMixin, FormView):
    """The ladder of participation: the organisation's view and members' views, over time."""

    permission_required = "projects.view_ladder"
    template_name = "projects/ladder.html"
    form_class = LadderForm

    def can_answer(self):
        user = self.request.user
        return user.has_perm("projects.assess_ladder", self.project) or user.has_perm(
            "projects.give_ladder_view", self.project
        )

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

    def form_valid(self, form):
        user = self.request.user
        participant = None
        if not user.has_perm("projects.assess_ladder", self.project):
            participant = participant_in_project(user, self.project)
        if run_service(
            self.request,
            form,
            lambda: services.ladder_assess(
                project=self.project, by=user, participant=participant, **form.cleaned_data
            ),
            "Thank you. Your view is added to the project's history.",
        ):
            return redirect("projects:ladder", pk=self.project.pk)
        return self.form_invalid(form)
