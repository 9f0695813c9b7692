from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from anirena.accounts.models import User


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ("username", "email", "role", "is_active", "is_banned", "date_joined")
    list_filter = ("role", "is_active", "is_banned", "is_staff")
    search_fields = ("username", "email")
    fieldsets = UserAdmin.fieldsets + (
        ("AniRena", {"fields": ("role", "is_banned", "ban_reason", "banned_at", "terms_accepted_at",
                                "activated_at", "deletion_requested_at", "preferences")}),
    )
