from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from coprod.accounts.models import Organisation, User
from coprod.reports.models import FunderGrant
from participants.models import Participant
from payments.models import Claim
from projects.models import Meeting, Project, Venue

pytestmark = pytest.mark.django_db

LOGINS = [
    "coordinator@demo.coprod.test",
    "finance@demo.coprod.test",
    "admin@demo.coprod.test",
    "member1@demo.coprod.test",
    "member2@demo.coprod.test",
    "member3@demo.coprod.test",
    "funder@demo.coprod.test",
]


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_loads_the_demo_once_however_often_it_runs(settings, client):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())

    assert sorted(User.objects.values_list("email", flat=True)) == sorted(LOGINS)
    assert Organisation.objects.count() == 1
    assert Project.objects.count() == 2
    assert Participant.objects.count() == 3
    assert FunderGrant.objects.count() == 1
    # One venue, next week's meeting (with agenda and paper) and last week's, once.
    assert Venue.objects.count() == 1
    upcoming = Meeting.objects.get(title="House rules workshop")
    assert upcoming.agenda.count() == 3
    assert upcoming.papers.get().content_type == "application/pdf"
    assert upcoming.invitees.count() == 3
    assert Meeting.objects.get(title="Getting started").actions.count() == 1
    # A review open for answers, with the nine questions, once.
    assert upcoming.reviews.get().questions.count() == 9
    # Claims for last week's time (one each) and an approved bus fare.
    assert Claim.objects.filter(kind="time").count() == 3
    assert Claim.objects.get(kind="expense").status == "approved"
    safe_nights = Project.objects.get(title="Safe Nights")
    assert safe_nights.purpose
    assert safe_nights.phases.count() == 4
    assert safe_nights.values.filter(status="agreed").count() == 2
    assert safe_nights.ladder.count() == 1
    co_leads = safe_nights.memberships.filter(roles__name="Co-lead")
    assert list(co_leads.values_list("participant__user__email", flat=True)) == [
        "member2@demo.coprod.test"
    ]
    from participants.selectors import has_consent

    assert all(has_consent(p, "contact") for p in Participant.objects.all())
    printed = out.getvalue()
    for email in LOGINS:
        assert email in printed
    assert "coprod-demo" in printed


@pytest.mark.parametrize(
    ("email", "lands_on"),
    [
        ("coordinator@demo.coprod.test", "/dashboard/"),
        ("member1@demo.coprod.test", "/me/"),
        ("funder@demo.coprod.test", "/reports/"),
    ],
)
def test_each_demo_login_lands_on_its_own_page(email, lands_on, client):
    call_command("seed_demo", "--force", stdout=StringIO())

    response = client.post(
        "/account/login/", {"login": email, "password": "coprod-demo"}, follow=True
    )

    assert response.redirect_chain[-1][0] == lands_on
    assert response.status_code == 200


def test_every_demo_member_can_be_reached_and_hears_from_coprod(settings, tmp_path):
    import datetime

    from django.core import mail
    from django.utils import timezone

    from coprod.notifications.dispatch import dispatch_due
    from coprod.notifications.reach import reach_for, unreachable_in_project
    from coprod.notifications.sms import FileSmsBackend

    settings.COPROD_SMS_BACKEND = "file"
    settings.COPROD_SMS_FILE = tmp_path / "sms.jsonl"
    call_command("seed_demo", "--force", stdout=StringIO())
    members = Participant.objects.order_by("user__email")

    # Each agreed to be contacted and has a way to be reached: emails, and texts for Alex
    assert [(p.user.email, p.preferred_channel, reach_for(p).reachable) for p in members] == [
        ("member1@demo.coprod.test", "email", True),
        ("member2@demo.coprod.test", "sms", True),
        ("member3@demo.coprod.test", "email", True),
    ]
    assert unreachable_in_project(Project.objects.get(title="Safe Nights")) == []

    # When the outbox is sent (in the daytime, when texts may go)
    noon = timezone.localtime() + datetime.timedelta(days=1)
    dispatch_due(now=noon.replace(hour=12, minute=0))

    # Then the members' invitations arrive by email and by text
    invited = sorted(
        message.to[0] for message in mail.outbox if message.subject.startswith("You are invited")
    )
    assert invited == ["member1@demo.coprod.test", "member3@demo.coprod.test"]
    texts = FileSmsBackend(settings.COPROD_SMS_FILE).read()
    assert any("House rules workshop" in text["body"] for text in texts)
    assert {text["to"] for text in texts} == {"+447911123457"}
    # Nobody is invited to last week's meeting, written up after it happened
    assert not [message for message in mail.outbox if "Getting started," in message.subject]


def test_an_older_demo_where_jo_was_co_lead_is_put_right(settings):
    from participants.services import membership_add_role

    call_command("seed_demo", "--force", stdout=StringIO())
    jo = Participant.objects.get(user__email="member1@demo.coprod.test")
    membership_add_role(membership=jo.memberships.get(project__title="Safe Nights"), name="Co-lead")

    call_command("seed_demo", "--force", stdout=StringIO())

    safe_nights = Project.objects.get(title="Safe Nights")
    co_leads = safe_nights.memberships.filter(roles__name="Co-lead")
    assert list(co_leads.values_list("participant__preferred_name", flat=True)) == ["Alex"]
