import base64
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from anirena.accounts.api_keys import create_api_key, mint_bearer_token
from anirena.accounts.twofactor import new_totp_secret
from anirena.anime.importer import import_entries
from anirena.search import catalog, index
from tests.community_factories import make_group
from tests.community_factories import site_mode  # noqa: F401 - a fixture
from tests.factories import make_torrent, make_user

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fresh_caches(settings):
    """Give each test its own rate-limit counters and a fresh catalog, also when the cache is a shared Redis."""
    settings.RATELIMIT_KEY_PREFIX = f"test-api-{uuid.uuid4().hex}"
    cache.delete(catalog.CACHE_KEY)
    index.bump_generation()
    yield
    cache.delete(catalog.CACHE_KEY)


class ApiClient:
    """A Django test client that speaks JSON and sends a bearer token when given one."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def _headers(self, token, headers):
        result = dict(headers or {})
        token = self.token if token is None else token
        if token and "Authorization" not in result:
            result["Authorization"] = f"Bearer {token}"
        return result

    def post(self, path, body=None, *, token=None, headers=None, raw=None):
        if raw is not None:
            data = raw
        elif body is not None:
            data = json.dumps(body)
        else:
            data = ""
        return self.client.post(path, data=data, content_type="application/json",
                                headers=self._headers(token, headers))

    def put(self, path, body=None, *, token=None, headers=None):
        return self.client.put(path, data=json.dumps(body), content_type="application/json",
                               headers=self._headers(token, headers))

    def get(self, path, params=None, *, token=None, headers=None):
        return self.client.get(path, params or {}, headers=self._headers(token, headers))


@pytest.fixture
def alice(db):
    return make_user("alice", password=PASSWORD)


@pytest.fixture
def alice_key(alice):
    plain, _row = create_api_key(alice)
    return plain


@pytest.fixture
def alice_token(alice, alice_key):
    from anirena.accounts.models import ApiKey

    token, _lifetime = mint_bearer_token(ApiKey.objects.get(user=alice, revoked_at__isnull=True))
    return token


@pytest.fixture
def api(alice_token):
    """An API client signed in as alice with a bearer token."""
    return ApiClient(alice_token)


@pytest.fixture
def anonymous(db):
    return ApiClient()


def token_for(user) -> str:
    _plain, row = create_api_key(user)
    token, _lifetime = mint_bearer_token(row)
    return token


def client_for_user(username: str, **fields) -> tuple:
    user = make_user(username, password=PASSWORD, **fields)
    return user, ApiClient(token_for(user))


def torrent_b64(**options) -> str:
    return base64.b64encode(make_torrent(**options)).decode()


def error_of(response) -> dict:
    """Return the `error` object of an API error response, checking the shared shape on the way."""
    body = response.json()
    assert body["ok"] is False
    assert body["detail"] == body["error"]["message"]
    assert body["code"] == body["error"]["code"]
    assert body["error"]["status"] == response.status_code
    assert set(body["error"]) >= {"status", "code", "field", "message"}
    return body["error"]


SAMPLE_RELEASE = "Sword Art Online - 01 [Sampler Subs]"


@dataclass
class SampleSite:
    """A live server with the account, group, anime entry and torrent file the API guide's samples use."""

    url: str
    user: object
    group: object
    torrent_file: Path

    def totp_code(self) -> str:
        return pyotp.TOTP(self.user.totp_secret).now()


@pytest.fixture
def sample_site(live_server, tmp_path) -> SampleSite:
    """Set up the account "sampler" with 2FA, its group, the anime "Sword Art Online" and a torrent of episode 01."""
    user = make_user("sampler", password=PASSWORD)
    user.totp_secret = new_totp_secret()
    user.totp_enabled_at = timezone.now()
    user.save(update_fields=["totp_secret", "totp_enabled_at"])
    group = make_group(user, name="Sampler Subs")
    import_entries([{"sources": ["https://anidb.net/anime/8692"], "title": "Sword Art Online", "synonyms": []}])
    torrent_file = tmp_path / "file.torrent"
    torrent_file.write_bytes(make_torrent(name=SAMPLE_RELEASE))
    # The live server binds an IPv4 socket, so name the address rather than "localhost",
    # which a client may resolve to ::1 first.
    url = live_server.url.replace("://localhost:", "://127.0.0.1:")
    return SampleSite(url=url, user=user, group=group, torrent_file=torrent_file)


def fill_placeholders(code: str, replacements: dict[str, str]) -> str:
    """Return a sample with each placeholder replaced, failing when one is not in the sample."""
    for old, new in replacements.items():
        assert old in code, f"{old!r} is not in the sample"
        code = code.replace(old, new)
    return code
