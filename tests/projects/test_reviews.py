"""Reviews and the pulse: the group looks back together, and anonymous stays anonymous."""

import csv
import datetime
import io

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coprod.reports.figures.report import project_report
from coprod.reports.templatetags.report_figures import figure_text
from participants.models import AccessLog, Participant, ProjectMembership
from projects.models import (
    AnswerVisibility,
    Contribution,
    MeetingAction,
    Project,
    Pulse,
    Review,
    ReviewAnswer,
    ReviewTaker,
)
from projects.reviews import services
from projects.reviews.selectors import group_view, pulse_trend
from tests.factories import ProjectMembershipFactory

pytestmark = pytest.mark.django_db

SECRET = "I never feel listened to when the manager is in the room"


def _members(project, count, prefix="Member"):
    return [
        ProjectMembershipFactory(
            project=project, participant__preferred_name=f"{prefix}{n}"
        ).participant
        for n in range(count)
    ]


def _scale_question(review):
    return next(q for q in review.questions.order_by("question__position") if q.steps)


def _answer(review, person, visibility, step=3, words=""):
    return services.answer_give(
        review=review,
        participant=person,
        question=_scale_question(review),
        visibility=visibility,
        step=step,
        words=words,
    )


def test_an_anonymous_answer_holds_nothing_that_leads_back_to_its_writer(world):
    review = world.review
    jo = world.membership.participant

    answer = _answer(review, jo, AnswerVisibility.ANONYMOUS, words=SECRET)

    row = ReviewAnswer.objects.get(pk=answer.pk)
    assert row.participant_id is None
    assert row.user_id is None
    assert not any(f.name in ("created_at", "updated_at") for f in ReviewAnswer._meta.fields)
    # Filed under a keyed digest only the server can work out, not the person's id.
    assert row.author_key == services.author_key(review, jo)
    assert len(row.author_key) == 64
    # Stored encrypted: the words are not in the table as typed.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT words FROM projects_reviewanswer")
        assert SECRET not in str(cursor.fetchall())
    # The admin does not list answers at all.
    assert ReviewAnswer not in admin.site._registry
    # Its writer still finds it again, to change it or take it back.
    again = _answer(review, jo, AnswerVisibility.NAMED, step=5)
    assert ReviewAnswer.objects.filter(review=review).count() == 1
    assert again.participant == jo


def test_anonymous_answers_wait_until_enough_people_could_have_written_them(world, client_for):
    review = world.review
    jo = world.membership.participant
    _answer(review, jo, AnswerVisibility.ANONYMOUS, step=1, words=SECRET)
    url = review.get_absolute_url()

    # Only Jo took part: the group and the coordinators see neither words nor count.
    for role in ("other_member", "coordinator"):
        page = client_for(world, role).get(url).content.decode()
        assert SECRET not in page
        assert "show once the review closes" in page
    views, _ = group_view(review, coordinator=True)
    scale = next(v for v in views if v.counts)
    assert sum(count for _, count in scale.counts) == 0

    # Four more people take part (named elsewhere, silent on this question):
    # now five could have written it, and the answer shows, without a name.
    for person in _members(world.project, 4):
        services.answer_give(
            review=review,
            participant=person,
            question=review.questions.order_by("question__position").first(),
            visibility=AnswerVisibility.NAMED,
            words="We opened on time.",
        )
    # Still nothing while the review is open: a new answer appearing just after
    # someone took part would point at them.
    page = client_for(world, "other_member").get(url).content.decode()
    assert SECRET not in page
    services.review_close(review=review, by=None)
    page = client_for(world, "other_member").get(url).content.decode()
    assert SECRET in page
    assert "Without a name" in page
    assert "Jo" not in page.split("What people said")[1].split("What we agreed")[0]


def test_a_named_answer_to_a_question_shrinks_the_crowd_an_anonymous_one_hides_in(world):
    review = world.review
    people = _members(world.project, 5)
    _answer(review, people[0], AnswerVisibility.ANONYMOUS, step=2)
    for person in people[1:]:
        _answer(review, person, AnswerVisibility.NAMED, step=4)

    services.review_close(review=review, by=None)
    views, _ = group_view(review, coordinator=False)
    scale = next(v for v in views if v.counts)
    # Five took part, four named: the anonymous one would be the fifth.
    assert scale.kept_back
    assert dict(scale.counts)["A little"] == 0
    assert dict(scale.counts)["A lot"] == 4
    assert all(line.name != "Without a name" for line in scale.members)


def test_answers_only_to_coordinators_are_theirs_alone_and_each_read_is_logged(world, client_for):
    review = world.review
    ash = Participant.objects.get(user=world.users["other_member"])
    _answer(review, ash, AnswerVisibility.COORDINATORS, words="Money worries this month")

    member_page = client_for(world, "member").get(review.get_absolute_url()).content.decode()
    assert "Money worries" not in member_page
    coordinator_page = client_for(world, "coordinator").get(review.get_absolute_url())
    assert "Money worries" in coordinator_page.content.decode()
    log = AccessLog.objects.get(participant=ash, kind=AccessLog.Kind.REVIEW_ANSWERS)
    assert log.viewer == world.users["coordinator"]


def test_a_member_answers_skips_and_comes_back_on_the_phone_pages(world, client_for):
    client = client_for(world, "member")
    review = world.review
    first = reverse(
        "projects:review_answer",
        kwargs={"pk": world.project.pk, "review_pk": review.pk, "number": 1},
    )
    second = first.replace("/questions/1/", "/questions/2/")

    skipped = client.post(first, {"skip": "1"})
    assert skipped["Location"] == second
    assert not ReviewAnswer.objects.exists()

    saved = client.post(second, {"step": "4", "words": "Most of it", "visibility": "named"})
    assert saved.status_code == 302
    client.post(first, {"words": "We opened the shelter earlier", "visibility": "anonymous"})
    assert ReviewAnswer.objects.filter(review=review).count() == 2
    assert ReviewTaker.objects.filter(review=review).count() == 1

    page = client.get(review.get_absolute_url()).content.decode()
    assert "Answered, without your name" in page
    # Clearing an answer takes it back.
    client.post(second, {"visibility": "named"})
    assert ReviewAnswer.objects.filter(review=review).count() == 1


def test_a_bad_step_gets_a_message_next_to_the_field_not_a_500(world, client_for):
    client = client_for(world, "member")
    url = reverse(
        "projects:review_answer",
        kwargs={"pk": world.project.pk, "review_pk": world.review.pk, "number": 2},
    )

    response = client.post(url, {"step": "9", "visibility": "nobody"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ReviewAnswer.objects.exists()


def test_a_closed_review_or_a_finished_project_refuses_answers(world):
    review = world.review
    jo = world.membership.participant
    services.review_close(review=review, by=world.users["coordinator"])

    with pytest.raises(ValidationError, match="closed"):
        _answer(review, jo, AnswerVisibility.NAMED)

    other = services.review_schedule(
        project=world.project,
        by=None,
        title="Later",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )
    Project.objects.filter(pk=world.project.pk).update(status=Project.Status.FINISHED)
    with pytest.raises(ValidationError, match="finished"):
        _answer(other, jo, AnswerVisibility.NAMED)


def test_someone_who_left_cannot_answer(world):
    jo = world.membership.participant
    ProjectMembership.objects.filter(pk=world.membership.pk).update(
        status=ProjectMembership.Status.LEFT
    )
    with pytest.raises(ValidationError, match="Only members"):
        _answer(world.review, jo, AnswerVisibility.NAMED)


def test_coordinators_answer_beside_the_members(world, client_for):
    review = world.review
    services.answer_give_staff(
        review=review,
        user=world.users["coordinator"],
        question=_scale_question(review),
        step=5,
        words="We think we got there",
    )
    _answer(review, world.membership.participant, AnswerVisibility.NAMED, step=2)

    page = client_for(world, "member").get(review.get_absolute_url()).content.decode()
    assert "We think we got there" in page
    views, _ = group_view(review, coordinator=False)
    scale = next(v for v in views if v.counts)
    assert dict(scale.staff_counts)["Completely"] == 1
    assert sum(n for _, n in scale.counts) == 1


def test_agreed_changes_become_an_action_and_a_promise(world, client_for):
    client = client_for(world, "coordinator")
    url = reverse(
        "projects:review_change", kwargs={"pk": world.project.pk, "review_pk": world.review.pk}
    )
    due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()

    client.post(
        url,
        {
            "kind": "action",
            "description": "Meet at 6pm so people who work can come",
            "owner": f"p{world.membership.participant.pk}",
            "due_on": due,
            "meeting": world.past_meeting.pk,
        },
    )
    client.post(
        url,
        {
            "kind": "promise",
            "description": "Pay travel on the day, in cash if people want",
            "owner": f"u{world.users['coordinator'].pk}",
            "due_on": due,
        },
    )

    action = MeetingAction.objects.get(review=world.review)
    assert action.owner_participant == world.membership.participant
    promise = Contribution.objects.get(review=world.review)
    assert promise.response == Contribution.Response.ACCEPTED
    assert promise.responsible == world.users["coordinator"]
    assert promise.promised_update_on.isoformat() == due
    page = client.get(world.review.get_absolute_url()).content.decode()
    assert "Meet at 6pm" in page
    assert "Pay travel on the day" in page


def test_a_promise_must_be_owned_by_a_coordinator(world):
    with pytest.raises(ValidationError):
        services.agreed_change_record(
            review=world.review,
            by=None,
            kind="promise",
            description="Something",
            due_on=timezone.localdate(),
            owner_participant=world.membership.participant,
        )


def test_a_review_waiting_for_a_phase_opens_when_the_project_moves_past_it(world):
    from projects import services as project_services

    phases = project_services.phases_start_from_template(
        project=world.project, by=None, template=next(iter(project_services.PHASE_TEMPLATES))
    )
    first, second = (
        services.review_schedule(
            project=world.project, by=None, title=f"End of {phase}", after_phase=phase
        )
        for phase in phases[:2]
    )
    assert first.opens_on is None

    # Moving back opens nothing; moving on from the first phase to the third ends two.
    services.phases_moved_on(project=world.project, was=phases[1].pk, now=phases[0], phases=phases)
    first.refresh_from_db()
    assert first.opens_on is None
    services.phases_moved_on(project=world.project, was=phases[0].pk, now=phases[2], phases=phases)

    for review in (first, second):
        review.refresh_from_db()
        assert review.opens_on == timezone.localdate()
        # Fourteen days to answer, today the first of them.
        assert review.closes_on == timezone.localdate() + datetime.timedelta(days=13)


def test_a_review_cannot_wait_for_a_phase_that_has_already_ended(world):
    from projects import services as project_services

    phases = project_services.phases_start_from_template(
        project=world.project, by=None, template=next(iter(project_services.PHASE_TEMPLATES))
    )
    Project.objects.filter(pk=world.project.pk).update(current_phase=phases[2])
    project = Project.objects.select_related("organisation").get(pk=world.project.pk)

    with pytest.raises(ValidationError) as refused:
        services.review_schedule(project=project, by=None, title="Late", after_phase=phases[0])
    assert "already ended" in str(refused.value)


def test_people_who_left_and_finance_cannot_read_the_groups_answers(world, client_for):
    ProjectMembership.objects.filter(pk=world.membership.pk).update(
        status=ProjectMembership.Status.LEFT
    )
    for role in ("member", "finance"):
        assert client_for(world, role).get(world.review.get_absolute_url()).status_code == 403


def test_a_repeating_review_plans_its_next_time_when_it_closes(world):
    today = timezone.localdate()
    review = services.review_schedule(
        project=world.project,
        by=None,
        title="Quarterly",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
        repeat_months=3,
    )
    services.close_ended_reviews(now=timezone.now() + datetime.timedelta(days=8))
    services.close_ended_reviews(now=timezone.now() + datetime.timedelta(days=8))

    review.refresh_from_db()
    assert review.closed_at is not None
    following = Review.objects.filter(project=world.project, title="Quarterly").exclude(
        pk=review.pk
    )
    assert following.count() == 1
    assert following.get().opens_on == services._add_months(today, 3)


def test_the_pulse_is_once_a_person_and_its_trend_hides_small_numbers(world):
    meeting = world.past_meeting
    people = _members(world.project, 5)
    for person in people:
        meeting.invitees.create(participant=person)

    for person, step in zip(people[:4], [5, 4, 4, 3], strict=True):
        services.pulse_give(meeting=meeting, participant=person, step=step)
    with pytest.raises(ValidationError, match="already"):
        services.pulse_give(meeting=meeting, participant=people[0], step=1)
    later = meeting.ends_at + datetime.timedelta(days=15)
    assert pulse_trend(world.project, now=later)[0].average is None  # four people: not shown

    services.pulse_give(meeting=meeting, participant=people[4], step=2, change="Shorter please")
    # While answers may still come, nothing shows: each new one would move it.
    assert pulse_trend(world.project)[0].waiting
    assert pulse_trend(world.project)[0].average is None
    point = pulse_trend(world.project, now=later)[0]
    assert (point.people, point.average) == (5, 3.6)
    assert point.changes == ["Shorter please"]
    assert "participant" not in {f.name for f in Pulse._meta.get_fields()}


def test_the_pulse_refuses_a_meeting_not_yet_held_and_people_not_invited(world):
    stranger = _members(world.project, 1, prefix="Stranger")[0]
    with pytest.raises(ValidationError, match="ended"):
        services.pulse_give(meeting=world.meeting, participant=world.membership.participant, step=3)
    with pytest.raises(ValidationError, match="invited"):
        services.pulse_give(meeting=world.past_meeting, participant=stranger, step=3)


def test_the_funder_report_counts_answers_with_small_numbers_hidden(world, client_for):
    review = world.review
    question = _scale_question(review)
    people = _members(world.project, 11)
    for person in people[:5]:
        _answer(review, person, AnswerVisibility.NAMED, step=4)
    for person in people[5:10]:
        _answer(review, person, AnswerVisibility.NAMED, step=3)
    _answer(review, people[10], AnswerVisibility.NAMED, step=1, words=SECRET)

    report = project_report(world.project)
    table = report.table(f"review-{review.pk}-{_position(review, question)}")
    cells = {row[0]: figure_text(row[1]) for row in table.rows}
    assert cells["Not at all"] == "fewer than 5"
    assert cells["Members who answered"] == "11"
    # One of the fives is hidden too, or the total would give the hidden one away.
    assert sorted([cells["Some"], cells["A lot"]])[0] == "5"
    assert "not shown" in sorted([cells["Some"], cells["A lot"]])[1]
    csv_url = reverse("reports:project_csv", kwargs={"pk": world.project.pk, "table": table.key})
    response = client_for(world, "member").get(csv_url)
    text = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    assert SECRET not in text
    assert any("Members who answered" in ",".join(row) for row in csv.reader(io.StringIO(text)))


def _position(review, question):
    ordered = list(review.questions.order_by("question__position", "question_id"))
    return ordered.index(question) + 1


def test_the_export_leaves_anonymous_answers_out_and_erasure_takes_them_all(world):
    from participants.data_rights import data_export, participant_erase

    review = world.review
    jo = world.membership.participant
    questions = list(review.questions.order_by("question__position"))
    services.answer_give(
        review=review,
        participant=jo,
        question=questions[0],
        visibility=AnswerVisibility.NAMED,
        words="We opened earlier",
    )
    _answer(review, jo, AnswerVisibility.ANONYMOUS, words=SECRET)

    exported = data_export(jo)["reviews"]["review_answers"]
    assert [row["in_your_words"] for row in exported] == ["We opened earlier"]
    assert SECRET not in str(data_export(jo))

    participant_erase(
        participant=jo, by=world.users["coordinator"], on_request="Jo asked on the phone"
    )

    assert not ReviewAnswer.objects.filter(review=review).exists()


def _shown(report):
    return [
        (table.key, [[figure_text(cell) for cell in row] for row in table.rows])
        for _, _, tables in report.sections
        for table in tables
    ]


def test_a_kept_report_is_worked_out_again_after_an_answer_changes_or_a_pulse(world):
    from coprod.reports.figures.cached import project_report_kept, report_stamp
    from coprod.reports.figures.grids import project_life

    def kept(now):
        project = Project.objects.select_related("organisation").get(pk=world.project.pk)
        return project_report_kept(project, period=project_life(project), now=now)

    def fresh(now):
        project = Project.objects.select_related("organisation").get(pk=world.project.pk)
        return project_report(project, period=project_life(project), now=now)

    people = _members(world.project, 6)
    for person in people:
        _answer(world.review, person, AnswerVisibility.NAMED, step=4)
        world.past_meeting.invitees.create(participant=person)
    for person in people[:5]:
        services.pulse_give(meeting=world.past_meeting, participant=person, step=5)
    # After the fortnight for answering the pulse, when it is counted.
    now = world.past_meeting.ends_at + datetime.timedelta(days=16)
    before = _shown(kept(now))
    stamp = report_stamp(world.project, now)

    # The same number of answers, one of them changed: only its step moved.
    _answer(world.review, people[0], AnswerVisibility.NAMED, step=3)
    assert report_stamp(world.project, now) != stamp
    assert _shown(kept(now)) == _shown(fresh(now)) != before

    stamp = report_stamp(world.project, now)
    services.pulse_give(meeting=world.past_meeting, participant=people[5], step=1)
    assert report_stamp(world.project, now) != stamp
    assert _shown(kept(now)) == _shown(fresh(now))


def test_members_are_told_once_when_a_review_opens_and_not_after_it_closes(world):
    from coprod.notifications.models import Notification
    from projects.reviews.notifications import REVIEW_OPEN
    from tests.notifications.helpers import reachable

    bea = reachable(world.project, "Bea")
    resting = reachable(world.project, "Cal")
    ProjectMembership.objects.filter(participant=resting).update(
        status=ProjectMembership.Status.ON_BREAK
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    review = services.review_schedule(
        project=world.project,
        by=None,
        title="Autumn look back",
        opens_on=tomorrow,
        closes_on=tomorrow + datetime.timedelta(days=7),
    )

    rows = Notification.objects.filter(kind=REVIEW_OPEN, about_id=review.pk)
    planned = rows.filter(status=Notification.Status.PENDING)
    recipients = [row.recipient_participant for row in planned]
    assert bea in recipients
    assert resting not in recipients  # on a break: not messaged
    assert len(recipients) == len(set(recipients))
    # Members who did not agree to be contacted are not sent one.
    assert world.membership.participant not in recipients
    local = timezone.localtime(
        planned.get(recipient_participant=bea).due_at, world.project.organisation.zone
    )
    assert (local.date(), local.hour) == (tomorrow, 10)

    services.review_close(review=review, by=None)
    assert not rows.filter(status=Notification.Status.PENDING).exists()


def test_the_member_home_asks_for_a_say_in_open_reviews_and_recent_meetings(world, client_for):
    world.past_meeting.invitees.get_or_create(participant=world.membership.participant)
    home = reverse("participants:home")

    page = client_for(world, "member").get(home).content.decode()

    assert world.review.title in page
    assert "How did “First get-together” feel?" in page
    services.pulse_give(
        meeting=world.past_meeting, participant=world.membership.participant, step=4
    )
    assert "First get-together” feel" not in client_for(world, "member").get(home).content.decode()


def test_beat_asks_a_worker_to_close_ended_reviews():
    from django.conf import settings

    from coprod.celery import app

    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    app.loader.import_default_modules()
    assert "projects.close_ended_reviews" in entries
    assert "projects.close_ended_reviews" in app.tasks


def test_have_your_say_goes_once_and_never_to_someone_who_has_since_left(world, smtp_inbox):
    from coprod.notifications import dispatch
    from coprod.notifications.models import Notification
    from projects.reviews.notifications import REVIEW_OPEN
    from tests.notifications.helpers import reachable

    bea = reachable(world.project, "Bea")
    ann = reachable(world.project, "Ann")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    review = services.review_schedule(
        project=world.project,
        by=None,
        title="Autumn look back",
        opens_on=tomorrow,
        closes_on=tomorrow + datetime.timedelta(days=7),
    )
    # Ann leaves by a path that tells no listener (an admin's bulk edit).
    ProjectMembership.objects.filter(participant=ann).update(status=ProjectMembership.Status.LEFT)
    due = Notification.objects.get(kind=REVIEW_OPEN, recipient_participant=bea).due_at

    dispatch.dispatch_due(now=due + datetime.timedelta(minutes=5))
    dispatch.dispatch_due(now=due + datetime.timedelta(hours=1))

    to_bea = [m for m in smtp_inbox.messages if m["To"] == "bea@example.org"]
    assert [m["Subject"] for m in to_bea] == ["Have your say: Autumn look back"]
    text = to_bea[0].get_body(preferencelist=("plain",)).get_content()
    assert review.get_absolute_url() in text
    assert not [m for m in smtp_inbox.messages if m["To"] == "ann@example.org"]


def test_a_name_left_on_a_projects_list_after_a_role_change_sees_no_tasks(world):
    from coprod.accounts.models import StaffMembership
    from projects.support import tasks_for

    coordinator = world.users["coordinator"]
    assert list(tasks_for(coordinator)) == [world.chat]

    StaffMembership.objects.filter(user=coordinator).update(role="finance")

    assert list(tasks_for(coordinator)) == []


def test_someone_who_joins_while_a_review_is_open_is_told_too(world):
    from coprod.notifications.models import Notification
    from participants.services import consent_record, membership_add
    from projects.reviews.notifications import REVIEW_OPEN
    from tests.factories import ParticipantFactory
    from tests.notifications.helpers import reachable

    bea = reachable(world.project, "Bea")
    review = services.review_schedule(
        project=world.project,
        by=None,
        title="Now",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    newcomer = ParticipantFactory(
        organisation=world.org, preferred_name="Dee", email="dee@example.org"
    )
    consent_record(participant=newcomer, topic="contact", given=True, by=None)
    membership_add(
        participant=newcomer, project=world.project, by=None, status=ProjectMembership.Status.ACTIVE
    )

    told = Notification.objects.filter(kind=REVIEW_OPEN, about_id=review.pk)
    assert told.filter(recipient_participant=newcomer, status="pending").count() == 1
    assert told.filter(recipient_participant=bea).count() == 1
