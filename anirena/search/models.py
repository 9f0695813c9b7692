from django.db import models


class SearchDocument(models.Model):
    """The search index entry of one torrent, written only by `anirena.search.index`.

    `title` and `files` hold normalised tokens (see `anirena.search.text`)
    separated by spaces. On SQLite the FTS5 table ``search_fts`` indexes them
    (kept in step by triggers); on PostgreSQL the migration adds a ``vector``
    tsvector column with a GIN index. The id gives the order of indexing,
    which is upload order, and text searches use it as their date order.
    """

    id = models.BigAutoField(primary_key=True)
    torrent = models.OneToOneField("torrents.Torrent", on_delete=models.CASCADE, related_name="search_document")
    title = models.TextField()
    files = models.TextField(blank=True)
    # Byte length of the .torrent as the download route serves it (site trackers
    # added), valid while `trackers_key` matches the configured announce URLs.
    torrent_file_length = models.PositiveBigIntegerField(null=True, blank=True)
    trackers_key = models.CharField(max_length=16, blank=True)

    class Meta:
        db_table = "search_document"

    def __str__(self) -> str:
        return f"search document of {self.torrent_id}"
