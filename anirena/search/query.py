"""Parse the query language of the search bar, the RSS feed and the API (plain Python, no Django).

::

    word word       every word must match
    "exact phrase"  the words next to each other, in this order
    -word -"a b"    leave out torrents that match
    a|b  a | b      either one; a minus sign before the first one leaves out both
    user:name       uploads of that user; user:"name" when the name has spaces
    group:slug      releases of that group, by slug or by name: group:"Name"

Operator names are case-insensitive and may be negated (``-user:name``).
Several ``user:`` (or ``group:``) operators mean any of them. Malformed input
is read as well as it can be and never raises: an unclosed quote runs to the
end of the query, a lone ``-`` or ``|`` and an operator without a value are
ignored, and input past the limits below is dropped.
"""

import re
from dataclasses import dataclass, field

MAX_CLAUSES = 32
MAX_OPERATORS = 8
MAX_TERM_LENGTH = 200

OPERATORS = ("user", "group")
_OPERATOR = re.compile(r"^(user|group):(.*)$", re.IGNORECASE | re.DOTALL)
_WORD_END = frozenset('"|')


@dataclass(frozen=True)
class Term:
    """One word, or the text between quotes (`quoted`)."""

    text: str
    quoted: bool = False

    def __str__(self) -> str:
        return f'"{self.text}"' if self.quoted else self.text


@dataclass(frozen=True)
class Clause:
    """Alternatives of which one must match; with `exclude`, none may match."""

    options: tuple[Term, ...]
    exclude: bool = False

    def __str__(self) -> str:
        return ("-" if self.exclude else "") + "|".join(str(option) for option in self.options)


@dataclass(frozen=True)
class Query:
    clauses: tuple[Clause, ...] = ()
    users: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    excluded_users: tuple[str, ...] = ()
    excluded_groups: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.clauses or self.users or self.groups or self.excluded_users or self.excluded_groups)

    def __str__(self) -> str:
        """Return the query in canonical form; parsing it again gives an equal Query."""
        parts = [str(clause) for clause in self.clauses]
        for prefix, name, values in (("", "user", self.users), ("", "group", self.groups),
                                     ("-", "user", self.excluded_users), ("-", "group", self.excluded_groups)):
            parts.extend(f"{prefix}{name}:{_operator_value(value)}" for value in values)
        return " ".join(parts)


def _operator_value(value: str) -> str:
    if any(char.isspace() for char in value) or any(char in _WORD_END for char in value):
        return f'"{value}"'
    return value


# --- Lexing ---------------------------------------------------------------------

@dataclass
class _Token:
    kind: str  # "term", "or" or "operator"
    text: str = ""
    quoted: bool = False
    negated: bool = False
    operator: str = ""


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """Read from the quote at `start` to the closing quote, or to the end when it is missing."""
    end = text.find('"', start + 1)
    if end == -1:
        return text[start + 1:], len(text)
    return text[start + 1:end], end + 1


def _read_word(text: str, start: int) -> tuple[str, int]:
    end = start
    while end < len(text) and not text[end].isspace() and text[end] not in _WORD_END:
        end += 1
    return text[start:end], end


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char.isspace():
            position += 1
            continue
        if char == "|":
            tokens.append(_Token("or"))
            position += 1
            continue

        negated = False
        if char == "-":
            position += 1
            if position >= len(text) or text[position].isspace() or text[position] == "|":
                continue  # a lone minus sign
            negated = True

        if text[position] == '"':
            phrase, position = _read_quoted(text, position)
            tokens.append(_Token("term", phrase, quoted=True, negated=negated))
            continue

        word, position = _read_word(text, position)
        operator = _OPERATOR.match(word)
        if operator is None:
            tokens.append(_Token("term", word, negated=negated))
            continue
        value = operator.group(2)
        if value == "" and position < len(text) and text[position] == '"':
            value, position = _read_quoted(text, position)
        value = value.strip()
        if value:
            tokens.append(_Token("operator", value, negated=negated, operator=operator.group(1).lower()))
    return tokens


# --- Grouping -------------------------------------------------------------------

@dataclass
class _Builder:
    clauses: list[Clause] = field(default_factory=list)
    operators: dict[tuple[str, bool], list[str]] = field(default_factory=dict)
    group: list[_Token] = field(default_factory=list)

    def flush(self) -> None:
        options = tuple(
            Term(token.text[:MAX_TERM_LENGTH], token.quoted) for token in self.group if token.text.strip()
        )
        if options and len(self.clauses) < MAX_CLAUSES:
            self.clauses.append(Clause(tuple(dict.fromkeys(options)), exclude=self.group[0].negated))
        self.group = []

    def add_operator(self, token: _Token) -> None:
        values = self.operators.setdefault((token.operator, token.negated), [])
        if len(values) < MAX_OPERATORS and token.text not in values:
            values.append(token.text)

    def values(self, name: str, negated: bool) -> tuple[str, ...]:
        return tuple(self.operators.get((name, negated), ()))


def parse_query(text: str | None) -> Query:
    """Parse `text`; any string gives a Query, possibly an empty one."""
    builder = _Builder()
    joining = False  # the previous token was "|"
    for token in _lex(text or ""):
        if token.kind == "or":
            joining = bool(builder.group)
            continue
        if token.kind == "operator":
            builder.flush()
            builder.add_operator(token)
        elif joining:
            builder.group.append(token)
        else:
            builder.flush()
            builder.group = [token]
        joining = False
    builder.flush()
    return Query(
        clauses=tuple(builder.clauses),
        users=builder.values("user", False),
        groups=builder.values("group", False),
        excluded_users=builder.values("user", True),
        excluded_groups=builder.values("group", True),
    )
