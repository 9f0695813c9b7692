"""Fill an empty database with synthetic torrents for the search and listing benchmarks.

The database is the one the environment selects, as for `anirena serve`:

    ANIRENA_DATA_DIR=var/bench-100k .venv/bin/python bench/search_fill.py --count 100000
    ANIRENA_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anirena_bench_100k \\
        .venv/bin/python bench/search_fill.py --count 100000

Rows go straight into the tables (executemany on SQLite, COPY on PostgreSQL),
not through the upload service, and the search index is built in one pass at
the end. Titles come from `search_names`. Sizes, dates over five years,
categories, languages, uploaders and peer counts are drawn at random with
fixed weights from a fixed seed. The stored .torrent bytes are left empty,
because the benchmarks never download them and the feed reads the .torrent
length stored in the search index.
"""

import argparse
import itertools
import math
import os
import random
import secrets
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anirena.settings")

CATEGORY_WEIGHTS = {
    "anime": 74, "manga": 6, "audio": 5, "literature": 3, "live": 4, "pictures": 1, "software": 1, "hentai": 4,
    "other": 2,
}
ANIME_SUB_WEIGHTS = {"english-translated": 45, "raw": 15, "non-english-translated": 25, "sub-audio": 10,
                     "music-video": 3, "amv": 2}
LANGUAGE_WEIGHTS = {"en": 40, "ja": 25, "es": 6, "pt-BR": 6, "fr": 5, "de": 4, "it": 3, "ru": 4, "ar": 3,
                    "zh-Hans": 3, "ko": 2, "id": 2, "pl": 1, "vi": 1}
CATEGORIES, CATEGORY_CUMULATIVE = list(CATEGORY_WEIGHTS), list(itertools.accumulate(CATEGORY_WEIGHTS.values()))
ANIME_SUBS, ANIME_SUB_CUMULATIVE = list(ANIME_SUB_WEIGHTS), list(itertools.accumulate(ANIME_SUB_WEIGHTS.values()))
LANGUAGES, LANGUAGE_CUMULATIVE = list(LANGUAGE_WEIGHTS), list(itertools.accumulate(LANGUAGE_WEIGHTS.values()))
MEDIAN_EPISODE_SIZE = [180e6, 350e6, 1.2e9, 4e9]  # by resolution rank: 480p, 720p, 1080p, 2160p
USERS = 3000
YEARS = 5
CHUNK = 20000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, required=True, help="Torrents to insert.")
    parser.add_argument("--seed", type=int, default=20261204, help="Random seed (default fixed).")
    parser.add_argument("--shared-data", type=Path, default=None,
                        help="Folder of shared test data (default: ANIRENA_SHARED_DATA or ../shared/data).")
    return parser.parse_args()


def ensure_postgres_database() -> None:
    """Create the PostgreSQL database named by ANIRENA_DATABASE_URL when it does not exist yet."""
    url = os.environ.get("ANIRENA_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    with psycopg.connect(base.replace("postgres://", "postgresql://", 1) + "/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class Filler:
    def __init__(self, count: int, rng: random.Random, names):
        from django.db import connection

        from anirena.search.backends import get_backend
        from anirena.torrents.models import Category, Torrent

        self.count = count
        self.rng = rng
        self.names = names
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.backend = get_backend()
        self.torrent_fields = Torrent._meta.concrete_fields
        self.categories = {category.slug: category for category in Category.objects.prefetch_related("sub_categories")}
        self.sub_categories = {slug: list(category.sub_categories.all()) for slug, category in self.categories.items()}
        self.defaults = None
        self.now = datetime.now(timezone.utc)
        self.start = self.now - timedelta(days=365 * YEARS)

    # --- Accounts and groups ----------------------------------------------------------------
    def make_users(self) -> tuple[list, list[float]]:
        from anirena.accounts.models import User

        words = [group.lower().replace(" ", "") or "user" for group in self.names.groups]
        users = [
            User(id=uuid.uuid4(), username=f"{self.rng.choice(words)[:20]}{number}", email=f"bench{number}@example.org",
                 password="!", is_active=True, date_joined=self.start)
            for number in range(USERS)
        ]
        User.objects.bulk_create(users, batch_size=1000)
        # A few uploaders post most torrents, as on real indexes.
        weights = itertools.accumulate(1 / (rank + 1) ** 1.1 for rank in range(USERS))
        return [user.pk for user in users], list(weights)

    def make_groups(self, user_ids: list) -> dict[str, int]:
        from django.utils.text import slugify

        from anirena.groups.models import Group

        groups, seen = [], set()
        for name in self.names.groups:
            slug = slugify(name)[:60]
            if not slug or slug in seen or name.lower() in seen:
                continue
            seen.update({slug, name.lower()})
            groups.append(Group(name=name[:100], slug=slug, owner_id=self.rng.choice(user_ids)))
        Group.objects.bulk_create(groups)
        return {group.name: group.pk for group in Group.objects.all()}

    # --- Torrents ---------------------------------------------------------------------------------
    def category_for(self, release):
        rng = self.rng
        slug = rng.choices(CATEGORIES, cum_weights=CATEGORY_CUMULATIVE)[0]
        category = self.categories[slug]
        subs = self.sub_categories[slug]
        if slug == "anime":
            sub_slug = rng.choices(ANIME_SUBS, cum_weights=ANIME_SUB_CUMULATIVE)[0]
            sub = next(item for item in subs if item.slug == sub_slug)
        else:
            sub = rng.choice(subs) if rng.random() < 0.8 else None
        return category, sub

    def size_for(self, release) -> int:
        median = MEDIAN_EPISODE_SIZE[release.resolution_rank] * len(release.files)
        return max(1024, int(self.rng.lognormvariate(math.log(median), 0.5)))

    def peers_for(self, uploaded_at) -> tuple[int, int, int]:
        """Return (seeders, leechers, completed): most torrents past 30 days have no seeders left."""
        rng = self.rng
        age_days = (self.now - uploaded_at).days
        completed = int(rng.lognormvariate(3.5, 1.5))
        if age_days < 30 or rng.random() < 0.3:
            seeders = int(rng.lognormvariate(2.0 if age_days < 30 else 0.5, 1.2))
        else:
            seeders = 0
        leechers = int(rng.lognormvariate(0.5, 1.0)) if rng.random() < 0.4 else 0
        return seeders, leechers, completed

    def torrent_row(self, release, uploaded_at, user_ids, user_weights, group_ids) -> tuple[dict, list[str]]:
        rng = self.rng
        category, sub = self.category_for(release)
        seeders, leechers, completed = self.peers_for(uploaded_at)
        hybrid = rng.random() < 0.2
        size = self.size_for(release)
        values = {
            "id": uuid.uuid4(),
            "title": release.title[:512],
            "info_hash_v1": secrets.token_hex(20),
            "info_hash_v2": secrets.token_hex(32) if hybrid else None,
            "version": "hybrid" if hybrid else "v1",
            "size": size,
            "file_count": len(release.files),
            "piece_length": 1 << 20,
            "category_id": category.pk,
            "sub_category_id": sub.pk if sub else None,
            "uploader_id": rng.choices(user_ids, cum_weights=user_weights)[0],
            "group_id": group_ids.get(release.group) if rng.random() < 0.6 else None,
            "completed": completed,
            "seeders": seeders,
            "leechers": leechers,
            "uploaded_at": uploaded_at,
            "updated_at": uploaded_at,
        }
        languages = []
        if rng.random() < 0.8:
            picks = rng.choices(LANGUAGES, cum_weights=LANGUAGE_CUMULATIVE, k=rng.randint(1, 2))
            languages = list(dict.fromkeys(picks))
        return values, languages

    def prepared(self, values: dict) -> list:
        """Return the row in column order; columns this script does not set get their (cached) default."""
        if self.defaults is None:
            self.defaults = {field.attname: field.get_db_prep_save(field.get_default(), self.connection)
                             for field in self.torrent_fields if field.attname not in values}
        row = []
        for field in self.torrent_fields:
            if field.attname in values:
                row.append(self.adapt(values[field.attname]))
            else:
                row.append(self.defaults[field.attname])
        return row

    def adapt(self, value):
        """Convert a value as Django would for this database, for the few types this script writes."""
        if self.postgres:
            return value  # psycopg's COPY adapts UUIDs, datetimes and numbers itself
        if isinstance(value, uuid.UUID):
            return value.hex
        if isinstance(value, datetime):
            return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ")
        return value

    def insert(self, table: str, columns: list[str], rows: list) -> None:
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def fill(self) -> None:
        from django.db import transaction

        from anirena.search import index
        from anirena.search.text import index_tokens
        from anirena.torrents.models import Torrent, TorrentBlob

        user_ids, user_weights = self.make_users()
        group_ids = self.make_groups(user_ids)
        through = Torrent.languages.through
        files_field = TorrentBlob._meta.get_field("files")
        torrent_columns = [field.column for field in self.torrent_fields]
        key = index.trackers_key()
        # Upload times over five years, oldest first, as the index receives them.
        span = (self.now - self.start).total_seconds()
        offsets = sorted(self.rng.random() * span for _ in range(self.count))

        with transaction.atomic(), self.connection.cursor() as cursor:
            self.backend.start_bulk_load(cursor)
        started = time.perf_counter()
        for chunk_start in range(0, self.count, CHUNK):
            torrents, blobs, languages, documents = [], [], [], []
            for offset in offsets[chunk_start:chunk_start + CHUNK]:
                release = self.names.release()
                values, codes = self.torrent_row(release, self.start + timedelta(seconds=offset), user_ids,
                                                 user_weights, group_ids)
                torrents.append(self.prepared(values))
                db_id = self.adapt(values["id"])
                files = [[path, values["size"] // len(release.files)] for path in release.files]
                blobs.append([db_id, b"", files_field.get_db_prep_save(files, self.connection)])
                languages += [[db_id, code] for code in codes]
                # A v1 .torrent is about 300 bytes plus 20 per piece and the file list.
                length = 300 + 20 * (values["size"] // values["piece_length"] + 1) + 60 * len(release.files)
                documents.append((db_id, index_tokens(values["title"]), index.file_tokens(release.files), length, key))
            with transaction.atomic(), self.connection.cursor() as cursor:
                self.insert(Torrent._meta.db_table, torrent_columns, torrents)
                self.insert(TorrentBlob._meta.db_table, ["torrent_id", "metainfo", "files"], blobs)
                self.insert(through._meta.db_table, ["torrent_id", "language_id"], languages)
                self.backend.bulk_insert(cursor, documents)
            done = min(chunk_start + CHUNK, self.count)
            rate = done / (time.perf_counter() - started)
            print(f"\r{done}/{self.count} torrents ({rate:.0f}/s)", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        with transaction.atomic(), self.connection.cursor() as cursor:
            print("building the full-text index ...", file=sys.stderr)
            self.backend.finish_bulk_load(cursor)
        self.analyze()

    def analyze(self) -> None:
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("VACUUM ANALYZE")
            else:
                cursor.execute("ANALYZE")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def main() -> None:
    args = parse_args()
    ensure_postgres_database()

    import django

    django.setup()
    from django.core.management import call_command

    from anirena.testing import shared_data_dir
    from anirena.torrents.models import Torrent
    from search_names import NameGenerator

    call_command("migrate", interactive=False, verbosity=0)
    existing = Torrent.objects.count()
    if existing:
        raise SystemExit(f"the database already contains {existing} torrents; point ANIRENA_DATA_DIR or "
                         "ANIRENA_DATABASE_URL at an empty one")
    rng = random.Random(args.seed)
    names = NameGenerator(args.shared_data or shared_data_dir(), rng)
    started = time.perf_counter()
    Filler(args.count, rng, names).fill()
    print(f"filled {args.count} torrents in {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
