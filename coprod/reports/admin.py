from django.contrib import admin

from coprod.adminsite import ReadOnlyAdmin
from coprod.reports.models import FunderGrant, ReportEvent


@admin.register(FunderGrant)
class FunderGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "project", "expires_on", "revoked_at"]
    list_filter = ["project__organisation"]


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnlyAdmin):
    """The log of report access and use: read here, never written or changed here."""

    list_display = ["created_at", "user_email", "kind", "project", "organisation", "as_funder"]
    list_filter = ["kind", "organisation"]
    search_fields = ["user_email"]
