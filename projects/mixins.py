"""Mixins for pages about one project, shared by the project, meeting and promise pages."""

from django.contrib import messages
from django.shortcuts import render

from coprod.accounts.permissions import PermissionRequiredMixin
from projects.selectors import project_get_visible


class ProjectMixin(PermissionRequiredMixin):
    """Load the project from the URL (404 if the person may not see it), then check the rule."""

    def get_project(self):
        if not hasattr(self, "project"):
            self.project = project_get_visible(self.request.user, self.kwargs["pk"])
        return self.project

    def get_permission_object(self):
        return self.get_project()

    def handle_no_permission(self):
        # A closed project is read-only: say so in plain words, not a bare "forbidden".
        project = getattr(self, "project", None)
        user = self.request.user
        if (
            user.is_authenticated
            and project is not None
            and project.status == project.Status.FINISHED
            and user.has_perm("projects.view_project", project)
        ):
            return render(self.request, "projects/finished.html", {"project": project}, status=403)
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, **kwargs)


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
