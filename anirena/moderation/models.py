import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class BannedPattern(models.Model):
    """Content that uploads may not contain, checked against names, file names and descriptions."""

    class Kind(models.TextChoices):
        SUBSTRING = "substring", "Substring (case-insensitive)"
        REGEX = "regex", "Regular expression (case-insensitive)"

    class Target(models.TextChoices):
        ANY = "any", "Name, file names and description"
        NAME = "name", "Name"
        FILES = "files", "File names"
        DESCRIPTION = "description", "Description"

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
