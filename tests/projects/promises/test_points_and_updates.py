"""Members put their own points on record; everyone who was part of one hears what came of it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coprod.notifications.models import Notification
from participants.models import Participant, ProjectMembership
from projects.models import Contribution, Project
from projects.promises import services
from projects.promises.notifications import POINT_RAISED, UPDATE_POSTED
from tests.notifications.helpers import reachable

pytestmark = pytest.mark.django_db


def _point(world, text="The bus stops running before our meetings end."):
    return services.point_raise(
        project=world.project, participant=world.membership.participant, said=text
    )


def _update(contribution, by, text="We moved the meetings an hour earlier."):
    return services.update_post(contribution=contribution, by=by, text=text)


def _rows(kind, **filters):
    return Notification.objects.filter(kind=kind, **filters)


def _leave(person, project, on):
    ProjectMembership.objects.filter(participant=person, project=project).update(
        status=ProjectMembership.Status.LEFT, status_changed_on=on
    )


def test_a_member_puts_a_point_on_record_from_the_phone_page(world, client_for):
    client = client_for(world, "member")
    url = reverse("projects:point_raise", kwargs={"pk": world.project.pk})

    response = client.post(url, {"said": "  Can we have the papers a week before?  "})

    contribution = Contribution.objects.get(raised_by=world.membership.participant)
    assert response.status_code == 302
    assert response["Location"] == contribution.get_absolute_url()
    assert contribution.said == "Can we have the papers a week before?"
    assert contribution.response == Contribution.Response.WAITING
    # The project's named coordinator hears there is a new point to answer.
    told = _rows(POINT_RAISED)
    assert [row.recipient_user for row in told] == [world.users["coordinator"]]


@pytest.mark.parametrize(
    ("credit", "shown"),
    [
        (Participant.Credit.ANONYMOUS, "A member"),
        (Participant.Credit.FIRST_NAME, "Jo"),
    ],
)
def test_the_group_sees_who_raised_a_point_only_as_they_chose(world, client_for, credit, shown):
    person = world.membership.participant
    person.full_name, person.credit_as = "Jo Quartermain", credit
    person.save()
    contribution = _point(world)

    for role in ("other_member", "co_lead"):
        html = client_for(world, role).get(contribution.get_absolute_url()).content.decode()
        listing = (
            client_for(world, role)
            .get(reverse("projects:promises", kwargs={"pk": world.project.pk}))
            .content.decode()
        )
        assert f"Put on record by {shown}" in html
        assert f"Put on record by {shown}" in listing
        assert "Quartermain" not in html + listing
    assert contribution.events.get().by_name == shown


def test_someone_who_left_or_a_finished_project_cannot_put_a_point_on_record(world, client_for):
    person = world.membership.participant
    url = reverse("projects:point_raise", kwargs={"pk": world.project.pk})

    Project.objects.filter(pk=world.project.pk).update(status=Project.Status.FINISHED)
    with pytest.raises(ValidationError, match="finished"):
        _point(world)
    page = client_for(world, "member").get(url)
    posted = client_for(world, "member").post(url, {"said": "One more thing"})
    # A closed project is read-only, and its pages say so in plain words.
    assert page.status_code == 403
    assert "has finished" in page.content.decode()
    assert posted.status_code == 403
    assert "has finished" in posted.content.decode()

    Project.objects.filter(pk=world.project.pk).update(status=Project.Status.ACTIVE)
    _leave(person, world.project, timezone.localdate())
    with pytest.raises(ValidationError, match="taking part"):
        _point(world)
    assert client_for(world, "member").get(url).status_code == 403
    assert not Contribution.objects.filter(raised_by=person).exists()


def test_an_empty_point_gets_a_message_next_to_the_field(world, client_for):
    url = reverse("projects:point_raise", kwargs={"pk": world.project.pk})
    before = Contribution.objects.count()

    response = client_for(world, "member").post(url, {"said": "   "})

    assert response.status_code == 200
    assert response.context["form"].errors["said"]
    assert Contribution.objects.count() == before


def test_an_update_reaches_everyone_who_was_part_of_it_even_after_they_left(world):
    project = world.project
    today = timezone.localdate()
    raiser = reachable(project, "Rae")
    stays = reachable(project, "Sol")
    resting = reachable(project, "Bea")
    left_after = reachable(project, "Lee")
    left_before = reachable(project, "Max")
    _leave(left_before, project, today - datetime.timedelta(days=30))
    contribution = services.point_raise(project=project, participant=raiser, said="Warmer room")
    # Since the point was raised: Rae and Lee left, Bea took a break.
    _leave(raiser, project, today)
    _leave(left_after, project, today)
    ProjectMembership.objects.filter(participant=resting).update(
        status=ProjectMembership.Status.ON_BREAK
    )

    event = _update(contribution, world.users["coordinator"])

    told = {row.recipient_participant for row in _rows(UPDATE_POSTED, about_id=event.pk)}
    assert {raiser, stays, resting, left_after} <= told
    assert left_before not in told
    for person in (raiser, stays, resting, left_after):
        row = _rows(UPDATE_POSTED, recipient_participant=person).get()
        assert row.status == Notification.Status.PENDING
        assert row.address == person.email


def test_someone_on_a_break_until_a_date_hears_on_that_morning_not_before(world):
    project = world.project
    back_on = timezone.localdate() + datetime.timedelta(days=10)
    resting = reachable(project, "Bea")
    contribution = _point(world)
    ProjectMembership.objects.filter(participant=resting).update(
        status=ProjectMembership.Status.ON_BREAK, check_in_on=back_on
    )

    _update(contribution, world.users["coordinator"])

    row = _rows(UPDATE_POSTED, recipient_participant=resting).get()
    assert timezone.localtime(row.due_at).date() == back_on
    assert timezone.localtime(row.due_at).hour == 9


def test_someone_who_wants_no_messages_is_not_sent_one_and_the_page_says_so(world, client_for):
    project = world.project
    quiet = reachable(project, "Kit", preferred_channel=Participant.Channel.NONE)
    heard = reachable(project, "Sol")
    contribution = _point(world)

    _update(contribution, world.users["coordinator"])

    row = _rows(UPDATE_POSTED, recipient_participant=quiet).get()
    assert row.status == Notification.Status.CANCELLED
    coordinator_page = (
        client_for(world, "coordinator").get(contribution.get_absolute_url()).content.decode()
    )
    member_page = client_for(world, "member").get(contribution.get_absolute_url()).content.decode()
    assert "Not told (they asked not to be contacted): Kit" in coordinator_page
    assert "Being told now: " in coordinator_page
    assert "Sol" in coordinator_page
    # Members see how many, never who.
    assert "Not told (they asked not to be contacted): 1 person" in member_page
    assert "Kit" not in member_page
    assert heard.preferred_name not in member_page


def test_a_member_who_left_still_reads_the_update_that_concerns_them(world, client_for):
    contribution = _point(world)
    _leave(world.membership.participant, world.project, timezone.localdate())
    event = _update(contribution, world.users["coordinator"], text="The room is booked.")

    page = client_for(world, "member").get(contribution.get_absolute_url())

    assert page.status_code == 200
    assert "The room is booked." in page.content.decode()
    jo = world.membership.participant
    assert _rows(UPDATE_POSTED, about_id=event.pk, recipient_participant=jo).exists()


def test_who_was_told_is_one_query_however_many_updates(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    contribution = _point(world)
    for name in ("Ann", "Bo", "Cy"):
        reachable(world.project, name)
    client = client_for(world, "coordinator")
    _update(contribution, world.users["coordinator"])
    client.get(contribution.get_absolute_url())
    with CaptureQueriesContext(connection) as one:
        client.get(contribution.get_absolute_url())
    for text in ("Second", "Third", "Fourth"):
        _update(contribution, world.users["coordinator"], text=text)
    with CaptureQueriesContext(connection) as four:
        client.get(contribution.get_absolute_url())

    assert len(four) == len(one)
