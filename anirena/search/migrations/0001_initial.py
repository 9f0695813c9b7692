"""Create the search index, and the torrent-table indexes behind the listing's filters and sorts.

The full-text part depends on the database: an FTS5 table with triggers on
SQLite, a tsvector column with a GIN index on PostgreSQL. Torrents that exist
already are indexed here; `rebuild_search_index` does the same later.
"""

import django.db.models.deletion
from django.db import migrations, models


def create_search_objects(apps, schema_editor):
    from anirena.search.backends import backend_for
    from anirena.search.schema import create_listing_indexes

    backend = backend_for(schema_editor.connection.vendor)
    with schema_editor.connection.cursor() as cursor:
        backend.create_schema(cursor)
    create_listing_indexes(schema_editor.connection)


def drop_search_objects(apps, schema_editor):
    from anirena.search.backends import backend_for
    from anirena.search.schema import drop_listing_indexes

    drop_listing_indexes(schema_editor.connection)
    with schema_editor.connection.cursor() as cursor:
        backend_for(schema_editor.connection.vendor).drop_schema(cursor)


def index_existing_torrents(apps, schema_editor):
    from anirena.search.backends import backend_for
    from anirena.search.index import document_row, paths_of

    Torrent = apps.get_model("torrents", "Torrent")
    TorrentBlob = apps.get_model("torrents", "TorrentBlob")
    alias = schema_editor.connection.alias
    backend = backend_for(schema_editor.connection.vendor)
    torrents = Torrent.objects.using(alias).order_by("uploaded_at", "id").values_list("id", "title")
    batch = []
    for torrent_id, title in torrents.iterator(chunk_size=1000):
        files = TorrentBlob.objects.using(alias).filter(torrent_id=torrent_id).values_list("files", flat=True).first()
        batch.append(document_row(torrent_id, title, paths_of(files or []), using=alias))
        if len(batch) >= 1000:
            _write(schema_editor, backend, batch)
            batch = []
    _write(schema_editor, backend, batch)


def _write(schema_editor, backend, rows):
    if rows:
        with schema_editor.connection.cursor() as cursor:
            backend.upsert(cursor, rows)


class Migration(migrations.Migration):
    initial = True

    dependencies = [("torrents", "0002_categories_and_languages")]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("title", models.TextField()),
                ("files", models.TextField(blank=True)),
                ("torrent_file_length", models.PositiveBigIntegerField(blank=True, null=True)),
                ("trackers_key", models.CharField(blank=True, max_length=16)),
                (
                    "torrent",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_document",
                        to="torrents.torrent",
                    ),
                ),
            ],
            options={"db_table": "search_document"},
        ),
        migrations.RunPython(create_search_objects, drop_search_objects),
        migrations.RunPython(index_existing_torrents, migrations.RunPython.noop),
    ]
