from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects, meetings and promises"

    def ready(self):
        # Imports here, not at the top: a module with models can be imported
        # only once the app registry is ready, and that is now.
        from participants.services import MEMBERSHIP_LISTENERS  # noqa: PLC0415 - see above
        from projects import data_rights  # noqa: F401, PLC0415 - registers this app's data
        from projects.meetings.services import members_changed  # noqa: PLC0415 - see above
        from projects.message_topics import register_all  # noqa: PLC0415 - see above

        # Name meetings, changes and promises on the dashboard's list of things to do.
        register_all()
        # Upcoming meetings' invitations follow the project's members.
        if members_changed not in MEMBERSHIP_LISTENERS:
            MEMBERSHIP_LISTENERS.append(members_changed)
