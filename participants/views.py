from django.views.generic import TemplateView

from coprod.accounts.permissions import PermissionRequiredMixin
from participants.selectors import memberships_for_member_home, participant_profiles_for


class MemberHomeView(PermissionRequiredMixin, TemplateView):
    """A member's phone-first home: what is next for them, in plain words."""

    permission_required = "participants.view_member_home"
    template_name = "participants/member_home.html"

    def get_context_data(self, **kwargs):
        profiles = list(participant_profiles_for(self.request.user))
        return super().get_context_data(
            preferred_name=profiles[0].preferred_name if profiles else "",
            memberships=memberships_for_member_home(self.request.user),
            **kwargs,
        )
