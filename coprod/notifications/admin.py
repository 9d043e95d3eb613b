from django.contrib import admin

from coprod.notifications.models import Notification, ReminderRule


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """For the people who run the installation: read the outbox, change nothing by hand."""

    list_display = ["kind", "channel", "status", "due_at", "sent_at", "attempts", "project"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["idempotency_key", "provider_message_id"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ["project", "label", "minutes_before", "window_minutes", "sms_only", "active"]
