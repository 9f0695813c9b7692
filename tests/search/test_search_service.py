from datetime import timedelta

import pytest
from django.core.management import call_command
from django.http import QueryDict

from anirena.search import conf
from anirena.search.params import InvalidSearchParams, SearchParams
from anirena.search.service import search_torrents
from anirena.torrents.services.upload import UploadRequest, upload_torrent
from tests.factories import make_torrent, make_user
from tests.search.helpers import make_group

pytestmark = pytest.mark.django_db


def titles(user=None, **params) -> list[str]:
    return [torrent.title for torrent in search(user, **params).torrents]


def search(user=None, **params):
    return search_torrents(SearchParams.from_data(params), user)


# --- Words, phrases, exclusions -----------------------------------------------------

def test_every_word_must_match(torrents):
    torrents("[SubsPlease] Sousou no Frieren - 05 (1080p)")
    torrents("[SubsPlease] Sousou no Frieren - 05 (720p)")
    torrents("[Erai-raws] Dandadan - 05 (1080p)")
    assert titles(q="frieren 1080p") == ["[SubsPlease] Sousou no Frieren - 05 (1080p)"]


def test_case_and_accents_are_ignored(torrents):
    torrents("Pokémon Horizons - 10")
    torrents("POKEMON Journeys - 11")
    assert set(titles(q="pokemon")) == {"Pokémon Horizons - 10", "POKEMON Journeys - 11"}
    assert set(titles(q="POKÉMON")) == {"Pokémon Horizons - 10", "POKEMON Journeys - 11"}


@pytest.mark.parametrize(
    ("query", "found"),
    [("1080p", True), ("01", True), ("abcd1234", True), ("subsplease", True), ("mkv", True), ("s01e05", False)],
)
def test_release_name_punctuation_separates_words(torrents, query, found):
    torrents("[SubsPlease] Some_Show.Title - 01 (1080p) [ABCD1234].mkv")
    assert bool(titles(q=query)) is found


def test_season_episode_and_underscores(torrents):
    torrents("Show.Name.S01E05.1080p.WEB-DL")
    torrents("[AniDUB]_Yakusoku_no_Neverland_[06]_[1080p]")
    assert titles(q="S01E05") == ["Show.Name.S01E05.1080p.WEB-DL"]
    assert titles(q="neverland 06") == ["[AniDUB]_Yakusoku_no_Neverland_[06]_[1080p]"]
    assert titles(q="web-dl") == ["Show.Name.S01E05.1080p.WEB-DL"]


def test_exact_phrase(torrents):
    torrents("Sousou no Frieren 05")
    torrents("Frieren no Sousou 05")
    assert titles(q='"sousou no frieren"') == ["Sousou no Frieren 05"]
    assert set(titles(q="sousou no frieren")) == {"Sousou no Frieren 05", "Frieren no Sousou 05"}


def test_excluded_words(torrents):
    torrents("Frieren 01-28 Batch")
    torrents("Frieren 05")
    torrents("Dandadan 05")
    assert titles(q="frieren -batch") == ["Frieren 05"]
    assert set(titles(q="-batch")) == {"Frieren 05", "Dandadan 05"}
    assert titles(q='-"01 28" frieren') == ["Frieren 05"]


def test_either_word(torrents):
    torrents("Show 05 (720p)")
    torrents("Show 05 (1080p)")
    torrents("Show 05 (480p)")
    assert set(titles(q="show 720p|1080p")) == {"Show 05 (720p)", "Show 05 (1080p)"}
    assert set(titles(q="show -720p|1080p")) == {"Show 05 (480p)"}


@pytest.mark.parametrize("query", ['"unclosed', "-", "|", "user:", 'group:""', "frieren -", '-"', "((", "*", "NOT AND OR"])
def test_malformed_queries_do_not_fail(torrents, query):
    torrents("Frieren 05")
    result = search(q=query)
    assert result.page == 1


def test_fts_syntax_in_words_is_plain_text(torrents):
    torrents("NOT AND OR NEAR")
    torrents("Other")
    assert titles(q="NOT AND") == ["NOT AND OR NEAR"]
    assert titles(q='near*') == ["NOT AND OR NEAR"]


# --- Unicode and CJK ----------------------------------------------------------------------

@pytest.mark.parametrize("query", ["進撃の巨人", "撃の巨", "の巨人", "巨人", "進撃", "完結編", "進撃の巨人 完結編"])
def test_japanese_substrings(torrents, query):
    torrents("進撃の巨人 完結編 (1080p)")
    torrents("鬼滅の刃 刀鍛冶の里編")
    assert titles(q=query) == ["進撃の巨人 完結編 (1080p)"]


@pytest.mark.parametrize(("title", "query"), [
    ("나 혼자만 레벨업 - 01", "혼자만"),
    ("나 혼자만 레벨업 - 01", "레벨업"),
    ("葬送的芙莉莲 第05集", "芙莉莲"),
    ("葬送的芙莉莲 第05集", "送的芙"),
    ("ダンジョン飯 - 05", "ジョン飯"),
])
def test_korean_and_chinese_substrings(torrents, title, query):
    torrents(title)
    torrents("Unrelated 05")
    assert titles(q=query) == [title]


def test_cjk_does_not_match_across_gaps(torrents):
    torrents("進撃 の巨人")
    assert titles(q="撃の") == []
    assert titles(q="進撃") == ["進撃 の巨人"]


def test_single_cjk_character_matches_start_of_words(torrents):
    torrents("猫の恩返し")
    assert titles(q="猫") == ["猫の恩返し"]


# --- File names and relevance -------------------------------------------------------------

def test_file_names_are_searched_with_lower_weight(torrents):
    in_files = torrents("Show Batch", files=["Show Batch/Show - NCOP.mkv", "Show Batch/Show - 01.mkv"])
    torrents("Show NCOP Collection", files=["op.mkv"])
    torrents("Show Extras", files=["ed.mkv"])
    assert titles(q="ncop") == ["Show NCOP Collection", in_files.title]


def test_relevance_ranks_closer_titles_first_then_newest(torrents):
    torrents("Frieren")
    torrents("[Group] Sousou no Frieren - 05 (1080p) [ABCD1234]")
    torrents("[Group] Sousou no Frieren - 06 (1080p) [ABCD1235]")
    result = search(q="frieren")
    assert result.sort == "relevance"
    assert [torrent.title for torrent in result.torrents] == [
        "Frieren",
        "[Group] Sousou no Frieren - 06 (1080p) [ABCD1235]",
        "[Group] Sousou no Frieren - 05 (1080p) [ABCD1234]",
    ]


def test_without_words_newest_first(torrents):
    torrents("Old", age=timedelta(days=3))
    torrents("New", age=timedelta(hours=1))
    torrents("Middle", age=timedelta(days=2))
    result = search()
    assert result.sort == "date"
    assert [torrent.title for torrent in result.torrents] == ["New", "Middle", "Old"]


def test_ranking_window_continues_in_date_order(torrents, monkeypatch):
    monkeypatch.setattr(conf, "RANK_WINDOW", 3)
    for number in range(1, 8):
        torrents(f"Show {number:02d}")
    torrents("Show")
    seen = []
    for page in (1, 2, 3):
        result = search(q="show", per_page=3, page=page)
        seen += [torrent.title for torrent in result.torrents]
    assert seen[0] == "Show"
    assert sorted(seen) == sorted(["Show"] + [f"Show {number:02d}" for number in range(1, 8)])
    assert seen[3:] == ["Show 05", "Show 04", "Show 03", "Show 02", "Show 01"]


# --- Operators ------------------------------------------------------------------------------

def test_user_operator(torrents, alice, bob):
    torrents("Frieren 05", uploader=alice)
    torrents("Frieren 06", uploader=bob)
    assert titles(q="user:bob") == ["Frieren 06"]
    assert titles(q="user:BOB frieren") == ["Frieren 06"]
    assert titles(q='user:"bob"') == ["Frieren 06"]
    assert titles(q="-user:bob frieren") == ["Frieren 05"]
    assert set(titles(q="user:alice user:bob")) == {"Frieren 05", "Frieren 06"}
    assert titles(q="user:nobody") == []


def test_user_names_with_spaces_are_quoted(torrents):
    spaced = make_user("two words")
    torrents("Spaced 01", uploader=spaced)
    torrents("Other 01")
    assert titles(q='user:"Two Words"') == ["Spaced 01"]


def test_group_operator(torrents, alice):
    group = make_group(alice, "Erai Raws", "erai-raws")
    torrents("Dandadan 05", group=group)
    torrents("Dandadan 05 (other)")
    assert titles(q="group:erai-raws") == ["Dandadan 05"]
    assert titles(q='group:"erai raws"') == ["Dandadan 05"]
    assert titles(q="-group:erai-raws dandadan") == ["Dandadan 05 (other)"]
    assert titles(q="group:missing") == []


def test_feed_user_and_group_parameters(torrents, alice, bob):
    group = make_group(alice, "Subs", "subs")
    torrents("A 01", uploader=bob, group=group)
    torrents("B 01", uploader=bob)
    assert titles(user="bob", group="subs") == ["A 01"]


# --- Filters ----------------------------------------------------------------------------------

def test_category_and_sub_category(torrents):
    torrents("Raw 01", sub_category="raw")
    torrents("Sub 01", sub_category="sub-audio")
    torrents("Song", category="audio", sub_category="lossless")
    assert set(titles(category="anime")) == {"Raw 01", "Sub 01"}
    assert titles(category="anime", sub_category="raw") == ["Raw 01"]
    assert titles(category="audio") == ["Song"]


def test_languages_several_at_once(torrents):
    torrents("Japanese", languages=["ja"])
    torrents("English", languages=["en"])
    torrents("Both", languages=["ja", "en"])
    torrents("French", languages=["fr"])
    assert set(titles(languages="ja")) == {"Japanese", "Both"}
    assert set(titles(languages="ja,fr")) == {"Japanese", "Both", "French"}
    assert set(titles(languages=["EN", "fr"])) == {"English", "Both", "French"}
    query_dict = QueryDict("languages=en&languages=fr")
    assert {torrent.title for torrent in search_torrents(SearchParams.from_data(query_dict)).torrents} == {
        "English", "Both", "French"}


def test_adult_hidden_by_default(torrents, alice):
    torrents("Adult 01", category="hentai")
    torrents("Anime 01")
    assert titles() == ["Anime 01"]
    assert titles(alice) == ["Anime 01"]
    assert set(titles(hide_adult="0")) == {"Adult 01", "Anime 01"}
    assert titles(category="hentai") == ["Adult 01"]


def test_adult_shown_by_preference(torrents, alice):
    torrents("Adult 01", category="hentai")
    alice.preferences = {"show_adult": True}
    alice.save()
    assert titles(alice) == ["Adult 01"]
    assert titles(alice, hide_adult="1") == []


def test_dead_torrents_hidden(torrents, settings):
    settings.TRACKER_ENABLED = True
    settings.DEAD_TORRENT_GRACE_DAYS = 30
    torrents("Dead", seeders=0, age=timedelta(days=40))
    torrents("Old seeded", seeders=2, age=timedelta(days=40))
    torrents("New unseeded", seeders=0, age=timedelta(days=2))
    assert set(titles()) == {"Old seeded", "New unseeded"}
    assert set(titles(show_dead="1")) == {"Dead", "Old seeded", "New unseeded"}
    assert set(titles(q="dead|seeded|unseeded")) == {"Old seeded", "New unseeded"}


def test_dead_filter_needs_the_tracker(torrents, settings):
    settings.TRACKER_ENABLED = False
    torrents("Dead", seeders=0, age=timedelta(days=400))
    assert titles() == ["Dead"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"category": "cartoons"}, "category", "use one of: anime, manga"),
        ({"category": "anime", "sub_category": "lossless"}, "sub_category", "does not belong to anime"),
        ({"languages": "en,xx-YY"}, "languages", "xx-YY"),
    ],
)
def test_unknown_catalog_values(db, params, field, message):
    with pytest.raises(InvalidSearchParams) as raised:
        search(**params)
    assert message in raised.value.errors[field]


# --- Sorting ----------------------------------------------------------------------------------

SIZES = {"Bravo": 300, "alpha": 100, "Charlie": 200}


@pytest.fixture
def three(torrents):
    for index, (title, size) in enumerate(SIZES.items()):
        torrents(title, size=size, completed=size // 10, seeders=size // 100, leechers=3 - index)


@pytest.mark.parametrize(
    ("sort", "order", "expected"),
    [
        ("size", "desc", ["Bravo", "Charlie", "alpha"]),
        ("size", "asc", ["alpha", "Charlie", "Bravo"]),
        ("completed", "desc", ["Bravo", "Charlie", "alpha"]),
        ("seeders", "asc", ["alpha", "Charlie", "Bravo"]),
        ("leechers", "desc", ["Bravo", "alpha", "Charlie"]),
        ("date", "desc", ["Charlie", "alpha", "Bravo"]),
        ("date", "asc", ["Bravo", "alpha", "Charlie"]),
    ],
)
def test_sort_columns(three, sort, order, expected):
    assert titles(sort=sort, order=order) == expected
    # The same order with words to match, which takes the text-search path.
    assert titles(q="alpha|bravo|charlie", sort=sort, order=order) == expected


def test_sort_by_name(three):
    names = titles(sort="name", order="asc")
    assert names == sorted(names)
    assert titles(sort="title", order="desc") == list(reversed(names))


def test_sorted_text_search_is_bounded(torrents, monkeypatch):
    monkeypatch.setattr(conf, "SORT_WINDOW", 3)
    for number in range(5):
        torrents(f"Show {number}", size=1000 - number)
    result = search(q="show", sort="size")
    assert result.sort_window_reached
    assert not result.total_is_exact
    # Only the three newest matches are sorted.
    assert [torrent.title for torrent in result.torrents] == ["Show 2", "Show 3", "Show 4"]


# --- Pages and counts -----------------------------------------------------------------------------

def test_pages_and_exact_total(torrents):
    for number in range(7):
        torrents(f"Item {number}")
    first = search(per_page=3)
    assert (first.total, first.total_is_exact, first.total_pages) == (7, True, 3)
    assert first.has_next
    assert not first.has_previous
    last = search(per_page=3, page=3)
    assert [torrent.title for torrent in last.torrents] == ["Item 0"]
    assert not last.has_next
    assert last.has_previous
    assert (last.first_index, last.last_index) == (7, 7)


def test_out_of_range_page_is_empty(torrents):
    torrents("Only one")
    result = search(page=5)
    assert result.torrents == []
    assert result.out_of_range
    assert search(q="only", page=9).out_of_range


def test_counts_stop_at_the_limit(torrents, monkeypatch):
    monkeypatch.setattr(conf, "COUNT_LIMIT", 4)
    monkeypatch.setattr(conf, "RANK_WINDOW", 4)
    for number in range(6):
        torrents(f"Item {number}")
    for params in ({"per_page": 2}, {"per_page": 2, "q": "item"}, {"per_page": 2, "q": "item", "sort": "date"}):
        result = search(**params)
        assert (result.total, result.total_is_exact, result.total_pages) == (4, False, None), params
        assert result.has_next


def test_small_result_needs_no_count(torrents, django_assert_num_queries):
    torrents("Item")
    search()  # loads the cached catalog
    # Page ids, then the torrents with their languages: no count query.
    with django_assert_num_queries(3):
        result = search()
    assert (result.total, result.total_is_exact) == (1, True)


# --- Keeping the index in step ------------------------------------------------------------------------

def test_upload_indexes_title_and_files(alice):
    data = make_torrent(name="Uploaded Show - 01", files={"Uploaded Show - 01.mkv": 50000, "Fonts/KosugiMaru.ttf": 3000})
    torrent = upload_torrent(alice, UploadRequest(data=data, category="anime"))
    assert titles(q="uploaded show") == [torrent.title]
    assert titles(q="kosugimaru") == [torrent.title]


def test_title_edit_and_delete_update_the_index(torrents):
    torrent = torrents("Before Title", files=["episode.mkv"])
    torrent.title = "After Title"
    torrent.save()
    assert titles(q="before") == []
    assert titles(q="after") == ["After Title"]
    torrent.delete()
    assert titles(q="after") == []


def test_rolled_back_torrent_is_not_indexed(torrents):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        torrents("Rolled Back")
        raise RuntimeError("upload failed")
    assert titles(q="rolled") == []


def test_counter_updates_leave_the_index_alone(torrents):
    torrent = torrents("Counted")
    torrent.seeders = 5
    torrent.save(update_fields=["seeders"])
    assert titles(q="counted") == ["Counted"]


def test_rebuild_command(torrents):
    from anirena.search.models import SearchDocument
    from anirena.torrents.models import Torrent

    torrents("First One", files=["a/alpha.mkv"])
    torrents("Second One")
    Torrent.objects.filter(title="First One").update(title="Renamed One")
    assert titles(q="renamed") == []
    call_command("rebuild_search_index", "--batch-size", "1", verbosity=0)
    assert titles(q="renamed") == ["Renamed One"]
    assert titles(q="alpha") == ["Renamed One"]
    assert SearchDocument.objects.count() == 2
    # Index order follows upload order, which text searches sorted by date rely on.
    assert titles(q="one", sort="date") == ["Second One", "Renamed One"]


def test_rebuild_restores_torrent_lengths(client, alice):
    from django.urls import reverse

    from anirena.search.models import SearchDocument

    torrent = upload_torrent(alice, UploadRequest(data=make_torrent(name="Length Check"), category="anime"))
    SearchDocument.objects.update(torrent_file_length=None, trackers_key="")
    call_command("rebuild_search_index", verbosity=0)
    document = SearchDocument.objects.get(torrent=torrent)
    served = client.get(reverse("torrents:download", args=[torrent.pk]))
    assert document.torrent_file_length == len(served.content)
