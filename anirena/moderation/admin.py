from django.contrib import admin

from anirena.moderation.models import AuditEvent, BannedPattern


@admin.register(BannedPattern)
class BannedPatternAdmin(admin.ModelAdmin):
    list_display = ("pattern", "kind", "target", "reason", "enabled", "created_at")
    list_filter = ("kind", "target", "enabled")
    search_fields = ("pattern", "reason")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "tag", "actor_name", "ip_address")
    list_filter = ("tag",)
    search_fields = ("actor_name", "tag", "ip_address")
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
