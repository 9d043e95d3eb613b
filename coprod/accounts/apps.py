from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coprod.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"
