from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "coprod.notifications"
    label = "notifications"
    verbose_name = "Messages to people (the outbox)"

    def ready(self):
        # The outbox's part of a person's data, and hearing when someone agrees
        # to be contacted. The kinds of message are registered by the apps that
        # send them (kinds.py).
        from coprod.notifications import data_rights  # noqa: F401
        from coprod.notifications.services import consent_changed
        from participants.services import CONSENT_LISTENERS

        if consent_changed not in CONSENT_LISTENERS:
            CONSENT_LISTENERS.append(consent_changed)
