from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "anirena.groups"
    label = "release_groups"
    verbose_name = "Release groups"
