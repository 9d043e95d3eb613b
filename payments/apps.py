from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        from coprod.accounts.services import ORGANISATION_CREATED_LISTENERS
        from payments import data_rights  # noqa: F401
        from payments.message_topics import register_all
        from payments.services import policy_default_create, rate_cards_from_facts
        from projects.services import PROJECT_CREATED_LISTENERS

        register_all()
        # Defaults made with a new organisation or project, so pages only ever read them.
        if rate_cards_from_facts not in ORGANISATION_CREATED_LISTENERS:
            ORGANISATION_CREATED_LISTENERS.append(rate_cards_from_facts)
        if policy_default_create not in PROJECT_CREATED_LISTENERS:
            PROJECT_CREATED_LISTENERS.append(policy_default_create)
