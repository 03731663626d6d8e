"""Settings for Waterworks: one file, everything that differs between machines comes from the
environment.

Environment variables:
    DEBUG           "1"/"true" turns on debug mode (default off).
    SECRET_KEY      required when DEBUG is off.
    ALLOWED_HOSTS   comma-separated host names (default: localhost names when DEBUG is on).
    DATABASE_URL    e.g. postgres://user:pass@host:5432/waterworks; a SQLite file when unset.
    CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://water.example.gov.cn
    SECURE_SSL_REDIRECT   "0" to turn off the HTTPS redirect behind a proxy that already does it.
    SEWER_RULE_SET  the sewer defect rule set that scores inspections, e.g. "DB44/T 1025-2012"
                    (default: CJJ181-2012, the standard's own; see
                    projects.services.sewer_condition).
    SEWER_SCORING_OPTIONS  comma-separated deviations from CJJ 181-2012 in the sewer scores,
                    e.g. "monotone_f" (default none: the standard, literally).
    MEDIA_ROOT      where uploads (evidence, photos and their thumbnails) are stored; never
                    served publicly, only through the login-protected views.
    MEDIA_S3_BUCKET  with several web or worker machines: keep the uploads in this bucket of an
                    S3-compatible object store instead (django-storages), with
                    MEDIA_S3_ENDPOINT_URL (e.g. https://minio.internal:9000; empty for AWS),
                    MEDIA_S3_ACCESS_KEY, MEDIA_S3_SECRET_KEY, MEDIA_S3_REGION.
    REDIS_URL       e.g. redis://127.0.0.1:6379/0: the cache every machine shares (default: each
                    process its own memory cache).
    CELERY_BROKER_URL  e.g. redis://127.0.0.1:6379/1 or amqp://user:pass@host:5672//: background
                    jobs go to Celery workers on any machine (default: threads of the web
                    process itself, no worker needed).
    IMPORT_JOB_ROWS  an import of at least this many rows runs as a background job
                    (default 20000).
    JOB_ACTION_ITEMS  the admin's regrade of this many channels, or rescore of this many
                    segments, or more runs as a background job (default 500).
    JOB_HEARTBEAT_SECONDS, JOB_STALE_SECONDS  a running job's sign of life every 15 s; one
                    silent for 300 s is shown as interrupted and may be started again.
    LEDGER_REUSE_SECONDS, LEDGER_KEEP_DAYS  a month's 工作台账 file is handed out again for
                    600 s while its data is unchanged; files are deleted after 7 days.
    ALERTS_SEND_AT  "HH:MM": Celery beat queues the alert digests daily then (default: off).
    PATROL_INTERVAL_DAYS  how often each channel of a patrol post must be patrolled (default 7).
    CHIEF_INSPECTION_DAYS_DISTRICT, CHIEF_INSPECTION_DAYS_TOWN, CHIEF_INSPECTION_DAYS_VILLAGE
                    how often a river chief of each level must inspect each channel (default
                    30, 10 and 7 days).
    ALERT_DAYS_AHEAD      how many days ahead the alerts look for deadlines (default 7).
    EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
    EMAIL_USE_TLS, DEFAULT_FROM_EMAIL   how the alert digests are sent (default: printed to
                    the console).
    SITE_URL        the site's address, for links in the digests (default http://127.0.0.1:8000).
    SESSION_IDLE_HOURS  a login ends after this many hours without a request (default 8).
    SESSION_MAX_HOURS   and this many hours after logging in, however active (default 24).
"""

import datetime
import importlib.util
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

# Required when DEBUG is off. Left empty, Django refuses the first thing that needs it (a
# session, a signed value: ImproperlyConfigured), while commands that need no key — checking
# for missing migrations, say — still run without one.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "concurrency",
    "axes",
    "projects",
]

MIDDLEWARE = [
    # First: every log line of a request carries its id (projects.core.request_id).
    "projects.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on every response of the site (static files go out before it).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "projects.web.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Pages for a logged-in user are not kept by browsers or proxies; a login ends after
    # SESSION_IDLE_HOURS idle or SESSION_MAX_HOURS in all (projects.web.middleware).
    "projects.web.middleware.PrivatePagesMiddleware",
    "projects.web.middleware.SessionLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A database that cannot be reached: a 503 page, not a 500 (projects.views.errors).
    "projects.web.middleware.DatabaseOutageMiddleware",
    # Login throttling: the lockout page for a locked user name at an address (projects.web.auth).
    "axes.middleware.AxesMiddleware",
]

# Login throttling (django-axes): AXES_FAILURE_LIMIT wrong passwords lock that user name at
# that address for AXES_COOLOFF_MINUTES; others behind the same address are not locked out.
AUTHENTICATION_BACKENDS = [
    "projects.web.auth.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "6"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "projects.web.auth.client_ip"
AXES_VERBOSE = False
# Unlocking is an action on the user list (解除登录锁定); axes' own admin pages are not shown.
AXES_ENABLE_ADMIN = False
# Reverse proxies in front of the site that append the client's address to X-Forwarded-For.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

ROOT_URLCONF = "waterworks.urls"
# A form refused for its security token gets the site's own page, with a way back.
CSRF_FAILURE_VIEW = "projects.views.errors.csrf_failure"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Django's form renderer, with the plain widgets written in Python (the same HTML, fewer
# templates: projects/forms/renderer.py).
FORM_RENDERER = "projects.forms.renderer.FormRenderer"

WSGI_APPLICATION = "waterworks.wsgi.application"

# SQLite file by default so a checkout just works; PostgreSQL whenever DATABASE_URL is set.
# Persistent connections with a health check, so a database restart fails no request.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler costs 50–100 ms a query once a plan's estimate passes
    # jit_above_cost, as a list page's over a city's channels does, and pays back only in long
    # analytical queries, which a web page must not run: off for this application's connections.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "projects:dashboard"

# Simplified Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "projects" / "locale"]
TIME_ZONE = "Asia/Shanghai"
# Every choice filter starts on an explicit “全部” (any), so a form sent untouched filters nothing.
FILTERS_EMPTY_CHOICE_LABEL = _("All")
USE_I18N = True
USE_TZ = True

# Uploaded evidence: never served to anonymous users (see projects.views.tasks.evidence).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Leaflet and Leaflet.draw as the django-leaflet package ships them (static/leaflet/), served as
# the site's own files. Not an installed app: its template tags write inline scripts, which the
# Content Security Policy refuses, and its admin needs GeoDjango. Found without importing it
# (it reads the settings when imported).
STATICFILES_DIRS = [
    Path(importlib.util.find_spec("leaflet").submodule_search_locations[0]) / "static"
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads on an S3-compatible object store that every web and worker machine reads and writes
# (django-storages), when a bucket is given; private: every file is served through the
# login-protected views, the store only answers the site's own requests.
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("MEDIA_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("MEDIA_S3_SECRET_KEY") or None,
            "region_name": os.environ.get("MEDIA_S3_REGION") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# A cache all machines share when REDIS_URL is given; sessions stay in the database, which
# every machine shares already.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }

# Background jobs (projects.services.jobs): on Celery workers when a broker is given, else in
# threads of the web process. Results are kept in the Job table, not in Celery's backend.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the LOGGING below applies to workers too
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 1}
CELERY_TIMEZONE = "Asia/Shanghai"
IMPORT_JOB_ROWS = int(os.environ.get("IMPORT_JOB_ROWS", "20000"))
# The admin's regrade / rescore of at least this many channels or segments runs as a job.
JOB_ACTION_ITEMS = int(os.environ.get("JOB_ACTION_ITEMS", "500"))
# A running job writes a sign of life every JOB_HEARTBEAT_SECONDS; one silent for
# JOB_STALE_SECONDS is shown as interrupted (failed, nothing written) and may be started again.
JOB_HEARTBEAT_SECONDS = int(os.environ.get("JOB_HEARTBEAT_SECONDS", "15"))
JOB_STALE_SECONDS = int(os.environ.get("JOB_STALE_SECONDS", "300"))
# Acknowledge a job's message when it is done, not when it is taken: the broker hands the job of
# a worker that died to another one (Redis: after the visibility timeout, longer than any job).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
# The 工作台账 file built for a month is handed out again, without building it anew, for this
# many seconds while nothing it shows has changed; files are deleted after LEDGER_KEEP_DAYS
# (and as soon as a newer one of the same month is built).
LEDGER_REUSE_SECONDS = int(os.environ.get("LEDGER_REUSE_SECONDS", "600"))
LEDGER_KEEP_DAYS = int(os.environ.get("LEDGER_KEEP_DAYS", "7"))
# "HH:MM": with a broker, `celery -A waterworks beat` queues the alert digests every day at that
# time (Beijing time); empty (the default): no periodic entry, cron or a timer runs send_alerts.
ALERTS_SEND_AT = os.environ.get("ALERTS_SEND_AT", "")

# Optimistic locking (django-concurrency): a stale save is refused, never merged silently.
CONCURRENCY_ENABLED = True
CONCURRENCY_VERSION_FIELD_REQUIRED = True

DJANGO_TABLES2_TEMPLATE = "projects/includes/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

# Security: strict by default, relaxed only in debug mode.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# SECURE_SSL_REDIRECT=0 is how the README's production set-up says "the proxy in front redirects
# HTTP to HTTPS": Django's reminder to redirect (security.W008) is then answered.
SILENCED_SYSTEM_CHECKS = [] if SECURE_SSL_REDIRECT or DEBUG else ["security.W008"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A load balancer probes /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): scripts, styles, images and fonts from the site itself
# only. No 'unsafe-inline' and no 'unsafe-eval': no inline script, event-handler attribute,
# <style> block or style attribute runs or applies (progress bars take their width from the
# pct-N classes of projects/static/projects/progress.css; charts draw with SVG attributes).
# One narrow allowance: the audit-history pages of the admin (django-simple-history's
# object_history_list.html) carry style="border-top: 0", allowed by its hash alone.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": [
            "'unsafe-hashes'",
            "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",  # border-top: 0
        ],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# The map (/map/): records on a plain background, with the outlines loaded by import. With
# MAP_TILE_URL set, a tile layer under them, e.g. 天地图's vector tiles (WGS-84 is its native
# system, so no offset) with the key issued to the bureau:
#   MAP_TILE_URL="https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY"
#   MAP_TILE_SUBDOMAINS="01234567"  MAP_TILE_ATTRIBUTION="天地图"
# The tiles' origin is added to the Content Security Policy's img-src.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_SUBDOMAINS = os.environ.get("MAP_TILE_SUBDOMAINS", "abc")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
# At most this many features of each layer in one answer of /map/features/ (the map says so
# when a layer has more).
MAP_FEATURE_LIMIT = int(os.environ.get("MAP_FEATURE_LIMIT", "2000"))
if MAP_TILE_URL:
    _tiles = urlsplit(MAP_TILE_URL.replace("{s}", "*"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")

# A login ends after SESSION_IDLE_HOURS without a request (Django's own session expiry, renewed
# at most every few minutes) and SESSION_MAX_HOURS after logging in, however active; the user
# is then sent to the login page with a message (projects.web.session_limits).
SESSION_IDLE_HOURS = float(os.environ.get("SESSION_IDLE_HOURS", "8"))
SESSION_MAX_HOURS = float(os.environ.get("SESSION_MAX_HOURS", "24"))
SESSION_COOKIE_AGE = round(SESSION_IDLE_HOURS * 3600)

# Errors are logged with the request's id (projects.core.request_id) and, when ADMINS is set, mailed
# to them (with DEBUG off), e.g. ADMINS="运维 <ops@example.gov.cn>,张工 <zhang@example.gov.cn>".
ADMINS = [
    (name.strip(), address.strip(" >"))
    for name, _sep, address in (item.partition("<") for item in env_list("ADMINS"))
    if address
]
SERVER_EMAIL = os.environ.get(
    "SERVER_EMAIL", os.environ.get("DEFAULT_FROM_EMAIL", "waterworks@localhost")
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "projects.core.request_id.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "with_request": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "with_request",
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "request_id"],
        },
    },
    "loggers": {
        "django.request": {"handlers": ["console", "mail_admins"], "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

BLACK_ODOUR_OPTIONS = env_list("BLACK_ODOUR_OPTIONS")  # black_odour.OPTIONS; empty: the guide

# The rule set whose DefectCode rows score sewer inspections; empty: the standard's own
# (projects.standards.config.CJJ181.rule_set, "CJJ181-2012").
SEWER_RULE_SET = os.environ.get("SEWER_RULE_SET", "")
# Named deviations from CJJ 181-2012 in the sewer scores (projects.standards.cjj181.OPTIONS:
# monotone_f, merge_max, merge_none), comma-separated; empty: the standard, literally.
SEWER_SCORING_OPTIONS = env_list("SEWER_SCORING_OPTIONS")

# -- Daily operations ----------------------------------------------------------------------

# A channel of a patrol post not patrolled for this many days shows as unpatrolled (a post may
# set its own interval).
PATROL_INTERVAL_DAYS = int(os.environ.get("PATROL_INTERVAL_DAYS", "7"))

# How often a river chief of each level must inspect each of their channels (days): district
# chiefs monthly, town (street) chiefs every ten days, village chiefs weekly. A serving chief
# who has not inspected a channel within it is flagged as having missed an inspection.
CHIEF_INSPECTION_DAYS = {
    "district": int(os.environ.get("CHIEF_INSPECTION_DAYS_DISTRICT", "30")),
    "town": int(os.environ.get("CHIEF_INSPECTION_DAYS_TOWN", "10")),
    "village": int(os.environ.get("CHIEF_INSPECTION_DAYS_VILLAGE", "7")),
}

# The alert digest lists deadlines that fall within this many days.
ALERT_DAYS_AHEAD = int(os.environ.get("ALERT_DAYS_AHEAD", "7"))

# Photos: largest upload accepted, and the measure techniques that need a before and an after
# photo to be accepted.
PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", str(8 * 1024 * 1024)))
# A photo's pixels, read from its header before decoding: a small file may claim a huge image.
PHOTO_MAX_PIXELS = int(os.environ.get("PHOTO_MAX_PIXELS", "40000000"))
PHOTOS_REQUIRED_FOR_TECHNIQUES = ["微孔曝气", "生态浮岛"]

# The fee a station is paid for a month, by its maintenance assessment score: see
# projects.standards.maintenance (None: the default rule there).
MAINTENANCE_FEE_RULE = None

# E-mail for the alert digests: printed to the console unless configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# Seconds before a mail server that does not answer is given up on (send_alerts never hangs).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "waterworks@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The open tasks' deadline index carries both deadlines as non-key columns so that PostgreSQL
# counts overdue tasks from the index alone; SQLite builds the same index without them
# (models.W040 says so on SQLite, where nothing is lost but that speed-up).
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "models.W040"]
