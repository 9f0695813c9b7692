"""Helpers shared by the admin classes of the community apps: role-based access and audited actions."""

from django.contrib import messages

from anirena.moderation import audit


class SiteStaffAccess:
    """Open an admin class to moderators and administrators by their role, whatever their auth permissions.

    Django's admin still requires `is_staff`, which the accounts app keeps in step with the role.
    """

    def _is_site_staff(self, request) -> bool:
        return request.user.is_active and request.user.is_site_staff

    def has_module_permission(self, request):
        return self._is_site_staff(request)

    def has_view_permission(self, request, obj=None):
        return self._is_site_staff(request)

    def has_change_permission(self, request, obj=None):
        return self._is_site_staff(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_site_staff(request)


class AuditedAdmin:
    """Record every save and delete made through this admin class in the audit log as `<audit_object>:<action>`."""

    audit_object = "object"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = "edit" if change else "create"
        audit.record(f"{self.audit_object}:{action}", request=request, id=str(obj.pk),
                     fields=sorted(form.changed_data))

    def delete_model(self, request, obj):
        object_id = str(obj.pk)
        super().delete_model(request, obj)
        audit.record(f"{self.audit_object}:delete", request=request, id=object_id)

    def delete_queryset(self, request, queryset):
        object_ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        super().delete_queryset(request, queryset)
        for object_id in object_ids:
            audit.record(f"{self.audit_object}:delete", request=request, id=object_id)


def update_with_audit(modeladmin, request, queryset, tag: str, message: str, **changes) -> None:
    """Apply `changes` to each selected row, record `tag` for each, and tell the user how many changed."""
    count = 0
    for obj in queryset:
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.save(update_fields=list(changes))
        audit.record(tag, request=request, id=str(obj.pk), **{name: _plain(value) for name, value in changes.items()})
        count += 1
    modeladmin.message_user(request, message % {"count": count}, messages.SUCCESS)


def _plain(value):
    """Return `value` in a form the JSON payload of an audit event can hold."""
    if hasattr(value, "pk"):
        return str(value.pk)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
