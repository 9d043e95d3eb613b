"""Settings for the test suite: the real settings, with what tests need changed.

DATABASE_URL and REDIS_URL are honoured exactly as in production, so CI runs
the suite on PostgreSQL and Redis; without them the embedded defaults apply.
"""

import os
import tempfile

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "coprod-test-secret-key-not-for-anything-else-0123456789"
)
os.environ.setdefault("COPROD_ENCRYPTION_SALT", "coprod-test-salt-not-for-anything-else")
os.environ.setdefault("COPROD_VAR_DIR", tempfile.mkdtemp(prefix="coprod-test-var-"))

from coprod.settings import *  # noqa: F403

DEBUG = False
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns without it
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test client and the live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Rate-limit counters must not leak between tests, so never share them in Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False}

# A two-step code a test makes just before the 30-second period turns is still
# accepted just after (tests/two_step.py).
MFA_TOTP_TOLERANCE = 1
