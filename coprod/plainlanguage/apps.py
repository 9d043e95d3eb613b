from django.apps import AppConfig


class PlainLanguageConfig(AppConfig):
    name = "coprod.plainlanguage"
    label = "plainlanguage"
    verbose_name = "Plain language"
