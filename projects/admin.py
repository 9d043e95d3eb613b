from django.contrib import admin

from projects.models import FunderGrant, Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["title"]


@admin.register(FunderGrant)
class FunderGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "project", "expires_on", "revoked_at"]
    list_filter = ["project__organisation"]
