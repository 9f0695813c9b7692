"""Staff roles and the auth groups that carry their admin-site permissions.

A moderator or administrator is ``is_staff`` (set by ``User.save``) and a member of
the matching group; superusers keep every permission whatever their role.
"""

from django.contrib.auth.models import Group

from anirena.accounts.models import Role

MODERATORS = "Moderators"
ADMINISTRATORS = "Administrators"

ROLE_GROUPS = {Role.MODERATOR: MODERATORS, Role.ADMIN: ADMINISTRATORS}

# "app_label.codename", or "app_label.*" for every permission of an app. Permissions of
# models that do not exist yet are skipped and added by the post_migrate sync later.
GROUP_PERMISSIONS = {
    MODERATORS: [
        # Users: ban and unban (the admin keeps role, staff and password fields from moderators).
        "accounts.view_user", "accounts.change_user",
        "accounts.view_usersession", "accounts.delete_usersession",
        "accounts.view_apikey", "accounts.change_apikey",
        "accounts.view_blockednetwork", "accounts.add_blockednetwork",
        "accounts.change_blockednetwork", "accounts.delete_blockednetwork",
        "torrents.view_torrent", "torrents.change_torrent", "torrents.delete_torrent",
        "release_groups.view_group", "release_groups.change_group", "release_groups.view_membership",
        "moderation.view_auditevent",
        "moderation.view_bannedpattern", "moderation.add_bannedpattern",
        "moderation.change_bannedpattern", "moderation.delete_bannedpattern",
        "moderation.view_report", "moderation.change_report", "moderation.view_sitesettings",
        "comments.view_comment", "comments.change_comment", "comments.delete_comment",
        "anime.view_anime", "anime.change_anime",
    ],
    ADMINISTRATORS: [
        "accounts.*", "torrents.*", "release_groups.*", "moderation.*", "comments.*", "anime.*",
        "auth.view_group", "auth.view_permission",
    ],
}


def sync_staff_groups(apps=None) -> None:
    """Create the staff groups and add any of their permissions they lack.

    Runs from a data migration (with the historical `apps`) and after every migrate, so
    permissions of models added later reach the groups. Permissions that staff granted
    by hand are kept.
    """
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for group_name, wanted in GROUP_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        permissions = []
        for entry in wanted:
            app_label, codename = entry.split(".", 1)
            matching = permission_model.objects.filter(content_type__app_label=app_label)
            if codename != "*":
                matching = matching.filter(codename=codename)
            permissions.extend(matching)
        group.permissions.add(*permissions)


def sync_role_groups(user) -> None:
    """Put `user` in the group of their role and out of the other staff group."""
    staff_groups = list(Group.objects.filter(name__in=ROLE_GROUPS.values()))
    wanted = ROLE_GROUPS.get(user.role)
    user.groups.remove(*[group for group in staff_groups if group.name != wanted])
    user.groups.add(*[group for group in staff_groups if group.name == wanted])
