"""Logging in as the people who run the installation: password, then an authenticator code."""

from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

ADMIN = "/admin/"


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def operator(**extra) -> object:
    """Someone who runs the installation: staff and superuser on the admin site."""
    return UserFactory(is_staff=True, is_superuser=True, **extra)


def with_authenticator(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def log_in_by_password(client, user, next_url=ADMIN):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD, "next": next_url}
    )


def log_in_with_two_steps(client, user, secret: str, next_url=ADMIN):
    response = log_in_by_password(client, user, next_url)
    assert response["Location"] == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
