"""Measure the anime suggestions on real release names, and the import of the anime title file.

Usage (from the repository root):

    .venv/bin/python bench/anime_suggestions.py [--titles FILE] [--cases FILE] [--verbose]

Runs on a fresh SQLite database in a temporary folder, so it never touches the
site's data. It imports the titles file twice (the second run must change
nothing), then calls `suggest_anime` for every release name of anitomy's test data
and counts right, wrong and missing suggestions. The defaults are the files of
the shared test data folder (ANIRENA_SHARED_DATA).
"""

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))


def main() -> int:
    from anirena.testing import shared_data_dir

    data_dir = shared_data_dir()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=Path, default=data_dir / "anime" / "anidb-titles.json",
                        help="anime offline database file to import")
    parser.add_argument("--cases", type=Path, default=data_dir / "release-names" / "anitomy" / "data.json",
                        help="anitomy's data.json: release names with expected titles")
    parser.add_argument("--verbose", action="store_true", help="list the wrong and missing cases")
    args = parser.parse_args()
    for path in (args.titles, args.cases):
        if not path.is_file():
            parser.error(f"no file at {path}; set ANIRENA_SHARED_DATA or pass the path")

    _setup_django()
    from anirena.anime.accuracy import evaluate, load_anitomy_cases
    from anirena.anime.importer import import_entries, read_dump

    for run in (1, 2):
        started = time.perf_counter()
        summary = import_entries(read_dump(args.titles))
        print(f"import run {run}: {summary} in {time.perf_counter() - started:.1f} s")

    cases = load_anitomy_cases(args.cases)
    started = time.perf_counter()
    report = evaluate(cases)
    elapsed = time.perf_counter() - started
    print(f"suggestions: {report.right} right, {report.wrong} wrong, {report.missing} without a suggestion "
          f"of {report.total} names ({elapsed / max(1, report.total) * 1000:.1f} ms per name)")
    if args.verbose:
        for case, suggested in report.wrong_cases:
            print(f"  wrong: {case.release_name!r}: expected {case.expected_title!r}, suggested {suggested!r}")
        for case in report.missing_cases:
            print(f"  none:  {case.release_name!r}: expected {case.expected_title!r}")
    return 0


def _setup_django() -> None:
    # A throwaway SQLite database: the benchmark must never write into a configured site.
    os.environ.pop("ANIRENA_DATABASE_URL", None)
    os.environ.pop("ANIRENA_REDIS_URL", None)
    data_dir = tempfile.mkdtemp(prefix="anirena-bench-")
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    os.environ["ANIRENA_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anirena.settings")
    import logging

    import django
    from django.core.management import call_command

    django.setup()
    logging.getLogger("anirena").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
