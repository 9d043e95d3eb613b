from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Participants"

    def ready(self):
        # Imports here, not at the top: a module with models can be imported
        # only once the app registry is ready, and that is now.
        from coprod.accounts.navigation import watch_access  # noqa: PLC0415 - see above
        from coprod.accounts.services import ORGANISATION_CREATED_LISTENERS  # noqa: PLC0415 - see above
        from participants import data_rights  # noqa: F401, PLC0415 - registers this app's data
        from participants.models import Participant  # noqa: PLC0415 - see above
        from participants.services import role_catalogue_seed  # noqa: PLC0415 - see above

        # A profile linked to a login (or unlinked) gives or takes "My next things".
        watch_access(Participant)

        # Every new organisation starts with the role catalogue (member, co-lead...).
        if role_catalogue_seed not in ORGANISATION_CREATED_LISTENERS:
            ORGANISATION_CREATED_LISTENERS.insert(0, role_catalogue_seed)
