from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class AccountsConfig(AppConfig):
    name = "coprod.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self):
        from coprod.accounts.models import StaffMembership  # noqa: PLC0415 - imported once the app registry is ready
        from coprod.accounts.navigation import (  # noqa: PLC0415 - see above
            remember_places_at_login,
            watch_access,
        )

        # A staff role given or taken away changes the person's navigation.
        watch_access(StaffMembership)
        user_logged_in.connect(remember_places_at_login, dispatch_uid="coprod.accounts.places")
