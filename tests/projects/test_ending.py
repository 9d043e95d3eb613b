"""Credit and ending well: milestones, records of contribution, closing with care, public pages."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from coprod.notifications import dispatch
from coprod.notifications.models import Notification
from participants.models import Participant, ProjectMembership, ProjectRole
from projects.ending import services
from projects.ending.notifications import MILESTONE, PROJECT_CLOSED
from projects.ending.pdf import record_pdf
from projects.ending.record import record_of
from projects.models import Contribution, MilestoneKind, Project, Review, StoryNaming, StoryReach
from projects.stories import services as stories
from tests.notifications.helpers import reachable

pytestmark = pytest.mark.django_db


def _text(pdf_bytes: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _answer_every_point(world):
    for point in services.open_points(world.project):
        services.final_answer(
            contribution=point,
            by=world.users["coordinator"],
            kept=True,
            words="The shelter now opens at 8pm.",
        )


def _cancel_meetings(world):
    from projects.meetings.services import meeting_cancel

    for meeting in services.upcoming_meetings(world.project):
        meeting_cancel(meeting=meeting, by=world.users["coordinator"], reason="The project ends.")


def _close(world, **changes):
    words = {
        "thanks": "Thank you all. You changed how the shelter works.",
        "next_steps": "The drop-in group starts in January: ask us to join.",
        "data_kept": "We keep your details for two years unless you ask us to remove them.",
        "stay_in_touch": "Email hello@example.org.",
    }
    return services.project_close(
        project=world.project, by=world.users["coordinator"], **{**words, **changes}
    )


def test_a_record_of_contribution_pdf_says_what_the_person_did(world):
    jo = world.membership.participant
    jo.full_name = "Jo Siân Llŵyd"
    jo.save()
    services.milestone_mark(
        project=world.project,
        by=world.users["coordinator"],
        kind=MilestoneKind.TRAINING,
        title="Peer support training",
        happened_on=timezone.localdate(),
        credited=[jo],
    )
    text = _text(record_pdf(record_of(jo)))

    assert "Record of contribution" in text
    if Path(settings.COPROD_PDF_FONT).is_file():
        assert "Jo Siân Llŵyd" in text
    else:  # the built-in font cannot draw ŵ: the name is still there, without the accent
        assert "Jo Siân Llwyd" in text
    assert "Meetings taken part in: 1." in text
    assert world.project.title in text
    assert "Peer support training" in text
    assert "Not signed off yet" in text

    services.record_sign_off(
        participant=jo, by=world.users["coordinator"], role="Participation coordinator"
    )
    signed = _text(record_pdf(record_of(jo)))
    assert "Participation coordinator" in signed
    assert "Not signed off yet" not in signed


def test_only_a_coordinator_of_their_organisation_signs_a_record_off(world):
    jo = world.membership.participant
    for role in ("co_lead", "finance", "other_coordinator", "member"):
        with pytest.raises(ValidationError):
            services.record_sign_off(participant=jo, by=world.users[role], role="Friend")


def test_closing_waits_for_every_last_answer_and_every_meeting(world):
    with pytest.raises(ValidationError) as refused:
        _close(world)
    message = " ".join(refused.value.message_dict["__all__"])
    assert "still waiting for a last answer" in message
    assert "still to come" in message
    assert Project.objects.get(pk=world.project.pk).status != Project.Status.FINISHED

    _answer_every_point(world)
    _cancel_meetings(world)
    with pytest.raises(ValidationError) as refused:
        _close(world, thanks="  ")
    assert "thanks" in refused.value.message_dict
    _close(world)
    assert Project.objects.get(pk=world.project.pk).status == Project.Status.FINISHED
    assert world.contribution.__class__.objects.get(pk=world.contribution.pk).response == (
        Contribution.Response.DONE
    )


def test_a_closed_project_thanks_every_member_with_their_record_and_becomes_read_only(
    world, smtp_inbox, client_for
):
    bea = reachable(world.project, "Bea")
    sol = reachable(world.project, "Sol", channel="sms")
    gone = reachable(world.project, "Lee")
    ProjectMembership.objects.filter(participant=gone).update(status=ProjectMembership.Status.LEFT)
    _answer_every_point(world)
    _cancel_meetings(world)
    now = timezone.now()
    _close(world)
    dispatch.dispatch_due(now=now + datetime.timedelta(minutes=5))
    dispatch.dispatch_due(now=now + datetime.timedelta(hours=1))

    to_bea = [m for m in smtp_inbox.messages if m["To"] == bea.email]
    closing = [m for m in to_bea if m["Subject"].startswith("Thank you:")]
    assert len(closing) == 1
    body = closing[0].get_body(preferencelist=("plain",)).get_content()
    assert "The drop-in group starts in January" in body
    assert "two years" in body
    [attachment] = list(closing[0].iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    record = _text(attachment.get_content())
    assert "Bea" in record
    assert world.project.title in record
    # Someone who texts gets the link; someone who had left hears nothing.
    texted = Notification.objects.get(kind=PROJECT_CLOSED, recipient_participant=sol)
    assert texted.channel == "sms"
    assert not Notification.objects.filter(kind=PROJECT_CLOSED, recipient_participant=gone)
    # Every review stopped, and none is planned after the close.
    assert not Review.objects.filter(project=world.project, closed_at__isnull=True).exists()

    # Read-only: new work is refused in plain words; the history stays to read.
    coordinator = client_for(world, "coordinator")
    page = coordinator.get(reverse("projects:meeting_create", kwargs={"pk": world.project.pk}))
    assert page.status_code == 403
    assert "has finished" in page.content.decode()
    assert client_for(world, "member").get(world.project.get_absolute_url()).status_code == 200
    achieved = client_for(world, "member").get(
        reverse("projects:achieved", kwargs={"pk": world.project.pk})
    )
    assert "The drop-in group starts in January" in achieved.content.decode()
    # How the last meetings felt can still be said in their fortnight.
    pulse = reverse(
        "projects:meeting_pulse",
        kwargs={"pk": world.project.pk, "meeting_pk": world.past_meeting.pk},
    )
    assert client_for(world, "member").get(pulse).status_code == 200
    # A teller can still take their story back after the close.
    response = client_for(world, "member").post(
        reverse(
            "projects:story_withdraw", kwargs={"pk": world.project.pk, "story_pk": world.story.pk}
        )
    )
    assert response.status_code == 302
    world.story.refresh_from_db()
    assert world.story.withdrawn


def test_finishing_through_the_edit_form_is_refused_so_nobody_is_left_untold(world):
    from projects.services import project_update

    with pytest.raises(ValidationError) as refused:
        project_update(
            project=world.project,
            by=world.users["coordinator"],
            title=world.project.title,
            summary=world.project.summary or "A summary",
            status=Project.Status.FINISHED,
        )
    assert "status" in refused.value.message_dict


def test_a_milestone_tells_the_group_and_credits_people_as_they_chose(world, client_for):
    jo = world.membership.participant
    jo.credit_as = Participant.Credit.FIRST_NAME
    jo.save()
    ash = Participant.objects.get(user=world.users["other_member"])
    services.milestone_mark(
        project=world.project,
        by=world.users["co_lead"],
        kind=MilestoneKind.CHANGE,
        title="The shelter opens at 8pm",
        happened_on=timezone.localdate(),
        credited=[jo, ash],
    )
    told = Notification.objects.filter(kind=MILESTONE).values_list(
        "recipient_participant_id", flat=True
    )
    active = ProjectMembership.objects.filter(
        project=world.project, status=ProjectMembership.Status.ACTIVE
    ).values_list("participant_id", flat=True)
    assert set(told) == set(active)
    page = client_for(world, "member").get(
        reverse("projects:achieved", kwargs={"pk": world.project.pk})
    )
    assert "Thank you to Jo and 1 other person." in page.content.decode()
    stranger = reachable(world.project, "Zed")
    ProjectMembership.objects.filter(participant=stranger).delete()
    with pytest.raises(ValidationError):
        services.milestone_mark(
            project=world.project,
            by=world.users["co_lead"],
            kind=MilestoneKind.GOAL,
            title="Goal",
            happened_on=timezone.localdate(),
            credited=[stranger],
        )


def _public(world) -> str:
    response = Client().get(
        reverse("projects:public_page", kwargs={"slug": world.public_page.slug})
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_public_page_shows_only_what_was_made_public(world):
    jo = world.users["member"]
    secret_quote = "Only for funders."
    # A story released to funders only, with an approved quote: not public.
    funders_only = stories.story_tell(
        project=world.project,
        teller=world.story.teller,
        by=jo,
        title="For funders",
        words="Words for funders.",
    )
    stories.quote_add(story=funders_only, by=jo, words=secret_quote)
    stories.story_choose(
        story=funders_only, by=jo, reach=StoryReach.FUNDER, naming=StoryNaming.NAME
    )
    # Jo's first story made public, its quote still waiting for Jo's yes.
    stories.story_choose(
        story=world.story, by=jo, reach=StoryReach.PUBLIC, naming=StoryNaming.ANONYMOUS
    )
    page = _public(world)
    assert "Safer nights for people sleeping rough" in page
    assert '<meta property="og:title"' in page
    assert world.story.title in page
    assert "Now I help run it." not in page  # not approved
    assert secret_quote not in page
    assert "For funders" not in page
    assert "I slept out for a month" not in page  # never the whole story
    assert "Told by A member." in page

    stories.quote_approve(quote=world.story_quote, by=jo)
    assert "Now I help run it." in _public(world)
    assert world.story.uses.filter(place="public").exists()

    stories.story_withdraw(story=world.story, by=jo)
    page = _public(world)
    assert world.story.title not in page
    assert "Now I help run it." not in page


def test_an_unpublished_public_page_is_not_found_by_anyone(world, client_for):
    services.public_page_save(
        project=world.project,
        by=world.users["coordinator"],
        summary=world.public_page.summary,
        publish=False,
    )
    url = reverse("projects:public_page", kwargs={"slug": world.public_page.slug})
    assert Client().get(url).status_code == 404
    assert client_for(world, "coordinator").get(url).status_code == 404
    assert Client().get(url.replace(world.public_page.slug, "guess")).status_code == 404


def test_public_credits_name_only_people_who_chose_a_name(world):
    role = ProjectRole.objects.filter(organisation=world.project.organisation).first()
    assert role is not None
    jo = world.membership.participant
    jo.credit_as = Participant.Credit.INITIALS
    jo.full_name = "Jo Bloggs"
    jo.save()
    page = _public(world)
    assert "J.B." in page
    assert "Ash" not in page  # Ash chose not to be named


def test_the_funders_report_credits_milestones_by_chosen_name(world):
    jo = world.membership.participant
    jo.credit_as = Participant.Credit.FIRST_NAME
    jo.save()
    ash = Participant.objects.get(user=world.users["other_member"])
    services.milestone_mark(
        project=world.project,
        by=world.users["coordinator"],
        kind=MilestoneKind.GOAL,
        title="Forty nights without a turn-away",
        happened_on=timezone.localdate(),
        credited=[jo, ash],
    )
    client = Client()
    client.force_login(world.users["funder"])
    page = client.get(reverse("reports:project", kwargs={"pk": world.project.pk})).content.decode()
    assert "Forty nights without a turn-away" in page
    assert "Thanks to Jo and 1 other person." in page
    assert "Ash" not in page


def test_erasing_someone_removes_their_name_from_milestones_and_their_sign_offs(world):
    from participants.data_rights import participant_erase

    jo = world.membership.participant
    milestone = services.milestone_mark(
        project=world.project,
        by=world.users["coordinator"],
        kind=MilestoneKind.GOAL,
        title="A goal",
        happened_on=timezone.localdate(),
        credited=[jo],
    )
    services.record_sign_off(participant=jo, by=world.users["coordinator"], role="Coordinator")
    participant_erase(participant=jo, by=world.users["coordinator"], on_request="By phone")
    assert not milestone.credited.exists()
    assert not jo.record_sign_offs.exists()


def test_a_last_answer_keeps_the_promised_date_on_record_even_once_passed(world):
    from projects.promises.selectors import contributions_for_project, with_states

    promise = world.contribution  # accepted, with an update promised in 14 days
    day = promise.promised_update_on
    later = timezone.now() + datetime.timedelta(days=20)
    services.final_answer(
        contribution=promise,
        by=world.users["coordinator"],
        kept=True,
        words="The shelter opens at 8pm now.",
        now=later,
    )
    promise.refresh_from_db()
    assert promise.promised_update_on == day
    assert promise.response == Contribution.Response.DONE
    [state] = [
        c.state for c in with_states(contributions_for_project(world.project)) if c.pk == promise.pk
    ]
    # The update was posted now (the test's clock), before the date: kept.
    assert state == "kept"
