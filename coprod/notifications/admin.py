from django.contrib import admin

from coprod.notifications import kinds
from coprod.notifications.models import Notification, ReminderRule


class KindFilter(admin.SimpleListFilter):
    """The kinds the apps registered, by their names for people."""

    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kinds.choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """For the people who run the installation: read the outbox, change nothing by hand."""

    list_display = ["kind_name", "channel", "status", "due_at", "sent_at", "attempts", "project"]
    list_filter = ["status", "channel", KindFilter]
    search_fields = ["idempotency_key", "provider_message_id"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    @admin.display(description="kind", ordering="kind")
    def kind_name(self, obj):
        return obj.kind_label


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ["project", "label", "minutes_before", "window_minutes", "sms_only", "active"]
