"""Coprod settings: one module, driven by the environment.

Every value has an embedded default that works on a fresh machine (SQLite,
Celery over Kombu's SQLAlchemy transport on a SQLite file under var/, console
email), so `make run` needs nothing installed. Production sets DATABASE_URL, REDIS_URL,
EMAIL_URL, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS; the README lists all.
"""

import contextlib
import sqlite3
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("COPROD_VAR_DIR", default=str(BASE_DIR / "var")))

VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "For local development, `make run` turns debug on for you."
        )
    SECRET_KEY = "django-insecure-coprod-development-only-never-use-in-production"

# Private notes (access needs, wellbeing) are encrypted with a key derived
# from SECRET_KEY and this salt (django-fernet-encrypted-fields). Put a new
# salt first to rotate; older ones still decrypt. Keep SECRET_KEY_FALLBACKS
# when rotating the secret key, or encrypted notes become unreadable.
SALT_KEY = env.list("COPROD_ENCRYPTION_SALT", default=[])
if not SALT_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "COPROD_ENCRYPTION_SALT must be set when DJANGO_DEBUG is off: it protects "
            "members' private notes. Generate one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'"
        )
    SALT_KEY = ["coprod-development-salt-never-use-in-production"]
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "coprod.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "django_celery_beat",
    "csp",
    "coprod.accounts",
    "coprod.plainlanguage",
    "coprod.reports",
    "coprod.notifications",
    "projects",
    "participants",
    "payments",
    "coprod.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages go out gzipped when the browser asks (a member page shrinks about
    # 4x). WhiteNoise answers static files before this with its own
    # precompressed copies. Django pads each response at random against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "coprod.middleware.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Sessions from before the login backends were renamed stay logged in.
    "coprod.accounts.middleware.RenamedBackendMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "coprod.urls"
WSGI_APPLICATION = "coprod.wsgi.application"

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
                "coprod.accounts.context_processors.places",
            ],
            # Kernel tag libraries (the kernel is no app, so they are named here).
            "libraries": {"row_urls": "coprod.rowurls"},
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'coprod.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat write to one SQLite file at once.
    # WAL lets readers go on while one writes; a transaction takes the write
    # lock when it begins (IMMEDIATE), so two never deadlock upgrading a read
    # lock ("database is locked" at once, whatever the timeout); and a writer
    # waits up to 20 seconds for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery -------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    # A shared cache so that allauth's rate limits hold across web processes.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "coprod",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def embedded_broker_url(path: Path) -> str:
    """Kombu's SQLAlchemy transport on a SQLite file: the broker without Redis.

    Each fetch is one `BEGIN IMMEDIATE` transaction that marks the oldest
    visible message invisible, so two processes can never take the same one
    (unlike the filesystem transport, which can read a file half-written:
    celery/kombu#1551). The file is switched to WAL once, so a process
    reading the queue never holds up one adding to it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # Busy means another process has the file open, so an earlier start set WAL.
    with (
        contextlib.suppress(sqlite3.OperationalError),
        contextlib.closing(sqlite3.connect(path, timeout=5)) as db,
    ):
        db.execute("PRAGMA journal_mode=WAL")
    return f"sqla+sqlite:///{path.resolve()}"


CELERY_BROKER_URL = REDIS_URL or embedded_broker_url(VAR_DIR / "celery" / "broker.sqlite3")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker whose broker goes away keeps trying to reconnect, for ever (by
# default it gives up after 100 tries and exits), and picks up where it was.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Only tasks with acks_late would be cancelled on a lost connection, and no
# Coprod task has it (see notifications/tasks.py). This is Celery 6's default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Tasks are acknowledged when a worker process starts them (no acks_late), so
# a worker that dies mid-task loses that task: beat asks again within
# COPROD_DISPATCH_EVERY_SECONDS, and the outbox rows it was sending are taken
# up again when their lease ends. (CELERY_TASK_REJECT_ON_WORKER_LOST only
# applies to acks_late tasks, so it is not set.)

# --- Notifications (the outbox) ----------------------------------------------
# Beat asks for a dispatch this often; dispatch sends every message that is due.
COPROD_DISPATCH_EVERY_SECONDS = env.float("COPROD_DISPATCH_EVERY_SECONDS", default=15.0)
CELERY_BEAT_SCHEDULE = {
    "send-due-messages": {
        "task": "notifications.enqueue_dispatch",
        "schedule": COPROD_DISPATCH_EVERY_SECONDS,
    },
    # Tasks and failed messages whose moment has passed leave the dashboard.
    "expire-stale-messages": {
        "task": "notifications.expire_stale",
        "schedule": 15 * 60,
    },
    # Reviews past their last day close (and a repeating one plans its next).
    "close-ended-reviews": {
        "task": "projects.close_ended_reviews",
        "schedule": 60 * 60,
    },
}
# A dispatcher's claim on a message lasts this long; after it, another may take it.
COPROD_NOTIFY_LEASE_SECONDS = env.int("COPROD_NOTIFY_LEASE_SECONDS", default=30)
# Failures wait 1, 2, 4, 8... times this before the next try, up to the limit.
COPROD_NOTIFY_BACKOFF_SECONDS = env.int("COPROD_NOTIFY_BACKOFF_SECONDS", default=60)
COPROD_NOTIFY_MAX_ATTEMPTS = env.int("COPROD_NOTIFY_MAX_ATTEMPTS", default=6)
# How many messages one dispatcher claims at a time.
COPROD_NOTIFY_BATCH = env.int("COPROD_NOTIFY_BATCH", default=50)
# No text messages in these local hours: they wait until the end of them.
COPROD_SMS_QUIET_HOURS = (21, 8)
# "file" (writes each text to var/sms/outbox.jsonl), "console" or "twilio".
COPROD_SMS_BACKEND = env.str("COPROD_SMS_BACKEND", default="file")
COPROD_SMS_FILE = Path(env.str("COPROD_SMS_FILE", default=str(VAR_DIR / "sms" / "outbox.jsonl")))
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object]
if REDIS_URL:
    # A request that queues a task must not hang while Redis is away (the
    # outbox keeps the message, and beat sends it once Redis is back).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 3}
    # A worker takes a message only when one of its processes is free to start
    # it, so it holds no fetched-but-unacknowledged messages when Redis goes
    # away: restoring those to a Redis that is not there is what kills a
    # worker. (Celery supports this for Redis only.)
    CELERY_WORKER_DISABLE_PREFETCH = True
else:
    # Passed to SQLAlchemy's create_engine: wait up to 30 seconds for the
    # file's write lock rather than fail while another process holds it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"connect_args": {"timeout": 30}}

# --- Accounts and login ------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Coprod's permissions are rules; Django's model permissions are answered only
# for the admin site's staff, so other pages pay no query for them
# (coprod/accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "coprod.accounts.backends.AdminSitePermissionBackend",
    "coprod.accounts.backends.LoginBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "coprod.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 15 * 60
# Six digits: quick to type on a phone's number pad. A code allows 3 wrong
# tries, then it is void and a new one must be asked for (no "send again"
# button: every new code goes through request_login_code's limits below).
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = False
# Every allauth limit, stated here rather than left to the library's defaults
# (tests/accounts/test_limits.py fails if allauth adds one we have not named).
# "N/period/per": per client address ("ip"), per login ("user") or per the
# email typed ("key"). Counted in the default cache: Redis in production.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Wrong passwords, and wrong two-step (TOTP or recovery) codes, which
    # allauth counts under the same action with a key per login.
    "login_failed": "10/m/ip,5/5m/key,30/d/key",
    # Each code allows 3 tries, so one login can be guessed at most
    # 3 x 10 = 30 times a day (odds about 1 in 33,000 a day).
    "request_login_code": "20/m/ip,3/15m/key,10/d/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "change_password": "5/m/user",
    "change_phone": "1/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
    "verify_phone": "1/30s/key,3/m/ip",
}
MFA_RATE_LIMITS = {"webauthn_login": "10/m/ip"}
# Limits "per address" need the client's real address. Behind a proxy, say how
# many proxies of ours add to X-Forwarded-For (or which header carries the
# address); otherwise everyone shares the proxy's address, and its limits.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default="") or None
ACCOUNT_FORMS = {
    "login": "coprod.accounts.forms.LoginForm",
    "request_login_code": "coprod.accounts.forms.RequestLoginCodeForm",
    "confirm_login_code": "coprod.accounts.forms.ConfirmLoginCodeForm",
}
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Coprod: "
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Coprod"

# --- Email -----------------------------------------------------------------
# EMAIL_URL examples: consolemail://  smtp://user:pass@mail.example.org:587
globals().update(
    env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
)
# The address people reach Coprod at, for links in emails and texts.
COPROD_BASE_URL = env.str("COPROD_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Coprod <coprod@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Forms and templates -----------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Meeting papers and other uploads: the largest file accepted, in megabytes.
COPROD_UPLOAD_MAX_MB = env.int("COPROD_UPLOAD_MAX_MB", default=10)
# A TrueType font for PDFs, so names in any language print (Debian: fonts-dejavu-core).
# Without it, PDFs use a built-in font and drop accents it cannot draw.
COPROD_PDF_FONT = env.str(
    "COPROD_PDF_FONT", default="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security ---------------------------------------------------------------
# HTTPS settings follow debug by default; behind a TLS-terminating proxy set
# DJANGO_SECURE_PROXY_SSL_HEADER=true so Django trusts X-Forwarded-Proto.
SECURE = not DEBUG
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=SECURE)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=SECURE)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=SECURE)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=SECURE)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere: every page must work under this policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- Reports -----------------------------------------------------------------
# Reports never show a figure about fewer people than this ("fewer than 5").
COPROD_REPORT_MIN_PEOPLE = env.int("COPROD_REPORT_MIN_PEOPLE", default=5)
# A project's report is kept in the cache until the rows behind it change
# (coprod/reports/figures/cached.py), and at most this long; 0: never kept.
COPROD_REPORT_CACHE_SECONDS = env.int("COPROD_REPORT_CACHE_SECONDS", default=300)
