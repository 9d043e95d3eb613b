from django.contrib import admin

from coprod.reports.models import ReportEvent


@admin.register(ReportEvent)
class ReportEventAdmin(admin.ModelAdmin):
    """The log of report access and use: read here, never written or changed here."""

    list_display = ["created_at", "user_email", "kind", "project", "organisation", "as_funder"]
    list_filter = ["kind", "organisation"]
    search_fields = ["user_email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
