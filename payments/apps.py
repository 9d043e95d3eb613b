from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        # Imports here, not at the top: a module with models can be imported
        # only once the app registry is ready, and that is now.
        from payments import data_rights  # noqa: F401, PLC0415 - registers this app's data
        from payments.message_topics import register_all  # noqa: PLC0415 - see above
        from payments.services import attendance_recorded, attendance_removing  # noqa: PLC0415 - see above
        from projects.meetings.services import (  # noqa: PLC0415 - see above
            ATTENDANCE_RECORDED_LISTENERS,
            ATTENDANCE_REMOVING_LISTENERS,
        )

        register_all()
        # Time claims follow the attendance they pay for.
        if attendance_recorded not in ATTENDANCE_RECORDED_LISTENERS:
            ATTENDANCE_RECORDED_LISTENERS.append(attendance_recorded)
        if attendance_removing not in ATTENDANCE_REMOVING_LISTENERS:
            ATTENDANCE_REMOVING_LISTENERS.append(attendance_removing)
