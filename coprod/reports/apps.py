from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "coprod.reports"
    label = "reports"
    verbose_name = "Funder reports"
