from django.contrib import admin

from participants.models import ConsentWording, Participant, ProjectMembership


class ProjectMembershipInline(admin.TabularInline):
    model = ProjectMembership
    extra = 0


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    """For the people who run the installation: never a reader of anyone's private details.

    Private notes are read only through services.private_notes_read (logged);
    communication needs go to the coordinators named on the person's projects;
    a self-description is only ever counted.
    """

    list_display = ["preferred_name", "organisation", "user"]
    list_filter = ["organisation"]
    exclude = [*Participant.PRIVATE_FIELDS, *Participant.COMMUNICATION_FIELDS, "self_description"]
    inlines = [ProjectMembershipInline]


@admin.register(ConsentWording)
class ConsentWordingAdmin(admin.ModelAdmin):
    """New words are a new version: existing versions cannot be changed."""

    list_display = ["topic", "version", "valid_from"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)
