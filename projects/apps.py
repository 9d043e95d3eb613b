from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects, meetings and promises"

    def ready(self):
        # Register this app's part of a person's data (export and erasure).
        from projects import data_rights  # noqa: F401
        from projects.meetings import notifications as meeting_messages
        from projects.outbox import rules  # noqa: F401
        from projects.promises import notifications as promise_messages

        # The messages meetings and promises send (their words, and the
        # "still wanted?" checks), and how the dashboard names what they are about.
        meeting_messages.register()
        promise_messages.register()
