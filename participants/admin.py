from django.contrib import admin

from participants.models import Participant, ProjectMembership


class ProjectMembershipInline(admin.TabularInline):
    model = ProjectMembership
    extra = 0


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["preferred_name", "organisation", "user"]
    list_filter = ["organisation"]
    inlines = [ProjectMembershipInline]
