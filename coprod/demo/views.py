"""Pages that compose several apps: the staff dashboard and the member home page. HTTP only."""

from django.views.generic import TemplateView

from coprod.accounts.models import StaffRole
from coprod.accounts.permissions import PermissionRequiredMixin
from coprod.accounts.selectors import organisations_for, staff_roles
from coprod.notifications.selectors import attention_for
from participants.selectors import memberships_for_member_home, participant_profiles_for
from projects.meetings.selectors import next_meeting_for_member, open_actions_for
from projects.promises.selectors import points_to_answer
from projects.reviews.selectors import open_reviews_for_member, pulses_to_give
from projects.selectors import (
    DASHBOARD_PROJECTS,
    project_count_for_dashboard,
    project_list_for_dashboard,
)
from projects.support import tasks_for


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
            projects=project_list_for_dashboard(user)[:DASHBOARD_PROJECTS],
            project_count=project_count_for_dashboard(user),
            actions=open_actions_for(user),
            attention=attention_for(user),
            tasks=list(tasks_for(user)[:50]),
            points=points_to_answer(user),
            perms_finance=user.has_perm("payments.use_finance"),
            can_add_project=user.has_perm("projects.add_project_anywhere"),
            **kwargs,
        )


class MemberHomeView(PermissionRequiredMixin, TemplateView):
    """A member's phone-first home: what is next for them, in plain words."""

    permission_required = "participants.view_member_home"
    template_name = "participants/member_home.html"

    def get_context_data(self, **kwargs):
        # The links to each profile's pages name only the organisation.
        profiles = list(
            participant_profiles_for(self.request.user).only("preferred_name", "organisation__name")
        )
        next_meeting = next_meeting_for_member(self.request.user)
        return super().get_context_data(
            next_meeting=next_meeting[0] if next_meeting else None,
            next_invitee=next_meeting[1] if next_meeting else None,
            actions=open_actions_for(self.request.user),
            preferred_name=profiles[0].preferred_name if profiles else "",
            profiles=profiles,
            memberships=memberships_for_member_home(self.request.user),
            reviews=open_reviews_for_member(self.request.user),
            pulses=pulses_to_give(self.request.user),
            **kwargs,
        )
