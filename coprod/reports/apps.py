from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "coprod.reports"
    label = "reports"
    verbose_name = "Funder reports"

    def ready(self):
        from coprod.reports import notifications

        # The "you may read these reports" message to a funder.
        notifications.register()
