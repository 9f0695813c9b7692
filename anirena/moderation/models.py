import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class BannedPattern(models.Model):
    """Content that uploads may not contain, checked against names, file names and descriptions."""

    class Kind(models.TextChoices):
        SUBSTRING = "substring", _("Substring (case-insensitive)")
        REGEX = "regex", _("Regular expression (case-insensitive)")

    class Target(models.TextChoices):
        ANY = "any", _("Anywhere: name, file names, description and comments")
        NAME = "name", _("Name")
        FILES = "files", _("File names")
        DESCRIPTION = "description", _("Description")

    pattern = models.CharField(max_length=500)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SUBSTRING)
    target = models.CharField(max_length=16, choices=Target.choices, default=Target.ANY)
    reason = models.CharField(max_length=200, help_text="Shown to the uploader whose torrent matches.")
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.pattern

    def clean(self):
        if self.kind == self.Kind.REGEX:
            try:
                re.compile(self.pattern)
            except re.error as error:
                raise ValidationError({"pattern": f"Invalid regular expression: {error}"}) from None


class AuditEvent(models.Model):
    """One security- or moderation-relevant action, tagged ``object:action[:result]``."""

    tag = models.CharField(max_length=64, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.tag} by {self.actor_name or '-'}"


class SiteSettings(models.Model):
    """The single row of settings that staff change while the site runs; read through `sitemode`."""

    class Mode(models.TextChoices):
        NORMAL = "normal", _("Normal")
        READ_ONLY = "read_only", _("Read-only: browsing and downloads only")
        MAINTENANCE = "maintenance", _("Maintenance: only staff get in")

    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.NORMAL)
    message = models.CharField(max_length=500, blank=True,
                               help_text=_("Shown to visitors in read-only and maintenance mode, e.g. when it ends."))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self) -> str:
        return f"Site mode: {self.get_mode_display()}"

    def save(self, *args, **kwargs):
        # One row only: whatever instance is saved becomes row 1.
        self.pk = 1
        super().save(*args, **kwargs)


class Report(models.Model):
    """A user's report of a torrent or a comment, open until staff resolve or dismiss it."""

    class Reason(models.TextChoices):
        ILLEGAL = "illegal", _("Illegal content")
        SPAM = "spam", _("Spam or advertising")
        WRONG_CATEGORY = "wrong_category", _("Wrong category or information")
        FAKE = "fake", _("Fake, broken or malware")
        ABUSE = "abuse", _("Harassment or abuse")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 related_name="reports_made")
    torrent = models.ForeignKey("torrents.Torrent", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="reports")
    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="reports")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    details = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    resolution_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(torrent__isnull=False, comment__isnull=True)
                | models.Q(torrent__isnull=True, comment__isnull=False),
                name="report_one_target",
            ),
        ]

    def __str__(self) -> str:
        target = f"comment {self.comment_id}" if self.comment_id else f"torrent {self.torrent_id}"
        return f"{self.get_reason_display()}: {target}"
