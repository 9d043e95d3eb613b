from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "coprod.notifications"
    label = "notifications"
    verbose_name = "Messages to people (the outbox)"

    def ready(self):
        # Registrations: the data-rights export, and the "still wanted?" checks
        # the dispatcher runs before each meeting or promise message goes.
        from coprod.notifications import data_rights, meetings, promises  # noqa: F401
        from coprod.notifications.services import consent_changed
        from participants.services import CONSENT_LISTENERS

        if consent_changed not in CONSENT_LISTENERS:
            CONSENT_LISTENERS.append(consent_changed)
