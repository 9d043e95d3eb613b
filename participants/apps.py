from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Participants"

    def ready(self):
        # Register this app's part of a person's data (export and erasure).
        from participants import data_rights  # noqa: F401
