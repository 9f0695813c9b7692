"""The 16,003-entry AniDB title file: import, re-import and suggestion accuracy on real release names."""

import pytest

from anirena.anime.accuracy import evaluate, load_anitomy_cases
from anirena.anime.importer import import_entries, read_dump
from anirena.anime.models import Anime, AnimeTitle
from anirena.anime.services import search_anime
from anirena.testing import shared_data

pytestmark = pytest.mark.django_db

# The targets the suggestions must meet on anitomy's 202 titled release names.
MIN_RIGHT = 170
MAX_WRONG = 5


@pytest.fixture(scope="module")
def imported_titles(django_db_setup, django_db_blocker):
    """Import the file twice into the test database for this module, and remove it afterwards."""
    path = shared_data("anime", "anidb-titles.json")
    with django_db_blocker.unblock():
        first = import_entries(read_dump(path))
        ids = dict(Anime.objects.values_list("source_links__url", "id"))
        second = import_entries(read_dump(path))
        ids_after = dict(Anime.objects.values_list("source_links__url", "id"))
    yield first, second, ids == ids_after
    with django_db_blocker.unblock():
        Anime.objects.all().delete()


def test_import_counts(imported_titles):
    first, _second, _same_ids = imported_titles
    assert first.read == 16003
    assert first.created == 16003
    assert first.invalid == 0
    assert Anime.objects.count() == 16003
    assert AnimeTitle.objects.count() == 88902


def test_second_import_changes_nothing(imported_titles):
    _first, second, same_ids = imported_titles
    assert (second.created, second.updated, second.unchanged) == (0, 0, 16003)
    assert same_ids


def test_search_finds_synonym(imported_titles):
    results = list(search_anime("crest of the stars")[:3])
    assert results[0].title == "Seikai no Monshou"


def test_suggestion_accuracy(imported_titles):
    cases = load_anitomy_cases(shared_data("release-names", "anitomy", "data.json"))
    report = evaluate(cases)
    wrong = [(case.release_name, suggested) for case, suggested in report.wrong_cases]
    assert report.total == 202
    assert report.right >= MIN_RIGHT, f"{report.right} right, {report.wrong} wrong, {report.missing} missing"
    assert report.wrong <= MAX_WRONG, wrong
