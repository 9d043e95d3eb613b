"""allauth's limits on login codes and passwords are ours, stated in settings, and hold."""

import re
import time

import pytest
from allauth.account import app_settings as account_settings
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from coprod.accounts.adapters import TOO_MANY_TRIES
from tests.factories import PASSWORD, ProjectMembershipFactory, StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_allauth_limit_is_named_in_our_settings():
    with override_settings(ACCOUNT_RATE_LIMITS={}):
        library_actions = set(account_settings.RATE_LIMITS)
    assert library_actions <= set(settings.ACCOUNT_RATE_LIMITS)
    assert account_settings.LOGIN_BY_CODE_MAX_ATTEMPTS == 3
    assert account_settings.LOGIN_BY_CODE_MAX_RESEND_COUNT == 0


def sent_code(smtp_inbox, email: str) -> str:
    text = smtp_inbox.text_of(smtp_inbox.wait_for(email))
    return re.search(r"^\s*(\d{6})\s*$", text, re.M).group(1)


def test_after_three_wrong_login_codes_even_the_right_one_is_refused(client, smtp_inbox):
    # Given a member who asked for a login code
    member = ProjectMembershipFactory().participant.user
    client.post(reverse("account_request_login_code"), {"email": member.email})
    code = sent_code(smtp_inbox, member.email)

    # When three wrong codes are typed
    for n in range(1, account_settings.LOGIN_BY_CODE_MAX_ATTEMPTS + 1):
        wrong = f"{(int(code) + n) % 10**6:06d}"
        client.post(reverse("account_confirm_login_code"), {"code": wrong})

    # Then the right code no longer logs anyone in: a new one must be asked for
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)
    assert not response.wsgi_request.user.is_authenticated


def test_new_login_codes_for_one_email_are_limited(smtp_inbox):
    # Each request from a fresh browser: the limit is on the email, not the session.
    member = ProjectMembershipFactory().participant.user
    for _ in range(3):
        Client().post(reverse("account_request_login_code"), {"email": member.email})

    response = Client().post(reverse("account_request_login_code"), {"email": member.email})

    assert response.status_code == 200
    assert TOO_MANY_TRIES in response.content.decode()
    assert smtp_inbox.count() == 3


class FakeClock:
    """allauth's rate limits read the time through this, so a test can move it on."""

    def __init__(self):
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def test_at_most_ten_login_codes_a_day_for_one_email(smtp_inbox, monkeypatch):
    # Given someone asking for codes for one email, 3 at a time, 16 minutes apart
    clock = FakeClock()
    monkeypatch.setattr(allauth_ratelimit, "time", clock)
    member = ProjectMembershipFactory().participant.user
    answers = []
    for n in range(12):
        if n and n % 3 == 0:
            clock.now += 16 * 60
        response = Client().post(reverse("account_request_login_code"), {"email": member.email})
        answers.append(response.status_code)

    # Then the first ten are sent and the rest refused for the day
    assert answers == [302] * 10 + [200] * 2
    assert smtp_inbox.count() == 10


def test_at_most_thirty_wrong_passwords_a_day_for_one_login(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(allauth_ratelimit, "time", clock)
    coordinator = StaffMembershipFactory().user
    # Five wrong passwords every six minutes, six times over: 30 in half an hour
    for _ in range(6):
        for _ in range(5):
            Client().post(reverse("account_login"), {"login": coordinator.email, "password": "no"})
        clock.now += 6 * 60

    response = Client().post(
        reverse("account_login"), {"login": coordinator.email, "password": PASSWORD}
    )

    assert not response.wsgi_request.user.is_authenticated
    assert TOO_MANY_TRIES in response.content.decode()


def test_too_many_logins_from_one_address_get_a_plain_page(client):
    for _ in range(30):
        client.post(reverse("account_login"), {"login": "x@example.org", "password": "no"})

    response = client.post(reverse("account_login"), {"login": "x@example.org", "password": "no"})

    assert response.status_code == 429
    html = response.content.decode()
    assert "Wait a minute, then try again" in html
    assert 'id="main"' in html


def test_the_admin_site_has_no_password_form_of_its_own(client):
    # Django's admin login has no limits and no two-step login: it is not used.
    staff = UserFactory(is_staff=True, is_superuser=True)

    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not response.wsgi_request.user.is_authenticated
