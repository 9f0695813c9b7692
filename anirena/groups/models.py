from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Group(models.Model):
    """A release group. Only enabled, unlocked groups are public."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=64, unique=True)
    subdomain_slug = models.SlugField(max_length=63, unique=True, null=True, blank=True)
    description = models.TextField(max_length=20000, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_groups")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="release_groups")
    enabled = models.BooleanField(default=True)
    locked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="group_name_ci_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.enabled and not self.locked


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ADMIN = "admin", pgettext_lazy("group role", "Admin")
        MEMBER = "member", _("Member")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="membership_unique")]


class Invitation(models.Model):
    """An invitation to join a group, sent by its owner or an admin; membership starts when the invitee accepts."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    role = models.CharField(max_length=8, choices=[(Membership.Role.ADMIN, "Admin"), (Membership.Role.MEMBER, "Member")],
                            default=Membership.Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["group", "invitee"], name="invitation_unique")]

    def __str__(self) -> str:
        return f"{self.invitee} to {self.group}"
