from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        from payments import data_rights  # noqa: F401
        from payments.message_topics import register_all

        register_all()
