from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "coprod.notifications"
    label = "notifications"
    verbose_name = "Messages to people (the outbox)"

    def ready(self):
        from coprod.notifications import data_rights  # noqa: F401
