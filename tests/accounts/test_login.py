import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from coprod.accounts.models import StaffRole
from tests.factories import PASSWORD, ProjectMembershipFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_logs_in_with_a_password_and_lands_on_the_dashboard(client):
    coordinator = StaffMembershipFactory(role=StaffRole.COORDINATOR).user

    response = client.post(
        reverse("account_login"), {"login": coordinator.email, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("accounts:dashboard")
    assert response.status_code == 200


def test_a_wrong_password_is_refused_with_a_summary_at_the_top(client):
    coordinator = StaffMembershipFactory().user

    response = client.post(
        reverse("account_login"), {"login": coordinator.email, "password": "not-it"}
    )

    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert html.index("error-summary") < html.index('name="password"')


def test_a_member_logs_in_by_a_code_sent_through_real_smtp(client, smtp_inbox):
    membership = ProjectMembershipFactory()
    member = membership.participant.user

    # Given the member asks for a code instead of typing a password
    response = client.post(reverse("account_request_login_code"), {"email": member.email})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_confirm_login_code"))

    # When they type the code from the email they received
    message = smtp_inbox.wait_for(member.email)
    code = re.search(r"^\s*(\d{6})\s*$", smtp_inbox.text_of(message), re.M).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)

    # Then they are on their own phone-first home page
    assert response.redirect_chain[-1][0] == reverse("participants:home")
    assert f"Hello, {escape(membership.participant.preferred_name)}" in response.content.decode()


def test_a_wrong_code_does_not_log_anyone_in(client, smtp_inbox):
    member = ProjectMembershipFactory().participant.user
    client.post(reverse("account_request_login_code"), {"email": member.email})
    sent = re.search(
        r"^\s*(\d{6})\s*$", smtp_inbox.text_of(smtp_inbox.wait_for(member.email)), re.M
    )
    wrong = str((int(sent.group(1)) + 1) % 1_000_000).zfill(6)

    response = client.post(reverse("account_confirm_login_code"), {"code": wrong})

    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert 'class="error-summary"' in response.content.decode()


def test_nobody_can_sign_themselves_up(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 200
    assert "Getting an account" in response.content.decode()
    from coprod.accounts.models import User

    assert not User.objects.filter(email="new@example.org").exists()


def test_login_attempts_are_rate_limited(client):
    coordinator = StaffMembershipFactory().user
    for _ in range(6):
        client.post(reverse("account_login"), {"login": coordinator.email, "password": "wrong"})

    response = client.post(
        reverse("account_login"), {"login": coordinator.email, "password": PASSWORD}
    )

    assert not response.wsgi_request.user.is_authenticated
