"""Who Coprod's messages will not reach, why, and what to do: for one person and for many."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from coprod.notifications.models import Notification
from coprod.notifications.reach import Problem, reach_for, reach_for_many, unreachable_in_project
from participants.services import consent_record, private_notes_update
from projects.meetings import services as meeting_services
from projects.meetings.notifications import MEETING_SCHEDULED, REMINDER
from projects.promises import services as promise_services
from tests.conftest import PDF_BYTES
from tests.factories import ProjectFactory, ProjectMembershipFactory
from tests.notifications.helpers import a_coordinator, meeting_at, reachable
from tests.notifications.test_reminders import in_days, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    project = ProjectFactory()
    a_coordinator(project)
    return project


def member(project, name, **choices):
    """A member who has not been asked about being contacted (as the factories make them)."""
    person = ProjectMembershipFactory(project=project, participant__preferred_name=name).participant
    for field, value in choices.items():
        setattr(person, field, value)
    person.save()
    return person


def refusal_planned(person, project) -> str:
    """What the outbox says today when it calls off a message to this person."""
    meeting = meeting_at(project, local(in_days(10), 14))
    row = Notification.objects.get(
        recipient_participant=person, kind=MEETING_SCHEDULED, about_id=meeting.pk
    )
    return row.last_error if row.status == Notification.Status.CANCELLED else ""


@pytest.mark.parametrize(
    ("setup", "problem", "todo"),
    [
        ("not_asked", Problem.NOT_ASKED, "Ask them if we may contact them."),
        ("said_no", Problem.SAID_NO, "They said no."),
        ("asked_not", Problem.ASKED_NOT, "Respect their choice."),
        ("no_mobile", Problem.NO_MOBILE, "Add a mobile number."),
        ("no_email", Problem.NO_EMAIL, "Add an email address."),
        ("landline", Problem.LANDLINE, "Phone them"),
        ("erased", Problem.ERASED, "Nothing to do"),
    ],
)
def test_it_says_why_someone_cannot_be_reached_and_what_to_do(project, setup, problem, todo):
    person = reachable(project, "Ann")
    if setup == "not_asked":
        person = member(project, "Ben", email="ben@example.org")
    elif setup == "said_no":
        consent_record(participant=person, topic="contact", given=False, by=None)
    elif setup == "asked_not":
        person.preferred_channel = "none"
    elif setup == "no_mobile":
        person.preferred_channel, person.phone = "sms", ""
    elif setup == "no_email":
        person.email = ""
    elif setup == "landline":
        person.preferred_channel, person.phone = "sms", "+441614960000"
    elif setup == "erased":
        person.erased_at = timezone.now()
    person.save()

    reach = reach_for(person)

    assert not reach.reachable
    assert reach.problem == problem
    assert reach.reason
    assert todo in reach.todo


def test_texts_are_said_to_be_off_when_no_text_service_is_set_up(project, settings):
    settings.COPROD_SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    person = reachable(project, "Tom", "sms")

    reach = reach_for(person)

    assert reach.problem == Problem.TEXTS_OFF
    assert reach.todo.startswith("Texts are switched off: phone them.")


def test_people_reached_their_chosen_way_or_by_a_coordinator_are_fine(project):
    for channel in ("email", "sms", "phone_call"):
        reach = reach_for(reachable(project, f"Person{channel}", channel))
        assert reach.reachable, channel
        assert reach.by_hand == (channel == "phone_call")


def test_reminders_switched_off_only_matter_for_reminders(project):
    person = reachable(project, "Ned", reminders="none")

    assert reach_for(person).reachable
    assert reach_for(person, kind=REMINDER).refusal == "They switched reminders off."


@pytest.mark.parametrize("setup", ["not_asked", "said_no", "asked_not", "erased", "no_email"])
def test_it_gives_the_outbox_reasons_word_for_word(project, setup):
    # The dispatcher will ask this function: its refusals must stay the outbox's own words.
    person = reachable(project, "Ann")
    if setup == "not_asked":
        person = member(project, "Ben", email="ben@example.org")
    elif setup == "said_no":
        consent_record(participant=person, topic="contact", given=False, by=None)
    elif setup == "asked_not":
        person.preferred_channel = "none"
    elif setup == "erased":
        person.erased_at = timezone.now()
    elif setup == "no_email":
        person.email = ""  # not called off: it becomes a task for a coordinator
    person.save()

    assert reach_for(person).refusal == refusal_planned(person, project)


def test_many_people_are_checked_in_the_same_few_queries_however_many(
    project, django_assert_num_queries
):
    for n in range(3):
        reachable(project, f"Fine{n}")
        member(project, f"Unasked{n}")
    people = list(project.memberships.values_list("participant", flat=True))

    from participants.models import Participant

    with django_assert_num_queries(2):
        few = reach_for_many(Participant.objects.filter(pk__in=people[:2]))
    for n in range(3, 20):
        member(project, f"More{n}")
    with django_assert_num_queries(2):
        many = reach_for_many(Participant.objects.filter(memberships__project=project))
    with django_assert_num_queries(2):
        listed = unreachable_in_project(project)

    assert len(few) == 2
    assert len(many) == 23
    assert sorted(person.preferred_name for person, _ in listed) == sorted(
        [*(f"Unasked{n}" for n in range(3)), *(f"More{n}" for n in range(3, 20))]
    )
    # The same answers as one at a time
    assert [reach for _, reach in many] == [reach_for(person) for person, _ in many]


# --- What the lead sees -------------------------------------------------------------


def logged_in(client, user):
    from django.conf import settings

    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[1])
    return client


def planner_data(project, **changes):
    from tests.participants.test_join_consent import planner_data as data

    return data(project, local(in_days(10), 14), **changes)


def test_scheduling_a_meeting_names_who_will_not_hear_and_why_at_once(project, client):
    reachable(project, "Ann")
    member(project, "Ben", email="ben@example.org")
    private_notes_update(
        participant=reachable(project, "Cat", "sms", phone=""),
        by=None,
        access_needs="A ramp at the side door",
    )
    coordinator = project.coordinators.get()

    response = logged_in(client, coordinator).post(
        reverse("projects:meeting_create", kwargs={"pk": project.pk}),
        planner_data(project),
        follow=True,
    )

    page = response.content.decode()
    assert "Meeting scheduled." in page
    assert "2 people will not hear about this meeting: Ben, Cat." in page
    assert "They have not agreed to be contacted." in page
    assert escape("Ask them if we may contact them.") in page
    assert "They chose text, but we do not have the details." in page
    assert "Add a mobile number." in page
    assert "ramp" not in page
    assert "Ann" not in page.split("People we cannot reach")[1]


def test_a_co_lead_hears_how_many_but_not_who(project, client):
    member(project, "Ben")
    co_lead = ProjectMembershipFactory(project=project, roles=["Co-lead"]).participant
    co_lead.email = "lead@example.org"
    co_lead.save()
    consent_record(participant=co_lead, topic="contact", given=True, by=None)

    response = logged_in(client, co_lead.user).post(
        reverse("projects:meeting_create", kwargs={"pk": project.pk}),
        planner_data(project),
        follow=True,
    )

    page = response.content.decode()
    assert "1 person will not hear about this meeting. A coordinator can see who" in page
    assert "Ben" not in page
    assert "People we cannot reach" not in page


def test_papers_and_updates_say_who_will_not_hear(project, client):
    reachable(project, "Ann")
    said_no = reachable(project, "Dan")
    consent_record(participant=said_no, topic="contact", given=False, by=None)
    meeting = meeting_at(project, local(in_days(10), 14))
    meeting_services.paper_add(
        meeting=meeting,
        by=None,
        upload=SimpleUploadedFile("rules.pdf", PDF_BYTES, "application/pdf"),
        title="Draft rules",
        plain_summary="The rules now.",
    )
    coordinator = project.coordinators.get()
    lead = logged_in(client, coordinator)

    papers = lead.post(
        reverse(
            "projects:meeting_papers_ready", kwargs={"pk": project.pk, "meeting_pk": meeting.pk}
        ),
        follow=True,
    ).content.decode()
    assert "1 person will not hear about the papers: Dan." in papers
    assert "They said no." in papers

    contribution = promise_services.contribution_record(
        project=project, by=coordinator, said="Open the doors at 8pm."
    )
    update = lead.post(
        reverse(
            "projects:promise_update", kwargs={"pk": project.pk, "promise_pk": contribution.pk}
        ),
        {"text": "The doors open at 8pm from next month."},
        follow=True,
    ).content.decode()
    assert "1 person will not hear about this update: Dan." in update
    assert "They have not agreed to be contacted." in update


def test_the_project_page_lists_people_we_cannot_reach_for_coordinators_only(project, client):
    reachable(project, "Ann")
    offline = member(project, "Lou", user=None, preferred_channel="phone_call")
    consent_record(participant=offline, topic="contact", given=True, by=None)
    ben = member(project, "Ben")
    url = reverse("projects:detail", kwargs={"pk": project.pk})

    page = logged_in(client, project.coordinators.get()).get(url).content.decode()

    section = page.split("People we cannot reach")[1]
    assert "Ben" in section
    assert "Ann" not in section
    assert "Lou" in section  # asked to be phoned, and we have no number
    assert "Add a phone number." in section
    # Lou never logs in: the coordinator can fix it there and then
    assert reverse("participants:contact_for", kwargs={"pk": offline.pk}) in section
    # Ben logs in: he answers himself; his page is linked
    assert reverse("participants:person", kwargs={"pk": ben.pk}) in section
    assert reverse("participants:consent_for", kwargs={"pk": ben.pk}) not in section

    client.logout()
    member_page = logged_in(client, ben.user).get(url).content.decode()
    assert "People we cannot reach" not in member_page


def test_the_meeting_page_keeps_the_list_for_whoever_plans_it(project, client):
    member(project, "Ben")
    meeting = meeting_at(project, local(in_days(10), 14))

    page = (
        logged_in(client, project.coordinators.get())
        .get(meeting.get_absolute_url())
        .content.decode()
    )

    section = page.split("People we cannot reach")[1]
    assert "Ben" in section
    assert "They have not agreed to be contacted." in section


def test_someone_not_yet_joined_is_asked_when_they_accept(project):
    from participants.invitations import invitation_create

    invitation, _ = invitation_create(
        organisation=project.organisation,
        by=project.coordinators.get(),
        preferred_name="Robin",
        email="robin@example.org",
        project=project,
    )

    [(robin, reach)] = unreachable_in_project(project)

    assert robin.pk == invitation.participant_id
    assert reach.problem == Problem.NOT_ASKED
    assert reach.todo.startswith("They are asked when they accept their invitation.")
    assert reach.act_url == ""
