"""A page opened before someone else's change never overwrites it.

Two people have the same page open; one saves, then the other saves what
their (now out of date) page holds. The second save is refused, the first
person's change stays, and the second person sees the page as it is now with
what they typed below it.
"""

from html import unescape

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from coprod.versions import stale_message
from projects import services
from projects.models import Phase
from tests.test_hostile_input import FormReader, baseline

pytestmark = pytest.mark.django_db


def browser(world, role) -> Client:
    """A browser of its own for one person, so two people can have a page open at once."""
    client = Client()
    client.force_login(world.users[role], backend=settings.AUTHENTICATION_BACKENDS[1])
    return client


def open_form(client, url, index=-1, action="") -> dict:
    """Open a page and read a POST form on it (the last, or the one sent to `action`)."""
    response = client.get(url)
    assert response.status_code == 200
    reader = FormReader()
    reader.feed(response.content.decode())
    form = reader.forms[index]
    if action:
        form = next(form for form in reader.forms if form["action"].endswith(action))
    data = baseline(form["fields"])
    data.pop("check", None)  # the "Check my words" button saves nothing: press Save
    return data


def text_of(response) -> str:
    return unescape(response.content.decode())


def phases_url(world):
    return reverse("projects:phases", kwargs={"pk": world.project.pk})


def phase_row(data, name) -> str:
    """The form prefix of the row showing the phase called `name`."""
    for key, values in data.items():
        if key.endswith("-name") and values == [name]:
            return key.removesuffix("-name")
    raise AssertionError(f"no row for {name}")


def add_phase(data, name):
    """Type `name` into the first empty row."""
    for key, values in data.items():
        if key.endswith("-name") and values == [""]:
            data[key] = [name]
            return
    raise AssertionError("no empty row")


@pytest.fixture
def phased(world):
    services.phases_start_from_template(project=world.project, by=None, template="ptc")
    world.project.refresh_from_db()
    return world


def test_a_phase_added_while_a_coordinator_has_the_page_open_keeps_its_name(phased, world):
    # Given: the coordinator opens the phases page, then a co-lead adds a phase.
    coordinator, co_lead = browser(world, "coordinator"), browser(world, "co_lead")
    stale = open_form(coordinator, phases_url(world))
    theirs = open_form(co_lead, phases_url(world))
    add_phase(theirs, "Celebrate")
    assert co_lead.post(phases_url(world), theirs).status_code == 302

    # When: the coordinator saves the page they had open, with a phase renamed.
    stale[f"{phase_row(stale, 'Engagement')}-name"] = ["Meeting each other"]
    response = coordinator.post(phases_url(world), stale)

    # Then: nothing of the co-lead's is lost, and the coordinator is told plainly.
    assert response.status_code == 200
    names = list(world.project.phases.values_list("name", flat=True))
    assert names == ["Engagement", "Exploration", "Experimentation", "Embedding", "Celebrate"]
    html = text_of(response)
    assert stale_message("the phases") in html
    assert "What you typed" in html
    assert "Meeting each other" in html
    # The page is drawn as saved now, so saving it again works.
    again = open_form(coordinator, phases_url(world))
    again[f"{phase_row(again, 'Engagement')}-name"] = ["Meeting each other"]
    assert coordinator.post(phases_url(world), again).status_code == 302
    assert world.project.phases.filter(name="Celebrate").exists()
    assert world.project.phases.filter(name="Meeting each other").exists()


def test_a_phase_the_page_did_not_send_is_never_renamed(phased, world):
    first, *others = list(world.project.phases.all())
    rows = [
        {"phase": p, "name": p.name, "description": p.description, "position": p.position}
        for p in others
    ]

    services.phases_save(
        project=world.project, by=None, rows=rows, current_phase=world.project.current_phase
    )

    first.refresh_from_db()
    assert first.name == "Engagement"
    assert not Phase.objects.filter(name__startswith="__parked").exists()


def test_a_post_that_sends_one_phase_twice_is_refused_plainly(phased, world, client_for):
    client = client_for(world, "coordinator")
    data = open_form(client, phases_url(world))
    prefix = phase_row(data, "Exploration")
    spare = next(key for key, v in data.items() if key.endswith("-name") and v == [""])
    spare = spare.removesuffix("-name")
    # The spare row claims to be Exploration too: one copy removed, one kept.
    data[f"{spare}-phase"] = data[f"{prefix}-phase"]
    data[f"{spare}-name"] = ["Exploration"]
    data[f"{prefix}-remove"] = ["on"]
    data[f"{prefix}-name"] = ["Looking around"]
    client.raise_request_exception = False

    response = client.post(phases_url(world), data)

    assert response.status_code == 200
    assert "The same phase was sent twice" in text_of(response)
    assert list(world.project.phases.values_list("name", flat=True)) == [
        "Engagement",
        "Exploration",
        "Experimentation",
        "Embedding",
    ]


def test_a_stale_basics_page_is_refused_and_the_other_change_stays(world):
    url = reverse("projects:update", kwargs={"pk": world.project.pk})
    coordinator, co_lead = browser(world, "coordinator"), browser(world, "co_lead")
    stale = open_form(coordinator, url)
    theirs = open_form(co_lead, url)
    theirs["title"] = ["Night shelter door, together"]
    assert co_lead.post(url, theirs).status_code == 302

    stale["summary"] = ["A new summary the coordinator typed."]
    response = coordinator.post(url, stale)

    assert response.status_code == 200
    world.project.refresh_from_db()
    assert world.project.title == "Night shelter door, together"
    assert world.project.summary != "A new summary the coordinator typed."
    html = text_of(response)
    assert stale_message("the basics of this project") in html
    assert "A new summary the coordinator typed." in html  # under "What you typed"
    assert 'value="Night shelter door, together"' in html  # the form, as saved now


def test_a_change_to_another_step_does_not_make_the_basics_page_stale(world):
    url = reverse("projects:update", kwargs={"pk": world.project.pk})
    coordinator = browser(world, "coordinator")
    page = open_form(coordinator, url)
    services.project_update_purpose(
        project=world.project, by=None, purpose="Why.", can_change="What.", fixed="Money."
    )

    page["summary"] = ["Still saved."]
    assert coordinator.post(url, page).status_code == 302
    world.project.refresh_from_db()
    assert world.project.summary == "Still saved."


def test_a_stale_agenda_is_refused_and_the_other_agenda_stays(world):
    url = reverse(
        "projects:meeting_agenda", kwargs={"pk": world.project.pk, "meeting_pk": world.meeting.pk}
    )
    coordinator, co_lead = browser(world, "coordinator"), browser(world, "co_lead")
    stale = open_form(coordinator, url)
    theirs = open_form(co_lead, url)
    theirs["agenda-0-title"] = ["The budget"]
    assert co_lead.post(url, theirs).status_code == 302
    saved = list(world.meeting.agenda.values_list("title", flat=True))
    assert saved[0] == "The budget"

    stale["agenda-0-title"] = ["Welcome and tea"]
    response = coordinator.post(url, stale)

    assert response.status_code == 200
    assert list(world.meeting.agenda.values_list("title", flat=True)) == saved
    html = text_of(response)
    assert stale_message("the agenda") in html
    assert "Welcome and tea" in html


def _promise_respond(world):
    return reverse(
        "projects:promise_respond",
        kwargs={"pk": world.project.pk, "promise_pk": world.contribution.pk},
    )


# (page, who has it open first, who saves in between, what the first types, what the other
# types): each pair edits one thing two people can change at once.
SHARED_EDITS = [
    (
        lambda world: reverse(
            "projects:meeting_update",
            kwargs={"pk": world.project.pk, "meeting_pk": world.meeting.pk},
        ),
        "coordinator",
        "co_lead",
        ("purpose", "To agree the house rules, again."),
        ("title", "House rules, second go"),
    ),
    (
        lambda world: reverse("projects:venue_update", kwargs={"venue_pk": world.venue.pk}),
        "coordinator",
        "admin",
        ("notes", "Ring the bell twice."),
        ("name", "The Old Library"),
    ),
    (
        _promise_respond,
        "coordinator",
        "admin",
        ("reason", "We looked again and it can be done."),
        ("reason", "The council said no to the money."),
    ),
    (
        lambda world: reverse("participants:membership_edit", kwargs={"pk": world.membership.pk}),
        "coordinator",
        "admin",
        ("status", "on_break"),
        ("status", "left"),
    ),
    (
        lambda world: reverse(
            "participants:edit_contact", kwargs={"pk": world.membership.participant.pk}
        ),
        "member",
        "member",
        ("email", "jo@example.org"),
        ("email", "jo.new@example.org"),
    ),
    (
        lambda world: reverse("projects:edit_ways", kwargs={"pk": world.project.pk}),
        "coordinator",
        "co_lead",
        ("problems", "Ring the office and ask for Sam."),
        ("problems", "Tell Sam, or write to the director."),
    ),
    (
        lambda world: reverse(
            "projects:value_revise",
            kwargs={"pk": world.project.pk, "value_pk": world.agreed_value.pk},
        ),
        "coordinator",
        "co_lead",
        ("meaning", "We ask before we decide anything about people."),
        ("meaning", "Members are in the room whenever members are discussed."),
    ),
]


@pytest.mark.parametrize(("url", "first", "second", "mine", "theirs"), SHARED_EDITS)
def test_a_stale_edit_of_something_shared_is_refused(world, url, first, second, mine, theirs):
    answering = url is _promise_respond
    url = url(world)
    # The answer page also holds the form for posting an update: read the answer's.
    action = url if answering else ""
    # Given: the first person opens the page; the second saves a change from the same page.
    one, other = browser(world, first), browser(world, second)
    stale = open_form(one, url, action=action)
    later = open_form(other, url, action=action)
    later[theirs[0]] = [theirs[1]]
    for page in (stale, later):
        if answering and not page.get("response"):
            page["response"], page["promised_update_on"] = ["accepted"], ["2099-01-01"]
    answer = other.post(url, later)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    after_theirs = open_form(other, url, action=action)

    # When: the first person saves the page they had open.
    stale[mine[0]] = [mine[1]]
    response = one.post(url, stale)

    # Then: refused and told; what is saved is the second person's; the typed words shown.
    assert response.status_code == 200
    html = text_of(response)
    assert "while you had this page open" in html
    assert "What you typed" in html
    assert (
        open_form(other, url, action=action).items()
        >= {
            key: value for key, value in after_theirs.items() if key != "csrfmiddlewaretoken"
        }.items()
    )
