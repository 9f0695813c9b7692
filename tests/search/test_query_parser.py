import pytest

from anirena.search.query import MAX_CLAUSES, Clause, Query, Term, parse_query


def words(*texts: str) -> tuple[Clause, ...]:
    return tuple(Clause((Term(text),)) for text in texts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Query()),
        ("   ", Query()),
        ("frieren", Query(words("frieren"))),
        ("Frieren  1080p\t01", Query(words("Frieren", "1080p", "01"))),
        ('"sousou no frieren"', Query((Clause((Term("sousou no frieren", quoted=True),)),))),
        ("-batch", Query((Clause((Term("batch"),), exclude=True),))),
        ('-"dual audio"', Query((Clause((Term("dual audio", quoted=True),), exclude=True),))),
        ("720p|1080p", Query((Clause((Term("720p"), Term("1080p"))),))),
        ("720p | 1080p | 2160p", Query((Clause((Term("720p"), Term("1080p"), Term("2160p"))),))),
        ('"a b"|c', Query((Clause((Term("a b", quoted=True), Term("c"))),))),
        ("-a|b", Query((Clause((Term("a"), Term("b")), exclude=True),))),
        ("user:alice", Query(users=("alice",))),
        ('user:"Subs Please"', Query(users=("Subs Please",))),
        ("USER:Alice", Query(users=("Alice",))),
        ("group:erai-raws", Query(groups=("erai-raws",))),
        ('group:"Erai Raws" frieren', Query(words("frieren"), groups=("Erai Raws",))),
        ("-user:bob x", Query(words("x"), excluded_users=("bob",))),
        ("-group:bad", Query(excluded_groups=("bad",))),
        ("user:a user:b user:a", Query(users=("a", "b"))),
        ("re:zero", Query(words("re:zero"))),
        ("S01E05 [1080p]", Query(words("S01E05", "[1080p]"))),
    ],
)
def test_parse_valid_queries(text, expected):
    assert parse_query(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An unclosed quote runs to the end of the query.
        ('frieren "sousou no', Query(words("frieren") + (Clause((Term("sousou no", quoted=True),)),))),
        ('"', Query()),
        ('""', Query()),
        # A lone minus sign or bar is ignored.
        ("frieren - 05", Query(words("frieren", "05"))),
        ("-", Query()),
        ("| a", Query(words("a"))),
        ("a |", Query(words("a"))),
        ("a || b", Query((Clause((Term("a"), Term("b"))),))),
        ("- | -", Query()),
        # An operator without a value is ignored.
        ("user:", Query()),
        ('user:""', Query()),
        ("group: frieren", Query(words("frieren"))),
        ('user:"unclosed name', Query(users=("unclosed name",))),
        # A quote inside a word starts a phrase.
        ('ab"c d"', Query(words("ab") + (Clause((Term("c d", quoted=True),)),))),
        # Operators never take part in an either-or group.
        ("user:a|b", Query(words("b"), users=("a",))),
        ("--x", Query((Clause((Term("-x"),), exclude=True),))),
    ],
)
def test_parse_malformed_queries(text, expected):
    assert parse_query(text) == expected


@pytest.mark.parametrize("text", [None, "\x00", '"""', "|||", "-" * 50, "user:" * 20, ":" * 10, "\u202e\u200b", '-"'])
def test_parse_never_raises(text):
    assert isinstance(parse_query(text), Query)


def test_parse_limits_clause_count():
    query = parse_query(" ".join(f"w{index}" for index in range(MAX_CLAUSES + 10)))
    assert len(query.clauses) == MAX_CLAUSES


@pytest.mark.parametrize(
    "text",
    ['frieren "sousou no" -batch 720p|1080p', 'user:"Subs Please" group:erai-raws -user:bob x',
     '-"dual audio"|dub', 'a|"b c"|-d', "進撃の巨人 -字幕"],
)
def test_canonical_form_parses_back(text):
    query = parse_query(text)
    assert parse_query(str(query)) == query


def test_query_truthiness():
    assert not parse_query("  - | ")
    assert parse_query("user:x")
