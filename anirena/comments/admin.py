from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anirena.comments.models import Comment
from anirena.moderation.admin_tools import SiteStaffAccess, update_with_audit


@admin.register(Comment)
class CommentAdmin(SiteStaffAccess, admin.ModelAdmin):
    """Comments for staff: soft-delete and restore are the actions; bodies are read-only here."""

    list_display = ("created_at", "author", "torrent", "short_body", "edited_at", "deleted_at")
    list_filter = (("deleted_at", admin.EmptyFieldListFilter),)
    list_select_related = ("author", "torrent")
    search_fields = ("body", "author__username", "torrent__title")
    readonly_fields = ("torrent", "author", "body", "created_at", "edited_at", "edited_by", "deleted_at",
                       "deleted_by")
    actions = ["soft_delete", "restore"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Removing rows would break the thread; staff soft-delete with the action instead.
        return False

    @admin.display(description=_("Comment"))
    def short_body(self, comment):
        return comment.body[:80]

    @admin.action(description=_("Delete the selected comments (the body is hidden, the place kept)"))
    def soft_delete(self, request, queryset):
        update_with_audit(self, request, queryset.filter(deleted_at__isnull=True), "comment:delete",
                          _("%(count)d comments deleted."), deleted_at=timezone.now(), deleted_by=request.user)

    @admin.action(description=_("Restore the selected deleted comments"))
    def restore(self, request, queryset):
        update_with_audit(self, request, queryset.filter(deleted_at__isnull=False), "comment:restore",
                          _("%(count)d comments restored."), deleted_at=None, deleted_by=None)
