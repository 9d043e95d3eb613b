"""Pages that compose several apps: the staff dashboard. HTTP only."""

from django.views.generic import TemplateView

from coprod.accounts.models import StaffRole
from coprod.accounts.permissions import PermissionRequiredMixin
from coprod.accounts.selectors import COORDINATING_ROLES, organisations_for, staff_roles
from coprod.notifications.selectors import attention_for
from projects.meetings.selectors import open_actions_for
from projects.selectors import project_list_for_dashboard


class DashboardView(PermissionRequiredMixin, TemplateView):
    """Staff's home: their organisations, projects, open actions and what needs attention."""

    permission_required = "accounts.view_dashboard"
    template_name = "demo/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        roles = staff_roles(user)
        organisations = [
            (organisation, sorted(StaffRole(role).label for role in roles[organisation.pk]))
            for organisation in organisations_for(user)
        ]
        return super().get_context_data(
            organisations=organisations,
            projects=project_list_for_dashboard(user),
            actions=open_actions_for(user),
            attention=attention_for(user),
            perms_finance=user.has_perm("payments.use_finance"),
            can_add_project=bool(organisations_for(user, COORDINATING_ROLES).exists()),
            **kwargs,
        )
