import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from anirena.anime.importer import DumpError, import_entries, read_dump


class Command(BaseCommand):
    help = (
        "Import the anime offline database (manami-project format): a .json or .jsonl file, plain or "
        "compressed as .zst or .gz. Entries already present are matched by their source URLs and updated "
        "in place, keeping their ids; running it again with the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="anime-offline-database-minified.json(.zst), or the .jsonl form")
        parser.add_argument("--rebuild-titles", action="store_true",
                            help="recompute the search keys of every title, also for unchanged entries")

    def handle(self, *args, file, rebuild_titles, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        started = time.monotonic()
        try:
            entries = read_dump(path)
        except DumpError as error:
            raise CommandError(str(error)) from None

        with tqdm(total=len(entries), unit="entry", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
            summary = import_entries(entries, rebuild_titles=rebuild_titles, progress=bar.update)

        for message in summary.errors:
            self.stderr.write(f"skipped: {message}")
        elapsed = time.monotonic() - started
        self.stdout.write(f"{summary} in {elapsed:.1f} s")
