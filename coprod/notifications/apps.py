from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "coprod.notifications"
    label = "notifications"
    verbose_name = "Messages to people (the outbox)"

    def ready(self):
        # The outbox's part of a person's data, and hearing when someone agrees
        # to be contacted. The kinds of message are registered by the apps that
        # send them (kinds.py).
        from coprod.notifications import data_rights  # noqa: F401, PLC0415 - imported once the app registry is ready
        from coprod.notifications.services import consent_changed  # noqa: PLC0415 - imported once the app registry is ready
        from participants.services import CONSENT_LISTENERS  # noqa: PLC0415 - imported once the app registry is ready

        if consent_changed not in CONSENT_LISTENERS:
            CONSENT_LISTENERS.append(consent_changed)
