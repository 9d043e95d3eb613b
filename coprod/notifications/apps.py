from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "coprod.notifications"
    label = "notifications"
    verbose_name = "Messages to people (the outbox)"

    def ready(self):
        # Registrations: the data-rights export, and the "still wanted?" checks
        # the dispatcher runs before each meeting or promise message goes.
        from coprod.notifications import data_rights, meetings, promises  # noqa: F401
