import ipaddress
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
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
    # NOTE: the TOTP secret must be readable to check codes, so it is stored as is (base32),
    # unlike every other secret of an account. Empty means two-factor authentication is off.
    totp_secret = models.CharField(max_length=64, blank=True, editable=False)
    # The last TOTP time step accepted, so a code cannot be used twice.
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)
    totp_enabled_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AccountManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def save(self, *args, **kwargs):
        # Staff status follows the role, so the admin site opens exactly to moderators,
        # administrators and superusers, and the matching auth group is kept in step.
        self.is_staff = self.is_superuser or self.role in STAFF_ROLES
        update_fields = kwargs.get("update_fields")
        role_saved = update_fields is None or "role" in update_fields or "is_superuser" in update_fields
        if update_fields is not None and role_saved:
            kwargs["update_fields"] = {*update_fields, "is_staff"}
        super().save(*args, **kwargs)
        if role_saved:
            from anirena.accounts.roles import sync_role_groups

            sync_role_groups(self)

    @property
    def is_site_staff(self) -> bool:
        return self.role in STAFF_ROLES or self.is_superuser

    @property
    def can_upload(self) -> bool:
        return self.is_active and not self.is_banned and self.deletion_requested_at is None

    @property
    def has_two_factor(self) -> bool:
        return bool(self.totp_secret)

    @property
    def is_usable(self) -> bool:
        """True while the account may sign in and use its API key."""
        return self.is_active and not self.is_banned and self.deletion_requested_at is None


class RecoveryCode(models.Model):
    """A one-time two-factor recovery code, stored as the SHA-256 of an 80-bit random code."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)


class UserSession(models.Model):
    """A signed-in browser session, listed under Active sessions. Deleting the row ends the session."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="browser_sessions")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    browser = models.CharField(max_length=100, blank=True)
    os = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.browser or '?'} on {self.os or '?'} ({self.ip_address or '-'})"


class ApiKey(models.Model):
    """A personal API key. Only the SHA-256 of its secret part is stored; one active key per user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    # The short public id printed inside the key, used to find the row and to recognise the key.
    key_id = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API key"
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(revoked_at__isnull=True), name="apikey_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.masked} ({self.user})"

    @property
    def masked(self) -> str:
        from anirena.accounts.api_keys import KEY_PREFIX

        return f"{KEY_PREFIX}{self.key_id}_…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PendingPasswordChange(models.Model):
    """A password change waiting for the code emailed to the user.

    The new password is kept only as its hash. The code is kept only as a keyed HMAC,
    because six digits are too few to survive an offline search of a plain hash.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=128)
    new_password_hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)


def validate_network(value: str) -> None:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValidationError(
            _("%(value)s is not an IP address or network; write it as 203.0.113.7, 203.0.113.0/24 or 2001:db8::/32."),
            params={"value": value},
        ) from None


class BlockedNetwork(models.Model):
    """An IP address or range (CIDR) that may not sign up, sign in or upload."""

    network = models.CharField(max_length=49, validators=[validate_network],
                               help_text=_("An address or a range in CIDR form, e.g. 203.0.113.0/24."))
    reason = models.CharField(max_length=200, help_text=_("For staff; never shown to the blocked visitor."))
    expires_at = models.DateTimeField(null=True, blank=True, help_text=_("Empty blocks with no end."))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = "blocked IP network"

    def __str__(self) -> str:
        return self.network

    def save(self, *args, **kwargs):
        # Stored in canonical form (host bits cleared), so the admin list shows what is matched.
        self.network = str(ipaddress.ip_network(self.network.strip(), strict=False))
        super().save(*args, **kwargs)
