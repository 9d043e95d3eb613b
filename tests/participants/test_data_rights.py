import csv
import io
import json

import pytest
from django.db import connection
from django.urls import reverse

from coprod.accounts.models import User
from participants import services
from participants.data_rights import participant_erase
from participants.models import AccessLog, ConsentRecord, Participant
from projects.models import Endorsement, LadderAssessment
from projects.services import ladder_assess, value_endorse

pytestmark = pytest.mark.django_db


@pytest.fixture
def jo(world):
    participant = world.membership.participant
    services.profile_update_contact(
        participant=participant,
        by=None,
        preferred_name="Jo",
        full_name="Jo Bloggs",
        email="jo@example.org",
        phone="07911 123456",
        preferred_channel="sms",
    )
    services.private_notes_update(participant=participant, by=None, access_needs="A quiet room")
    services.consent_record(participant=participant, topic="stories", given=True, by=None)
    services.private_notes_read(participant=participant, viewer=world.users["coordinator"])
    value_endorse(value=world.agreed_value, participant=participant)
    ladder_assess(
        project=world.project,
        by=participant.user,
        rung="consulting",
        reason="Jo thinks they still decide",
        participant=participant,
    )
    participant.refresh_from_db()
    return participant


def export_url(participant, fmt):
    return reverse("participants:export", kwargs={"pk": participant.pk, "fmt": fmt})


def test_a_member_downloads_everything_held_about_them(world, jo, client_for):
    response = client_for(world, "member").get(export_url(jo, "json"))

    assert response["Content-Disposition"] == 'attachment; filename="coprod-my-data.json"'
    data = json.loads(response.content)
    assert next(iter(data)) == "profile"
    assert data["profile"]["full_name"] == "Jo Bloggs"
    assert data["profile"]["access_needs"] == "A quiet room"
    assert data["projects"][0]["project"] == "Safe Nights"
    assert data["consent"][0]["topic"] == "Your words or story being used"
    assert data["who_looked_at_private_notes"][0]["who"] == str(world.users["coordinator"])
    assert data["contributions"]["values_endorsed"] == ["Safe Nights: Nothing about us without us"]
    assert data["contributions"]["views_on_the_ladder"][0]["why"] == "Jo thinks they still decide"


def test_the_csv_has_one_row_per_fact(world, jo, client_for):
    response = client_for(world, "coordinator").get(export_url(jo, "csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "item", "field", "value"]
    assert ["profile", "1", "phone", "+447911123456"] in rows


def test_a_download_by_staff_shows_on_who_has_looked_and_one_by_the_member_does_not(
    world, jo, client_for
):
    from participants.models import AccessLog

    before = AccessLog.objects.filter(participant=jo).count()
    client_for(world, "member").get(export_url(jo, "json"))
    assert AccessLog.objects.filter(participant=jo).count() == before

    client_for(world, "admin").get(export_url(jo, "csv"))

    entry = AccessLog.objects.filter(participant=jo).first()
    assert AccessLog.objects.filter(participant=jo).count() == before + 1
    assert entry.viewer == world.users["admin"]
    assert "meeting needs" in entry.what
    log = client_for(world, "member").get(reverse("participants:access_log", kwargs={"pk": jo.pk}))
    assert "read all your data as a download" in log.content.decode()


def test_nobody_else_can_download_someones_data(world, jo, client_for):
    for role in ("co_lead", "finance", "funder", "other_coordinator"):
        assert client_for(world, role).get(export_url(jo, "json")).status_code == 404, role
    assert client_for(world, "member").get(export_url(jo, "xml")).status_code == 404


def test_erasure_removes_personal_data_everywhere_and_keeps_anonymous_counts(world, jo):
    user_id = jo.user_id

    erased = participant_erase(participant=jo, by=world.users["coordinator"])

    erased.refresh_from_db()
    assert erased.preferred_name == "Former member"
    assert (erased.full_name, erased.email, erased.phone) == ("", "", "")
    assert erased.access_needs is None
    assert erased.pseudonym.startswith("P-")
    assert not User.objects.filter(pk=user_id).exists()
    assert not ConsentRecord.objects.filter(participant=erased).exists()
    assert not AccessLog.objects.filter(participant=erased).exists()
    assert (
        LadderAssessment.objects.get(participant=erased).reason
        == "(removed at the person's request)"
    )
    # Counts still add up: the endorsement and the place in the project remain, anonymous.
    assert Endorsement.objects.filter(participant=erased).count() == 1
    assert erased.memberships.get().status == "left"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_needs, email FROM participants_participant WHERE id = %s", [erased.pk]
        )
        assert cursor.fetchone() == (None, "")


def test_erasing_twice_changes_nothing_more(world, jo):
    first = participant_erase(participant=jo, by=None)
    again = participant_erase(participant=first, by=None)
    assert again.pseudonym == first.pseudonym


def test_a_login_that_is_also_staff_survives_erasure_of_the_member_profile(world, jo):
    from coprod.accounts.models import StaffRole
    from tests.factories import StaffMembershipFactory

    StaffMembershipFactory(user=jo.user, organisation=world.other_org, role=StaffRole.FINANCE)
    participant_erase(participant=jo, by=None)
    assert User.objects.filter(pk=world.users["member"].pk).exists()


def test_a_member_erases_themselves_after_confirming(world, jo, client_for):
    client = client_for(world, "member")
    url = reverse("participants:erase", kwargs={"pk": jo.pk})

    unconfirmed = client.post(url, {})
    assert 'href="#id_confirm"' in unconfirmed.content.decode()
    assert Participant.objects.get(pk=jo.pk).erased_at is None

    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 200
    assert "Your data is erased" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert Participant.objects.get(pk=jo.pk).erased_at is not None
