from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        # Imports here, not at the top: a module with models can be imported
        # only once the app registry is ready, and that is now.
        from coprod.accounts.services import ORGANISATION_CREATED_LISTENERS  # noqa: PLC0415 - see above
        from payments import (  # noqa: PLC0415 - see above
            data_rights,  # noqa: F401 - registers this app's data
            notifications,
        )
        from payments.services import (  # noqa: PLC0415 - see above
            attendance_recorded,
            attendance_removing,
            policy_default_create,
            rate_cards_from_facts,
        )
        from projects.meetings.services import (  # noqa: PLC0415 - see above
            ATTENDANCE_RECORDED_LISTENERS,
            ATTENDANCE_REMOVING_LISTENERS,
        )
        from projects.services import PROJECT_CREATED_LISTENERS  # noqa: PLC0415 - see above

        # The "you have been paid" message, and how the dashboard names a claim.
        notifications.register()
        # Time claims follow the attendance they pay for.
        if attendance_recorded not in ATTENDANCE_RECORDED_LISTENERS:
            ATTENDANCE_RECORDED_LISTENERS.append(attendance_recorded)
        if attendance_removing not in ATTENDANCE_REMOVING_LISTENERS:
            ATTENDANCE_REMOVING_LISTENERS.append(attendance_removing)
        # Defaults made with a new organisation or project, so pages only ever read them.
        if rate_cards_from_facts not in ORGANISATION_CREATED_LISTENERS:
            ORGANISATION_CREATED_LISTENERS.append(rate_cards_from_facts)
        if policy_default_create not in PROJECT_CREATED_LISTENERS:
            PROJECT_CREATED_LISTENERS.append(policy_default_create)
