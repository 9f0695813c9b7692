"""Indexes on the torrent table that the listing's filters and sorts read.

They are created by this app's migration and checked again after every
``migrate`` (see `SearchConfig.ready`): on SQLite, Django rebuilds a table to
alter a column and recreates only the indexes its models declare, which would
drop these.
"""

import logging

logger = logging.getLogger(__name__)

TORRENT_TABLE = "torrents_torrent"

# (index name, key columns, columns carried for the filters). Keys end with the
# primary key, so each sort with its tie-breaker reads straight from the index.
# The carried columns let the default listing test "adult" and "dead" without
# reading the table row.
LISTING_INDEXES = [
    ("search_torrent_date", ["uploaded_at", "id"], ["category_id", "seeders"]),
    ("search_torrent_category_date", ["category_id", "uploaded_at", "id"], ["seeders"]),
    ("search_torrent_subcategory_date", ["sub_category_id", "uploaded_at", "id"], ["seeders"]),
    ("search_torrent_uploader_date", ["uploader_id", "uploaded_at", "id"], ["category_id", "seeders"]),
    ("search_torrent_group_date", ["group_id", "uploaded_at", "id"], ["category_id", "seeders"]),
    ("search_torrent_title", ["title", "id"], []),
    ("search_torrent_size", ["size", "id"], []),
    ("search_torrent_completed", ["completed", "id"], []),
    ("search_torrent_seeders", ["seeders", "id"], []),
    ("search_torrent_leechers", ["leechers", "id"], []),
]


def listing_index_sql(vendor: str, name: str, keys: list[str], carried: list[str]) -> str:
    if vendor == "postgresql" and carried:
        return (f"CREATE INDEX IF NOT EXISTS {name} ON {TORRENT_TABLE} ({', '.join(keys)}) "
                f"INCLUDE ({', '.join(carried)})")
    # SQLite has no INCLUDE; trailing key columns serve the same purpose.
    return f"CREATE INDEX IF NOT EXISTS {name} ON {TORRENT_TABLE} ({', '.join(keys + carried)})"


def create_listing_indexes(connection) -> None:
    with connection.cursor() as cursor:
        for name, keys, carried in LISTING_INDEXES:
            cursor.execute(listing_index_sql(connection.vendor, name, keys, carried))


def drop_listing_indexes(connection) -> None:
    with connection.cursor() as cursor:
        for name, _keys, _carried in LISTING_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


def ensure_listing_indexes(using: str = "default", **kwargs) -> None:
    """Recreate any listing index that is missing; a post_migrate receiver."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    if TORRENT_TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        present = set(connection.introspection.get_constraints(cursor, TORRENT_TABLE))
    missing = [name for name, _keys, _carried in LISTING_INDEXES if name not in present]
    if missing:
        logger.warning("recreating listing indexes missing on %s: %s", TORRENT_TABLE, ", ".join(missing))
        create_listing_indexes(connection)
