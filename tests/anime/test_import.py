import copy
import gzip
import io
import json

import pytest
from django.core.management import CommandError, call_command

from anirena.anime.importer import import_entries, read_dump
from anirena.anime.models import Anime, AnimeSource, AnimeTitle
from anirena.testing import shared_data
from tests.anime.conftest import SAMPLE_ENTRIES, write_dump

pytestmark = pytest.mark.django_db


def run_import(path):
    return import_entries(read_dump(path))


def test_import_creates_entries_with_fields(sample_dump):
    summary = run_import(sample_dump)
    bebop = Anime.objects.get(title="Cowboy Bebop")
    assert summary.created == 2
    assert (bebop.anime_type, bebop.episodes, bebop.status) == ("TV", 26, "FINISHED")
    assert (bebop.season, bebop.season_year, bebop.duration_secs) == ("SPRING", 1998, 1440)
    assert bebop.thumbnail == "https://cdn.example.org/bebop-thumb.jpg"
    assert bebop.synonyms == ["カウボーイビバップ", "Kaubōi Bibappu"]
    assert set(AnimeSource.objects.filter(anime=bebop).values_list("url", flat=True)) == set(SAMPLE_ENTRIES[0]["sources"])
    assert AnimeTitle.objects.filter(anime=bebop).count() == 3
    assert AnimeTitle.objects.get(anime=bebop, is_main=True).text == "Cowboy Bebop"


def test_second_run_changes_nothing(sample_dump):
    run_import(sample_dump)
    ids = dict(Anime.objects.values_list("title", "id"))
    updated_at = dict(Anime.objects.values_list("title", "updated_at"))
    summary = run_import(sample_dump)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert dict(Anime.objects.values_list("title", "id")) == ids
    assert dict(Anime.objects.values_list("title", "updated_at")) == updated_at
    assert AnimeTitle.objects.count() == 6


def test_changed_entry_updated_in_place(tmp_path, sample_dump):
    run_import(sample_dump)
    original = Anime.objects.get(title="Cowboy Bebop")
    entries = copy.deepcopy(SAMPLE_ENTRIES)
    entries[0]["episodes"] = 27
    entries[0]["synonyms"].append("Space Cowboys")
    summary = run_import(write_dump(tmp_path, entries, "changed.json"))
    bebop = Anime.objects.get(title="Cowboy Bebop")
    assert (summary.updated, summary.unchanged) == (1, 1)
    assert bebop.pk == original.pk
    assert bebop.episodes == 27
    assert AnimeTitle.objects.filter(anime=bebop, text="Space Cowboys").exists()


def test_entry_found_by_any_source(tmp_path, sample_dump):
    run_import(sample_dump)
    original_id = Anime.objects.get(title="Cowboy Bebop").pk
    entries = copy.deepcopy(SAMPLE_ENTRIES)
    entries[0]["sources"] = ["https://myanimelist.net/anime/1", "https://kitsu.app/anime/1"]
    entries[0]["title"] = "Cowboy Bebop (TV)"
    run_import(write_dump(tmp_path, entries, "merged.json"))
    renamed = Anime.objects.get(pk=original_id)
    assert renamed.title == "Cowboy Bebop (TV)"
    assert set(renamed.source_links.values_list("url", flat=True)) == set(entries[0]["sources"])
    assert Anime.objects.count() == 2


def test_minified_and_pretty_forms_agree(tmp_path):
    pretty = copy.deepcopy(SAMPLE_ENTRIES[1])
    minified = copy.deepcopy(SAMPLE_ENTRIES[1])
    minified["sources"] = ["https://anidb.net/anime/3"]
    del minified["duration"]
    del minified["animeSeason"]["year"]
    pretty["animeSeason"]["year"] = None
    summary = run_import(write_dump(tmp_path, [pretty, minified]))
    assert summary.created == 2
    assert list(Anime.objects.values_list("season_year", "duration_secs").distinct()) == [(None, None)]


def test_gzip_zstandard_and_json_lines(tmp_path):
    zstandard = pytest.importorskip("zstandard")
    body = json.dumps({"data": SAMPLE_ENTRIES}).encode()
    (tmp_path / "dump.json.gz").write_bytes(gzip.compress(body))
    (tmp_path / "dump.json.zst").write_bytes(zstandard.ZstdCompressor().compress(body))
    lines = [json.dumps({"$schema": "x", "license": {}, "lastUpdate": "2024-01-01"})]
    lines += [json.dumps(entry) for entry in SAMPLE_ENTRIES]
    (tmp_path / "dump.jsonl").write_text("\n".join(lines), encoding="utf-8")
    stream = io.BytesIO()
    with zstandard.ZstdCompressor().stream_writer(stream, closefd=False) as writer:
        writer.write("\n".join(lines).encode())
    (tmp_path / "dump.jsonl.zst").write_bytes(stream.getvalue())

    for name in ("dump.json.gz", "dump.json.zst", "dump.jsonl", "dump.jsonl.zst"):
        entries = read_dump(tmp_path / name)
        assert [entry["title"] for entry in entries] == ["Cowboy Bebop", "Pokémon"], name


def test_invalid_entries_skipped(tmp_path):
    broken = [
        {"sources": ["https://anidb.net/anime/9"], "title": ""},
        {"sources": [], "title": "No Sources"},
        {"sources": ["https://anidb.net/anime/10"], "title": "Bad Episodes", "episodes": -3},
        "not an object",
        SAMPLE_ENTRIES[0],
    ]
    summary = run_import(write_dump(tmp_path, broken))
    assert summary.invalid == 4
    assert summary.created == 1
    assert len(summary.errors) == 4


def test_repeated_sources_skipped(tmp_path):
    repeat = copy.deepcopy(SAMPLE_ENTRIES[0])
    repeat["title"] = "Copy of Bebop"
    summary = run_import(write_dump(tmp_path, [SAMPLE_ENTRIES[0], repeat]))
    assert summary.duplicates == 1
    assert list(Anime.objects.values_list("title", flat=True)) == ["Cowboy Bebop"]


def test_real_sample_file_imports():
    path = shared_data("anime", "sample-modb-serde", "test_dataset_for_deserialization.json")
    summary = run_import(path)
    eleven_eyes = Anime.objects.get(source_links__url="https://anidb.net/anime/6751")
    assert summary.created == 5
    assert summary.invalid == 0
    assert (eleven_eyes.title, eleven_eyes.anime_type, eleven_eyes.episodes) == ("11 Eyes", "TV", 12)
    assert eleven_eyes.season_year == 2009
    assert eleven_eyes.duration_secs is None


def test_command_prints_summary(sample_dump, capsys):
    call_command("import_anime", str(sample_dump))
    output = capsys.readouterr().out
    assert "2 created" in output
    assert "0 invalid" in output


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.json", None, "No file"),
    ("dump.br", b"x", "not supported"),
    ("broken.json", b"{\"data\": [", "not valid JSON"),
    ("other.json", b"{\"items\": []}", "no `data` array"),
])
def test_command_rejects_bad_files(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_anime", str(path))
