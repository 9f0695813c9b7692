import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    USER = "user", _("User")
    TRUSTED = "trusted", _("Trusted uploader")
    MODERATOR = "moderator", _("Moderator")
    ADMIN = "admin", _("Administrator")


STAFF_ROLES = (Role.MODERATOR, Role.ADMIN)


class AccountManager(UserManager):
    def get_by_natural_key(self, username):
        # Sign-in accepts any letter case, matching the case-insensitive uniqueness below.
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A site account. Usernames and emails are unique regardless of letter case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email address"))
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.USER)
    terms_accepted_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    is_banned = models.BooleanField(default=False)
    ban_reason = models.CharField(max_length=500, blank=True)
    banned_at = models.DateTimeField(null=True, blank=True)
    deletion_requested_at = models.DateTimeField(null=True, blank=True)
    preferences = models.JSONField(default=dict, blank=True)

    objects = AccountManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    @property
    def is_site_staff(self) -> bool:
        return self.role in STAFF_ROLES or self.is_superuser

    @property
    def can_upload(self) -> bool:
        return self.is_active and not self.is_banned and self.deletion_requested_at is None
