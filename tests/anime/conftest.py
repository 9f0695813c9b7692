import json
from pathlib import Path

import pytest

from tests.community_factories import site_mode  # noqa: F401 - a fixture

SAMPLE_ENTRIES = [
    {
        "sources": ["https://anidb.net/anime/1", "https://myanimelist.net/anime/1"],
        "title": "Cowboy Bebop",
        "type": "TV",
        "episodes": 26,
        "status": "FINISHED",
        "animeSeason": {"season": "SPRING", "year": 1998},
        "picture": "https://cdn.example.org/bebop.jpg",
        "thumbnail": "https://cdn.example.org/bebop-thumb.jpg",
        "duration": {"value": 1440, "unit": "SECONDS"},
        "synonyms": ["カウボーイビバップ", "Kaubōi Bibappu"],
        "studios": ["sunrise"],
        "producers": [],
        "relatedAnime": [],
        "tags": ["space"],
    },
    {
        "sources": ["https://anidb.net/anime/2"],
        "title": "Pokémon",
        "type": "TV",
        "episodes": 276,
        "status": "FINISHED",
        "animeSeason": {"season": "SPRING", "year": 1997},
        "picture": "",
        "thumbnail": "",
        "duration": None,
        "synonyms": ["Pocket Monsters", "Pokemon Pocket"],
        "studios": [],
        "producers": [],
        "relatedAnime": [],
        "tags": [],
    },
]


def write_dump(folder: Path, entries: list[dict], name: str = "dump.json") -> Path:
    path = folder / name
    path.write_text(json.dumps({"lastUpdate": "2024-01-01", "data": entries}), encoding="utf-8")
    return path


@pytest.fixture
def sample_dump(tmp_path):
    return write_dump(tmp_path, SAMPLE_ENTRIES)
