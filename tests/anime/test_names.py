import pytest

from anirena.anime import names


@pytest.mark.parametrize(("text", "expected"), [
    ("Pokémon", "pokemon"),
    ("ＦＵＬＬ　ＷＩＤＴＨ", "full width"),
    ("K-ON!!", "k on"),
    ("  Toradora!  ", "toradora"),
    ("Fate/Zero", "fate zero"),
    ("ガンダム", "ガンダム"),
])
def test_search_text_folds_case_marks_punctuation(text, expected):
    assert names.search_text(text) == expected


def test_kana_voicing_marks_kept():
    assert names.compact_key("ガンダム") != names.compact_key("カンタム")


def test_compact_key_ignores_spacing():
    assert names.compact_key("FullMetalAlchemist") == names.compact_key("Full Metal Alchemist")
    assert names.compact_key("SlamDunk") == names.compact_key("Slam Dunk")


@pytest.mark.parametrize(("release_title", "title"), [
    ("Toradora ED", "Toradora!"),
    ("Code Geass R2 TV", "Code Geass R2"),
    ("Fate Zero OVA", "Fate/Zero"),
    ("Shingeki no Kyojin S2", "Shingeki no Kyojin"),
    ("Shingeki no Kyojin Season 2", "Shingeki no Kyojin"),
    ("Shingeki no Kyojin 2nd Season", "Shingeki no Kyojin"),
    ("呪術廻戦 第2期", "呪術廻戦"),
    ("Bakemonogatari OP4a", "Bakemonogatari"),
])
def test_stripped_key_drops_qualifiers(release_title, title):
    assert names.stripped_key(release_title) == names.stripped_key(title)


def test_stripped_key_keeps_single_word():
    assert names.stripped_key("Movie") == "movie"


@pytest.mark.parametrize(("release_name", "expected"), [
    ("[HorribleSubs] Shingeki no Kyojin - 01 [1080p].mkv", "Shingeki no Kyojin"),
    ("The.Eminence.in.Shadow.S01E05.I.Am....1080p.BluRay.mkv", "The Eminence in Shadow"),
    ("kimetsu-no-yaiba-episode-25-1080p.mp4", "kimetsu-no-yaiba"),
    ("【MMZYSUB】★【Golden Time】[24（END）][GB][720P_MP4]", "Golden Time"),
    ("05 - Hidan no Aria - Butei Charter Article 1 - [UTW](E7724B68).mkv", "Hidan no Aria"),
])
def test_title_candidates_include_title(release_name, expected):
    candidates = [text for text, _tier in names.title_candidates(release_name)]
    assert expected in candidates


def test_title_candidates_anitopy_first():
    candidates = names.title_candidates("[SubsPlease] Spy x Family - 01 (1080p) [ABCDEF12].mkv")
    assert candidates[0] == ("Spy x Family", 0)


def test_title_candidates_empty_name():
    assert names.title_candidates("") == []
