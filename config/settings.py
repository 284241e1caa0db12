"""One settings module for every environment, driven by environment variables.

Local runs get safe defaults (SQLite under var/, DEBUG off unless asked for).
Production (DJANGO_ENV=production) refuses to start without a secret key.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, *, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, *, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
IS_PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production.")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default="localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "django_tasks_db",
    "jobs",
    "catalog",
    "comparisons",
    "demo",
]

MIDDLEWARE = [
    # First, so that its `total` covers every other middleware (config/timing.py).
    "config.timing.ServerTimingMiddleware",
    # Every request's queue of work that waits until its response is sent.
    "config.after_response.AfterResponseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, CSRF and auth, so that a cache hit skips them (comparisons/caching/pages.py).
    "comparisons.caching.pages.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns lockouts raised below into responses.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
    # The comparison and artifact pages' bodies and shared components (config/jinja2.py).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

# SQLite under var/ by default; DATABASE_URL (postgres://user@host:port/name) switches to
# PostgreSQL through psycopg 3.
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))
(VAR_DIR / "staticfiles").mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend with a health check that sends nothing to a healthy connection
        # (config/postgresql/base.py).
        DATABASES["default"]["ENGINE"] = "config.postgresql"
        # PostgreSQL's JIT compiles queries it expects to be costly: about 60 ms a query on
        # the large catalog (BENCHMARKS.md), never repaid within a web request.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
        # Statements of config.prepared's cursors are prepared at their first execution;
        # Django's ordinary cursors bind parameters in the client and are never prepared,
        # whatever this says. Not for PgBouncer in transaction mode (docs/decisions.md).
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 0)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Outside production, whitenoise serves straight from the source folders (no collectstatic).
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
# Files served at the site's root by whitenoise: /favicon.ico, which browsers ask for unasked.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "config.storage.StaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Background jobs ------------------------------------------------------------------
# Django's Tasks framework on django-tasks-db's database backend: the queue is a table, worked
# by `manage.py run_worker` (make run starts one beside the site). DJANGO_TASK_BACKEND=immediate
# runs every job inside the request that starts it instead (no worker; for small sites only).
TASK_BACKEND = os.environ.get("DJANGO_TASK_BACKEND", "database")
if TASK_BACKEND not in {"database", "immediate"}:
    raise ImproperlyConfigured("DJANGO_TASK_BACKEND is database or immediate.")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASK_BACKEND == "database"
        else "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
# A running job that has shown no progress for this long is taken for dead (its worker on
# another host stopped) and requeued; on its own host a dead worker is noticed at once.
TASK_RUN_STALE_SECONDS = int(os.environ.get("DJANGO_TASK_RUN_STALE_SECONDS", "1800"))
# SQLite only: where a job's progress goes while its own transaction holds the one write lock
# (jobs/services.py, RunProgress). Empty: a folder beside the database file.
JOB_PROGRESS_DIR = os.environ.get("DJANGO_JOB_PROGRESS_DIR", "")

# --- Caching ------------------------------------------------------------------------
# Public pages are cached whole (comparisons/caching/pages.py) under the catalog version
# (catalog/versioning.py), which every committed catalog write replaces. Pages live in local
# memory per process by default, or in Redis when REDIS_URL is set. The version lives where
# every worker reads the same value: the database (a DatabaseCache table, created by
# a migration) by default, Redis when REDIS_URL is set, or a file under
# VAR_DIR for single-host deployments (the trade-offs: catalog/versioning.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
CATALOG_VERSION_STORE = os.environ.get(
    "DJANGO_CATALOG_VERSION_STORE", "redis" if REDIS_URL else "database"
)
if CATALOG_VERSION_STORE not in {"database", "redis", "file"} or (
    CATALOG_VERSION_STORE == "redis" and not REDIS_URL
):
    raise ImproperlyConfigured(
        "DJANGO_CATALOG_VERSION_STORE is database, file, or redis (which needs REDIS_URL)."
    )
PAGE_CACHE_ENABLED = env_bool("DJANGO_PAGE_CACHE", default=True)
PAGE_CACHE_ALIAS = "default"
# With pages in Redis, each worker also keeps recent pages in its own memory and looks there
# first (exact: a page's key holds the catalog version; comparisons/caching/pages.py).
PAGE_CACHE_LOCAL_ALIAS = "pages_local" if REDIS_URL else None
# Data derived from the catalog and reused, per catalog version, across requests: the
# browse snapshot behind /artifacts/ (comparisons/browse/snapshot.py) and search statistics and
# rankings (comparisons/search/). Off only in tests, whose writes never bump the version.
CATALOG_DERIVED_CACHE = env_bool("DJANGO_DERIVED_CACHE", default=True)
DERIVED_CACHE_ALIAS = "derived"
# Per-artifact parts of the comparison and artifact pages (comparisons/compare/parts.py),
# kept by each worker as objects, not pickles (comparisons/caching/objects.py): about 80 KB
# each at ten capabilities (24 KB pickled), so at most 500 of them, about 40 MB a worker,
# every model of the real OpenRouter catalog. With Redis, that local store sits in front
# of the shared one.
PARTS_CACHE_ALIAS = "parts"
PARTS_CACHE_LOCAL_ALIAS = "parts_local" if REDIS_URL else None
_PARTS_ENTRIES = int(os.environ.get("DJANGO_PARTS_CACHE_ENTRIES", "500"))
_PARTS_LOCAL = {
    "BACKEND": "comparisons.caching.objects.ObjectCache",
    "LOCATION": "parts",
    "OPTIONS": {"MAX_ENTRIES": _PARTS_ENTRIES},
}
# Only bounds memory: entries are never stale, old versions' entries are just unreachable.
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))
_REDIS_CACHE = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": REDIS_URL,
    "KEY_PREFIX": "unfragile",
}
CACHES = {
    "default": _REDIS_CACHE
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("DJANGO_PAGE_CACHE_ENTRIES", "500"))},
    },
    # Data derived from the catalog and reused within one catalog version (rendered cards,
    # search rankings and statistics): apart from the pages, so that thousands of small
    # entries never evict a page.
    "derived": _REDIS_CACHE
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "derived",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("DJANGO_DERIVED_CACHE_ENTRIES", "5000"))},
    },
    "parts": _REDIS_CACHE if REDIS_URL else _PARTS_LOCAL,
    "parts_local": _PARTS_LOCAL,
    "pages_local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages-local",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("DJANGO_PAGE_CACHE_LOCAL_ENTRIES", "300"))},
    },
    "catalog_version": _REDIS_CACHE
    if CATALOG_VERSION_STORE == "redis"
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "catalog_version_cache",
    },
}

# Everything goes to stderr, one line per event: JSON objects in production (greppable and
# parseable by any log shipper), readable text elsewhere (`make run`). DJANGO_LOG_FORMAT
# (json or text) overrides. Each logger writes through the root handler only, so no line
# is ever printed twice.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "json" if IS_PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("DJANGO_LOG_FORMAT is json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.logging.JsonLineFormatter"},
        "text": {"()": "config.logging.TextLineFormatter"},
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (console in DEBUG, mail_admins) would print a second copy.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"level": "WARNING"},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # Every admin login would otherwise log four lines.
        "axes": {"level": "WARNING"},
        # The worker adds a handler of its own when the logger has none: give it ours.
        "django_tasks_db": {"handlers": [], "level": "INFO", "propagate": True},
        "django.tasks": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

# --- Security -----------------------------------------------------------------------
# A strict Content Security Policy: no inline scripts or styles anywhere (htmx is told
# not to inject its indicator styles; see templates/base.html).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Secure-only cookies and HTTPS redirects wherever the site is served over TLS.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=IS_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", default=IS_PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31_536_000 if IS_PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load-balancer health checks come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Admin brute-force protection: lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_VERBOSE = False

# benchmarks/: a trivial view to measure the framework's floor (never on in production).
BENCH_VIEWS = env_bool("DJANGO_BENCH_VIEWS")
# A Server-Timing header on every response (config/timing.py): where its time went. Off in
# production unless asked (`make bench` turns it on): it tells anyone how a search was
# answered and how long the database took.
SERVER_TIMING = env_bool("DJANGO_SERVER_TIMING", default=DEBUG)
# Echoed by /healthz in X-Server-Nonce so that a benchmark knows it drives the server it
# started (benchmarks/server_check.py); unset in production.
SERVER_NONCE = os.environ.get("DJANGO_SERVER_NONCE", "")

# The site's own knobs.
SITE_NAME = "Unfragile"
