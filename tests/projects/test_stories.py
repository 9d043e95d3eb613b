"""Stories: the teller decides where each one goes, and taking it back removes it everywhere."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from participants.data_rights import data_export, participant_erase
from participants.models import Participant, ProjectRole
from participants.services import consent_record
from projects.models import Story, StoryNaming, StoryReach, StoryUse
from projects.stories import services
from projects.stories.selectors import released_voices
from tests.conftest import MP3_BYTES

pytestmark = pytest.mark.django_db

QUOTE = "Now I help run it."
WHOLE_STORY = "I slept out for a month"


def _release(world, reach=StoryReach.FUNDER, naming=StoryNaming.CREDITED):
    jo = world.users["member"]
    services.story_choose(story=world.story, by=jo, reach=reach, naming=naming)
    services.quote_approve(quote=world.story_quote, by=jo)


def _report(world, role="funder"):
    from django.test import Client

    client = Client()
    client.force_login(world.users[role])
    return client.get(reverse("reports:project", kwargs={"pk": world.project.pk}))


def _voices_csv(world, role="funder"):
    from django.test import Client

    client = Client()
    client.force_login(world.users[role])
    response = client.get(
        reverse("reports:project_csv", kwargs={"pk": world.project.pk, "table": "voices"})
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_a_story_reaches_funders_only_when_its_teller_releases_it_and_its_quote(world):
    jo = world.story.teller
    jo.credit_as = Participant.Credit.FIRST_NAME
    jo.save()
    # Kept with the group: the funder sees no story at all.
    page = _report(world).content.decode()
    assert QUOTE not in page
    assert world.story.title not in page
    assert "No stories shared with funders yet." in page

    # Released, but its quote is still waiting for Jo's yes: the story shows, not the quote.
    services.story_choose(
        story=world.story,
        by=world.users["member"],
        reach=StoryReach.FUNDER,
        naming=StoryNaming.CREDITED,
    )
    page = _report(world).content.decode()
    assert world.story.title in page
    assert QUOTE not in page

    services.quote_approve(quote=world.story_quote, by=world.users["member"])
    page = _report(world).content.decode()
    assert QUOTE in page
    assert f"Told by {jo.credited_name()}." in page
    # Never the whole story, beyond the group.
    assert WHOLE_STORY not in page


def test_taking_a_story_back_removes_it_from_the_report_and_its_csv_at_once(world):
    _release(world)
    assert QUOTE in _report(world).content.decode()
    rows = _voices_csv(world)
    assert rows[0] == ["Story", "Told by", "Themes", "Quote"]
    assert [row[3] for row in rows[1:]] == [QUOTE]

    services.story_withdraw(story=world.story, by=world.users["member"])

    page = _report(world).content.decode()
    assert QUOTE not in page
    assert world.story.title not in page
    assert _voices_csv(world) == [["Story", "Told by", "Themes", "Quote"]]
    # The group no longer sees it either; Jo still does, and sees where it went.
    assert world.story not in list(
        Story.objects.filter(project=world.project, withdrawn_at__isnull=True)
    )


def test_the_teller_sees_every_place_their_story_was_shown_and_files_made_before(world, client_for):
    _release(world)
    _report(world)
    _report(world)
    _voices_csv(world)
    uses = StoryUse.objects.filter(story=world.story).order_by("place")
    assert [(u.place, u.times) for u in uses] == [("report", 2), ("report_csv", 1)]

    services.story_withdraw(story=world.story, by=world.users["member"])
    page = client_for(world, "member").get(world.story.get_absolute_url()).content.decode()
    assert "downloaded in a spreadsheet (CSV) of the funders&#x27; report" in page
    assert str(world.users["funder"]) in page
    assert "Files downloaded before you took it back" in page


def test_nobody_but_the_teller_can_widen_where_a_story_goes(world, client_for):
    for role in ("coordinator", "co_lead", "other_member"):
        with pytest.raises(ValidationError):
            services.story_choose(
                story=world.story,
                by=world.users[role],
                reach=StoryReach.PUBLIC,
                naming=StoryNaming.NAME,
            )
        with pytest.raises(ValidationError):
            services.quote_approve(quote=world.story_quote, by=world.users[role])
        url = reverse(
            "projects:story_choices", kwargs={"pk": world.project.pk, "story_pk": world.story.pk}
        )
        response = client_for(world, role).post(url, {"reach": "public", "naming": "name"})
        assert response.status_code == 404, role
    world.story.refresh_from_db()
    assert world.story.reach == StoryReach.GROUP


def test_a_taken_back_story_is_its_tellers_alone(world, client_for):
    services.story_withdraw(story=world.story, by=world.users["coordinator"])
    url = world.story.get_absolute_url()
    for role in ("other_member", "co_lead", "coordinator"):
        assert client_for(world, role).get(url).status_code == 404, role
        listing = client_for(world, role).get(
            reverse("projects:stories", kwargs={"pk": world.project.pk})
        )
        assert world.story.title not in listing.content.decode(), role
    jo = client_for(world, "member")
    assert jo.get(url).status_code == 200
    assert "You took this story back" in jo.get(url).content.decode()
    # Sharing it again brings it back to the group only, never straight to funders.
    services.story_share_again(story=world.story, by=world.users["member"])
    world.story.refresh_from_db()
    assert world.story.reach == StoryReach.GROUP
    assert not world.story.withdrawn


def test_saying_no_to_stories_being_used_brings_every_story_back_to_the_group(world):
    _release(world, reach=StoryReach.PUBLIC)
    consent_record(participant=world.story.teller, topic="stories", given=False, by=None)

    world.story.refresh_from_db()
    assert world.story.reach == StoryReach.GROUP
    assert released_voices(world.project, StoryReach.FUNDER).voices == []
    with pytest.raises(ValidationError) as refused:
        services.story_choose(
            story=world.story,
            by=world.users["member"],
            reach=StoryReach.FUNDER,
            naming=StoryNaming.CREDITED,
        )
    assert "reach" in refused.value.message_dict


def test_a_story_file_is_stored_encrypted_and_handed_back_whole(world, client_for):
    world.story.file.open("rb")
    stored = world.story.file.read()
    world.story.file.close()
    assert b"ID3" not in stored
    assert MP3_BYTES not in stored
    url = reverse(
        "projects:story_file", kwargs={"pk": world.project.pk, "story_pk": world.story.pk}
    )
    response = client_for(world, "other_member").get(url)
    assert response.status_code == 200
    assert response.content == MP3_BYTES
    assert response["Content-Type"] == "audio/mpeg"


def test_a_program_dressed_as_a_recording_is_refused(world):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    with pytest.raises(ValidationError) as refused:
        services.story_tell(
            project=world.project,
            teller=world.story.teller,
            by=world.users["member"],
            title="My voice",
            upload=SimpleUploadedFile("voice.mp3", exe, "audio/mpeg"),
        )
    assert "not a MP3 recording" in " ".join(refused.value.messages)


def test_a_story_written_down_for_someone_needs_them_there(world):
    ash = world.users["other_member"]
    teller = Participant.objects.get(user=ash, organisation=world.project.organisation)
    with pytest.raises(ValidationError) as refused:
        services.story_tell(
            project=world.project,
            teller=teller,
            by=world.users["co_lead"],
            title="Ash's story",
            words="It took a year to get a flat.",
        )
    assert "teller_present" in refused.value.message_dict
    story = services.story_tell(
        project=world.project,
        teller=teller,
        by=world.users["co_lead"],
        title="Ash's story",
        words="It took a year to get a flat.",
        teller_present=True,
    )
    assert story.reach == StoryReach.GROUP
    assert story.gathered_by == world.users["co_lead"]


def test_a_peer_reporter_gathers_and_curates_but_never_releases(world, client_for):
    ash = world.users["other_member"]
    membership = world.project.memberships.get(participant__user=ash)
    reporter = ProjectRole.objects.get(
        organisation=world.project.organisation, name="Peer reporter"
    )
    assert reporter.gathers_stories
    membership.roles.add(reporter)
    client = client_for(world, "other_member")
    curate = reverse(
        "projects:story_curate", kwargs={"pk": world.project.pk, "story_pk": world.story.pk}
    )
    page = client.get(curate)
    assert page.status_code == 200
    response = client.post(
        curate,
        {
            "new_themes": "Housing, being listened to, housing",
            "changed_for_person": "Jo has a home and a job.",
            "version": services.curation_version(world.story),
        },
    )
    assert response.status_code == 302
    assert sorted(t.name for t in world.story.themes.all()) == ["Housing", "being listened to"]
    choices = reverse(
        "projects:story_choices", kwargs={"pk": world.project.pk, "story_pk": world.story.pk}
    )
    assert client.post(choices, {"reach": "public", "naming": "name"}).status_code == 404


def test_a_stale_choices_page_never_overwrites_a_newer_choice(world, client_for):
    jo = client_for(world, "member")
    url = reverse(
        "projects:story_choices", kwargs={"pk": world.project.pk, "story_pk": world.story.pk}
    )
    seen = services.choices_version(world.story)
    # Jo takes it back on another phone; the page opened before posts a wider choice.
    services.story_withdraw(story=world.story, by=world.users["member"])
    response = jo.post(url, {"reach": "public", "naming": "name", "version": seen})
    assert response.status_code == 200
    world.story.refresh_from_db()
    assert world.story.withdrawn
    assert world.story.reach == StoryReach.GROUP


def test_nobody_can_ask_someone_who_said_do_not_ask(world, client_for):
    ash = Participant.objects.get(
        user=world.users["other_member"], organisation=world.project.organisation
    )
    ash.story_requests = Participant.StoryRequests.DO_NOT_ASK
    ash.save()
    with pytest.raises(ValidationError) as refused:
        services.story_request_send(
            project=world.project, participant=ash, by=world.users["coordinator"]
        )
    assert "asked not to be asked" in refused.value.message_dict["participant"][0]
    # Staff see it before they ask: on the person page and in the list to ask from.
    person = client_for(world, "coordinator").get(
        reverse("participants:person", kwargs={"pk": ash.pk})
    )
    assert "Please do not ask" in person.content.decode()
    ask = client_for(world, "co_lead").get(
        reverse("projects:story_ask", kwargs={"pk": world.project.pk})
    )
    assert "(asked not to be asked for their story)" in ask.content.decode()


def test_a_story_request_goes_once_and_not_after_they_say_do_not_ask(world, smtp_inbox):
    from coprod.notifications import dispatch
    from coprod.notifications.models import Notification
    from projects.stories.notifications import STORY_REQUEST
    from tests.notifications.helpers import reachable

    bea = reachable(world.project, "Bea")
    cal = reachable(world.project, "Cal")
    now = timezone.now()
    services.story_request_send(
        project=world.project, participant=bea, by=world.users["coordinator"], now=now
    )
    services.story_request_send(
        project=world.project, participant=cal, by=world.users["coordinator"], now=now
    )
    # Asking Bea again soon after is refused: nobody should be pressed.
    with pytest.raises(ValidationError):
        services.story_request_send(
            project=world.project, participant=bea, by=world.users["coordinator"]
        )
    Participant.objects.filter(pk=cal.pk).update(
        story_requests=Participant.StoryRequests.DO_NOT_ASK
    )
    dispatch.dispatch_due(now=now + datetime.timedelta(minutes=5))
    dispatch.dispatch_due(now=now + datetime.timedelta(hours=1))

    to = [m["To"] for m in smtp_inbox.messages if "story" in m["Subject"]]
    assert to == ["bea@example.org"]
    row = Notification.objects.get(kind=STORY_REQUEST, recipient_participant=cal)
    assert row.status != Notification.Status.SENT


def test_a_tellers_data_export_holds_their_stories_and_erasure_removes_them(world):
    _release(world)
    teller = world.story.teller
    data = data_export(teller)
    stories = data["stories"]["stories"]
    assert [s["title"] for s in stories] == ["Finding a bed"]
    assert stories[0]["quotes"][0]["words"] == QUOTE

    storage, name = world.story.file.storage, world.story.file.name
    participant_erase(
        participant=teller, by=world.users["coordinator"], on_request="Asked by phone"
    )
    assert not Story.objects.filter(pk=world.story.pk).exists()
    assert not storage.exists(name)
    assert released_voices(world.project, StoryReach.FUNDER).voices == []


def test_the_reports_voices_cost_the_same_queries_for_one_story_or_many(world):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(world.users["funder"])
    url = reverse("reports:project", kwargs={"pk": world.project.pk})

    def count():
        client.get(url)  # the report itself is worked out and kept
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _release(world)
    one = count()
    for n in range(6):
        story = services.story_tell(
            project=world.project,
            teller=world.story.teller,
            by=world.users["member"],
            title=f"Story {n}",
            words="Words.",
        )
        services.quote_add(story=story, by=world.users["member"], words=f"Quote {n}")
        services.story_choose(
            story=story,
            by=world.users["member"],
            reach=StoryReach.FUNDER,
            naming=StoryNaming.ANONYMOUS,
        )
    assert count() == one
    assert "Quote 5" in client.get(url).content.decode()


def test_a_staff_read_of_a_story_is_in_the_tellers_who_has_looked(world, client_for):
    from participants.models import AccessLog

    url = world.story.get_absolute_url()
    file_url = reverse(
        "projects:story_file", kwargs={"pk": world.project.pk, "story_pk": world.story.pk}
    )
    client_for(world, "other_member").get(url)  # the group reading it is not a staff read
    client_for(world, "member").get(url)
    assert not AccessLog.objects.filter(participant=world.story.teller, kind="story").exists()
    client_for(world, "coordinator").get(url)
    client_for(world, "unnamed_coordinator").get(file_url)
    viewers = set(
        AccessLog.objects.filter(participant=world.story.teller, kind="story").values_list(
            "viewer", flat=True
        )
    )
    assert viewers == {world.users["coordinator"].pk, world.users["unnamed_coordinator"].pk}


def test_a_story_file_downloads_with_a_name_a_phone_can_open(world, client_for):
    url = reverse(
        "projects:story_file", kwargs={"pk": world.project.pk, "story_pk": world.story.pk}
    )
    response = client_for(world, "member").get(url)
    assert response["Content-Disposition"] == f'attachment; filename="story-{world.story.pk}.mp3"'
