from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_staff_groups(sender, **kwargs):
    from anirena.accounts.roles import sync_staff_groups

    sync_staff_groups()


class AccountsConfig(AppConfig):
    name = "anirena.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from anirena.accounts import signals  # noqa: F401 - connects the session-tracking receivers

        # Sent once per app after every migrate. The sync is idempotent, and running it for
        # each app lets the groups pick up permissions of apps listed after this one.
        post_migrate.connect(_sync_staff_groups, dispatch_uid="anirena.accounts.staff_groups")
