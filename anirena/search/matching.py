"""Turn a parsed query into index tokens, database match expressions and a relevance score.

Plain Python, no Django. The SQLite FTS5 and PostgreSQL tsquery expressions
built here name the tokens of `anirena.search.text` directly, so neither
database applies its own word splitting to the search terms.
"""

from dataclasses import dataclass

from anirena.search.query import Clause, Query
from anirena.search.text import Phrase, query_phrase

# A clause found only in the file names counts this much, against 1.0 in the title.
FILE_MATCH_WEIGHT = 0.25
# The share of the title's words that the query covers adds up to this much,
# so among equal matches the title closest to the query comes first.
COVERAGE_WEIGHT = 0.5


@dataclass(frozen=True)
class TextClause:
    """Phrases of which one must match (or, in `TextQuery.excluded`, none may)."""

    options: tuple[Phrase, ...]


@dataclass(frozen=True)
class TextQuery:
    required: tuple[TextClause, ...] = ()
    excluded: tuple[TextClause, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.required or self.excluded)


def text_query(query: Query) -> TextQuery:
    """Return the word clauses of `query` as index tokens; words without letters or digits are dropped."""
    required: list[TextClause] = []
    excluded: list[TextClause] = []
    for clause in query.clauses:
        compiled = _compile_clause(clause)
        if compiled is None:
            continue
        (excluded if clause.exclude else required).append(compiled)
    return TextQuery(tuple(required), tuple(excluded))


def _compile_clause(clause: Clause) -> TextClause | None:
    phrases = []
    for term in clause.options:
        phrase = query_phrase(term.text)
        if phrase is not None and phrase not in phrases:
            phrases.append(phrase)
    return TextClause(tuple(phrases)) if phrases else None


# --- SQLite FTS5 ----------------------------------------------------------------

def _fts5_phrase(phrase: Phrase) -> str:
    body = " ".join(phrase.tokens).replace('"', '""')
    return f'"{body}"' + (" *" if phrase.prefix else "")


def _fts5_clause(clause: TextClause) -> str:
    return "(" + " OR ".join(_fts5_phrase(phrase) for phrase in clause.options) + ")"


def fts5_expression(clauses: tuple[TextClause, ...]) -> str:
    """Return an FTS5 MATCH expression that requires every clause."""
    return " AND ".join(_fts5_clause(clause) for clause in clauses)


def fts5_any(clauses: tuple[TextClause, ...]) -> str:
    """Return an FTS5 MATCH expression that matches when any clause does."""
    return " OR ".join(_fts5_clause(clause) for clause in clauses)


def fts5_match(query: TextQuery) -> str:
    """Return the MATCH expression for a query with at least one required clause."""
    expression = fts5_expression(query.required)
    if query.excluded:
        expression = f"({expression}) NOT ({fts5_any(query.excluded)})"
    return expression


# --- PostgreSQL tsquery -------------------------------------------------------------

def _ts_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _ts_phrase(phrase: Phrase) -> str:
    lexemes = [_ts_lexeme(token) for token in phrase.tokens]
    if phrase.prefix:
        lexemes[-1] += ":*"
    return " <-> ".join(lexemes)


def _ts_clause(clause: TextClause) -> str:
    return "(" + " | ".join(f"({_ts_phrase(phrase)})" for phrase in clause.options) + ")"


def tsquery_any(clauses: tuple[TextClause, ...]) -> str:
    """Return tsquery text that matches when any clause does."""
    return " | ".join(_ts_clause(clause) for clause in clauses)


def tsquery_match(query: TextQuery) -> str:
    """Return tsquery text for a query with at least one required clause."""
    expression = " & ".join(_ts_clause(clause) for clause in query.required)
    if query.excluded:
        expression = f"({expression}) & !({tsquery_any(query.excluded)})"
    return expression


# --- Relevance --------------------------------------------------------------------

def _occurrences(tokens: list[str], phrase: Phrase) -> list[int]:
    """Return the start positions of `phrase` in `tokens`."""
    *body, last = phrase.tokens
    width = len(phrase.tokens)
    starts = []
    for start, token in enumerate(tokens[:len(tokens) - width + 1]):
        if body and token != body[0]:
            continue
        tail = tokens[start + width - 1]
        if tail != last and not (phrase.prefix and tail.startswith(last)):
            continue
        if tokens[start:start + width - 1] == body:
            starts.append(start)
    return starts


def relevance(title_tokens: list[str], query: TextQuery) -> float:
    """Score a matching torrent from its title tokens: higher is more relevant.

    Every required clause adds 1.0 when it matches in the title and
    FILE_MATCH_WEIGHT when it can only have matched in the file names. The
    share of title words covered by the query breaks ties between titles.
    """
    score = 0.0
    covered: set[int] = set()
    for clause in query.required:
        found = False
        for phrase in clause.options:
            for start in _occurrences(title_tokens, phrase):
                found = True
                covered.update(range(start, start + len(phrase.tokens)))
        score += 1.0 if found else FILE_MATCH_WEIGHT
    if title_tokens:
        score += COVERAGE_WEIGHT * len(covered) / len(title_tokens)
    return score
