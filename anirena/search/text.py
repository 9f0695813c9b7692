"""Turn titles, file names and query words into search tokens (plain Python, no Django).

Both database backends index the tokens made here, so SQLite and PostgreSQL
match exactly the same way:

* NFKC folding (full-width letters, circled digits), case folding, and
  removal of accents from Latin, Greek and Cyrillic letters (``Pokémon`` is
  ``pokemon``);
* every character that is not a letter, digit or combining mark separates
  words, so the brackets, dots, underscores and hyphens of release names
  split them: ``[Group] Title - 01 (1080p) [ABCD1234].mkv`` gives ``group
  title 01 1080p abcd1234 mkv``;
* runs of Han, kana and Hangul characters, which are written without spaces,
  become overlapping two-character tokens (bigrams), so any substring of two or
  more characters is found as a phrase of bigrams.
"""

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

# Longer words are cut, so a pathological title cannot build huge index entries.
MAX_TOKEN_LENGTH = 64

# Letters that carry no combining mark in Unicode, so NFD alone does not strip them.
_LETTER_FOLDS = str.maketrans({
    "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h", "ŧ": "t",
})

# Han ideographs, kana, Hangul and Bopomofo, plus the iteration marks 々〆〇.
_CJK_RANGES = (
    (0x1100, 0x11FF), (0x3005, 0x3007), (0x3040, 0x30FF), (0x3100, 0x312F), (0x3130, 0x318F),
    (0x31A0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF), (0x20000, 0x3FFFF),
)


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


_SEPARATOR, _WORD, _CJK = 0, 1, 2
_ASCII_WORD = re.compile(r"[a-z0-9]+")


@functools.lru_cache(maxsize=65536)
def _char_class(char: str) -> int:
    if not is_word_char(char):
        return _SEPARATOR
    return _CJK if is_cjk(char) else _WORD


def _has_diacritics_to_strip(char: str) -> bool:
    """Tell whether `char` is Latin, Greek or Cyrillic, whose combining marks are accents.

    In other scripts (Devanagari, Thai, ...) the marks are vowels, so they stay.
    """
    code = ord(char)
    return code < 0x0530 or 0x1E00 <= code <= 0x1FFF


def is_word_char(char: str) -> bool:
    """Letters, digits, combining marks and private-use characters: SQLite FTS5 ``categories 'L* N* M* Co'``."""
    category = unicodedata.category(char)
    return category[0] in "LNM" or category == "Co"


def fold(text: str) -> str:
    """Apply NFKC, case folding and accent removal for Latin, Greek and Cyrillic (``Pokémon`` is ``pokemon``)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if text.isascii():
        return text
    return "".join(map(_fold_char, text))


@functools.lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    char = char.translate(_LETTER_FOLDS)
    if char.isascii() or not _has_diacritics_to_strip(char):
        return char
    decomposed = unicodedata.normalize("NFD", char)
    return "".join(part for part in decomposed if unicodedata.category(part) != "Mn")


class Segment(NamedTuple):
    """A run of word characters; `cjk` runs are indexed as bigrams."""

    text: str
    cjk: bool


def segments(text: str) -> list[Segment]:
    """Split folded text into runs of word characters, separating CJK runs from other scripts."""
    folded = fold(text)
    if folded.isascii():
        return [Segment(word, False) for word in _ASCII_WORD.findall(folded)]
    return [
        Segment("".join(chars), char_class == _CJK)
        for char_class, chars in itertools.groupby(folded, key=_char_class)
        if char_class != _SEPARATOR
    ]


def bigrams(run: str) -> list[str]:
    if len(run) < 2:
        return [run]
    return [run[index:index + 2] for index in range(len(run) - 1)]


def index_tokens(text: str) -> list[str]:
    """Return the tokens stored in the index for `text`, in order."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    if folded.isascii():
        return [word[:MAX_TOKEN_LENGTH] for word in _ASCII_WORD.findall(folded)]
    tokens: list[str] = []
    for segment in segments(text):
        if segment.cjk:
            tokens.extend(bigrams(segment.text))
        else:
            tokens.append(segment.text[:MAX_TOKEN_LENGTH])
    return tokens


@dataclass(frozen=True)
class Phrase:
    """Tokens that must appear next to each other, in order.

    `prefix` makes the last token match any indexed token that starts with it:
    a single CJK character is only ever indexed as the first half of a bigram
    (or alone), so it is searched as a prefix.
    """

    tokens: tuple[str, ...]
    prefix: bool = False


def query_phrase(text: str) -> Phrase | None:
    """Return the phrase a query word or quoted phrase becomes, or None when it has no word characters.

    A word written with inner punctuation (``Yu-Gi-Oh``, ``S01.E05``) is split
    the same way as indexed text, so it matches as a phrase of its parts.
    """
    runs = segments(text)
    tokens: list[str] = []
    for segment in runs:
        if segment.cjk:
            tokens.extend(bigrams(segment.text))
        else:
            tokens.append(segment.text[:MAX_TOKEN_LENGTH])
    if not tokens:
        return None
    last = runs[-1]
    return Phrase(tuple(tokens), prefix=last.cjk and len(last.text) == 1)
