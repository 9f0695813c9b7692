import pytest

from anirena.search.matching import (
    FILE_MATCH_WEIGHT,
    fts5_match,
    relevance,
    text_query,
    tsquery_match,
)
from anirena.search.query import parse_query
from anirena.search.text import Phrase, index_tokens, query_phrase


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("[SubsPlease] Sousou no Frieren - 05 (1080p) [ABCD1234].mkv",
         ["subsplease", "sousou", "no", "frieren", "05", "1080p", "abcd1234", "mkv"]),
        ("[AniDUB]_Yakusoku_no_Neverland_[06]_[1080p]", ["anidub", "yakusoku", "no", "neverland", "06", "1080p"]),
        ("Show.Name.S01E05.720p.WEB-DL", ["show", "name", "s01e05", "720p", "web", "dl"]),
        ("Pokémon Évolutions", ["pokemon", "evolutions"]),
        ("Straße Øresund Łódź", ["strasse", "oresund", "lodz"]),
        ("ＦＵＬＬ　ＷＩＤＴＨ１２３", ["full", "width123"]),
        ("Ελληνικά Ёжик", ["ελληνικα", "ежик"]),
        ("進撃の巨人 Season 2", ["進撃", "撃の", "の巨", "巨人", "season", "2"]),
        ("進撃の巨人S2", ["進撃", "撃の", "の巨", "巨人", "s2"]),
        ("나 혼자만 레벨업", ["나", "혼자", "자만", "레벨", "벨업"]),
        ("ｶﾞｷﾞ", ["ガギ"]),
        ("हिन्दी", ["हिन्दी"]),
        ("!!! ~ ★ ~", []),
    ],
)
def test_index_tokens(text, tokens):
    assert index_tokens(text) == tokens


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Frieren", Phrase(("frieren",))),
        ("Yu-Gi-Oh!", Phrase(("yu", "gi", "oh"))),
        ("巨人", Phrase(("巨人",))),
        ("の巨人", Phrase(("の巨", "巨人"))),
        ("猫", Phrase(("猫",), prefix=True)),
        ("season 猫", Phrase(("season", "猫"), prefix=True)),
        ("---", None),
    ],
)
def test_query_phrase(text, phrase):
    assert query_phrase(text) == phrase


def test_cjk_substrings_match_bigrams():
    title = "進撃の巨人 完結編"
    indexed = index_tokens(title)
    for run in ("進撃の巨人", "完結編"):
        for start in range(len(run)):
            for end in range(start + 2, len(run) + 1):
                phrase = query_phrase(run[start:end])
                width = len(phrase.tokens)
                assert any(indexed[i:i + width] == list(phrase.tokens) for i in range(len(indexed))), run[start:end]


@pytest.mark.parametrize(
    ("text", "fts5", "tsquery"),
    [
        ("frieren 1080p", '("frieren") AND ("1080p")', "(('frieren')) & (('1080p'))"),
        ('"sousou no" -batch', '(("sousou no")) NOT (("batch"))', "((('sousou' <-> 'no'))) & !((('batch')))"),
        ("720p|1080p", '("720p" OR "1080p")', "(('720p') | ('1080p'))"),
        ("猫", '("猫" *)', "(('猫':*))"),
        ("Yu-Gi-Oh", '("yu gi oh")', "(('yu' <-> 'gi' <-> 'oh'))"),
    ],
)
def test_match_expressions(text, fts5, tsquery):
    query = text_query(parse_query(text))
    assert fts5_match(query) == fts5
    assert tsquery_match(query) == tsquery


def test_words_without_letters_are_dropped():
    query = text_query(parse_query('frieren !!! -"---" ~'))
    assert [clause.options for clause in query.required] == [(Phrase(("frieren",)),)]
    assert query.excluded == ()


def test_relevance_prefers_title_over_file_names():
    query = text_query(parse_query("ncop"))
    in_title = relevance(index_tokens("Show NCOP Collection"), query)
    in_files_only = relevance(index_tokens("Show Batch"), query)
    assert in_files_only == pytest.approx(FILE_MATCH_WEIGHT)
    assert in_title > in_files_only


def test_relevance_prefers_closer_titles():
    query = text_query(parse_query("frieren"))
    short = relevance(index_tokens("Frieren"), query)
    long = relevance(index_tokens("[Group] Sousou no Frieren - 05 (1080p) [ABCD1234]"), query)
    assert short > long


def test_relevance_counts_phrases_only_when_adjacent():
    query = text_query(parse_query('"sousou no frieren"'))
    adjacent = relevance(index_tokens("Sousou no Frieren 05"), query)
    scattered = relevance(index_tokens("Frieren no Sousou 05"), query)
    assert adjacent > scattered
