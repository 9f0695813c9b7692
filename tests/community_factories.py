"""Objects and fixtures for the tests of groups, comments, anime, statistics and moderation."""

import pytest

from anirena.torrents.services.upload import UploadRequest, upload_torrent
from tests.factories import make_torrent, make_user


def upload(user, *, name: str | None = None, category: str = "anime", **fields):
    """Upload a fresh torrent through the upload service and return it."""
    data = make_torrent(name=name) if name else make_torrent()
    return upload_torrent(user, UploadRequest(data=data, category=category, **fields))


def make_staff(username: str = "moderator", role: str = "moderator"):
    return make_user(username, role=role)


def make_group(owner, name: str = "Test Subs", **fields):
    from anirena.groups.services import create_group

    return create_group(owner, name=name, **fields)


def add_member(group, user, role: str = "member"):
    from anirena.groups.models import Membership

    return Membership.objects.create(group=group, user=user, role=role)


def client_for(user):
    """Return a new test client signed in as `user`; one client per persona keeps their sessions apart."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def site_mode(db):
    """Return a function that switches the site mode; the cached mode is dropped after the test."""
    from anirena.moderation.sitemode import forget_cached_settings, set_mode

    yield set_mode
    forget_cached_settings()
