from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "coprod.reports"
    label = "reports"
    verbose_name = "Funder reports"

    def ready(self):
        from coprod.accounts.navigation import watch_access  # noqa: PLC0415 - imported once the app registry is ready
        from coprod.reports import notifications  # noqa: PLC0415 - imported once the app registry is ready
        from coprod.reports.models import FunderGrant  # noqa: PLC0415 - imported once the app registry is ready
        from coprod.reports.totals import worked_totals_follow  # noqa: PLC0415 - see above
        from projects.meetings.services import ATTENDANCE_RECORDED_LISTENERS  # noqa: PLC0415 - see above

        # A funder's first grant gives them "Reports" in the navigation.
        watch_access(FunderGrant)

        # The "you may read these reports" message to a funder.
        notifications.register()
        # The portfolio's time worked follows attendance, in the same transaction.
        if worked_totals_follow not in ATTENDANCE_RECORDED_LISTENERS:
            ATTENDANCE_RECORDED_LISTENERS.append(worked_totals_follow)
