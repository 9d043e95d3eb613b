from django.views.generic import TemplateView

from coprod.accounts.permissions import PermissionRequiredMixin
from projects.selectors import active_funder_grants, projects_reportable_by


class ReportListView(PermissionRequiredMixin, TemplateView):
    """The projects whose reports this person may read."""

    permission_required = "reports.view_report_list"
    template_name = "reports/report_list.html"

    def get_context_data(self, **kwargs):
        access_until = dict(
            active_funder_grants(self.request.user).values_list("project_id", "expires_on")
        )
        rows = [
            (project, access_until.get(project.pk))
            for project in projects_reportable_by(self.request.user).select_related("organisation")
        ]
        return super().get_context_data(rows=rows, **kwargs)
