from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_staff_groups(apps, schema_editor):
    from anirena.accounts.roles import sync_staff_groups

    # Permissions are normally created after all migrations (post_migrate); create them now
    # so the groups get theirs on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_staff_groups(apps)


def remove_staff_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Moderators", "Administrators"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_security"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("torrents", "0002_categories_and_languages"),
        ("release_groups", "0001_initial"),
        ("moderation", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_staff_groups, remove_staff_groups)]
