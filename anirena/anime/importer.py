"""Import the anime offline database (manami-project's JSON format) idempotently.

Both published shapes are read: the JSON document whose `data` array holds the
entries, and JSON lines with a metadata line first. Either may be plain or
compressed with zstandard (.zst, as the project publishes it) or gzip (.gz).
Optional values may be null (the pretty file) or left out (the minified file).

An entry already in the database is found by any of its `sources` URLs, updated
in place and keeps its UUID, so torrents stay linked across re-imports. Entries
missing from a later file are kept.
"""

import gzip
import io
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from anirena.anime import names
from anirena.anime.models import KEY_MAX_LENGTH, TITLE_MAX_LENGTH, URL_MAX_LENGTH, Anime, AnimeSource, AnimeTitle

logger = logging.getLogger(__name__)

CHUNK_SIZE = 500
ANIME_FIELDS = ("title", "anime_type", "episodes", "status", "season", "season_year", "picture", "thumbnail",
                "duration_secs", "synonyms", "sources")


class DumpError(Exception):
    """The file cannot be read as an anime offline database dump."""


class RecordError(ValueError):
    """One entry of the dump is malformed; the import skips it."""


@dataclass(frozen=True)
class AnimeRecord:
    title: str
    anime_type: str
    episodes: int
    status: str
    season: str
    season_year: int | None
    picture: str
    thumbnail: str
    duration_secs: int | None
    synonyms: list[str]
    sources: list[str]

    def values(self) -> dict:
        return {name: getattr(self, name) for name in ANIME_FIELDS}


@dataclass
class ImportSummary:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.read} entries read: {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged, {self.invalid} invalid, {self.duplicates} duplicates skipped")


# --- Reading the file -----------------------------------------------------------------

def read_dump(path: Path) -> list[dict]:
    """Return the raw entries of a dump file, decompressing by the file's suffix."""
    text = _read_text(path)
    stripped = text.lstrip()
    if not stripped:
        raise DumpError(f"{path} is empty.")
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            raise DumpError(f"{path} is not valid JSON: {error}") from None
        return _read_json_lines(path, stripped)
    if isinstance(document, dict) and isinstance(document.get("data"), list):
        return document["data"]
    if isinstance(document, list):
        return document
    raise DumpError(f"{path} has no `data` array; expected the anime offline database format.")


def _read_text(path: Path) -> str:
    suffix = path.suffix.lower()
    try:
        if suffix == ".zst":
            return _read_zstandard(path)
        if suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                return handle.read()
        if suffix in (".br", ".xz", ".bz2", ".zip"):
            raise DumpError(f"{path}: {suffix} files are not supported; use the .json, .jsonl, .zst or .gz file.")
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, EOFError) as error:
        raise DumpError(f"Cannot read {path}: {error}") from None


def _read_zstandard(path: Path) -> str:
    import zstandard

    with path.open("rb") as raw:
        try:
            reader = zstandard.ZstdDecompressor().stream_reader(raw)
            return io.TextIOWrapper(reader, encoding="utf-8").read()
        except zstandard.ZstdError as error:
            raise DumpError(f"{path} is not a valid zstandard file: {error}") from None


def _read_json_lines(path: Path, text: str) -> list[dict]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise DumpError(f"{path}, line {number}: invalid JSON: {error}") from None
        # The first line of the .jsonl release holds the dataset's metadata, not an entry.
        if isinstance(item, dict) and "sources" not in item and "title" not in item:
            continue
        entries.append(item)
    return entries


# --- One entry ----------------------------------------------------------------------------

def parse_record(raw) -> AnimeRecord:
    """Validate one raw entry; raise RecordError naming what is wrong."""
    if not isinstance(raw, dict):
        raise RecordError("entry is not an object")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise RecordError("missing title")
    sources = _string_list(raw.get("sources"), "sources")
    sources = [url for url in dict.fromkeys(url.strip() for url in sources) if url]
    if not sources:
        raise RecordError(f"entry {title!r} has no sources")
    if any(len(url) > URL_MAX_LENGTH for url in sources):
        raise RecordError(f"entry {title!r} has a source URL longer than {URL_MAX_LENGTH} characters")

    title = title.strip()[:TITLE_MAX_LENGTH]
    synonyms = [synonym.strip()[:TITLE_MAX_LENGTH] for synonym in _string_list(raw.get("synonyms"), "synonyms")]
    synonyms = [synonym for synonym in dict.fromkeys(synonyms) if synonym and synonym != title]
    season = raw.get("animeSeason") or {}
    if not isinstance(season, dict):
        raise RecordError(f"entry {title!r}: animeSeason is not an object")
    return AnimeRecord(
        title=title,
        anime_type=_choice(raw.get("type"), Anime.Type.values, Anime.Type.UNKNOWN),
        episodes=_whole_number(raw.get("episodes"), "episodes", title) or 0,
        status=_choice(raw.get("status"), Anime.Status.values, Anime.Status.UNKNOWN),
        season=_choice(season.get("season"), Anime.Season.values, Anime.Season.UNDEFINED),
        season_year=_whole_number(season.get("year"), "animeSeason.year", title),
        picture=_url(raw.get("picture")),
        thumbnail=_url(raw.get("thumbnail")),
        duration_secs=_duration(raw.get("duration"), title),
        synonyms=synonyms,
        sources=sources,
    )


def _string_list(value, name: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise RecordError(f"{name} is not a list of strings")
    return value


def _choice(value, allowed, default: str) -> str:
    return value if value in allowed else default


def _whole_number(value, name: str, title: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != int(value):
        raise RecordError(f"entry {title!r}: {name} is not a whole number: {value!r}")
    return int(value)


def _url(value) -> str:
    if not isinstance(value, str):
        return ""
    value = value.strip()
    return value if len(value) <= URL_MAX_LENGTH else ""


def _duration(value, title: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RecordError(f"entry {title!r}: duration is not an object")
    unit = value.get("unit", "SECONDS")
    if unit != "SECONDS":
        raise RecordError(f"entry {title!r}: duration unit {unit!r} is not SECONDS")
    return _whole_number(value.get("value"), "duration.value", title)


# --- Writing ------------------------------------------------------------------------------

def import_entries(raw_entries: Iterable, *, rebuild_titles: bool = False,
                   progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Create or update one Anime per entry; entries are written in transactions of CHUNK_SIZE.

    `rebuild_titles` recomputes the title rows of unchanged entries too, for use after
    the normalisation in `anirena.anime.names` changed.
    """
    summary = ImportSummary()
    claimed_urls: set[str] = set()
    matched_ids: set = set()
    chunk: list[AnimeRecord] = []
    for raw in raw_entries:
        summary.read += 1
        try:
            record = parse_record(raw)
        except RecordError as error:
            summary.invalid += 1
            _note_error(summary, str(error))
        else:
            record = _drop_claimed_sources(record, claimed_urls, summary)
            if record is not None:
                chunk.append(record)
        if len(chunk) >= CHUNK_SIZE:
            _import_chunk(chunk, summary, rebuild_titles, matched_ids)
            chunk = []
        if progress is not None:
            progress(1)
    if chunk:
        _import_chunk(chunk, summary, rebuild_titles, matched_ids)
    logger.info("anime import finished: %s", summary)
    return summary


def _note_error(summary: ImportSummary, message: str) -> None:
    # Keep a sample for the summary; a broken file could otherwise hold millions.
    if len(summary.errors) < 20:
        summary.errors.append(message)


def _drop_claimed_sources(record: AnimeRecord, claimed: set[str], summary: ImportSummary) -> AnimeRecord | None:
    """Keep each source URL with the first entry of the file that lists it."""
    free = [url for url in record.sources if url not in claimed]
    if not free:
        summary.duplicates += 1
        _note_error(summary, f"entry {record.title!r} repeats the sources of an earlier entry; skipped")
        return None
    claimed.update(free)
    if len(free) == len(record.sources):
        return record
    return AnimeRecord(**{**record.values(), "sources": free})


def _import_chunk(records: list[AnimeRecord], summary: ImportSummary, rebuild_titles: bool, matched_ids: set) -> None:
    urls = [url for record in records for url in record.sources]
    owner_by_url = dict(AnimeSource.objects.filter(url__in=urls).values_list("url", "anime_id"))
    existing = Anime.objects.in_bulk({owner_by_url[url] for url in urls if url in owner_by_url})
    now = timezone.now()

    new: list[tuple[Anime, AnimeRecord]] = []
    changed: list[tuple[Anime, AnimeRecord]] = []
    retitled: list[tuple[Anime, AnimeRecord]] = []
    for record in records:
        anime = _matching_entry(record, owner_by_url, existing, matched_ids)
        if anime is None:
            new.append((Anime(**record.values(), created_at=now, updated_at=now), record))
            continue
        titles_differ = anime.title != record.title or anime.synonyms != record.synonyms
        if any(getattr(anime, name) != value for name, value in record.values().items()):
            for name, value in record.values().items():
                setattr(anime, name, value)
            anime.updated_at = now
            changed.append((anime, record))
        if titles_differ or rebuild_titles:
            retitled.append((anime, record))

    with transaction.atomic():
        Anime.objects.bulk_create([anime for anime, _record in new])
        if changed:
            Anime.objects.bulk_update([anime for anime, _record in changed], [*ANIME_FIELDS, "updated_at"])
        AnimeTitle.objects.filter(anime__in=[anime for anime, _record in retitled]).delete()
        AnimeTitle.objects.bulk_create([row for anime, record in new + retitled for row in _title_rows(anime, record)])
        _sync_sources(new + changed, owner_by_url)

    summary.created += len(new)
    summary.updated += len(changed)
    summary.unchanged += len(records) - len(new) - len(changed)


def _matching_entry(record: AnimeRecord, owner_by_url: dict, existing: dict, matched_ids: set) -> Anime | None:
    """Return the stored entry that shares the most source URLs with `record`.

    An entry matched by an earlier record of this run is not matched again, so an
    entry that the file splits in two stays one entry plus a new one.
    """
    votes: dict = {}
    for url in record.sources:
        owner = owner_by_url.get(url)
        if owner is not None and owner not in matched_ids:
            votes[owner] = votes.get(owner, 0) + 1
    if not votes:
        return None
    best = max(votes, key=lambda owner: (votes[owner], str(owner)))
    matched_ids.add(best)
    return existing[best]


def _title_rows(anime: Anime, record: AnimeRecord) -> list[AnimeTitle]:
    rows = []
    for position, text in enumerate([record.title, *record.synonyms]):
        rows.append(AnimeTitle(
            anime=anime,
            text=text,
            is_main=position == 0,
            search_text=names.search_text(text)[:KEY_MAX_LENGTH],
            compact_key=names.compact_key(text)[:KEY_MAX_LENGTH],
            stripped_key=names.stripped_key(text)[:KEY_MAX_LENGTH],
        ))
    return rows


def _sync_sources(entries: list[tuple[Anime, AnimeRecord]], owner_by_url: dict) -> None:
    """Point every source URL of the written entries at its entry, moving URLs merged from elsewhere."""
    if not entries:
        return
    AnimeSource.objects.filter(anime__in=[anime for anime, _record in entries]).exclude(
        url__in=[url for _, record in entries for url in record.sources]
    ).delete()
    moved = [url for anime, record in entries for url in record.sources
             if url in owner_by_url and owner_by_url[url] != anime.pk]
    AnimeSource.objects.filter(url__in=moved).delete()
    AnimeSource.objects.bulk_create([
        AnimeSource(url=url, anime=anime)
        for anime, record in entries
        for url in record.sources
        if url not in owner_by_url or owner_by_url[url] != anime.pk
    ])
