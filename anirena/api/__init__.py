"""The JSON API (v1) under /api/: uploads, search, details, comments, anime and groups for scripts."""
