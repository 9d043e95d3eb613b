from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "coprod.demo"
    label = "demo"
    verbose_name = "Demo data and the dashboard"
