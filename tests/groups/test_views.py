import pytest
from django.urls import reverse

from anirena.groups.models import Group, Invitation
from anirena.moderation.models import SiteSettings
from tests.community_factories import add_member, client_for, make_group, upload
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return make_user("owner")


@pytest.fixture
def group(owner):
    return make_group(owner, name="Test Subs", subdomain_slug="testsubs",
                      description="Weekly **batches**. <script>alert(1)</script>")


def test_directory_lists_public_groups(client, owner, group):
    hidden = make_group(owner, name="Hidden Group")
    Group.objects.filter(pk=hidden.pk).update(locked=True)
    body = client.get(reverse("groups:directory")).content.decode()
    assert "Test Subs" in body
    assert "Hidden Group" not in body


def test_directory_search_fragment(client, owner, group):
    make_group(owner, name="Other Raws")
    response = client.get(reverse("groups:directory"), {"q": "raws"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Other Raws" in body
    assert "Test Subs" not in body
    assert "<html" not in body


def test_group_page_renders_sanitised_description(client, group, uploader):
    add_member(group, uploader)
    torrent = upload(uploader, group_id=group.pk)
    body = client.get(reverse("groups:detail", args=["test-subs"])).content.decode()
    assert "<strong>batches</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert torrent.get_absolute_url() in body


def test_locked_group_page_404_for_public(client, group):
    Group.objects.filter(pk=group.pk).update(locked=True)
    assert client.get(reverse("groups:detail", args=["test-subs"])).status_code == 404


def test_subdomain_serves_group_page(client, group):
    response = client.get("/", HTTP_HOST="testsubs.testserver")
    assert response.status_code == 200
    assert "Test Subs" in response.content.decode()


def test_subdomain_other_paths_work(client, group):
    response = client.get(reverse("groups:directory"), HTTP_HOST="testsubs.testserver")
    assert response.status_code == 200


def test_unknown_subdomain_404(client, group):
    assert client.get("/", HTTP_HOST="nothing.testserver").status_code == 404


def test_www_subdomain_is_home(client, group):
    response = client.get("/", HTTP_HOST="www.testserver")
    assert response.status_code == 200
    assert "Weekly" not in response.content.decode()


def test_create_group_page(client):
    user = make_user("creator")
    client.force_login(user)
    response = client.post(reverse("groups:create"), {"name": "New Crew", "description": "hi"})
    group = Group.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:detail", args=[group.slug])
    assert group.owner == user


def test_create_group_duplicate_name_shows_error(client, owner, group):
    client.force_login(make_user("creator"))
    response = client.post(reverse("groups:create"), {"name": "test subs", "slug": "other"})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()


def test_invite_and_accept_flow(client, owner, group):
    invitee = make_user("invitee")
    client.force_login(owner)
    response = client.post(reverse("groups:invite", args=["test-subs"]), {"username": "invitee", "role": "member"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()

    invitee_client = client_for(invitee)
    assert "Test Subs" in invitee_client.get(reverse("groups:invitations")).content.decode()
    invitee_client.post(reverse("groups:invitation_answer", args=[invitation.pk, "accept"]))
    assert group.memberships.filter(user=invitee, role="member").exists()


def test_non_manager_cannot_manage(client, group):
    member = make_user("member")
    add_member(group, member)
    client.force_login(member)
    assert client.get(reverse("groups:manage", args=["test-subs"])).status_code == 404
    response = client.post(reverse("groups:invite", args=["test-subs"]), {"username": "member", "role": "member"})
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_owner_edits_description(client, owner, group):
    client.force_login(owner)
    client.post(reverse("groups:manage", args=["test-subs"]), {"name": "Test Subs", "description": "New text"})
    group.refresh_from_db()
    assert group.description == "New text"


def test_upload_form_lists_only_members_groups(client, owner, group):
    stranger_page = client_for(make_user("stranger")).get(reverse("torrents:upload"))
    owner_page = client_for(owner).get(reverse("torrents:upload"))
    assert stranger_page.status_code == 200
    assert "Test Subs" not in stranger_page.content.decode()
    assert "Test Subs" in owner_page.content.decode()


def test_read_only_refuses_group_creation(client, site_mode):
    site_mode(SiteSettings.Mode.READ_ONLY)
    client.force_login(make_user("creator"))
    response = client.post(reverse("groups:create"), {"name": "New Crew"})
    assert response.status_code == 503
    assert not Group.objects.exists()
