"""Settings of the floor app: Coprod's middleware and security settings, nothing else.

Read from the same environment as Coprod's production settings (which it
imports, so a change to Coprod's MIDDLEWARE changes the floor too), with its
own database: BENCH_FLOOR_DATABASE_URL.
"""

from pathlib import Path

import environ

from coprod import settings as app

env = environ.Env()

DEBUG = False
SECRET_KEY = app.SECRET_KEY
ALLOWED_HOSTS = app.ALLOWED_HOSTS

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Coprod's middleware includes allauth's and django-csp's.
    "allauth",
    "allauth.account",
    "csp",
]
MIDDLEWARE = app.MIDDLEWARE
ROOT_URLCONF = "tests.bench_floor.urls"
WSGI_APPLICATION = "tests.bench_floor.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("BENCH_FLOOR_DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = app.DATABASES["default"]["CONN_MAX_AGE"]
DATABASES["default"]["CONN_HEALTH_CHECKS"] = app.DATABASES["default"]["CONN_HEALTH_CHECKS"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = app.CACHES
SESSION_ENGINE = getattr(app, "SESSION_ENGINE", "django.contrib.sessions.backends.db")

LANGUAGE_CODE = app.LANGUAGE_CODE
TIME_ZONE = app.TIME_ZONE
USE_I18N = app.USE_I18N
USE_TZ = app.USE_TZ
STATIC_URL = app.STATIC_URL
STATIC_ROOT = app.STATIC_ROOT

SESSION_COOKIE_SECURE = app.SESSION_COOKIE_SECURE
CSRF_COOKIE_SECURE = app.CSRF_COOKIE_SECURE
SECURE_SSL_REDIRECT = app.SECURE_SSL_REDIRECT
SECURE_HSTS_SECONDS = app.SECURE_HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = app.SECURE_HSTS_INCLUDE_SUBDOMAINS
SECURE_HSTS_PRELOAD = app.SECURE_HSTS_PRELOAD
SECURE_REFERRER_POLICY = app.SECURE_REFERRER_POLICY
SECURE_CROSS_ORIGIN_OPENER_POLICY = app.SECURE_CROSS_ORIGIN_OPENER_POLICY
SECURE_PROXY_SSL_HEADER = getattr(app, "SECURE_PROXY_SSL_HEADER", None)
SESSION_COOKIE_HTTPONLY = app.SESSION_COOKIE_HTTPONLY
X_FRAME_OPTIONS = app.X_FRAME_OPTIONS
CONTENT_SECURITY_POLICY = app.CONTENT_SECURITY_POLICY
LOGGING = app.LOGGING
