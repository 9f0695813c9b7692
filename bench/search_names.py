"""Generate realistic torrent titles and file lists for the search benchmarks.

Titles are built from real anime release names (anitomy's and anitopy's test
names and captured nyaa, tokyotosho and anidex listings): each name becomes a
template whose group, episode number, resolution and checksum are filled in
again at random. Half of the templates also get a new series title from
AniDB's title list, and a few percent of titles are in Japanese, Chinese or
Korean script, so the vocabulary has the long tail of a real index.
"""

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import anitopy

_PROGRESSIVE = ["480p", "720p", "1080p", "2160p"]
_DIMENSIONS = ["854x480", "1280x720", "1920x1080", "3840x2160"]
_RESOLUTION_WEIGHTS = [5, 30, 55, 10]
_CJK_LANGUAGES = {"ja", "zh-Hans", "zh-Hant", "ko"}


@dataclass(frozen=True)
class Template:
    text: str  # str.format pattern with {group}, {title}, {episode}, {resolution}, {crc}
    episode_width: int
    dimensions: bool  # resolution written as 1920x1080 rather than 1080p
    group: str
    title: str


@dataclass(frozen=True)
class Release:
    title: str
    group: str
    series: str
    resolution_rank: int  # 0 (480p) .. 3 (2160p)
    files: list[str]
    is_batch: bool


def _real_names(shared: Path) -> list[str]:
    names = [entry["input"] for entry in json.loads((shared / "release-names/anitomy/data.json").read_text())]
    for table in ("table.json", "failing_table.json"):
        names += [entry["input"] for entry in json.loads((shared / "release-names/anitopy" / table).read_text())]
    rss = shared / "rss"
    for listing in sorted(rss.glob("medusa/*.titles.json")):
        names += [entry["title"] for entry in json.loads(listing.read_text())]
    for feed in sorted(rss.glob("*/*.xml")):
        names += re.findall(r"<title>([^<]+)</title>", feed.read_text(encoding="utf-8"))[1:]
    return list(dict.fromkeys(name.strip() for name in names if name.strip()))


def _template(name: str) -> Template | None:
    try:
        parsed = anitopy.parse(name)
    except (AttributeError, IndexError, TypeError):  # anitopy fails on a few real names
        return None
    if not parsed:
        return None
    group = parsed.get("release_group")
    title = parsed.get("anime_title")
    episode = parsed.get("episode_number")
    if not (group and title and isinstance(episode, str) and episode.isdigit()):
        return None
    text = name.replace("{", "{{").replace("}", "}}")
    # Replace the parts from the right, so the episode number inside a title is left alone.
    head, _, tail = text.rpartition(episode)
    if not head:
        return None
    text = head + "{episode}" + tail
    resolution = parsed.get("video_resolution")
    if isinstance(resolution, str) and resolution in text:
        text = text.replace(resolution, "{resolution}", 1)
    checksum = parsed.get("file_checksum")
    if isinstance(checksum, str) and checksum in text:
        text = text.replace(checksum, "{crc}", 1)
    if group not in text or title not in text:
        return None
    text = text.replace(group, "{group}", 1).replace(title, "{title}", 1)
    dimensions = isinstance(resolution, str) and "x" in resolution.lower()
    return Template(text, len(episode), dimensions, group, title)


def _anidb_titles(shared: Path) -> tuple[list[str], list[str]]:
    """Return (romanised primary titles, CJK-script official titles) from AniDB's dump."""
    romanised: list[str] = []
    cjk: list[str] = []
    path = shared / "anime/anime-titles.dat"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        parts = line.split("|", 3)
        if len(parts) != 4:
            continue
        _aid, kind, language, title = parts
        if kind == "1" and language == "x-jat":
            romanised.append(title)
        elif kind == "4" and language in _CJK_LANGUAGES:
            cjk.append(title)
    return romanised, cjk


class NameGenerator:
    def __init__(self, shared: Path, rng: random.Random):
        self.rng = rng
        self.templates = [template for name in _real_names(shared) if (template := _template(name))]
        if not self.templates:
            raise SystemExit(f"no usable release names under {shared}")
        self.groups = sorted({template.group for template in self.templates})
        self.series, self.cjk_series = _anidb_titles(shared)
        self.series += sorted({template.title for template in self.templates})

    def release(self) -> Release:
        rng = self.rng
        template = rng.choice(self.templates)
        group = template.group if rng.random() < 0.5 else rng.choice(self.groups)
        roll = rng.random()
        if roll < 0.04 and self.cjk_series:
            series = rng.choice(self.cjk_series)
        elif roll < 0.55:
            series = rng.choice(self.series)
        else:
            series = template.title
        rank = rng.choices(range(4), _RESOLUTION_WEIGHTS)[0]
        resolution = (_DIMENSIONS if template.dimensions else _PROGRESSIVE)[rank]
        if rng.random() < 0.08:
            return self._batch(group, series, rank)
        episode = rng.randint(1, 26) if rng.random() < 0.95 else rng.randint(27, 1100)
        title = template.text.format(
            group=group, title=series, episode=str(episode).zfill(template.episode_width),
            resolution=resolution, crc=f"{rng.getrandbits(32):08X}",
        )
        extension = "" if re.search(r"\.(mkv|mp4|avi|ts)$", title, re.IGNORECASE) else ".mkv"
        return Release(title, group, series, rank, [title + extension], False)

    def _batch(self, group: str, series: str, rank: int) -> Release:
        episodes = self.rng.choice([12, 13, 24, 25, 26])
        resolution = _PROGRESSIVE[rank]
        title = f"[{group}] {series} (01-{episodes:02d}) [{resolution}] [Batch]"
        files = [f"{series} - {number:02d} [{resolution}].mkv" for number in range(1, episodes + 1)]
        return Release(title, group, series, rank, files, True)
