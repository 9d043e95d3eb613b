from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView

from coprod.accounts.permissions import PermissionRequiredMixin
from coprod.formerrors import run_service
from participants import services
from participants.forms import PrivateNotesForm
from participants.selectors import (
    access_log_for,
    memberships_for_member_home,
    participant_get_for_staff,
    participant_get_own,
    participant_profiles_for,
    private_notes_readers,
)


class MemberHomeView(PermissionRequiredMixin, TemplateView):
    """A member's phone-first home: what is next for them, in plain words."""

    permission_required = "participants.view_member_home"
    template_name = "participants/member_home.html"

    def get_context_data(self, **kwargs):
        profiles = list(participant_profiles_for(self.request.user))
        return super().get_context_data(
            preferred_name=profiles[0].preferred_name if profiles else "",
            profiles=profiles,
            memberships=memberships_for_member_home(self.request.user),
            **kwargs,
        )


class OwnProfileMixin(PermissionRequiredMixin):
    """Pages about oneself: any other person's profile is simply not found."""

    permission_required = "participants.change_own_profile"

    def get_permission_object(self):
        if not hasattr(self, "participant"):
            self.participant = participant_get_own(self.request.user, self.kwargs["pk"])
        return self.participant

    def get_context_data(self, **kwargs):
        return super().get_context_data(participant=self.participant, **kwargs)


class AboutMeView(OwnProfileMixin, TemplateView):
    template_name = "participants/about_me.html"

    def get_context_data(self, **kwargs):
        notes = services.private_notes_read(
            participant=self.get_permission_object(), viewer=self.request.user
        )
        return super().get_context_data(
            notes=notes, readers=private_notes_readers(self.participant), **kwargs
        )


class PrivateNotesEditView(OwnProfileMixin, FormView):
    template_name = "participants/private_notes_form.html"
    form_class = PrivateNotesForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_permission_object()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(readers=private_notes_readers(self.participant), **kwargs)

    def form_valid(self, form):
        if run_service(
            self.request,
            form,
            lambda: services.private_notes_update(
                participant=self.participant, by=self.request.user, **form.cleaned_data
            ),
            "Saved. Only the people listed can see this.",
        ):
            return redirect("participants:about_me", pk=self.participant.pk)
        return self.form_invalid(form)


class AccessLogView(OwnProfileMixin, TemplateView):
    template_name = "participants/access_log.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            entries=access_log_for(self.get_permission_object()), **kwargs
        )


class PersonView(PermissionRequiredMixin, TemplateView):
    """A coordinator's page about one person. Opening private notes is logged."""

    permission_required = "participants.view_person"
    template_name = "participants/person_detail.html"

    def get_permission_object(self):
        if not hasattr(self, "participant"):
            self.participant = participant_get_for_staff(self.request.user, self.kwargs["pk"])
        return self.participant

    def get_context_data(self, **kwargs):
        participant = self.participant
        notes = None
        if self.request.user.has_perm("participants.view_private_notes", participant):
            notes = services.private_notes_read(participant=participant, viewer=self.request.user)
        return super().get_context_data(
            participant=participant,
            notes=notes,
            memberships=participant.memberships.select_related("project").order_by(
                "project__title"
            ),
            readers=private_notes_readers(participant),
            **kwargs,
        )
