"""Django settings for Parley, read from the environment.

Every Parley-specific setting is prefixed ``PARLEY_`` and documented in docs/configuration.md.
The defaults give a working single-machine site on SQLite (WAL) with a local-memory cache and
Celery running eagerly in process; ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL
and Redis.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def parse_bool(name: str, value: str) -> bool:
    """Read one yes/no word the way every Parley setting does, case-insensitively.

    Anything but 1/true/yes/on or 0/false/no/off is refused: a word such as "enabled" or "y"
    must not silently switch a safety (the engine, rate limits) off.
    """
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of 1, true, yes, on or 0, false, no, off."
    )


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable with ``parse_bool``; unset or empty is ``default``."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return parse_bool(name, value)


def env_int(name: str, default: int) -> int:
    """Read an integer environment variable; unset or empty gives ``default``."""
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated environment variable; unset gives ``default``."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("PARLEY_DATA_DIR", Path.cwd() / "var")).resolve()
# SQLite files (and the test databases) live here: a fresh clone has no var/ yet.
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("PARLEY_DEBUG", False)


def read_or_create_secret_key(path: Path) -> str:
    """Return the key kept in ``path``, creating a random one (mode 0600) on first start.

    A single-machine site then never runs on a known key; several machines must share one key
    through PARLEY_SECRET_KEY instead.
    """
    if not path.exists():
        # Write a private temporary file, then link it into place: os.link is atomic and
        # fails if another process won the race, so every process ends up reading one key.
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()


SECRET_KEY = os.environ.get("PARLEY_SECRET_KEY") or read_or_create_secret_key(
    DATA_DIR / "secret_key"
)
ALLOWED_HOSTS = env_list("PARLEY_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("PARLEY_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "ninja",  # serves the API docs page's Swagger UI from its own static files (works offline)
    "parley.comments",
    "parley.moderation",
    "parley.perspective",
    "parley.imports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /api/v1/ only: 413 for oversized bodies before parsing, CORS for sites' allowed origins.
    "parley.comments.middleware.ApiGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers that chose no caching of their own are private, no-store (parley.http_cache).
    "parley.http_cache.PrivateByDefaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "parley.urls"
WSGI_APPLICATION = "parley.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite (the default) runs in WAL mode with a busy timeout and IMMEDIATE write transactions, so
# concurrent posters queue for the write lock instead of failing with "database is locked".
SQLITE_PATH = DATA_DIR / "parley.sqlite3"
# NORMAL: a commit is in the WAL file before the 201 goes out, so it survives any crash of Parley
# or of the machine's processes; only a power cut or kernel crash before the next checkpoint can
# lose it. FULL also fsyncs every commit (about 4-8 ms a post on a small VM's disk, serialised
# behind SQLite's one write lock). PostgreSQL fsyncs every commit by itself.
SQLITE_SYNCHRONOUS = os.environ.get("PARLEY_SQLITE_SYNCHRONOUS", "NORMAL").upper()
if SQLITE_SYNCHRONOUS not in ("NORMAL", "FULL", "EXTRA"):
    raise ImproperlyConfigured("PARLEY_SQLITE_SYNCHRONOUS must be NORMAL, FULL or EXTRA.")
_database_url = os.environ.get("DATABASE_URL", "")
if _database_url:
    # Health checks: a connection that broke (the server restarted, failed over) is replaced
    # at the start of the next request instead of failing it.
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60,
                                                  conn_health_checks=True)}
    # Several test runs may share one server: PARLEY_TEST_DB_NAME keeps them apart.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("PARLEY_TEST_DB_NAME", "test_parley")}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # Keep connections: closing the last one checkpoints the WAL (~10 ms a request).
            "CONN_MAX_AGE": None,
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    f"PRAGMA synchronous={SQLITE_SYNCHRONOUS};"
                    "PRAGMA busy_timeout=30000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
            # A file, not memory, so the live server of browser tests shares it; one per process
            # so that test runs side by side never meet.
            "TEST": {"NAME": DATA_DIR / f"test-parley-{os.getpid()}.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and rate limits --------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Redis failing degrades to per-process caching and limits instead of 500s: see parley.cache.
    _redis_timeout = float(os.environ.get("PARLEY_REDIS_TIMEOUT_S", "1.0"))
    CACHES = {
        "default": {
            "BACKEND": "parley.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("PARLEY_CACHE_PREFIX", "parley"),
            "OPTIONS": {"socket_connect_timeout": _redis_timeout,
                        "socket_timeout": _redis_timeout},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "parley",
            "OPTIONS": {"MAX_ENTRIES": 10000},
        }
    }
RATELIMIT_USE_CACHE = "default"
RATELIMIT_ENABLE = env_bool("PARLEY_RATELIMIT_ENABLED", True)
# The local-memory cache is per process; that is accepted for the single-machine demo.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# --- Celery and the outbox ------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("PARLEY_CELERY_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
# A worker killed mid-task (kill -9, OOM, a lost machine) must not lose it: tasks that ask for
# acks_late (webhook deliveries) are acknowledged only when done, a pool child that dies gives
# its task back, and Redis hands an unacknowledged task to another worker after the visibility
# timeout. It must stay above the longest retry countdown (deliver_webhook: 480 s), or a task
# waiting for its retry would be handed out twice.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("PARLEY_CELERY_VISIBILITY_TIMEOUT", 900),
    "socket_connect_timeout": 2.0, "socket_timeout": 5.0,
}
# A broker that is down must not hang a web request after its commit: the outbox row is
# committed and the sweeper enqueues it later (parley.moderation.outbox).
CELERY_BROKER_CONNECTION_TIMEOUT = 2.0
# Pending outbox rows overdue by this many seconds are enqueued again by the beat's sweeper,
# which runs every PARLEY_OUTBOX_SWEEP_S seconds.
PARLEY_OUTBOX_STUCK_S = env_int("PARLEY_OUTBOX_STUCK_S", 60)
PARLEY_OUTBOX_SWEEP_S = env_int("PARLEY_OUTBOX_SWEEP_S", 30)
# A claimed row may run this long before the sweeper counts its worker as dead (longer than a
# webhook's 5 s timeout and a first re-scoring's model load).
PARLEY_OUTBOX_LEASE_S = env_int("PARLEY_OUTBOX_LEASE_S", 120)
# Delivered or failed e-mail and re-scoring rows are deleted by the sweeper after this many days.
PARLEY_OUTBOX_KEEP_DAYS = env_int("PARLEY_OUTBOX_KEEP_DAYS", 7)
# Re-score comments held because the engine failed, on a worker: on when a worker runs tasks
# (in the eager demo it would make the poster wait for the engine a second time).
PARLEY_RESCORE_HELD = env_bool("PARLEY_RESCORE_HELD", not CELERY_TASK_ALWAYS_EAGER)

# --- Auth, sessions, security -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/moderate/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# PARLEY_HTTPS: the site is only served over https (directly or through a TLS proxy).
PARLEY_HTTPS = env_bool("PARLEY_HTTPS", False)
PARLEY_BEHIND_TLS_PROXY = env_bool("PARLEY_BEHIND_TLS_PROXY", False)
SESSION_COOKIE_SECURE = env_bool("PARLEY_SECURE_COOKIES", PARLEY_HTTPS)
# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto, Django (and the URLs it
# builds, such as the Perspective discovery document's) must know the request was https.
if PARLEY_BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HSTS: SecurityMiddleware sends it on https answers only (as the proxy's header says), for a
# year by default once the site says it is https; PARLEY_HSTS_SECONDS=0 turns it off.
SECURE_HSTS_SECONDS = env_int(
    "PARLEY_HSTS_SECONDS", 31_536_000 if (PARLEY_HTTPS or PARLEY_BEHIND_TLS_PROXY) else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PARLEY_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False
# Content-Security-Policy (django-csp) on every page: reader pages, moderator pages, the API
# docs. Scripts only from Parley's own files (no inline script, no eval); inline styles stay
# allowed (score bars, chart legends and htmx's indicator style set them); no framing, no
# plugins, forms post only here. The embed script is read by other origins' pages: a CSP on
# its own answer does not apply to the page that loads it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024

# --- Internationalisation and static files --------------------------------------------------
LANGUAGE_CODE = "en"
# Reader pages follow the browser's Accept-Language (LocaleMiddleware) among these; Urdu pages
# are laid out right to left. The translations: src/parley/locale/<code>/LC_MESSAGES/.
LANGUAGES = [("en", "English"), ("ur", "اردو")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves from the finders in development; an existing root keeps it quiet.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = os.environ.get(
    "PARLEY_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("PARLEY_FROM_EMAIL", "comments@localhost")

# --- Logs, metrics, health ------------------------------------------------------------------
# "json": one JSON object a line (python-json-logger), with one line per request from
# parley.request_log.RequestLogMiddleware; "plain" (the demo): Python's usual text lines.
PARLEY_LOG_FORMAT = os.environ.get("PARLEY_LOG_FORMAT", "plain").strip().lower()
if PARLEY_LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("PARLEY_LOG_FORMAT must be plain or json.")
# One log line per request (logger parley.request, INFO): on by default with JSON logs.
PARLEY_REQUEST_LOG = env_bool("PARLEY_REQUEST_LOG", PARLEY_LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": PARLEY_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("PARLEY_LOG_LEVEL", "WARNING")},
    "loggers": {
        "parley.request": {"level": "INFO" if PARLEY_REQUEST_LOG else "WARNING"},
        # Requests are logged once, by parley.request; Django's own 4xx/5xx lines would repeat.
        "django.request": {"level": "ERROR" if PARLEY_REQUEST_LOG else "WARNING"},
    },
}
# Celery keeps Django's logging (and so the JSON format) instead of installing its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = PARLEY_LOG_FORMAT != "json"

# Prometheus metrics at /metrics (django-prometheus for requests, parley.metrics for Parley's
# own). Off: /metrics is 404. Readable from PARLEY_METRICS_ALLOW_IPS (direct connections only:
# a request carrying X-Forwarded-For came through a proxy and is refused) or with
# "Authorization: Bearer $PARLEY_METRICS_TOKEN".
PARLEY_METRICS = env_bool("PARLEY_METRICS", False)
PARLEY_METRICS_TOKEN = os.environ.get("PARLEY_METRICS_TOKEN", "")
PARLEY_METRICS_ALLOW_IPS = env_list("PARLEY_METRICS_ALLOW_IPS", ["127.0.0.1/32", "::1/128"])
if PARLEY_METRICS:
    MIDDLEWARE.insert(1, "django_prometheus.middleware.PrometheusBeforeMiddleware")
    MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
# Load balancers ask /healthz and /readyz by address: parley.health.HealthMiddleware
# answers them first in the stack, before the Host header is checked or any redirect.
MIDDLEWARE.insert(0, "parley.health.HealthMiddleware")
MIDDLEWARE.insert(1, "parley.request_log.RequestLogMiddleware")
PARLEY_READY_RETRY_AFTER_S = env_int("PARLEY_READY_RETRY_AFTER_S", 5)

# --- Parley ---------------------------------------------------------------------------------
# Addresses of reverse proxies whose X-Forwarded-For we believe. Empty: use REMOTE_ADDR only.
PARLEY_TRUSTED_PROXIES = env_list("PARLEY_TRUSTED_PROXIES", [])
PARLEY_MAX_COMMENT_CHARS = env_int("PARLEY_MAX_COMMENT_CHARS", 5000)
PARLEY_MAX_NAME_CHARS = env_int("PARLEY_MAX_NAME_CHARS", 80)
PARLEY_MAX_BODY_BYTES = env_int("PARLEY_MAX_BODY_BYTES", 64 * 1024)
PARLEY_PAGE_SIZE = env_int("PARLEY_PAGE_SIZE", 10)
PARLEY_BANNED_WORDS = env_list("PARLEY_BANNED_WORDS", [])
# Posting limits: "N/period" as django-ratelimit reads them, per client address, story, author.
PARLEY_RATE_PER_IP = os.environ.get("PARLEY_RATE_PER_IP", "10/m")
PARLEY_RATE_PER_STORY = os.environ.get("PARLEY_RATE_PER_STORY", "120/m")
PARLEY_RATE_PER_AUTHOR = os.environ.get("PARLEY_RATE_PER_AUTHOR", "5/m")
# Readers' own edits and deletions, and "Recommend" toggles, per client address.
PARLEY_RATE_EDITS = os.environ.get("PARLEY_RATE_EDITS", "10/m")
PARLEY_RATE_REACTIONS = os.environ.get("PARLEY_RATE_REACTIONS", "30/m")
# How long after posting a commenter may edit (a site's "edit_window_minutes" overrides it).
PARLEY_EDIT_WINDOW_MINUTES = env_int("PARLEY_EDIT_WINDOW_MINUTES", 15)
# Reports per client address, overall and on one comment.
PARLEY_RATE_REPORTS_PER_IP = os.environ.get("PARLEY_RATE_REPORTS_PER_IP", "20/m")
PARLEY_RATE_REPORTS_PER_COMMENT = os.environ.get("PARLEY_RATE_REPORTS_PER_COMMENT", "3/h")
# Perspective-compatible API (/v1alpha1/comments:analyze): analyze calls per site API key.
PARLEY_PERSPECTIVE_RATE = os.environ.get("PARLEY_PERSPECTIVE_RATE", "600/m")
# True scores every comment with parley.engine; False runs the model-free rules only.
PARLEY_ENGINE = env_bool("PARLEY_ENGINE", True)
PARLEY_ENGINE_TIMEOUT_S = float(os.environ.get("PARLEY_ENGINE_TIMEOUT_S", "2.0"))
PARLEY_CACHE_SECONDS = env_int("PARLEY_CACHE_SECONDS", 300)
# How long the moderators' dashboard numbers are kept before they are counted again (0: never).
PARLEY_DASHBOARD_CACHE_SECONDS = env_int("PARLEY_DASHBOARD_CACHE_SECONDS", 60)
# The queue poll answers "nothing changed" (204) only within one such period (0: no limit).
PARLEY_QUEUE_RESYNC_SECONDS = env_int("PARLEY_QUEUE_RESYNC_SECONDS", 60)
# Thread and counts answers: how long CDNs may reuse them (then ETag revalidation; browsers: 0).
PARLEY_PUBLIC_MAX_AGE = env_int("PARLEY_PUBLIC_MAX_AGE", 10)
PARLEY_DEMO_API_KEY = os.environ.get("PARLEY_DEMO_API_KEY", "")
PARLEY_DEMO_CORAL_SECRET = os.environ.get("PARLEY_DEMO_CORAL_SECRET", "")
# Parley's public address (https://comments.example.com) for the embed snippet the workspace and
# `parley site embed` print; empty: the workspace uses the address it was asked on.
PARLEY_PUBLIC_URL = os.environ.get("PARLEY_PUBLIC_URL", "").strip().rstrip("/")
