from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "anirena.accounts"
    label = "accounts"
    verbose_name = "Accounts"
