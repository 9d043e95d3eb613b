import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
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
    assert data["who_has_looked"][0]["who"] == str(world.users["coordinator"])
    assert data["who_has_looked"][0]["what"] == "looked at your private notes"
    assert data["contributions"]["values_endorsed"] == ["Safe Nights: Nothing about us without us"]
    assert data["contributions"]["views_on_the_ladder"][0]["why"] == "Jo thinks they still decide"


def test_the_csv_has_one_row_per_fact(world, jo, client_for):
    response = client_for(world, "member").get(export_url(jo, "csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Section", "Item", "Detail", "Value"]
    # Written as people write it; the leading "+" is guarded like a formula.
    assert ["Profile", "", "Phone", "'+44 7911 123456"] in rows
    assert ["Profile", "", "Preferred channel", "Text message"] in rows


def test_nobody_else_can_download_someones_data(world, jo, client_for):
    for role in ("co_lead", "finance", "funder", "other_coordinator", "admin", "no_role"):
        assert client_for(world, role).get(export_url(jo, "json")).status_code == 404, role
    assert client_for(world, "member").get(export_url(jo, "xml")).status_code == 404


def test_erasure_removes_personal_data_everywhere_and_keeps_anonymous_counts(world, jo):
    user_id = jo.user_id

    erased = participant_erase(
        participant=jo, by=world.users["coordinator"], on_request="Jo asked at the meeting"
    )

    erased.refresh_from_db()
    assert erased.preferred_name == "Former member"
    assert (erased.full_name, erased.email, erased.phone) == ("", "", "")
    assert erased.access_needs is None
    assert erased.pseudonym.startswith("P-")
    assert not User.objects.filter(pk=user_id).exists()
    assert not ConsentRecord.objects.filter(participant=erased).exists()
    # The log of who looked goes; the record of the erasure itself stays.
    assert list(AccessLog.objects.filter(participant=erased).values_list("kind", flat=True)) == [
        AccessLog.Kind.ERASURE
    ]
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


# --- Who may download or erase someone's data, and the trace it leaves --------


@pytest.fixture
def unnamed_coordinator(world):
    """A coordinator of Jo's organisation who is not named on any of Jo's projects."""
    from coprod.accounts.models import StaffRole
    from tests.factories import StaffMembershipFactory

    user = StaffMembershipFactory(organisation=world.org, role=StaffRole.COORDINATOR).user
    world.users["unnamed_coordinator"] = user
    return user


def on_request_url(participant):
    return reverse("participants:export_on_request", kwargs={"pk": participant.pk})


def erase_url(participant):
    return reverse("participants:erase", kwargs={"pk": participant.pk})


def who_has_looked(world, client_for, participant):
    url = reverse("participants:access_log", kwargs={"pk": participant.pk})
    return client_for(world, "member").get(url).content.decode()


def test_a_coordinator_not_named_on_their_projects_cannot_download_or_erase(
    world, jo, client_for, unnamed_coordinator
):
    client = client_for(world, "unnamed_coordinator")

    for fmt in ("csv", "json"):
        assert client.get(export_url(jo, fmt)).status_code == 404
    assert client.get(on_request_url(jo)).status_code == 404
    assert client.post(on_request_url(jo), {"fmt": "csv", "on_request": "x"}).status_code == 404
    assert client.get(erase_url(jo)).status_code == 404
    assert client.post(erase_url(jo), {"confirm": "on", "on_request": "x"}).status_code == 404
    assert Participant.objects.get(pk=jo.pk).erased_at is None
    assert not AccessLog.objects.exclude(kind=AccessLog.Kind.PRIVATE_NOTES).exists()
    # Their person page offers no way in either.
    page = client.get(reverse("participants:person", kwargs={"pk": jo.pk})).content.decode()
    assert export_url(jo, "csv") not in page
    assert erase_url(jo) not in page
    assert "Only the coordinators of Jo's projects" in page


def test_a_named_coordinators_download_is_logged_and_shown_to_the_member(world, jo, client_for):
    coordinator = world.users["coordinator"]
    page = (
        client_for(world, "coordinator")
        .get(reverse("participants:person", kwargs={"pk": jo.pk}))
        .content.decode()
    )
    assert export_url(jo, "csv") in page

    response = client_for(world, "coordinator").get(export_url(jo, "csv"))

    assert response.status_code == 200
    logged = AccessLog.objects.get(participant=jo, kind=AccessLog.Kind.EXPORT_CSV)
    assert logged.viewer == coordinator
    log = who_has_looked(world, client_for, jo)
    assert (
        f"<strong>{coordinator}</strong> downloaded all your data (as a spreadsheet, CSV) on"
        in (log)
    )
    assert "Nobody has looked yet" not in log


def test_a_members_own_download_is_not_logged(world, jo, client_for):
    client_for(world, "member").get(export_url(jo, "json"))
    assert not AccessLog.objects.exclude(kind=AccessLog.Kind.PRIVATE_NOTES).exists()


def test_an_admin_downloads_only_for_a_request_they_write_down(world, jo, client_for):
    admin = world.users["admin"]
    client = client_for(world, "admin")
    page = client.get(reverse("participants:person", kwargs={"pk": jo.pk})).content.decode()
    assert on_request_url(jo) in page
    assert export_url(jo, "csv") not in page

    # Not by the direct link, and not without saying what Jo asked for.
    assert client.get(export_url(jo, "csv")).status_code == 404
    refused = client.post(on_request_url(jo), {"fmt": "csv", "on_request": "  "})
    assert refused.status_code == 200
    assert "Content-Disposition" not in refused
    assert "Write down what Jo asked for, and when." in refused.content.decode()
    assert not AccessLog.objects.filter(viewer=admin).exists()

    request = "Jo phoned on 3 March and asked for a copy of everything."
    response = client.post(on_request_url(jo), {"fmt": "json", "on_request": request})

    assert response["Content-Disposition"] == (
        f'attachment; filename="coprod-data-person-{jo.pk}.json"'
    )
    assert json.loads(response.content)["profile"]["full_name"] == "Jo Bloggs"
    logged = AccessLog.objects.get(viewer=admin)
    assert (logged.kind, logged.on_request) == (AccessLog.Kind.EXPORT_JSON, request)
    log = who_has_looked(world, client_for, jo)
    assert f"<strong>{admin}</strong> downloaded all your data (as JSON, for computers)" in log
    assert f"They wrote down that you asked: “{request}”" in log


def test_staff_erase_only_for_a_request_they_write_down(world, jo, client_for):
    admin = world.users["admin"]
    client = client_for(world, "admin")

    refused = client.post(erase_url(jo), {"confirm": "on"})
    assert refused.status_code == 200
    assert "Write down what Jo asked for, and when." in refused.content.decode()
    assert Participant.objects.get(pk=jo.pk).erased_at is None
    with pytest.raises(ValidationError):
        participant_erase(participant=jo, by=world.users["coordinator"])

    response = client.post(erase_url(jo), {"confirm": "on", "on_request": "Jo wrote on 1 May."})

    assert response.status_code == 302
    assert Participant.objects.get(pk=jo.pk).erased_at is not None
    # The only row left about Jo says who erased, and on what request.
    (logged,) = AccessLog.objects.filter(participant=jo)
    assert (logged.kind, logged.viewer, logged.on_request) == (
        AccessLog.Kind.ERASURE,
        admin,
        "Jo wrote on 1 May.",
    )


@pytest.mark.parametrize("role", ["finance", "funder", "other_coordinator", "co_lead"])
def test_others_cannot_reach_erasure_or_the_request_form(world, jo, client_for, role):
    client = client_for(world, role)
    assert client.get(erase_url(jo)).status_code == 404
    assert client.post(erase_url(jo), {"confirm": "on", "on_request": "x"}).status_code == 404
    assert client.get(on_request_url(jo)).status_code == 404
    assert Participant.objects.get(pk=jo.pk).erased_at is None


# --- The export is readable, and safe to open in a spreadsheet ----------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPRS = ("True", "False", "None", "datetime.", "Decimal(", "[", "{", "<")


@pytest.fixture
def risky_jo(world, jo):
    """Jo with formulas for a name and a note, benefits, a limit and a meeting answer."""
    from payments.services import benefits_save
    from projects.meetings.services import rsvp_record

    world.org.timezone = "Asia/Tokyo"
    world.org.save(update_fields=["timezone"])
    services.profile_update_contact(
        participant=jo,
        by=None,
        preferred_name='=HYPERLINK("http://evil.example","Click")',
        full_name="Jo Bloggs",
        email="jo@example.org",
        phone="07911 123456",
        preferred_channel="sms",
    )
    services.private_notes_update(participant=jo, by=None, access_needs="@SUM(1+1)")
    benefits_save(participant=jo, by=None, benefits=["uc", "pip"], limit_pence=1250, period="month")
    rsvp_record(meeting=world.meeting, participant=jo, by=None, answer="yes", needs="-a ramp")
    jo.refresh_from_db()
    return jo


def export_rows(world, client_for, participant):
    response = client_for(world, "member").get(export_url(participant, "csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    return rows[0], rows[1:]


def test_no_cell_in_the_csv_is_a_formula(world, risky_jo, client_for):
    _, rows = export_rows(world, client_for, risky_jo)

    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), row
    assert [
        "Profile",
        "",
        "Preferred name",
        "'" + '=HYPERLINK("http://evil.example","Click")',
    ] in rows
    assert ["Profile", "", "Access needs", "'@SUM(1+1)"] in rows


def test_the_csv_reads_as_plain_words_money_and_local_times(world, risky_jo, client_for):
    import re
    import zoneinfo

    _, rows = export_rows(world, client_for, risky_jo)
    values = {(section, item, detail): value for section, item, detail, value in rows}

    for row in rows:
        assert not row[3].startswith(REPRS), row
        assert "', '" not in row[3], row
    assert set(values[("Money", "", "Benefits")].split("; ")) == {
        "Universal Credit",
        "Personal Independence Payment (PIP)",
    }
    assert values[("Money", "", "Limit")] == "£12.50"
    assert values[("Money", "", "Limit period")] == "A calendar month"
    amounts = {value for (section, _, detail), value in values.items() if detail == "Amount"}
    assert {"£4.50", "£26.90"} <= amounts
    assert values[("Consent", "1", "Recorded on your behalf")] == "No"
    # Meeting times are in the organisation's zone (Tokyo here), in words.
    meeting_row = next(
        item
        for (section, item, detail), value in values.items()
        if section == "Meetings" and value == "Safe Nights: Planning the winter shelter"
    )
    starts = values[("Meetings", meeting_row, "Starts")]
    tokyo = world.meeting.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert re.fullmatch(r"[A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d", starts), starts
    assert starts.endswith(tokyo.strftime(", %H:%M"))
    assert f" {tokyo.day} " in starts
    assert values[("Meetings", meeting_row, "What you needed")] == "'-a ramp"


def test_the_json_has_no_python_reprs_and_times_in_the_organisations_zone(
    world, risky_jo, client_for
):
    import datetime

    response = client_for(world, "member").get(export_url(risky_jo, "json"))
    data = json.loads(response.content)

    def strings(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, str):
            yield value

    for text in strings(data):
        assert not text.startswith(("datetime.", "Decimal(", "[", "{")), text
        assert text not in ("True", "False", "None"), text
    answer = next(
        row
        for row in data["meetings"]["answers"]
        if row["meeting"] == "Safe Nights: Planning the winter shelter"
    )
    starts = datetime.datetime.fromisoformat(answer["starts"])
    assert starts == world.meeting.starts_at
    assert starts.utcoffset() == datetime.timedelta(hours=9)
    assert data["money"]["limit"] == "£12.50"
    assert data["consent"][0]["recorded_on_your_behalf"] is False


def test_who_has_looked_shows_times_in_the_organisations_zone(world, jo, client_for):
    import zoneinfo

    world.org.timezone = "Asia/Tokyo"
    world.org.save(update_fields=["timezone"])
    client_for(world, "coordinator").get(export_url(jo, "csv"))
    logged = AccessLog.objects.get(participant=jo, kind=AccessLog.Kind.EXPORT_CSV)

    tokyo = logged.created_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert f"at {tokyo:%H:%M}." in who_has_looked(world, client_for, jo)


@pytest.mark.parametrize(
    ("role", "export", "on_request", "erase"),
    [
        ("member", True, False, True),
        ("coordinator", True, False, True),  # named on Jo's project
        ("unnamed_coordinator", False, False, False),
        ("admin", False, True, True),  # erasure only with the request written down
        ("finance", False, False, False),
        ("other_coordinator", False, False, False),
        ("funder", False, False, False),
        ("co_lead", False, False, False),
        ("no_role", False, False, False),
    ],
)
def test_data_rights_rules(world, jo, unnamed_coordinator, role, export, on_request, erase):
    user = User.objects.get(pk=world.users[role].pk)
    assert user.has_perm("participants.export_data", jo) is export
    assert user.has_perm("participants.export_data_on_request", jo) is on_request
    assert user.has_perm("participants.erase_data", jo) is erase


def test_a_coordinator_who_is_no_longer_named_loses_the_download(world, jo):
    world.membership.status = "left"
    world.membership.save()
    coordinator = User.objects.get(pk=world.users["coordinator"].pk)
    assert not coordinator.has_perm("participants.export_data", jo)
    assert not coordinator.has_perm("participants.erase_data", jo)
