import pytest

from anirena.anime.importer import import_entries
from anirena.anime.services import (RANK_EXACT_SYNONYM, RANK_EXACT_TITLE, RANK_PREFIX, RANK_SUBSTRING, RANK_WORD,
                                    get_anime, search_anime, suggest_anime)

pytestmark = pytest.mark.django_db


def entry(number: int, title: str, *synonyms: str) -> dict:
    return {"sources": [f"https://anidb.net/anime/{number}"], "title": title, "synonyms": list(synonyms)}


@pytest.fixture
def catalogue(db):
    import_entries([
        entry(1, "Naruto", "ナルト"),
        entry(2, "Naruto Shippuuden", "Naruto: Hurricane Chronicles"),
        entry(3, "Boruto: Naruto Next Generations"),
        entry(4, "Kaiketsu Zorori", "Naruto"),
        entry(5, "Pokémon", "Pocket Monsters"),
        entry(6, "Koharunaruto"),
        entry(7, "Toradora!", "Toradora"),
        entry(8, "Fullmetal Alchemist", "Hagane no Renkinjutsushi"),
    ])


def titles_and_ranks(query: str) -> list[tuple[str, int]]:
    return [(anime.title, anime.match_rank) for anime in search_anime(query)]


def test_search_ranks_exact_title_first(catalogue):
    assert titles_and_ranks("naruto") == [
        ("Naruto", RANK_EXACT_TITLE),
        ("Kaiketsu Zorori", RANK_EXACT_SYNONYM),
        ("Naruto Shippuuden", RANK_PREFIX),
        ("Boruto: Naruto Next Generations", RANK_WORD),
        ("Koharunaruto", RANK_SUBSTRING),
    ]


@pytest.mark.parametrize("query", ["POKEMON", "pokémon", "Poke"])
def test_search_ignores_case_and_diacritics(catalogue, query):
    assert [anime.title for anime in search_anime(query)] == ["Pokémon"]


def test_search_matches_without_spaces(catalogue):
    assert [anime.title for anime in search_anime("FullMetalAlchemist")] == ["Fullmetal Alchemist"]


@pytest.mark.parametrize("query", ["", "   ", "!!!"])
def test_search_blank_query_finds_nothing(catalogue, query):
    assert list(search_anime(query)) == []


def test_get_anime_rejects_malformed_id(catalogue):
    assert get_anime("not-a-uuid") is None
    assert get_anime("00000000-0000-0000-0000-000000000000") is None


def test_suggestion_from_release_name(catalogue):
    suggestion = suggest_anime("[Coalgirls]_Toradora_ED2_(704x480_DVD_AAC)_[3B65D1E6].mkv")
    assert suggestion is not None
    assert suggestion.anime.title == "Toradora!"


def test_suggestion_none_for_unknown_title(catalogue):
    assert suggest_anime("[Group] Completely Unknown Show - 01 [1080p].mkv") is None


def test_ambiguous_weak_match_gives_no_suggestion(db):
    # Eleven entries share the stripped key "sameshow"; a cut-down candidate matching them all is too vague.
    import_entries([entry(100 + number, f"Same Show Movie {number}") for number in range(1, 12)])
    assert suggest_anime("[Group] Same Show Movie 2 The Lost Episode [720p].mkv") is None


@pytest.mark.django_db
def test_title_substring_index_exists_on_postgresql():
    from django.db import connection

    index = "anime_animetitle_search_text_trgm"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
            row = cursor.fetchone()
            assert row is not None
            assert "gin_trgm_ops" in row[0]
        else:
            # SQLite has no trigram index, and the migration leaves it alone.
            cursor.execute("SELECT name FROM sqlite_master WHERE name = %s", [index])
            assert cursor.fetchone() is None
