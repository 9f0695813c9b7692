import io

import pytest
from django.test import override_settings
from django.urls import reverse

from anirena.torrents.models import Torrent
from tests.community_factories import client_for, make_staff
from tests.factories import make_torrent, make_user

pytestmark = pytest.mark.django_db

LIMITS = {"user": (2, 3600), "trusted": (3, 3600)}


def post_upload(client):
    data = io.BytesIO(make_torrent())
    data.name = "release.torrent"
    return client.post(reverse("torrents:upload"), {"torrent": data, "category": "anime"})


@override_settings(UPLOAD_RATE_LIMITS=LIMITS)
def test_user_limit_reached():
    user_client = client_for(make_user("regular"))
    statuses = [post_upload(user_client).status_code for _attempt in range(3)]
    response = post_upload(user_client)
    assert statuses[:2] == [302, 302]
    assert statuses[2] == 400
    assert "limit of 2 uploads per 60 minutes" in response.content.decode()
    assert Torrent.objects.count() == 2


@override_settings(UPLOAD_RATE_LIMITS=LIMITS)
def test_rejected_upload_does_not_count():
    user_client = client_for(make_user("regular"))
    bad = io.BytesIO(b"not a torrent")
    bad.name = "bad.torrent"
    user_client.post(reverse("torrents:upload"), {"torrent": bad, "category": "anime"})
    assert [post_upload(user_client).status_code for _attempt in range(2)] == [302, 302]


@override_settings(UPLOAD_RATE_LIMITS=LIMITS)
def test_trusted_role_has_own_limit():
    trusted_client = client_for(make_user("trusted", role="trusted"))
    assert [post_upload(trusted_client).status_code for _attempt in range(4)] == [302, 302, 302, 400]


@override_settings(UPLOAD_RATE_LIMITS=LIMITS)
def test_staff_not_limited():
    staff_client = client_for(make_staff())
    assert [post_upload(staff_client).status_code for _attempt in range(3)] == [302, 302, 302]
