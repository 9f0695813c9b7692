from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "anirena.api"
    label = "api"
    verbose_name = "JSON API"
