from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        from payments import data_rights, notifications  # noqa: F401

        # The "you have been paid" message, and how the dashboard names a claim.
        notifications.register()
