"""The Japanese and French catalogues: complete, compiled, and used by the pages."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import make_user

CATALOGUE_LANGUAGES = ("ja", "fr")
PLURAL_FORMS = {"ja": "nplurals=1; plural=0;", "fr": "nplurals=2; plural=(n > 1);"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]")


def catalogue_path(language: str, suffix: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / f"django.{suffix}"


@pytest.fixture(scope="module", params=CATALOGUE_LANGUAGES)
def catalogue(request):
    language = request.param
    return language, polib.pofile(str(catalogue_path(language, "po")))


def test_catalogue_header(catalogue):
    language, po = catalogue
    assert po.metadata["Language"] == language
    assert po.metadata["Plural-Forms"] == PLURAL_FORMS[language]
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert "fuzzy" not in po.metadata_is_fuzzy, "a fuzzy header is left out of the .mo, and its Plural-Forms with it"


def test_catalogue_fully_translated(catalogue):
    language, po = catalogue
    entries = [entry for entry in po if not entry.obsolete]
    expected_forms = 1 if language == "ja" else 2
    assert len(entries) > 500
    assert [entry.msgid for entry in po.untranslated_entries()] == [], f"{language}: untranslated entries"
    assert [entry.msgid for entry in po.fuzzy_entries()] == [], f"{language}: fuzzy entries need checking"
    wrong_plurals = [entry.msgid for entry in entries if entry.msgid_plural and len(entry.msgstr_plural) != expected_forms]
    assert wrong_plurals == [], f"{language}: plural entries need {expected_forms} form(s)"


def test_catalogue_keeps_placeholders(catalogue):
    language, po = catalogue
    mismatched = []
    for entry in po:
        source = entry.msgid_plural or entry.msgid
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                mismatched.append((entry.msgid, text))
    assert mismatched == [], f"{language}: placeholders differ from the msgid"


def test_compiled_catalogue_matches_po(catalogue):
    """Every .po entry must come out of the .mo unchanged, so compilemessages was run after the last edit."""
    language, po = catalogue
    compiled = {(entry.msgctxt, entry.msgid): entry for entry in polib.mofile(str(catalogue_path(language, "mo")))}
    stale = []
    for entry in po:
        if entry.obsolete or entry.fuzzy:
            continue
        built = compiled.get((entry.msgctxt, entry.msgid))
        if built is None or built.msgstr != entry.msgstr or built.msgstr_plural != entry.msgstr_plural:
            stale.append(entry.msgid)
    assert stale == [], f"{language}: the .mo is out of date; run django-admin compilemessages"


def test_french_plural_forms():
    with translation.override("fr"):
        assert translation.ngettext("%(counter)s comment", "%(counter)s comments", 1) == "%(counter)s commentaire"
        assert translation.ngettext("%(counter)s comment", "%(counter)s comments", 2) == "%(counter)s commentaires"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ja", ['<html lang="ja"', ">ホーム</a>", ">アップロード</a>", ">ガイド</a>", ">ログイン</a>", "すべてのカテゴリ"]),
        ("fr", ['<html lang="fr"', ">Accueil</a>", ">Publier</a>", ">Statistiques</a>", ">Se connecter</a>",
                "Toutes les catégories"]),
    ],
)
def test_home_page_translated(client, language, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    content = response.content.decode()
    assert response.status_code == 200
    for text in expected:
        assert text in content
    assert ">Home</a>" not in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "language", "expected"),
    [
        ("/guide", "ja", "サイトの使い方"),
        ("/guide", "fr", "Fonctionnement du site"),
        ("/account/login", "ja", "パスワードを忘れた場合"),
        ("/account/login", "fr", "Mot de passe oublié"),
        ("/account/signup", "ja", "アカウントを作成"),
        ("/account/signup", "fr", "Créer un compte"),
        ("/stats", "ja", "サイト統計"),
        ("/stats", "fr", "Statistiques du site"),
    ],
)
def test_page_translated(client, url, language, expected):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert expected in response.content.decode()


@pytest.mark.django_db
def test_profile_language_overrides_browser(client):
    user = make_user("polyglot")
    client.force_login(user)

    saved = client.post("/account/preferences", {"language": "fr"})
    response = client.get("/upload", HTTP_ACCEPT_LANGUAGE="ja")
    content = response.content.decode()

    assert saved.status_code in (200, 302)
    assert response.status_code == 200
    assert "Publier un torrent" in content
    assert "トレントをアップロード" not in content
