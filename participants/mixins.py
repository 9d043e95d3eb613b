"""Mixins for pages about a participant, shared by the participant and payment pages."""

from coprod.accounts.permissions import PermissionRequiredMixin
from participants.selectors import participant_get_own


class OwnProfileMixin(PermissionRequiredMixin):
    """Pages about oneself: any other person's profile is simply not found."""

    permission_required = "participants.change_own_profile"

    def get_permission_object(self):
        if not hasattr(self, "participant"):
            self.participant = participant_get_own(self.request.user, self.kwargs["pk"])
        return self.participant

    def get_context_data(self, **kwargs):
        return super().get_context_data(participant=self.participant, **kwargs)
