from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from anirena.groups.models import Group, Invitation, Membership
from anirena.groups.services import with_counts
from anirena.moderation.admin_tools import AuditedAdmin, update_with_audit


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Group)
class GroupAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object = "group"
    list_display = ("name", "slug", "subdomain_slug", "owner", "member_count", "torrent_count", "enabled", "locked",
                    "created_at")
    list_filter = ("enabled", "locked")
    search_fields = ("name", "slug", "subdomain_slug", "owner__username")
    raw_id_fields = ("owner",)
    inlines = [MembershipInline]
    actions = ["enable_groups", "disable_groups", "lock_groups", "unlock_groups"]

    def get_queryset(self, request):
        return with_counts(super().get_queryset(request).select_related("owner"))

    @admin.display(description=_("Members"), ordering="member_count")
    def member_count(self, group):
        return group.member_count

    @admin.display(description=_("Torrents"), ordering="torrent_count")
    def torrent_count(self, group):
        return group.torrent_count

    @admin.action(description=_("Enable the selected groups"))
    def enable_groups(self, request, queryset):
        update_with_audit(self, request, queryset, "group:enable", _("%(count)d groups enabled."), enabled=True)

    @admin.action(description=_("Disable the selected groups"))
    def disable_groups(self, request, queryset):
        update_with_audit(self, request, queryset, "group:disable", _("%(count)d groups disabled."), enabled=False)

    @admin.action(description=_("Lock the selected groups (hidden from the directory)"))
    def lock_groups(self, request, queryset):
        update_with_audit(self, request, queryset, "group:lock", _("%(count)d groups locked."), locked=True)

    @admin.action(description=_("Unlock the selected groups"))
    def unlock_groups(self, request, queryset):
        update_with_audit(self, request, queryset, "group:unlock", _("%(count)d groups unlocked."), locked=False)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("group", "invitee", "role", "invited_by", "created_at")
    search_fields = ("group__name", "invitee__username")
    raw_id_fields = ("invitee", "invited_by")
