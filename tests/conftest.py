import pytest

from tests.factories import make_user


@pytest.fixture
def uploader(db):
    return make_user("uploader")


@pytest.fixture
def uploader_client(client, uploader):
    client.force_login(uploader)
    return client
