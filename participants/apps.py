from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Participants"

    def ready(self):
        # Register this app's part of a person's data (export and erasure). Imported
        # here: a module with models can be imported only once the registry is ready.
        from participants import data_rights  # noqa: F401, PLC0415
