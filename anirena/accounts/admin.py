from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from anirena.accounts import events
from anirena.accounts.bans import apply_ban
from anirena.accounts.models import ApiKey, BlockedNetwork, Role, User, UserSession
from anirena.accounts.roles import sync_role_groups
from anirena.accounts.sessions import end_session, end_sessions
from anirena.moderation.audit import record

# Account fields a moderator may edit. Every other field is read-only for them.
MODERATOR_EDITABLE = {"is_banned", "ban_reason", "is_active"}


def is_administrator(user) -> bool:
    return user.is_superuser or user.role == Role.ADMIN


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ("username", "email", "role", "is_active", "is_banned", "two_factor", "date_joined")
    list_filter = ("role", "is_active", "is_banned", "is_staff")
    search_fields = ("username", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Role and status", {"fields": ("role", "is_active", "is_staff", "is_superuser", "groups",
                                        "user_permissions")}),
        ("Ban", {"fields": ("is_banned", "ban_reason", "banned_at")}),
        ("AniRena", {"fields": ("terms_accepted_at", "activated_at", "deletion_requested_at", "totp_enabled_at",
                                "preferences", "last_login", "date_joined")}),
    )
    actions = ["end_all_sessions"]

    @admin.display(boolean=True, description="2FA")
    def two_factor(self, obj):
        return obj.has_two_factor

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or is_administrator(request.user):
            return fieldsets
        # A read-only password field would print the hash; moderators do not see it at all.
        return [(name, {**options, "fields": tuple(f for f in options["fields"] if f != "password")})
                for name, options in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        # is_staff follows the role (User.save), and 2FA state changes only through its owner.
        readonly = {"is_staff", "banned_at", "totp_enabled_at", "last_login", "date_joined"}
        if not is_administrator(request.user):
            every_field = {field for _name, options in self.fieldsets for field in options["fields"]}
            readonly |= every_field - MODERATOR_EDITABLE
        return sorted(readonly)

    def has_change_permission(self, request, obj=None):
        # Moderators manage ordinary accounts only, never staff ones.
        if obj is not None and obj.is_site_staff and not is_administrator(request.user):
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not is_administrator(request.user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        before = User.objects.filter(pk=obj.pk).values("is_banned", "role").first() if change else None
        if before and obj.is_banned and not before["is_banned"]:
            obj.banned_at = timezone.now()
        if before and not obj.is_banned and before["is_banned"]:
            obj.banned_at = None
        super().save_model(request, obj, form, change)
        if before is None:
            return
        if obj.is_banned and not before["is_banned"]:
            apply_ban(obj, actor=request.user, request=request)
        elif before["is_banned"] and not obj.is_banned:
            record(events.UNBAN, request=request, user_id=str(obj.pk), username=obj.username)
        if before["role"] != obj.role:
            record(events.ROLE_CHANGE, request=request, user_id=str(obj.pk), username=obj.username,
                   old=before["role"], new=obj.role)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The groups field of the form was saved after the model; the role decides again.
        sync_role_groups(form.instance)

    @admin.action(description="Sign out all sessions of the selected accounts")
    def end_all_sessions(self, request, queryset):
        ended = sum(end_sessions(user) for user in queryset)
        self.message_user(request, f"{ended} sessions ended.", messages.SUCCESS)


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "browser", "os", "ip_address", "last_seen_at", "created_at")
    search_fields = ("user__username", "ip_address")
    readonly_fields = ("user", "ip_address", "user_agent", "browser", "os", "created_at", "last_seen_at")
    exclude = ("session_key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        record(events.SESSION_REVOKE, request=request, session_id=obj.pk, user_id=str(obj.user_id))
        end_session(obj)

    def delete_queryset(self, request, queryset):
        for row in queryset:
            self.delete_model(request, row)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("masked", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username", "key_id")
    readonly_fields = ("user", "key_id", "created_at", "last_used_at", "revoked_at")
    exclude = ("secret_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected API keys")
    def revoke(self, request, queryset):
        for api_key in queryset.filter(revoked_at__isnull=True):
            api_key.revoked_at = timezone.now()
            api_key.save(update_fields=["revoked_at"])
            record(events.API_KEY_REVOKE, request=request, key_id=api_key.key_id, user_id=str(api_key.user_id))


@admin.register(BlockedNetwork)
class BlockedNetworkAdmin(admin.ModelAdmin):
    list_display = ("network", "reason", "expires_at", "created_at", "created_by")
    search_fields = ("network", "reason")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
