from datetime import datetime
from datetime import timezone as dt_timezone

import pytest

from anirena.groups.models import Group
from tests.api.conftest import error_of
from tests.community_factories import add_member, make_group, upload
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/groups"
GROUP_FIELDS = {"id", "name", "slug", "subdomain_slug", "description", "owner", "member_count", "torrent_count",
                "created_at"}


@pytest.fixture
def groups(alice):
    bob = make_user("bob")
    subs = make_group(bob, name="SubsPlease", subdomain_slug="subsplease", description="Weekly simulcast batches.")
    add_member(subs, alice)
    upload(bob, group_id=subs.pk)
    upload(alice, group_id=subs.pk)
    other = make_group(alice, name="Another Group")
    Group.objects.filter(pk=make_group(bob, name="Hidden Group").pk).update(locked=True)
    Group.objects.filter(pk=make_group(bob, name="Disabled Group").pk).update(enabled=False)
    return {"subs": subs, "other": other}


def test_group_list_shape(api, groups):
    response = api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"total", "page", "per_page", "total_pages", "groups"}
    assert (body["total"], body["page"], body["per_page"], body["total_pages"]) == (2, 1, 20, 1)
    assert [group["name"] for group in body["groups"]] == ["Another Group", "SubsPlease"]
    subs = body["groups"][1]
    assert set(subs) == GROUP_FIELDS
    assert subs["id"] == groups["subs"].pk
    assert isinstance(subs["id"], int)
    assert (subs["slug"], subs["subdomain_slug"], subs["owner"]) == ("subsplease", "subsplease", "bob")
    assert subs["description"] == "Weekly simulcast batches."
    assert (subs["member_count"], subs["torrent_count"]) == (2, 2)


def test_group_list_filter_sort_page(api, groups):
    assert [group["slug"] for group in api.get(URL, {"q": "subs"}).json()["groups"]] == ["subsplease"]
    by_torrents = api.get(URL, {"sort": "torrents", "order": "desc"}).json()["groups"]
    assert by_torrents[0]["slug"] == "subsplease"
    by_name_desc = api.get(URL, {"sort": "name", "order": "desc"}).json()["groups"]
    assert by_name_desc[0]["slug"] == "subsplease"
    for sort in ("slug", "members", "created"):
        assert api.get(URL, {"sort": sort}).status_code == 200
    second = api.get(URL, {"per_page": 1, "page": 2}).json()
    assert (second["total_pages"], [group["slug"] for group in second["groups"]]) == (2, ["subsplease"])


@pytest.mark.parametrize("params, field", [
    ({"per_page": "0"}, "per_page"), ({"per_page": "101"}, "per_page"), ({"page": "0"}, "page"),
    ({"sort": "size"}, "sort"), ({"order": "sideways"}, "order"),
])
def test_group_list_bad_parameters_are_400(api, db, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert error_of(response)["field"] == field


def test_group_created_at_format(api, groups):
    Group.objects.filter(pk=groups["subs"].pk).update(
        created_at=datetime(2024, 1, 15, 12, 34, 56, tzinfo=dt_timezone.utc))
    assert api.get(f"{URL}/subsplease").json()["created_at"] == "2024-01-15 12:34"


@pytest.mark.parametrize("key", ["id", "slug"])
def test_group_by_id_or_slug(api, groups, key):
    subs = groups["subs"]
    response = api.get(f"{URL}/{subs.pk if key == 'id' else subs.slug}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == GROUP_FIELDS
    assert (body["id"], body["name"]) == (subs.pk, "SubsPlease")


@pytest.mark.parametrize("name", ["hidden-group", "disabled-group", "no-such-group", "99999",
                                  "99999999999999999999999", "²"])
def test_group_not_public_is_404(api, groups, name):
    response = api.get(f"{URL}/{name}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_groups_need_token(anonymous, db):
    assert anonymous.get(URL).status_code == 401
    assert anonymous.get(f"{URL}/anything").status_code == 401


def test_group_read_limit(api, db, settings):
    settings.API_READ_RATE_LIMIT = (1, 60)
    assert api.get(URL).status_code == 200
    assert api.get(URL).status_code == 429
