from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anirena.moderation import audit
from anirena.moderation.admin_tools import AuditedAdmin, SiteStaffAccess, update_with_audit
from anirena.moderation.models import AuditEvent, BannedPattern, Report, SiteSettings
from anirena.moderation.reports import close_reports
from anirena.moderation.sitemode import forget_cached_settings
from anirena.torrents.admin import TorrentAdmin
from anirena.torrents.models import Category, Torrent


@admin.register(BannedPattern)
class BannedPatternAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object = "banned_pattern"
    list_display = ("pattern", "kind", "target", "reason", "enabled", "created_at")
    list_filter = ("kind", "target", "enabled")
    search_fields = ("pattern", "reason")
    actions = ["enable_patterns", "disable_patterns"]

    @admin.action(description=_("Enable the selected patterns"))
    def enable_patterns(self, request, queryset):
        update_with_audit(self, request, queryset, "banned_pattern:enable", _("%(count)d patterns enabled."),
                          enabled=True)

    @admin.action(description=_("Disable the selected patterns"))
    def disable_patterns(self, request, queryset):
        update_with_audit(self, request, queryset, "banned_pattern:disable", _("%(count)d patterns disabled."),
                          enabled=False)


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


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """The site mode switch. Moderators see it; administrators change it."""

    list_display = ("mode", "message", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    def _is_administrator(self, request) -> bool:
        return request.user.is_active and (request.user.is_superuser or request.user.role == "admin")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_site_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self._is_administrator(request) and not SiteSettings.objects.exists()

    def has_change_permission(self, request, obj=None):
        return self._is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        previous = SiteSettings.objects.filter(pk=1).values_list("mode", flat=True).first()
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        forget_cached_settings()
        audit.record("site:mode", request=request, mode=obj.mode, previous=previous, message=obj.message)


class ReportStatusFilter(admin.SimpleListFilter):
    """Status filter that shows open reports unless another status is chosen."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Report.Status.choices, ("all", _("All"))]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or Report.Status.OPEN) == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or Report.Status.OPEN
        return queryset if value == "all" else queryset.filter(status=value)


class ResolutionForm(ActionForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


@admin.register(Report)
class ReportAdmin(SiteStaffAccess, admin.ModelAdmin):
    list_display = ("created_at", "reason", "target_link", "reporter", "status", "resolved_by")
    list_filter = (ReportStatusFilter, "reason")
    list_select_related = ("reporter", "torrent", "comment", "comment__torrent", "resolved_by")
    search_fields = ("details", "torrent__title", "reporter__username")
    readonly_fields = ("reporter", "torrent", "comment", "reason", "details", "created_at", "resolved_at",
                       "resolved_by")
    fields = readonly_fields + ("status", "resolution_note")
    action_form = ResolutionForm
    actions = ["resolve_reports", "dismiss_reports"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("Reported"))
    def target_link(self, report):
        if report.comment_id:
            torrent = report.comment.torrent
            return format_html('<a href="{}#comment-{}">{}</a>', torrent.get_absolute_url(), report.comment_id,
                               _("Comment on %(title)s") % {"title": torrent.title})
        return format_html('<a href="{}">{}</a>', report.torrent.get_absolute_url(), report.torrent.title)

    @admin.action(description=_("Mark the selected reports resolved"))
    def resolve_reports(self, request, queryset):
        self._close(request, queryset, Report.Status.RESOLVED)

    @admin.action(description=_("Dismiss the selected reports"))
    def dismiss_reports(self, request, queryset):
        self._close(request, queryset, Report.Status.DISMISSED)

    def _close(self, request, queryset, status):
        note = request.POST.get("note", "").strip()
        closed = close_reports(queryset, status, actor=request.user, note=note, request=request)
        self.message_user(request, _("%(count)d reports closed.") % {"count": closed}, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data and obj.status != Report.Status.OPEN:
            status, note = obj.status, obj.resolution_note
            obj.status = Report.Status.OPEN
            close_reports([obj], status, actor=request.user, note=note, request=request)
            return
        super().save_model(request, obj, form, change)


class MoveTorrentForm(ActionForm):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False,
                                      empty_label=_("(for Move only)"))


admin.site.unregister(Torrent)


@admin.register(Torrent)
class ModeratedTorrentAdmin(TorrentAdmin):
    """The torrent admin with audited edits, deletes, category moves and comment locks."""

    action_form = MoveTorrentForm
    actions = ["move_to_category", "lock_comments", "unlock_comments"]
    list_display = (*TorrentAdmin.list_display, "comments_locked")
    list_filter = (*TorrentAdmin.list_filter, "comments_locked")

    def save_model(self, request, obj, form, change):
        previous = Torrent.objects.filter(pk=obj.pk).values("category_id", "sub_category_id").first() if change else None
        super().save_model(request, obj, form, change)
        moved = previous and (previous["category_id"], previous["sub_category_id"]) != (obj.category_id, obj.sub_category_id)
        if moved:
            audit.record("torrent:move", request=request, torrent=str(obj.pk), previous=previous["category_id"],
                         category=obj.category_id, sub_category=obj.sub_category_id)
        audit.record("torrent:edit" if change else "torrent:create", request=request, torrent=str(obj.pk),
                     fields=sorted(form.changed_data))

    def delete_model(self, request, obj):
        torrent_id, title = str(obj.pk), obj.title
        super().delete_model(request, obj)
        audit.record("torrent:delete", request=request, torrent=torrent_id, title=title)

    def delete_queryset(self, request, queryset):
        deleted = list(queryset.values_list("pk", "title"))
        super().delete_queryset(request, queryset)
        for torrent_id, title in deleted:
            audit.record("torrent:delete", request=request, torrent=str(torrent_id), title=title)

    @admin.action(description=_("Move the selected torrents to the chosen category"))
    def move_to_category(self, request, queryset):
        category = Category.objects.filter(pk=request.POST.get("category") or None).first()
        if category is None:
            self.message_user(request, _("Choose a category in the Category box, then run Move again."),
                              messages.ERROR)
            return
        update_with_audit(self, request, queryset, "torrent:move", _("%(count)d torrents moved."),
                          category=category, sub_category=None)

    @admin.action(description=_("Lock comments on the selected torrents"))
    def lock_comments(self, request, queryset):
        update_with_audit(self, request, queryset, "torrent:comments:lock", _("Comments locked on %(count)d torrents."),
                          comments_locked=True)

    @admin.action(description=_("Unlock comments on the selected torrents"))
    def unlock_comments(self, request, queryset):
        update_with_audit(self, request, queryset, "torrent:comments:unlock",
                          _("Comments unlocked on %(count)d torrents."), comments_locked=False)
