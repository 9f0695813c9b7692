"""Normalise anime titles and turn release names into title candidates. No Django here.

Three forms of a title are stored and compared:

- `search_text`: case-folded, Latin diacritics removed, punctuation turned into
  single spaces. Title search matches the query against it.
- `compact_key`: `search_text` without spaces, so "FullMetalAlchemist",
  "Full Metal Alchemist" and "Full-Metal Alchemist" meet.
- `stripped_key`: `compact_key` computed after dropping trailing release
  qualifiers ("TV", "OVA", "OP", "Movie", season markers such as "S2",
  "2nd Season", "第2期"), so "Toradora ED" and "Toradora!" meet.
"""

import re
import unicodedata

import anitopy

# Only the combining marks of the Latin, Greek and Cyrillic scripts are dropped: the
# kana voicing marks (U+3099, U+309A) change the word, so "ガ" must not become "カ".
_COMBINING_DIACRITICS = re.compile("[\u0300-\u036f]")
_NON_WORD = re.compile(r"[\W_]+")

# Trailing words that name a kind of release or a part of one, not the anime.
_QUALIFIER_WORDS = frozenset({
    "tv", "ova", "oad", "ona", "op", "ed", "sp", "pv", "cm", "special", "specials", "movie", "movies",
    "film", "pilot", "preview", "ncop", "nced", "bd", "dvd", "web", "hd", "remaster", "remastered",
    "uncensored", "batch", "complete",
})
# "2", "S2", "Season2", "2nd": a season or part number at the end of a title.
_SEASON_NUMBER = re.compile(r"(?:s|season|saison|part)?\d{1,2}(?:st|nd|rd|th)?")
# "EP1", "OP4a", "SP01", "EX01", "ED2": an item number glued to its kind.
_NUMBERED_ITEM = re.compile(r"(?:ep|op|ed|sp|ex|pv|cm|ova|oad)\d*[a-z]?")
_SEASON_LEAD_WORDS = frozenset({"season", "saison", "s", "part"})
_ORDINAL = re.compile(r"\d{1,2}(?:st|nd|rd|th)")
# Japanese season and episode counters: 第2期, 第01話.
_CJK_COUNTER = re.compile(r"第\s*\d+\s*[期話巻部章]")


def fold(text: str) -> str:
    """Case-fold `text`, drop Latin diacritics and unify full-width forms (NFKC)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = _COMBINING_DIACRITICS.sub("", decomposed)
    return unicodedata.normalize("NFKC", stripped).casefold()


def search_text(text: str) -> str:
    return " ".join(_words(text))


def compact_key(text: str) -> str:
    return "".join(_words(text))


def stripped_key(text: str) -> str:
    return "".join(_strip_qualifiers(_words(_CJK_COUNTER.sub(" ", text))))


def _words(text: str) -> list[str]:
    return _NON_WORD.sub(" ", fold(text)).split()


def _strip_qualifiers(words: list[str]) -> list[str]:
    """Drop trailing qualifier words and season numbers, always keeping the first word."""
    words = list(words)
    while len(words) > 1:
        last = words[-1]
        if len(words) > 2 and words[-2] in _SEASON_LEAD_WORDS and last.isdigit():
            del words[-2:]
        elif len(words) > 2 and _ORDINAL.fullmatch(words[-2]) and last == "season":
            del words[-2:]
        elif last in _QUALIFIER_WORDS or _SEASON_NUMBER.fullmatch(last) or _NUMBERED_ITEM.fullmatch(last):
            words.pop()
        else:
            break
    return words


# --- Release names ---------------------------------------------------------------

_BRACKETS = re.compile(r"\[[^\]]*\]|\([^)]*\)|【[^】]*】|\{[^}]*\}")
_BRACKET_CONTENT = re.compile(r"\[([^\]]*)\]|【([^】]*)】|\(([^)]*)\)")
_EXTENSION = re.compile(r"\.(?:mkv|mp4|avi|rmvb|wmv|ogm|m2ts|ts|webm|flv|torrent)$", re.IGNORECASE)
# Episode markers, which end the title part of a name: "S01E05", "Episode 3", "-ep1",
# " - 01", "-656", "第2期". The title is the text before the first such marker.
_EPISODE_MARKERS = (
    re.compile(r"\bS\d{1,2}E\d{1,4}", re.IGNORECASE),
    re.compile(r"[\s\-+]+(?:episode|ep)[\s\-+.]*\d+", re.IGNORECASE),
    re.compile(r"-ep\d+", re.IGNORECASE),
    re.compile(r"\s+-\s+\d"),
    re.compile(r"-\d+(?:\b|$)"),
    re.compile(r"\s\d{1,4}(?:v\d)?(?:\s|$|\.)"),
    _CJK_COUNTER,
)
_LEADING_NUMBER = re.compile(r"^\d{1,4}(?:v\d)?\s*(?:-\s*)?")
_MIN_BRACKET_KEY = 4


def title_candidates(release_name: str) -> list[tuple[str, int]]:
    """Return (candidate title, tier) pairs for a release name, most likely first.

    Tier 0 is the title anitopy parses. Tier 1 is a cut or cleaned-up form of it or
    of the release name. Tier 2 comes from bracketed text, where some groups put the
    title. A higher tier is a weaker guess.
    """
    parsed = anitopy.parse(release_name) or {}
    anitopy_title = (parsed.get("anime_title") or "").strip()
    cleaned = _clean_release_name(release_name)

    candidates: list[tuple[str, int]] = []
    if anitopy_title:
        candidates.append((anitopy_title, 0))
    for source in (anitopy_title, cleaned):
        for variant in _cut_variants(source):
            candidates.append((variant, 1))
    for content in _bracket_contents(release_name):
        if len(compact_key(content)) >= _MIN_BRACKET_KEY:
            candidates.append((content, 2))
    return _unique(candidates)


def _clean_release_name(name: str) -> str:
    """Remove the extension and bracketed tags; turn '_' or '.' separators into spaces."""
    text = _EXTENSION.sub("", name.strip())
    text = _BRACKETS.sub(" ", text)
    if " " not in text.strip() or text.count("_") > text.count(" "):
        text = text.replace("_", " ")
    if text.count(".") > text.count(" "):
        text = text.replace(".", " ")
    return " ".join(text.split())


def _cut_variants(text: str) -> list[str]:
    """Return `text` cut before each episode marker, and without a leading episode number."""
    if not text:
        return []
    variants = [text]
    without_number = _LEADING_NUMBER.sub("", text)
    if without_number and without_number != text:
        variants.append(without_number)
        # "05 - Title - Episode title": once the leading number is gone, the title is
        # the first part. Other names keep their " - " parts, which are often part of
        # the title ("Macross Frontier - Sayonara no Tsubasa").
        if " - " in without_number:
            variants.append(without_number.split(" - ", 1)[0])
    for base in list(variants):
        for marker in _EPISODE_MARKERS:
            match = marker.search(base)
            if match and match.start() > 0:
                variants.append(base[: match.start()])
    return [variant.strip(" -") for variant in variants if variant.strip(" -")]


def _bracket_contents(name: str) -> list[str]:
    contents = []
    for match in _BRACKET_CONTENT.finditer(name):
        content = next(group for group in match.groups() if group is not None)
        contents.append(" ".join(content.replace("_", " ").split()))
    return contents


def _unique(candidates: list[tuple[str, int]]) -> list[tuple[str, int]]:
    seen = set()
    unique = []
    for text, tier in candidates:
        key = compact_key(text)
        if key and key not in seen:
            seen.add(key)
            unique.append((text, tier))
    return unique
