"""Django settings for AniRena, read from ANIRENA_* environment variables.

With no variables set this is the embedded default: SQLite in WAL mode under
``./var``, the in-process peer store, mail written to an outbox folder and
jobs run inside the serving process. Setting ``ANIRENA_DATABASE_URL`` and
``ANIRENA_REDIS_URL`` moves the same code to PostgreSQL and Redis.
"""

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from anirena.env import ConfigError, env_bool, env_choice, env_int, env_list, env_size, env_str

BASE_DIR = Path(__file__).resolve().parent

# --- Data directory and secret -------------------------------------------------

DATA_DIR = Path(env_str("ANIRENA_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _load_or_create_secret_key(path: Path) -> str:
    """Read the generated secret, creating it (mode 0600) on first start."""
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(50)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(key, encoding="ascii")
    return key


SECRET_KEY = env_str("ANIRENA_SECRET_KEY") or _load_or_create_secret_key(DATA_DIR / "secret_key")
if len(SECRET_KEY) < 32:
    raise ConfigError("ANIRENA_SECRET_KEY: must be at least 32 characters; unset it to have one generated")

DEBUG = env_bool("ANIRENA_DEBUG", False)

# --- Site address --------------------------------------------------------------

SITE_URL = env_str("ANIRENA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname:
    raise ConfigError(f"ANIRENA_SITE_URL: expected an http(s) URL such as http://127.0.0.1:8000; got {SITE_URL!r}")
SITE_HOST = _site.hostname
SITE_NAME = env_str("ANIRENA_SITE_NAME", "AniRena")

# Subdomains of the site host serve release-group pages, so they are allowed too.
ALLOWED_HOSTS = env_list(
    "ANIRENA_ALLOWED_HOSTS",
    [SITE_HOST, f".{SITE_HOST}", "127.0.0.1", "localhost", "[::1]", "testserver"],
)
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{SITE_HOST}" + (f":{_site.port}" if _site.port else "")]
USE_X_FORWARDED_HOST = env_bool("ANIRENA_BEHIND_PROXY", False)
if USE_X_FORWARDED_HOST:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _site.scheme == "https"

# --- Applications --------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "huey.contrib.djhuey",
    "anirena.core",
    "anirena.accounts",
    "anirena.torrents",
    "anirena.groups",
    "anirena.moderation",
    "anirena.tracking",
    "anirena.search",
    "anirena.anime",
    "anirena.comments",
    "anirena.stats",
    "anirena.api",
    # Serves the bundled Swagger UI files of the API docs, so they load without a CDN.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "anirena.urls"
ASGI_APPLICATION = "anirena.asgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "torrents:home"
LOGOUT_REDIRECT_URL = "torrents:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "anirena.core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------

DATABASE_URL = env_str("ANIRENA_DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "anirena.sqlite3",
            "OPTIONS": {
                # WAL lets readers run beside the single writer; IMMEDIATE takes the
                # write lock at BEGIN so concurrent writers wait instead of failing.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=5000; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, peer store, jobs ---------------------------------------------

REDIS_URL = env_str("ANIRENA_REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("ANIRENA_REDIS_PREFIX", "anirena"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "anirena"}}
REDIS_PREFIX = env_str("ANIRENA_REDIS_PREFIX", "anirena")
# Seconds that each web process reuses a whole page for visitors without cookies
# (anirena/core/page_cache.py); 0 turns it off.
PAGE_CACHE_SECONDS = env_int("ANIRENA_PAGE_CACHE_SECONDS", 10, minimum=0, maximum=3600)

# Jobs run on huey: a SQLite-backed queue consumed inside `anirena serve` by default,
# Redis with separate `anirena run_huey` workers when ANIRENA_REDIS_URL is set.
JOBS_IMMEDIATE = env_bool("ANIRENA_JOBS_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": f"{REDIS_PREFIX}-jobs",
        "url": REDIS_URL,
        "immediate": JOBS_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "anirena-jobs",
        "filename": str(DATA_DIR / "jobs.sqlite3"),
        "immediate": JOBS_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
JOBS_IN_PROCESS = env_bool("ANIRENA_JOBS_IN_PROCESS", not REDIS_URL)

# --- Passwords and sessions ------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("ANIRENA_FAST_PASSWORD_HASHING", False):
    PASSWORD_HASHERS.insert(0, "anirena.accounts.hashers.LowCostArgon2PasswordHasher")
PASSWORD_MIN_LENGTH = env_int("ANIRENA_PASSWORD_MIN_LENGTH", 10, minimum=8)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
ACTIVATION_MAX_AGE = env_int("ANIRENA_ACTIVATION_MAX_AGE", 60 * 60 * 48, minimum=60)

# --- Mail -----------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env_str("ANIRENA_MAIL_FROM", f"AniRena <noreply@{SITE_HOST}>")
EMAIL_HOST = env_str("ANIRENA_SMTP_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("ANIRENA_SMTP_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("ANIRENA_SMTP_USER")
    EMAIL_HOST_PASSWORD = env_str("ANIRENA_SMTP_PASSWORD")
    EMAIL_USE_TLS = env_bool("ANIRENA_SMTP_STARTTLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("ANIRENA_SMTP_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "outbox"

# --- Torrents and the tracker ----------------------------------------------------

MAX_TORRENT_SIZE = env_size("ANIRENA_MAX_TORRENT_SIZE", 10 * 1024 * 1024)
# The API carries the .torrent base64-encoded inside JSON, a third larger.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_TORRENT_SIZE * 4 // 3 + 256 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_TORRENT_SIZE + 64 * 1024
DESCRIPTION_MAX_LENGTH = 65535
TORRENTS_PER_PAGE = env_int("ANIRENA_TORRENTS_PER_PAGE", 75, minimum=1, maximum=250)

UDP_TRACKER_PORT = env_int("ANIRENA_UDP_TRACKER_PORT", 6969, minimum=1, maximum=65535)
ANNOUNCE_URLS = env_list(
    "ANIRENA_ANNOUNCE_URLS",
    [f"{SITE_URL}/announce", f"udp://{SITE_HOST}:{UDP_TRACKER_PORT}/announce"],
)
TRACKER_ENABLED = env_bool("ANIRENA_TRACKER_ENABLED", True)
TRACKER_INTERVAL = env_int("ANIRENA_TRACKER_INTERVAL", 1800, minimum=1)
TRACKER_MIN_INTERVAL = env_int("ANIRENA_TRACKER_MIN_INTERVAL", 300, minimum=1)
TRACKER_PEER_TTL = env_int("ANIRENA_TRACKER_PEER_TTL", 2 * TRACKER_INTERVAL, minimum=10)
TRACKER_NUMWANT_DEFAULT = env_int("ANIRENA_TRACKER_NUMWANT_DEFAULT", 50, minimum=0)
TRACKER_NUMWANT_MAX = env_int("ANIRENA_TRACKER_NUMWANT_MAX", 200, minimum=1)
TRACKER_TRUST_IP_PARAM = env_bool("ANIRENA_TRACKER_TRUST_IP_PARAM", False)
TRACKER_STORE = env_choice("ANIRENA_PEER_STORE", "redis" if REDIS_URL else "memory", ("memory", "redis"))
if TRACKER_STORE == "redis" and not REDIS_URL:
    raise ConfigError("ANIRENA_PEER_STORE=redis needs ANIRENA_REDIS_URL")
# `anirena serve` runs the tracker unless a separate `anirena tracker` process does (scale-out).
TRACKER_IN_PROCESS = env_bool("ANIRENA_TRACKER_IN_PROCESS", True)
TRACKER_UDP_HOST = env_str("ANIRENA_UDP_TRACKER_HOST", "127.0.0.1")
# A full reload of the registry drops deleted torrents; polling picks up other processes' uploads.
TRACKER_REGISTRY_REFRESH_SECONDS = env_int("ANIRENA_TRACKER_REGISTRY_REFRESH", 600, minimum=5)
TRACKER_REGISTRY_POLL_SECONDS = env_int("ANIRENA_TRACKER_REGISTRY_POLL", 5, minimum=1)
TRACKER_COUNTS_COPY_SECONDS = env_int("ANIRENA_TRACKER_COUNTS_COPY", 60, minimum=1)
TRACKER_COMPLETED_FLUSH_SECONDS = env_int("ANIRENA_TRACKER_COMPLETED_FLUSH", 60, minimum=1)
# Scraping the other trackers that torrents list sends requests to hosts named by uploaders,
# so it is off until an operator turns it on.
EXTERNAL_SCRAPE_ENABLED = env_bool("ANIRENA_EXTERNAL_SCRAPE", False)
EXTERNAL_SCRAPE_BATCH_SIZE = env_int("ANIRENA_EXTERNAL_SCRAPE_BATCH", 500, minimum=1)
DEAD_TORRENT_GRACE_DAYS = env_int("ANIRENA_DEAD_TORRENT_GRACE_DAYS", 30, minimum=0)

# --- Internationalisation ---------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ja", "日本語"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files -------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The embedded default serves straight from the app folders, so no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Logging ---------------------------------------------------------------------------

LOG_DIR = DATA_DIR / "logs"
LOG_DIR.mkdir(exist_ok=True)
LOG_LEVEL = env_choice("ANIRENA_LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": LOG_DIR / "anirena.log",
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 5,
            "formatter": "plain",
            "delay": True,
        },
    },
    "loggers": {
        "anirena": {"handlers": ["console", "file"], "level": LOG_LEVEL, "propagate": False},
        "django": {"handlers": ["console", "file"], "level": "WARNING"},
    },
}

# --- Accounts ------------------------------------------------------------------------

# Django's password reset token generator reads PASSWORD_RESET_TIMEOUT (seconds).
PASSWORD_RESET_TIMEOUT = env_int("ANIRENA_PASSWORD_RESET_MAX_AGE", 60 * 60, minimum=60)
PASSWORD_CHANGE_CODE_MAX_AGE = env_int("ANIRENA_PASSWORD_CHANGE_CODE_MAX_AGE", 15 * 60, minimum=60)
LOGIN_STEP_MAX_AGE = 5 * 60
LOGIN_FAILURES_PER_ACCOUNT = env_int("ANIRENA_LOGIN_FAILURES_PER_ACCOUNT", 10, minimum=1)
LOGIN_FAILURES_PER_IP = env_int("ANIRENA_LOGIN_FAILURES_PER_IP", 50, minimum=1)
LOGIN_FAILURE_WINDOW = env_int("ANIRENA_LOGIN_FAILURE_WINDOW", 15 * 60, minimum=1)
MAIL_REQUESTS_PER_IP = env_int("ANIRENA_MAIL_REQUESTS_PER_IP", 20, minimum=1)
MAIL_PER_ADDRESS = env_int("ANIRENA_MAIL_PER_ADDRESS", 5, minimum=1)
ACCOUNT_DELETION_GRACE_DAYS = env_int("ANIRENA_ACCOUNT_DELETION_GRACE_DAYS", 30, minimum=0)
BEARER_TOKEN_MAX_AGE = 3600
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "anirena.accounts.middleware.AccountMiddleware")

# --- Community and site operation -----------------------------------------------------

# Release-group creation policy: "any" active user, "trusted" uploaders and staff, or "staff" only.
GROUPS_USER_CREATION = env_choice("ANIRENA_GROUPS_USER_CREATION", "any", ("any", "trusted", "staff"))
GROUPS_PER_PAGE = env_int("ANIRENA_GROUPS_PER_PAGE", 50, minimum=1, maximum=250)
COMMENT_PER_PAGE = env_int("ANIRENA_COMMENT_PER_PAGE", 20, minimum=1, maximum=200)
COMMENT_MAX_LENGTH = env_int("ANIRENA_COMMENT_MAX_LENGTH", 5000, minimum=1, maximum=65535)
# Seconds the statistics page keeps its figures before counting again.
STATS_CACHE_SECONDS = env_int("ANIRENA_STATS_CACHE_SECONDS", 300, minimum=0)
# Seconds each process may keep the site mode before reading it again.
SITE_MODE_CACHE_SECONDS = env_int("ANIRENA_SITE_MODE_CACHE_SECONDS", 5, minimum=0)
# Web-form uploads per role: (uploads, window in seconds). Staff roles are not limited.
UPLOAD_RATE_LIMITS = {
    "user": (env_int("ANIRENA_UPLOAD_LIMIT_USER", 10, minimum=1), 3600),
    "trusted": (env_int("ANIRENA_UPLOAD_LIMIT_TRUSTED", 100, minimum=1), 3600),
}
MIDDLEWARE += [
    "anirena.moderation.middleware.SiteModeMiddleware",
    "anirena.groups.middleware.GroupSubdomainMiddleware",
]

# --- JSON API -------------------------------------------------------------------------

# Each limit is (requests, window in seconds). Uploads and searches count per API key,
# anime searches per client IP; staff accounts are exempt from the search and read limits.
API_UPLOAD_RATE_LIMIT = (env_int("ANIRENA_API_UPLOAD_LIMIT", 30, minimum=1),
                         env_int("ANIRENA_API_UPLOAD_WINDOW", 3600, minimum=1))
API_SEARCH_RATE_LIMIT = (env_int("ANIRENA_API_SEARCH_LIMIT", 60, minimum=1),
                         env_int("ANIRENA_API_SEARCH_WINDOW", 60, minimum=1))
# Torrent details, comments and groups.
API_READ_RATE_LIMIT = (env_int("ANIRENA_API_READ_LIMIT", 300, minimum=1),
                       env_int("ANIRENA_API_READ_WINDOW", 60, minimum=1))
