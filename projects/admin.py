from django.contrib import admin

from coprod.adminsite import ReadOnlyAdmin
from projects.models import Meeting, Project, ProjectCoordinatorChange, Venue


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Coordinators are named in Coprod itself, where each change is recorded."""

    list_display = ["title", "organisation", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["title"]
    readonly_fields = ["coordinators"]

    def has_add_permission(self, request):
        # A project starts with a named coordinator, which only the service gives it.
        return False


@admin.register(ProjectCoordinatorChange)
class ProjectCoordinatorChangeAdmin(ReadOnlyAdmin):
    """Who was named coordinator of which project, by whom: read here, never changed."""

    list_display = ["created_at", "project", "kind", "coordinator_name", "by_name"]
    list_filter = ["kind", "project__organisation"]
    search_fields = ["coordinator_name", "project__title"]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "step_free", "accessible_toilet"]
    list_filter = ["organisation"]
    search_fields = ["name"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """For the people who run the installation. Answers and needs are not shown here."""

    list_display = ["title", "project", "starts_at", "status"]
    list_filter = ["status", "project__organisation"]
    search_fields = ["title"]
    readonly_fields = ["papers_ready_at", "notes_posted_at", "created_by"]
