"""Category, sub-category and language names: English in the database, API and feed, translated on the HTML pages."""

import html
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from anirena.search import catalog, index
from anirena.stats.services import PERIODS
from anirena.torrents import names
from anirena.torrents.models import Category, Language, SubCategory
from tests.api.conftest import token_for
from tests.community_factories import make_group, upload
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# One torrent in Pictures · Graphics with German: each name differs from the English in both languages.
EXPECTED = {
    "ja": {"category": "画像", "sub_category": "グラフィック", "language": "ドイツ語"},
    "fr": {"category": "Images", "sub_category": "Graphismes", "language": "Allemand"},
}
ENGLISH = {"category": "Pictures", "sub_category": "Graphics", "language": "German"}


@pytest.fixture(autouse=True)
def fresh_caches():
    """Forget the catalog, cached tables and statistics: they outlive the rolled-back rows of other tests."""
    stats_keys = [f"stats:figures:{period}" for period in PERIODS]
    cache.delete(catalog.CACHE_KEY)
    cache.delete_many(stats_keys)
    index.bump_generation()
    yield
    cache.delete(catalog.CACHE_KEY)
    cache.delete_many(stats_keys)


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def release(alice):
    group = make_group(alice, name="Alice Scans", slug="alice-scans")
    return upload(alice, name="Wallpaper Pack 01", category="pictures", sub_category="graphics", languages=["de"],
                  group_id=group.pk)


def page_text(client, url, language, **params) -> str:
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


# --- The name lists and the rows the migrations load ------------------------------------------

def test_category_names_match_migrations():
    stored = list(Category.objects.order_by("position").values_list("name", flat=True))
    assert stored == list(names.CATEGORY_NAMES)


def test_sub_category_names_match_migrations():
    stored = list(dict.fromkeys(SubCategory.objects.order_by("category__position", "position")
                                .values_list("name", flat=True)))
    assert stored == list(names.SUB_CATEGORY_NAMES)


def test_language_names_match_migrations():
    stored = list(Language.objects.order_by("position").values_list("code", "name"))
    assert len(stored) == 199
    assert stored == list(names.LANGUAGE_NAMES)


@pytest.mark.parametrize("language", ["ja", "fr"])
def test_catalogue_has_every_name(language):
    po = polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"))
    category_names = set(names.CATEGORY_NAMES) | set(names.SUB_CATEGORY_NAMES)
    untranslated_categories = [name for name in sorted(category_names)
                               if not getattr(po.find(name, msgctxt=names.CATEGORY_CONTEXT), "msgstr", "")]
    missing_languages = [name for _code, name in names.LANGUAGE_NAMES
                         if po.find(name, msgctxt=names.LANGUAGE_CONTEXT) is None]
    translated_languages = [name for _code, name in names.LANGUAGE_NAMES
                            if po.find(name, msgctxt=names.LANGUAGE_CONTEXT).msgstr]
    assert untranslated_categories == []
    assert missing_languages == []
    assert len(translated_languages) == len(names.LANGUAGE_NAMES)


def test_display_name_follows_active_language():
    raw = SubCategory.objects.get(category__slug="anime", slug="english-translated")
    german = Language.objects.get(code="de")
    bihari = Language.objects.get(code="bh")

    with translation.override("fr"):
        assert (raw.display_name, german.display_name, bihari.display_name) == (
            "Traduit en anglais", "Allemand", "Bihari")
    with translation.override("ja"):
        assert (raw.display_name, german.display_name, bihari.display_name) == ("英語翻訳", "ドイツ語", "ビハール語")
    with translation.override("en"):
        assert (raw.display_name, german.display_name) == ("English-translated", "German")
    assert (raw.name, german.name) == ("English-translated", "German")


# --- HTML pages ----------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["ja", "fr"])
def test_home_table_row_translated(client, release, language):
    expected = EXPECTED[language]
    content = page_text(client, "/", language)
    row = re.search(r'<tr><td class="cat">.*?</tr>', content, re.DOTALL).group(0)

    assert f"{expected['category']} · {expected['sub_category']}" in row
    assert f'title="{expected["language"]}">de</span>' in row
    assert ENGLISH["sub_category"] not in row
    assert ENGLISH["language"] not in row


@pytest.mark.parametrize("language", ["ja", "fr"])
def test_home_selectors_translated(client, release, language):
    expected = EXPECTED[language]
    content = page_text(client, "/", language, category="pictures", sub_category="graphics")
    grid = re.search(r'<div class="category-grid">.*?</div>\s*</details>', content, re.DOTALL).group(0)
    selector = re.search(r'<select name="languages".*?</select>', content, re.DOTALL).group(0)

    assert f'{expected["category"]} · {expected["sub_category"]}</summary>' in content
    assert f">{expected['category']}</a>" in grid
    assert f">{expected['sub_category']}</a>" in grid
    assert f'<option value="de">{expected["language"]}</option>' in selector
    assert f">{ENGLISH['language']}</option>" not in selector


def test_language_selector_sorted_by_translated_name(client, release):
    selector = re.search(r'<select name="languages".*?</select>', page_text(client, "/", "fr"), re.DOTALL).group(0)
    option_labels = re.findall(r"<option[^>]*>([^<]*)</option>", selector)

    assert len(option_labels) == 199
    assert option_labels == sorted(option_labels, key=names.display_sort_key)
    # Allemand (de) comes before Anglais (en) in French, unlike German and English.
    assert option_labels.index("Allemand") < option_labels.index("Anglais")
    # Éwé sorts with the E names, not after Z.
    assert option_labels.index("Espéranto") < option_labels.index("Éwé") < option_labels.index("Féroïen")


@pytest.mark.parametrize("language", ["ja", "fr"])
def test_detail_panel_translated(client, release, language):
    expected = EXPECTED[language]
    content = page_text(client, release.get_absolute_url(), language)

    assert f"<dd>{expected['category']} · {expected['sub_category']}</dd>" in content
    assert f'<span class="lang" title="de">{expected["language"]}</span>' in content
    assert ENGLISH["sub_category"] not in content


@pytest.mark.parametrize("language", ["ja", "fr"])
def test_upload_form_selects_translated(client, alice, language):
    expected = EXPECTED[language]
    client.force_login(alice)
    content = page_text(client, "/upload", language)
    sub_id = SubCategory.objects.get(category__slug="pictures", slug="graphics").pk

    assert f'<option value="pictures">{expected["category"]}</option>' in content
    assert f'<option value="{sub_id}">{expected["category"]} - {expected["sub_category"]}</option>' in content
    assert f'<option value="de">{expected["language"]}</option>' in content
    assert f">{ENGLISH['category']} - {ENGLISH['sub_category']}</option>" not in content


@pytest.mark.parametrize("language", ["ja", "fr"])
def test_group_torrent_list_translated(client, release, language):
    expected = EXPECTED[language]
    content = page_text(client, "/groups/alice-scans", language)
    assert f'<span class="badge">{expected["category"]} · {expected["sub_category"]}</span>' in content


@pytest.mark.parametrize("language", ["ja", "fr"])
def test_stats_categories_translated(client, release, language):
    expected = EXPECTED[language]
    # The first request fills the shared figures cache in English; the page still translates.
    page_text(client, "/stats", "en")
    content = page_text(client, "/stats", language)
    assert f"<title>{expected['category']}: 1</title>" in content
    assert f"<title>{ENGLISH['category']}: 1</title>" not in content


def test_english_pages_unchanged(client, release):
    content = page_text(client, "/", "en")
    assert "Pictures · Graphics" in content
    assert 'title="German">de</span>' in content


# --- API and feed ------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["ja", "fr"])
def test_api_names_stay_english(client, release, alice, language):
    response = client.get(f"/api/v1/torrent/{release.pk}", HTTP_ACCEPT_LANGUAGE=language,
                          HTTP_AUTHORIZATION=f"Bearer {token_for(alice)}")
    body = response.json()

    assert response.status_code == 200
    assert (body["cat_name"], body["sub_name"]) == (ENGLISH["category"], ENGLISH["sub_category"])
    assert [language_row["name"] for language_row in body["languages"]] == [ENGLISH["language"]]


@pytest.mark.parametrize(("language", "translated"), [("ja", "英語翻訳"), ("fr", "Traduit en anglais")])
def test_feed_categories_stay_english(client, alice, language, translated):
    upload(alice, name="Frieren 01", category="anime", sub_category="english-translated")
    response = client.get("/rss", HTTP_ACCEPT_LANGUAGE=language)
    content = response.content.decode()

    assert response.status_code == 200
    assert "<nyaa:category>Anime - English-translated</nyaa:category>" in content
    assert translated not in content
