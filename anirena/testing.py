"""Helpers shared by the test suite.

A test that needs a server, a tool or a data folder calls `need()`: on a
laptop without that component the test is skipped with the reason, while
CI sets ``ANIRENA_REQUIRE_ALL=1`` so that the same condition fails instead.
"""

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def require_all() -> bool:
    return os.environ.get("ANIRENA_REQUIRE_ALL", "") not in ("", "0")


def need(condition: bool, reason: str) -> None:
    """Skip the calling test when `condition` is false, or fail under CI."""
    if condition:
        return
    if require_all():
        pytest.fail(f"required component missing: {reason}", pytrace=False)
    pytest.skip(reason)


def shared_data_dir() -> Path:
    """Return the folder of shared test data (torrents, release names, feeds)."""
    configured = os.environ.get("ANIRENA_SHARED_DATA")
    if configured:
        return Path(configured)
    return REPO_ROOT.parent / "shared" / "data"


def shared_data(*parts: str) -> Path:
    """Return a path inside the shared data folder, skipping the test if it is absent."""
    path = shared_data_dir().joinpath(*parts)
    need(path.exists(), f"shared test data not found at {path}; set ANIRENA_SHARED_DATA")
    return path
