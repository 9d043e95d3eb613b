from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from coprod.accounts.models import StaffRole
from coprod.accounts.permissions import PermissionRequiredMixin
from coprod.accounts.selectors import organisations_for, places_for, staff_roles
from coprod.notifications.selectors import attention_for
from projects.meetings.selectors import open_actions_for
from projects.selectors import project_list_for_dashboard


class HomeView(View):
    """Send each person to their own place: dashboard, member home or reports."""

    def get(self, request):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        places = places_for(request.user)
        if places:
            return redirect(places[0].url_name)
        return render(request, "accounts/no_place.html")


class AccountView(LoginRequiredMixin, TemplateView):
    """Your account: email, password, two-step login (offered to staff)."""

    template_name = "accounts/account.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            offer_two_step=self.request.user.has_perm("accounts.view_dashboard"), **kwargs
        )


class DashboardView(PermissionRequiredMixin, TemplateView):
    permission_required = "accounts.view_dashboard"
    template_name = "accounts/dashboard.html"

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
            can_add_project=user.has_perm("projects.add_project_anywhere"),
            **kwargs,
        )
