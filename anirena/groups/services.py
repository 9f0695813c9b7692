"""Release groups: the directory, creation, invitations and membership. Shared by the pages and the API.

Membership starts only when the invitee accepts an invitation, so nobody is
listed in a group (or can upload for it) without agreeing to it.
"""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from django.utils.text import slugify
from django.utils.translation import gettext as _

from anirena.groups.models import Group, Invitation, Membership
from anirena.moderation import audit

Role = Membership.Role

SORT_FIELDS = {
    "name": Lower("name"),
    "slug": F("slug"),
    "members": F("member_count"),
    "torrents": F("torrent_count"),
    "created": F("created_at"),
}
# Slugs that name pages under /groups/, and subdomains the site needs for itself.
RESERVED_SLUGS = frozenset({"new", "invitations"})
RESERVED_SUBDOMAINS = frozenset({"www", "api", "admin", "static", "media", "mail", "tracker", "announce", "cdn",
                                 "status", "help", "docs"})
_SUBDOMAIN_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


class GroupError(ValueError):
    """A group change breaks a rule; `message` says which and `field` names the form field."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class GroupPermissionDenied(PermissionDenied):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Directory ------------------------------------------------------------------------------

def with_counts(groups):
    """Annotate groups with `member_count` and `torrent_count`, each one indexed subquery per row."""
    from anirena.torrents.models import Torrent

    members = (Membership.objects.filter(group=OuterRef("pk")).order_by().values("group")
               .annotate(total=Count("pk")).values("total"))
    torrents = (Torrent.objects.filter(group=OuterRef("pk")).order_by().values("group")
                .annotate(total=Count("pk")).values("total"))
    return groups.annotate(member_count=Coalesce(Subquery(members), 0),
                           torrent_count=Coalesce(Subquery(torrents), 0))


def public_groups(q: str | None = None, sort: str = "name", order: str = "asc"):
    """Return enabled, unlocked groups with counts, filtered by a name substring and sorted.

    `sort` is one of name, slug, members, torrents, created; `order` asc or desc.
    Unknown values fall back to name and asc.
    """
    groups = Group.objects.filter(enabled=True, locked=False).select_related("owner")
    if q and q.strip():
        groups = groups.filter(name__icontains=q.strip())
    groups = with_counts(groups)
    field = SORT_FIELDS.get(sort, SORT_FIELDS["name"])
    ordering = field.desc() if order == "desc" else field.asc()
    return groups.order_by(ordering, Lower("name"), "pk")


def get_public_group(id_or_slug) -> Group | None:
    """Return the public group with this numeric id or slug, with counts, or None."""
    groups = with_counts(Group.objects.filter(enabled=True, locked=False).select_related("owner"))
    text = str(id_or_slug).strip()
    # isdigit() is true for superscripts such as "²", which int() rejects; only ASCII digits are ids.
    if text.isascii() and text.isdigit():
        return groups.filter(pk=int(text)).first()
    return groups.filter(slug=text.lower()).first()


def visible_group(user, slug: str) -> Group | None:
    """Return the group for its page: public groups for everyone, hidden ones for their members and staff."""
    group = with_counts(Group.objects.select_related("owner")).filter(slug=slug.lower()).first()
    if group is None or group.is_public:
        return group
    if user.is_authenticated and (user.is_site_staff or group.memberships.filter(user=user).exists()):
        return group
    return None


def group_torrents(group):
    from anirena.torrents.models import Torrent

    return (Torrent.objects.filter(group=group).select_related("category", "sub_category", "uploader")
            .defer("description", "comment", "tracker_tiers").order_by("-uploaded_at"))


# --- Roles ------------------------------------------------------------------------------------

def role_of(user, group) -> str | None:
    if not user.is_authenticated:
        return None
    return group.memberships.filter(user=user).values_list("role", flat=True).first()


def can_manage(user, group) -> bool:
    """Owners and admins of a group manage its page and members."""
    return role_of(user, group) in (Role.OWNER, Role.ADMIN)


def can_create_group(user) -> bool:
    if not user.is_authenticated or not user.can_upload:
        return False
    policy = settings.GROUPS_USER_CREATION
    if policy == "staff":
        return user.is_site_staff
    if policy == "trusted":
        return user.is_site_staff or user.role == "trusted"
    return True


# --- Creating and editing -------------------------------------------------------------------

def create_group(user, *, name: str, slug: str = "", subdomain_slug: str = "", description: str = "",
                 request=None) -> Group:
    """Create a group owned by `user`, who becomes its first member."""
    if not can_create_group(user):
        raise GroupPermissionDenied(_("Your account cannot create groups."))
    name = " ".join((name or "").split())
    if not name:
        raise GroupError(_("Enter a name."), field="name")
    slug = clean_slug(slug or name)
    subdomain = clean_subdomain(subdomain_slug)
    _check_free(name=name, slug=slug, subdomain=subdomain)
    try:
        with transaction.atomic():
            group = Group.objects.create(name=name, slug=slug, subdomain_slug=subdomain, description=description,
                                         owner=user)
            Membership.objects.create(group=group, user=user, role=Role.OWNER)
    except IntegrityError:
        # Another request took the name or slug between the check and the insert.
        raise GroupError(_("That name or slug was just taken; choose another."), field="name") from None
    audit.record("group:create", request=request, actor=user, group=group.pk, slug=group.slug)
    return group


def update_group(user, group, *, name: str, description: str, subdomain_slug: str = "", request=None) -> Group:
    if not can_manage(user, group):
        raise GroupPermissionDenied(_("Only the owner and admins of this group can change it."))
    name = " ".join((name or "").split())
    if not name:
        raise GroupError(_("Enter a name."), field="name")
    subdomain = clean_subdomain(subdomain_slug)
    _check_free(name=name, subdomain=subdomain, exclude=group.pk)
    group.name, group.description, group.subdomain_slug = name, description, subdomain
    group.save(update_fields=["name", "description", "subdomain_slug"])
    audit.record("group:edit", request=request, actor=user, group=group.pk)
    return group


def clean_slug(value: str) -> str:
    slug = slugify(value or "")[:64].strip("-")
    if not slug:
        raise GroupError(_("Enter a slug of Latin letters, digits and hyphens, such as my-group."), field="slug")
    if slug in RESERVED_SLUGS:
        raise GroupError(_("The slug %(slug)s is reserved; choose another.") % {"slug": slug}, field="slug")
    return slug


def clean_subdomain(value: str) -> str | None:
    value = (value or "").strip().lower()
    if not value:
        return None
    if not _SUBDOMAIN_LABEL.fullmatch(value):
        raise GroupError(_("A subdomain has 1 to 63 lower-case letters, digits and inner hyphens, such as mygroup."),
                         field="subdomain_slug")
    if value in RESERVED_SUBDOMAINS:
        raise GroupError(_("The subdomain %(name)s is reserved; choose another.") % {"name": value},
                         field="subdomain_slug")
    return value


def _check_free(*, name: str, slug: str | None = None, subdomain: str | None = None, exclude=None) -> None:
    others = Group.objects.exclude(pk=exclude) if exclude else Group.objects.all()
    if others.filter(name__iexact=name).exists():
        raise GroupError(_("A group named %(name)s already exists.") % {"name": name}, field="name")
    if slug and others.filter(slug=slug).exists():
        raise GroupError(_("The slug %(slug)s is taken; choose another.") % {"slug": slug}, field="slug")
    if subdomain and others.filter(subdomain_slug=subdomain).exists():
        raise GroupError(_("The subdomain %(name)s is taken; choose another.") % {"name": subdomain},
                         field="subdomain_slug")


# --- Invitations and members ------------------------------------------------------------------

def invite(actor, group, username: str, *, role: str = Role.MEMBER, request=None) -> Invitation:
    """Invite a user by username. Owners may invite admins; admins invite members only."""
    actor_role = role_of(actor, group)
    if actor_role not in (Role.OWNER, Role.ADMIN):
        raise GroupPermissionDenied(_("Only the owner and admins of this group can invite."))
    if role not in (Role.ADMIN, Role.MEMBER) or (role == Role.ADMIN and actor_role != Role.OWNER):
        raise GroupPermissionDenied(_("Only the owner can invite admins."))
    invitee = get_user_model().objects.filter(username__iexact=(username or "").strip(), is_active=True).first()
    if invitee is None:
        raise GroupError(_("No active user is named %(name)s.") % {"name": username}, field="username")
    if group.memberships.filter(user=invitee).exists():
        raise GroupError(_("%(name)s is already a member.") % {"name": invitee.username}, field="username")
    invitation, created = Invitation.objects.get_or_create(
        group=group, invitee=invitee, defaults={"invited_by": actor, "role": role}
    )
    if not created:
        raise GroupError(_("%(name)s is already invited.") % {"name": invitee.username}, field="username")
    audit.record("group:invite", request=request, actor=actor, group=group.pk, invitee=str(invitee.pk), role=role)
    return invitation


def accept_invitation(user, invitation, *, request=None) -> Membership:
    if invitation.invitee_id != user.pk:
        raise GroupPermissionDenied(_("This invitation is for someone else."))
    with transaction.atomic():
        membership, _created = Membership.objects.get_or_create(group=invitation.group, user=user,
                                                         defaults={"role": invitation.role})
        invitation.delete()
    audit.record("group:join", request=request, actor=user, group=invitation.group_id, role=membership.role)
    return membership


def decline_invitation(user, invitation, *, request=None) -> None:
    """Delete an invitation: the invitee declines it, or an owner or admin of the group withdraws it."""
    if invitation.invitee_id != user.pk and not can_manage(user, invitation.group):
        raise GroupPermissionDenied(_("You cannot withdraw this invitation."))
    audit.record("group:invitation:delete", request=request, actor=user, group=invitation.group_id,
                 invitee=str(invitation.invitee_id))
    invitation.delete()


def remove_member(actor, group, member, *, request=None) -> None:
    """Remove `member` from `group`. Members may leave; the owner removes anyone else; admins remove plain members."""
    membership = group.memberships.filter(user=member).first()
    if membership is None:
        raise GroupError(_("%(name)s is not a member.") % {"name": member.username})
    if membership.role == Role.OWNER:
        raise GroupError(_("The owner cannot leave or be removed; give the group to another member first."))
    actor_role = role_of(actor, group)
    leaving = actor.pk == member.pk
    allowed = leaving or actor_role == Role.OWNER or (actor_role == Role.ADMIN and membership.role == Role.MEMBER)
    if not allowed:
        raise GroupPermissionDenied(_("You cannot remove %(name)s from this group.") % {"name": member.username})
    membership.delete()
    audit.record("group:leave" if leaving else "group:remove", request=request, actor=actor, group=group.pk,
                 member=str(member.pk))


def set_member_role(actor, group, member, role: str, *, request=None) -> Membership:
    """Make a member an admin or a plain member again; only the owner may."""
    if role_of(actor, group) != Role.OWNER:
        raise GroupPermissionDenied(_("Only the owner can change roles."))
    if role not in (Role.ADMIN, Role.MEMBER):
        raise GroupError(_("Choose admin or member."))
    membership = group.memberships.filter(user=member).exclude(role=Role.OWNER).first()
    if membership is None:
        raise GroupError(_("%(name)s is not a member whose role can change.") % {"name": member.username})
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record("group:role", request=request, actor=actor, group=group.pk, member=str(member.pk), role=role)
    return membership


def pending_invitations(user):
    return Invitation.objects.filter(invitee=user).select_related("group", "invited_by")


def members_of(group):
    """Return the memberships of a group: the owner first, then admins, then members, each by username."""
    rank = Case(When(role=Role.OWNER, then=Value(0)), When(role=Role.ADMIN, then=Value(1)), default=Value(2))
    return group.memberships.select_related("user").order_by(rank, Lower("user__username"))
