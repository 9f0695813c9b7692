"""Measure how often `suggest_anime` names the right entry for real release names.

Used by `bench/anime_suggestions.py` and by the test that checks the targets. A
suggestion is right when a title or synonym of the suggested entry equals the
expected title once both are normalised (`services.is_right_suggestion`).
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from anirena.anime.services import is_right_suggestion, suggest_anime


@dataclass(frozen=True)
class NameCase:
    release_name: str
    expected_title: str


@dataclass
class AccuracyReport:
    right: int = 0
    wrong: int = 0
    missing: int = 0
    wrong_cases: list[tuple[NameCase, str]] = field(default_factory=list)
    missing_cases: list[NameCase] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.right + self.wrong + self.missing


def load_anitomy_cases(path: Path) -> list[NameCase]:
    """Read anitomy's test data (a list of {input, output: {title, ...}}); cases without a title are left out."""
    cases = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        title = (item.get("output") or {}).get("title")
        if title:
            cases.append(NameCase(release_name=item["input"], expected_title=title))
    return cases


def evaluate(cases: list[NameCase]) -> AccuracyReport:
    report = AccuracyReport()
    for case in cases:
        suggestion = suggest_anime(case.release_name)
        if suggestion is None:
            report.missing += 1
            report.missing_cases.append(case)
        elif is_right_suggestion(suggestion.anime, case.expected_title):
            report.right += 1
        else:
            report.wrong += 1
            report.wrong_cases.append((case, suggestion.anime.title))
    return report
