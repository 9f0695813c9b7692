"""Run the Python client samples of the API guide against a real HTTP server on 127.0.0.1.

The samples are executed as published (anirena/api/samples.py), with only BASE_URL,
the credentials, the file name and the example torrent id filled in.
"""

import contextlib
import io

import pytest
import requests

from anirena.api import samples
from anirena.comments.services import post_comment
from anirena.torrents.models import Torrent
from tests.api.conftest import PASSWORD, SAMPLE_RELEASE, fill_placeholders
from tests.factories import make_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def run_sample(code: str, namespace: dict, replacements: dict[str, str]) -> str:
    """Execute a sample in `namespace` after the given text replacements; return what it printed."""
    code = fill_placeholders(code, replacements)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, "<api sample>", "exec"), namespace)  # noqa: S102 - our own published sample
    return output.getvalue()


def test_guide_python_samples(sample_site):
    user = sample_site.user
    group = sample_site.group
    base = {'"__BASE_URL__"': repr(sample_site.url).replace("'", '"')}
    namespace: dict = {}

    # Sign in with 2FA and ask for a new API key.
    printed = run_sample(samples.LOGIN["python"], namespace, {
        **base, '"your-username"': '"sampler"', '"your-password"': f'"{PASSWORD}"',
        '"123456"': f'"{sample_site.totp_code()}"',
    })
    api_key = namespace["data"]["api_key"]
    assert printed.startswith("New API key")
    assert api_key in printed

    # Exchange the key for a token, dry-run the upload, then upload for real.
    upload_code = samples.UPLOAD["python"]
    upload_replacements = {**base, '"YOUR_API_KEY"': f'"{api_key}"',
                           '"file.torrent"': f'"{sample_site.torrent_file}"'}
    printed = run_sample(upload_code, namespace, {
        **upload_replacements, '"is_private": False,': '"is_private": False, "test": True,',
        'print(data["id"], data["name"])': 'print(data["test"], data["name"])',
    })
    assert printed.strip() == f"True {SAMPLE_RELEASE}.mkv"
    assert "id" not in namespace["data"]
    assert Torrent.objects.count() == 0
    printed = run_sample(upload_code, namespace, upload_replacements)
    torrent_id = namespace["data"]["id"]
    assert printed.strip() == f"{torrent_id} {SAMPLE_RELEASE}.mkv"
    assert namespace["token"] == namespace["resp"].headers["X-New-Token"]
    assert Torrent.objects.get(pk=torrent_id).sub_category.slug == "raw"

    # Search for it with the token saved from X-New-Token.
    printed = run_sample(samples.SEARCH["python"], namespace, {})
    assert printed.startswith(f"{SAMPLE_RELEASE}.mkv - magnet:?xt=urn:btih:")

    # Details and comments of the new torrent.
    post_comment(user, Torrent.objects.get(pk=torrent_id), "Great release!")
    printed = run_sample(samples.COMMENTS["python"], namespace,
                         {'"550e8400-e29b-41d4-a716-446655440000"': f'"{torrent_id}"'})
    assert printed.strip() == "sampler - Great release!"
    token = namespace["token"]
    detail = requests.get(f"{sample_site.url}/api/v1/torrent/{torrent_id}",
                          headers={"Authorization": f"Bearer {token}"}, timeout=30)
    detail.raise_for_status()
    assert detail.json()["files"] == [{"path": f"{SAMPLE_RELEASE}.mkv",
                                       "size": detail.json()["files"][0]["size"]}]
    assert detail.headers["X-New-Token"] == token

    # Anime search needs no token.
    printed = run_sample(samples.ANIME_SEARCH["python"], namespace, {})
    assert printed.strip().endswith("- Sword Art Online")

    # Groups, in the samples' style.
    resp = requests.get(f"{sample_site.url}/api/v1/groups", params={"q": "Sampler"},
                        headers={"Authorization": f"Bearer {token}"}, timeout=30)
    resp.raise_for_status()
    token = resp.headers.get("X-New-Token", token)
    assert [item["id"] for item in resp.json()["groups"]] == [group.pk]
    one = requests.get(f"{sample_site.url}/api/v1/groups/{group.slug}",
                       headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert one.json()["name"] == "Sampler Subs"


def test_token_endpoint_over_http(live_server):
    user = make_user("keyholder", password=PASSWORD)
    from anirena.accounts.api_keys import create_api_key

    api_key, _row = create_api_key(user)
    # No body and no content type, as the Node and PHP samples send it.
    auth = requests.post(f"{live_server.url}/api/v1/auth/token", headers={"Authorization": f"ApiKey {api_key}"},
                         timeout=30)
    auth.raise_for_status()
    token = auth.json()["token"]
    missing = requests.get(f"{live_server.url}/api/v1/groups", timeout=30)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert requests.get(f"{live_server.url}/api/v1/groups", headers={"Authorization": f"Bearer {token}"},
                        timeout=30).status_code == 200
