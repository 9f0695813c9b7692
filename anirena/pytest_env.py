"""A pytest plugin, loaded with ``-p anirena.pytest_env`` before Django starts.

It points the data directory at a fresh temporary folder, so tests never touch
the developer's ./var, and fixes the site URL the tests expect.
"""

import os
import tempfile

os.environ.setdefault("ANIRENA_DATA_DIR", tempfile.mkdtemp(prefix="anirena-test-"))
os.environ.setdefault("ANIRENA_SITE_URL", "http://testserver")
# Jobs run synchronously in tests, so their effects are visible when the call returns.
os.environ.setdefault("ANIRENA_JOBS_IMMEDIATE", "1")
# Argon2 at its lowest cost: the same algorithm and hash format, without a second per account.
os.environ.setdefault("ANIRENA_FAST_PASSWORD_HASHING", "1")
