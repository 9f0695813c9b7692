import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from anirena.torrents.models import Category, SubCategory
from anirena.torrents.services.upload import UploadRejected, UploadRequest, upload_torrent


class Command(BaseCommand):
    help = (
        "Import .torrent files, or folders of them, as uploads by one user. Each file is its own "
        "transaction; torrents without this site's tracker get it added. Exits with status 1 if any "
        "file was rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help=".torrent files or folders to scan recursively")
        parser.add_argument("--user", required=True, help="username that the torrents are uploaded as")
        parser.add_argument("--category", required=True, help="category slug, such as anime")
        parser.add_argument("--sub-category", dest="sub_category", help="sub-category slug, such as raw")
        parser.add_argument("--language", dest="languages", action="append", default=[],
                            help="content language code; repeat for several")

    def handle(self, *args, paths, user, category, sub_category, languages, **options):
        uploader = get_user_model().objects.filter(username__iexact=user).first()
        if uploader is None:
            raise CommandError(f"No user named {user!r}. Create one first, for example with `anirena createsuperuser`.")
        if not Category.objects.filter(slug=category).exists():
            slugs = ", ".join(Category.objects.values_list("slug", flat=True))
            raise CommandError(f"Unknown category {category!r}; use one of: {slugs}.")
        if sub_category and not SubCategory.objects.filter(category__slug=category, slug=sub_category).exists():
            slugs = ", ".join(SubCategory.objects.filter(category__slug=category).values_list("slug", flat=True))
            raise CommandError(f"Sub-category {sub_category!r} does not belong to {category}; use one of: {slugs}.")

        files = self._collect(paths)
        if not files:
            raise CommandError("No .torrent files found in the given paths.")

        rejected = 0
        progress = tqdm(files, unit="file", file=sys.stderr, disable=not sys.stderr.isatty())
        for path in progress:
            line, ok = self._import_one(path, uploader, category, sub_category, languages)
            rejected += not ok
            progress.write(line, file=self.stdout)
        accepted = len(files) - rejected
        self.stdout.write(f"{accepted} imported, {rejected} rejected, {len(files)} in all")
        if rejected:
            sys.exit(1)

    def _collect(self, paths: list[str]) -> list[Path]:
        found: list[Path] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                found.extend(sorted(p for p in path.rglob("*.torrent") if p.is_file()))
            elif path.is_file():
                found.append(path)
            else:
                raise CommandError(f"{raw}: no such file or folder")
        return found

    def _import_one(self, path: Path, uploader, category, sub_category, languages) -> tuple[str, bool]:
        try:
            data = path.read_bytes()
        except OSError as error:
            return f"rejected {path}: cannot read the file: {error.strerror}", False
        request = UploadRequest(data=data, category=category, sub_category=sub_category, languages=languages)
        try:
            torrent = upload_torrent(uploader, request, add_missing_site_tracker=True)
        except UploadRejected as error:
            return f"rejected {path}: {error.message}", False
        hashes = " ".join(f"{name}={value}" for name, value in
                          (("v1", torrent.info_hash_v1), ("v2", torrent.info_hash_v2)) if value)
        return f"accepted {path}: id={torrent.pk} {hashes}", True
