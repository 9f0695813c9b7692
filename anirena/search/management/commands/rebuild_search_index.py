import sys

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Q
from tqdm import tqdm

from anirena.metainfo import MetainfoError
from anirena.search import index
from anirena.search.backends import get_backend


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the torrent table, oldest upload first, in one transaction: "
        "searches keep using the old index until it commits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000,
                            help="Torrents read and written per batch (default 2000).")
        parser.add_argument("--skip-lengths", action="store_true",
                            help="Do not compute the served .torrent lengths; the feed then computes them "
                                 "when it lists a torrent.")

    def handle(self, *args, batch_size, skip_lengths, verbosity, **options):
        from anirena.torrents.models import Torrent

        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1")
            sys.exit(2)
        backend = get_backend()
        total = Torrent.objects.count()
        progress = tqdm(total=total, unit="torrent", disable=verbosity == 0, file=sys.stderr)
        indexed = 0
        self.failures = []
        with transaction.atomic(), connection.cursor() as cursor:
            backend.start_bulk_load(cursor)
            for batch in self._batches(batch_size):
                backend.bulk_insert(cursor, self._rows(batch, with_lengths=not skip_lengths))
                indexed += len(batch)
                progress.update(len(batch))
            backend.finish_bulk_load(cursor)
        progress.close()
        index.bump_generation()
        if self.failures:
            torrent_id, error = self.failures[0]
            self.stderr.write(f"{len(self.failures)} stored .torrent files could not be rewritten, so their length "
                              f"is not indexed (the feed computes it, or shows 0); first: torrent {torrent_id}: {error}")
        if verbosity:
            self.stdout.write(f"Indexed {indexed} torrents.")

    def _batches(self, batch_size: int):
        """Yield the torrents in upload order, by keyset so each batch is one index range scan."""
        from anirena.torrents.models import Torrent

        queryset = Torrent.objects.order_by("uploaded_at", "id").only("id", "title", "uploaded_at")
        last = None
        while True:
            page = queryset
            if last is not None:
                page = queryset.filter(Q(uploaded_at__gt=last.uploaded_at) | Q(uploaded_at=last.uploaded_at,
                                                                              id__gt=last.id))
            batch = list(page[:batch_size])
            if not batch:
                return
            yield batch
            last = batch[-1]

    def _rows(self, batch, *, with_lengths: bool) -> list:
        from anirena.torrents.models import TorrentBlob

        fields = ("torrent_id", "files", "metainfo") if with_lengths else ("torrent_id", "files")
        blobs = {row[0]: row[1:] for row in TorrentBlob.objects.filter(torrent__in=batch).values_list(*fields)}
        rows = []
        for torrent in batch:
            blob = blobs.get(torrent.pk)
            paths = index.paths_of(blob[0]) if blob else []
            length = None
            if with_lengths and blob and blob[1]:
                try:
                    length = index.served_torrent_length(torrent, bytes(blob[1]))
                except MetainfoError as error:
                    self.failures.append((torrent.pk, error))
            rows.append(index.document_row(torrent.pk, torrent.title, paths, length))
        return rows
