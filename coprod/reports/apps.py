from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "coprod.reports"
    label = "reports"
    verbose_name = "Funder reports"

    def ready(self):
        from coprod.reports import notifications  # noqa: PLC0415 - imported once the app registry is ready

        # The "you may read these reports" message to a funder.
        notifications.register()
