import pytest
from django.test import override_settings

from anirena.groups import services
from anirena.groups.models import Group, Invitation, Membership
from anirena.moderation.models import AuditEvent
from anirena.torrents.services.upload import UploadRejected
from tests.community_factories import add_member, make_group, make_staff, upload
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return make_user("owner")


@pytest.fixture
def group(owner):
    return make_group(owner, name="Test Subs", description="We sub things.")


def test_create_makes_owner_member(owner, group):
    membership = Membership.objects.get(group=group)
    assert group.slug == "test-subs"
    assert (membership.user, membership.role) == (owner, "owner")
    assert AuditEvent.objects.filter(tag="group:create", actor=owner).exists()


def test_name_unique_ignoring_case(owner, group):
    with pytest.raises(services.GroupError, match="already exists"):
        make_group(make_user("other"), name="TEST SUBS", slug="another")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("slug", "new", "reserved"),
    ("slug", "日本", "Latin letters"),
    ("subdomain_slug", "www", "reserved"),
    ("subdomain_slug", "Bad_Label", "lower-case"),
])
def test_create_rejects_bad_addresses(owner, field, value, message):
    with pytest.raises(services.GroupError, match=message):
        services.create_group(owner, name="Some Group", **{field: value})
    assert not Group.objects.exists()


@pytest.mark.parametrize(("policy", "role", "allowed"), [
    ("any", "user", True),
    ("trusted", "user", False),
    ("trusted", "trusted", True),
    ("staff", "trusted", False),
    ("staff", "moderator", True),
])
def test_creation_policy(policy, role, allowed):
    user = make_user(f"{policy}-{role}", role=role)
    with override_settings(GROUPS_USER_CREATION=policy):
        assert services.can_create_group(user) is allowed


@override_settings(GROUPS_USER_CREATION="staff")
def test_create_refused_by_policy(owner):
    with pytest.raises(services.GroupPermissionDenied):
        make_group(owner)


def test_invitation_accepted_makes_member(owner, group):
    invitee = make_user("invitee")
    invitation = services.invite(owner, group, "INVITEE")
    assert not group.memberships.filter(user=invitee).exists()
    services.accept_invitation(invitee, invitation)
    assert services.role_of(invitee, group) == "member"
    assert not Invitation.objects.exists()


def test_invitation_for_someone_else(owner, group):
    invitation = services.invite(owner, group, make_user("invitee").username)
    with pytest.raises(services.GroupPermissionDenied):
        services.accept_invitation(make_user("intruder"), invitation)


def test_invite_unknown_or_member(owner, group):
    with pytest.raises(services.GroupError, match="No active user"):
        services.invite(owner, group, "nobody")
    with pytest.raises(services.GroupError, match="already a member"):
        services.invite(owner, group, "owner")


def test_member_cannot_invite(owner, group):
    member = make_user("member")
    add_member(group, member)
    with pytest.raises(services.GroupPermissionDenied):
        services.invite(member, group, make_user("friend").username)


def test_admin_invites_members_not_admins(owner, group):
    admin = make_user("groupadmin")
    add_member(group, admin, "admin")
    make_user("friend")
    with pytest.raises(services.GroupPermissionDenied):
        services.invite(admin, group, "friend", role="admin")
    assert services.invite(admin, group, "friend").role == "member"


def test_remove_rules(owner, group):
    admin, member, other_admin = make_user("groupadmin"), make_user("member"), make_user("admin2")
    add_member(group, admin, "admin")
    add_member(group, member)
    add_member(group, other_admin, "admin")
    with pytest.raises(services.GroupPermissionDenied):
        services.remove_member(admin, group, other_admin)
    with pytest.raises(services.GroupError, match="owner cannot"):
        services.remove_member(admin, group, owner)
    services.remove_member(admin, group, member)
    services.remove_member(owner, group, other_admin)
    assert list(group.memberships.values_list("user__username", flat=True).order_by("user__username")) == [
        "groupadmin", "owner"]


def test_member_leaves(owner, group):
    member = make_user("member")
    add_member(group, member)
    services.remove_member(member, group, member)
    assert services.role_of(member, group) is None
    assert AuditEvent.objects.filter(tag="group:leave").exists()


def test_owner_changes_roles(owner, group):
    member = make_user("member")
    add_member(group, member)
    services.set_member_role(owner, group, member, "admin")
    assert services.role_of(member, group) == "admin"
    with pytest.raises(services.GroupPermissionDenied):
        services.set_member_role(member, group, owner, "member")


def test_directory_hides_locked_and_disabled(owner, group):
    make_group(owner, name="Locked Group").__class__.objects.filter(slug="locked-group").update(locked=True)
    make_group(owner, name="Off Group").__class__.objects.filter(slug="off-group").update(enabled=False)
    assert [g.slug for g in services.public_groups()] == ["test-subs"]
    assert services.get_public_group("locked-group") is None
    assert services.get_public_group(group.pk).slug == "test-subs"
    assert services.get_public_group(str(group.pk)).slug == "test-subs"
    assert services.get_public_group("TEST-SUBS").pk == group.pk


def test_directory_search_and_sort(owner, uploader):
    alpha = make_group(owner, name="Alpha Raws")
    beta = make_group(owner, name="Beta Subs")
    gamma = make_group(owner, name="Gamma Subs")
    for user in (make_user("m1"), make_user("m2")):
        add_member(gamma, user)
    add_member(beta, uploader)
    upload(uploader, group_id=beta.pk)
    upload(uploader, group_id=beta.pk)

    assert [g.name for g in services.public_groups("subs")] == ["Beta Subs", "Gamma Subs"]
    assert [g.name for g in services.public_groups(sort="members", order="desc")][:1] == ["Gamma Subs"]
    by_torrents = list(services.public_groups(sort="torrents", order="desc"))
    assert (by_torrents[0].name, by_torrents[0].torrent_count, by_torrents[0].member_count) == ("Beta Subs", 2, 2)
    assert [g.name for g in services.public_groups(sort="name", order="desc")] == ["Gamma Subs", "Beta Subs",
                                                                                   "Alpha Raws"]
    assert [g.name for g in services.public_groups(sort="created")] == ["Alpha Raws", "Beta Subs", "Gamma Subs"]
    assert [g.name for g in services.public_groups(sort="bogus")] == ["Alpha Raws", "Beta Subs", "Gamma Subs"]
    assert alpha.pk < gamma.pk


def test_directory_counts_in_one_query(owner, django_assert_max_num_queries):
    for number in range(5):
        make_group(owner, name=f"Group {number}")
    with django_assert_max_num_queries(1):
        rows = [(g.name, g.member_count, g.torrent_count) for g in services.public_groups()]
    assert len(rows) == 5


def test_non_member_cannot_upload_to_group(owner, group, uploader):
    with pytest.raises(UploadRejected, match="not a member"):
        upload(uploader, group_id=group.pk)
    add_member(group, uploader)
    assert upload(uploader, group_id=group.pk).group == group


def test_staff_sees_hidden_group(owner, group):
    Group.objects.filter(pk=group.pk).update(locked=True)
    assert services.visible_group(make_user("visitor"), "test-subs") is None
    assert services.visible_group(make_staff(), "test-subs") is not None
    assert services.visible_group(owner, "test-subs") is not None
