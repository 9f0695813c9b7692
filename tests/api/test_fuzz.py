"""A short schemathesis run over the published OpenAPI schema, against `anirena serve` on 127.0.0.1.

`scripts/fuzz-api` starts its own server with a fresh data folder; any server error
(5xx) or response outside the schema fails the run.
"""

import importlib.util
import subprocess
import sys

import pytest

from anirena.testing import REPO_ROOT, need

pytestmark = pytest.mark.slow


def test_schema_fuzzing_finds_no_server_errors():
    need(importlib.util.find_spec("schemathesis") is not None,
         "schemathesis is not installed (.venv/bin/pip install 'schemathesis>=4.32')")
    result = subprocess.run(
        [str(REPO_ROOT / "scripts" / "fuzz-api"), "--max-examples", "10", "--max-time", "90"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
        env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable, "HOME": str(REPO_ROOT)},
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
