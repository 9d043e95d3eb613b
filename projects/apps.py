from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects, meetings and promises"

    def ready(self):
        # Register this app's part of a person's data (export and erasure).
        from projects import data_rights  # noqa: F401
        from projects.message_topics import register_all

        # Name meetings, changes and promises on the dashboard's list of things to do.
        register_all()
