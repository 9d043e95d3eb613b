from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import DetailView, FormView

from coprod.accounts.permissions import PermissionRequiredMixin
from coprod.accounts.selectors import COORDINATING_ROLES, organisations_for
from projects import services
from projects.forms import ProjectCreateForm, ProjectForm
from projects.selectors import project_get_visible


class ProjectDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "projects.view_project"
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_object(self, queryset=None):
        return project_get_visible(self.request.user, self.kwargs["pk"])


class ProjectCreateView(PermissionRequiredMixin, FormView):
    template_name = "projects/project_form.html"
    form_class = ProjectCreateForm

    def has_permission(self):
        return self.organisations().exists()

    def organisations(self):
        return organisations_for(self.request.user, COORDINATING_ROLES)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisations": self.organisations()}

    def form_valid(self, form):
        organisation = form.cleaned_data["organisation"]
        if not self.request.user.has_perm("projects.add_project", organisation):
            raise Http404
        project = services.project_create(
            organisation=organisation,
            by=self.request.user,
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
        )
        return redirect(project)


class ProjectUpdateView(PermissionRequiredMixin, FormView):
    permission_required = "projects.change_project"
    template_name = "projects/project_form.html"
    form_class = ProjectForm

    def get_permission_object(self):
        if not hasattr(self, "project"):
            self.project = project_get_visible(self.request.user, self.kwargs["pk"])
        return self.project

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_permission_object()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, **kwargs)

    def form_valid(self, form):
        project = services.project_update(
            project=self.project,
            by=self.request.user,
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
        )
        return redirect(project)
