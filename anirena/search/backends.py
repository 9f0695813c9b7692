"""The SQL that differs between SQLite (FTS5) and PostgreSQL (tsvector with a GIN index).

Each backend creates its index objects (called from the migration), writes
documents, and gives the service the FROM and WHERE fragments of a text
search. Both index the tokens of `anirena.search.text`, so they match alike.
In the SQL, ``t`` is the torrent table and ``d`` the search_document table.
"""

from collections.abc import Iterable, Sequence

from django.db import connections

from anirena.search import matching
from anirena.search.matching import TextClause, TextQuery

DOCUMENT_TABLE = "search_document"
FTS_TABLE = "search_fts"

# Each row of a bulk write: (torrent id as the database stores it, title tokens,
# file tokens, .torrent length or None, trackers key).
DocumentRow = tuple[object, list[str], list[str], int | None, str]


class UnsupportedDatabase(Exception):
    pass


def tsvector_literal(title_tokens: Sequence[str], file_tokens: Sequence[str]) -> str:
    """Build a tsvector in PostgreSQL's input syntax: title words weight A, file words weight C.

    The file words start one position after a gap, so a phrase cannot run from
    the title into the file names (as with FTS5's separate columns).
    """
    positions: dict[str, list[str]] = {}
    for position, token in enumerate(title_tokens, start=1):
        positions.setdefault(token, []).append(f"{position}A")
    offset = len(title_tokens) + 2
    for position, token in enumerate(file_tokens, start=offset):
        positions.setdefault(token, []).append(f"{min(position, 16383)}C")
    return " ".join(
        "'" + token.replace("\\", "\\\\").replace("'", "''") + "':" + ",".join(marks)
        for token, marks in positions.items()
    )


class SqliteBackend:
    vendor = "sqlite"

    # --- Schema ------------------------------------------------------------------
    CREATE_FTS = (
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, files, content='{DOCUMENT_TABLE}', "
        "content_rowid='id', tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* M* Co'\")"
    )
    TRIGGERS = (
        f"""CREATE TRIGGER search_document_insert AFTER INSERT ON {DOCUMENT_TABLE} BEGIN
            INSERT INTO {FTS_TABLE}(rowid, title, files) VALUES (new.id, new.title, new.files);
        END""",
        f"""CREATE TRIGGER search_document_delete AFTER DELETE ON {DOCUMENT_TABLE} BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, files) VALUES ('delete', old.id, old.title, old.files);
        END""",
        f"""CREATE TRIGGER search_document_update AFTER UPDATE OF title, files ON {DOCUMENT_TABLE} BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, files) VALUES ('delete', old.id, old.title, old.files);
            INSERT INTO {FTS_TABLE}(rowid, title, files) VALUES (new.id, new.title, new.files);
        END""",
    )
    TRIGGER_NAMES = ("search_document_insert", "search_document_delete", "search_document_update")

    def create_schema(self, cursor) -> None:
        cursor.execute(self.CREATE_FTS)
        for statement in self.TRIGGERS:
            cursor.execute(statement)

    def drop_schema(self, cursor) -> None:
        self._drop_triggers(cursor)
        cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")

    def _drop_triggers(self, cursor) -> None:
        for name in self.TRIGGER_NAMES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")

    # --- Writing -----------------------------------------------------------------
    def upsert(self, cursor, rows: Iterable[DocumentRow]) -> None:
        cursor.executemany(
            f"""INSERT INTO {DOCUMENT_TABLE} (torrent_id, title, files, torrent_file_length, trackers_key)
                VALUES (%s, %s, %s, %s, %s)
                ON CONFLICT (torrent_id) DO UPDATE SET
                    title = excluded.title, files = excluded.files,
                    torrent_file_length = COALESCE(excluded.torrent_file_length, {DOCUMENT_TABLE}.torrent_file_length),
                    trackers_key = CASE WHEN excluded.torrent_file_length IS NULL
                                        THEN {DOCUMENT_TABLE}.trackers_key ELSE excluded.trackers_key END""",
            [(torrent_id, " ".join(title), " ".join(files), length, key)
             for torrent_id, title, files, length, key in rows],
        )

    def start_bulk_load(self, cursor) -> None:
        """Empty the index and stop per-row FTS updates; `finish_bulk_load` indexes everything in one pass."""
        self._drop_triggers(cursor)
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
        cursor.execute(f"DELETE FROM {DOCUMENT_TABLE}")

    def bulk_insert(self, cursor, rows: Iterable[DocumentRow]) -> None:
        cursor.executemany(
            f"INSERT INTO {DOCUMENT_TABLE} (torrent_id, title, files, torrent_file_length, trackers_key) "
            "VALUES (%s, %s, %s, %s, %s)",
            [(torrent_id, " ".join(title), " ".join(files), length, key)
             for torrent_id, title, files, length, key in rows],
        )

    def finish_bulk_load(self, cursor) -> None:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        for statement in self.TRIGGERS:
            cursor.execute(statement)
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
        cursor.execute("ANALYZE")

    # --- Querying ------------------------------------------------------------------
    # CROSS JOIN fixes the join order: SQLite walks the FTS matches newest first
    # and looks each torrent up, instead of scanning torrents and probing FTS.
    text_from = f"{FTS_TABLE} CROSS JOIN {DOCUMENT_TABLE} d CROSS JOIN {{torrents}} t"
    document_order = f"{FTS_TABLE}.rowid"

    def text_where(self, query: TextQuery) -> tuple[str, list]:
        return (
            f"{FTS_TABLE} MATCH %s AND d.id = {FTS_TABLE}.rowid AND t.id = d.torrent_id",
            [matching.fts5_match(query)],
        )

    def excluded_where(self, clauses: tuple[TextClause, ...]) -> tuple[str, list]:
        # The matches are collected once, not probed per torrent: an FTS5 lookup by rowid costs far more.
        return (
            f"NOT EXISTS (SELECT 1 FROM {DOCUMENT_TABLE} x WHERE x.torrent_id = t.id AND x.id IN "
            f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s))",
            [matching.fts5_any(clauses)],
        )


class PostgresBackend:
    vendor = "postgresql"

    def create_schema(self, cursor) -> None:
        cursor.execute(f"ALTER TABLE {DOCUMENT_TABLE} ADD COLUMN vector tsvector NOT NULL DEFAULT ''::tsvector")
        cursor.execute(f"CREATE INDEX search_document_vector ON {DOCUMENT_TABLE} USING gin (vector)")

    def drop_schema(self, cursor) -> None:
        cursor.execute("DROP INDEX IF EXISTS search_document_vector")
        cursor.execute(f"ALTER TABLE {DOCUMENT_TABLE} DROP COLUMN IF EXISTS vector")

    def _values(self, rows: Iterable[DocumentRow]) -> list[tuple]:
        return [(torrent_id, " ".join(title), " ".join(files), length, key, tsvector_literal(title, files))
                for torrent_id, title, files, length, key in rows]

    def upsert(self, cursor, rows: Iterable[DocumentRow]) -> None:
        cursor.executemany(
            f"""INSERT INTO {DOCUMENT_TABLE} (torrent_id, title, files, torrent_file_length, trackers_key, vector)
                VALUES (%s, %s, %s, %s, %s, %s::tsvector)
                ON CONFLICT (torrent_id) DO UPDATE SET
                    title = excluded.title, files = excluded.files, vector = excluded.vector,
                    torrent_file_length = COALESCE(excluded.torrent_file_length, {DOCUMENT_TABLE}.torrent_file_length),
                    trackers_key = CASE WHEN excluded.torrent_file_length IS NULL
                                        THEN {DOCUMENT_TABLE}.trackers_key ELSE excluded.trackers_key END""",
            self._values(rows),
        )

    def start_bulk_load(self, cursor) -> None:
        """Empty the index and drop the GIN index; building it once at the end is much faster."""
        self._check_pending_constraints(cursor)
        cursor.execute(f"TRUNCATE {DOCUMENT_TABLE} RESTART IDENTITY")
        cursor.execute("DROP INDEX IF EXISTS search_document_vector")

    def _check_pending_constraints(self, cursor) -> None:
        # Django's foreign keys are checked at commit; PostgreSQL refuses TRUNCATE and
        # index changes on a table with such checks pending, so run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def bulk_insert(self, cursor, rows: Iterable[DocumentRow]) -> None:
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        columns = "torrent_id, title, files, torrent_file_length, trackers_key, vector"
        with raw.copy(f"COPY {DOCUMENT_TABLE} ({columns}) FROM STDIN") as copy:
            for row in self._values(rows):
                copy.write_row(row)

    def finish_bulk_load(self, cursor) -> None:
        self._check_pending_constraints(cursor)
        cursor.execute(f"CREATE INDEX search_document_vector ON {DOCUMENT_TABLE} USING gin (vector)")
        cursor.execute(f"ANALYZE {DOCUMENT_TABLE}")

    # --- Querying ------------------------------------------------------------------
    text_from = f"{DOCUMENT_TABLE} d JOIN {{torrents}} t ON t.id = d.torrent_id"
    document_order = "d.id"

    def text_where(self, query: TextQuery) -> tuple[str, list]:
        return "d.vector @@ %s::tsquery", [matching.tsquery_match(query)]

    def excluded_where(self, clauses: tuple[TextClause, ...]) -> tuple[str, list]:
        return (
            f"NOT EXISTS (SELECT 1 FROM {DOCUMENT_TABLE} x WHERE x.torrent_id = t.id "
            "AND x.vector @@ %s::tsquery)",
            [matching.tsquery_any(clauses)],
        )


_BACKENDS = {"sqlite": SqliteBackend(), "postgresql": PostgresBackend()}


def backend_for(vendor: str):
    try:
        return _BACKENDS[vendor]
    except KeyError:
        raise UnsupportedDatabase(
            f"search supports SQLite and PostgreSQL; this database is {vendor!r}"
        ) from None


def get_backend(using: str = "default"):
    return backend_for(connections[using].vendor)
