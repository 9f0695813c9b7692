"""On PostgreSQL, a trigram index on anime titles, so that substring searches stop scanning every row.

The anime search matches `search_text LIKE '%query%'`, which a B-tree index cannot serve. pg_trgm's
GIN operator class can. Creating the extension needs a role allowed to do so; where the role may
not, the migration logs a warning and leaves the search as it was (correct, only slower).
SQLite has no such index and is left alone.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

INDEX = "anime_animetitle_search_text_trgm"


def create_trigram_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    table = apps.get_model("anime", "AnimeTitle")._meta.db_table
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING gin (search_text gin_trgm_ops)")
    except DatabaseError as error:
        logger.warning("anime title search stays unindexed: could not set up pg_trgm (%s). "
                       "Ask the database administrator to run CREATE EXTENSION pg_trgm, then run "
                       "`anirena migrate anime 0001` and `anirena migrate`.", error)


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("anime", "0001_initial")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
