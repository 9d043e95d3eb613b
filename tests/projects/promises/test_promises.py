"""Promises ("you said, we did"): honest answers, dates to report back, and a kept trail."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from projects.models import Contribution, ContributionEvent
from projects.promises import services
from projects.promises.selectors import contributions_for_project, promise_state, trail

pytestmark = pytest.mark.django_db


def _said(world, text="Members asked for a quiet room at meetings."):
    return services.contribution_record(
        project=world.project, by=world.users["coordinator"], said=text
    )


def test_saying_it_is_not_possible_needs_an_honest_reason(world):
    contribution = _said(world)

    with pytest.raises(ValidationError) as refused:
        services.contribution_respond(
            contribution=contribution, by=world.users["coordinator"], response="not_possible"
        )

    assert "reason" in refused.value.message_dict
    contribution.refresh_from_db()
    assert contribution.response == Contribution.Response.WAITING


def test_accepting_needs_a_date_to_report_back_that_has_not_passed(world):
    contribution = _said(world)
    coordinator = world.users["coordinator"]

    with pytest.raises(ValidationError) as no_date:
        services.contribution_respond(
            contribution=contribution, by=coordinator, response="accepted"
        )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as passed:
        services.contribution_respond(
            contribution=contribution,
            by=coordinator,
            response="accepted",
            promised_update_on=yesterday,
        )

    assert "promised_update_on" in no_date.value.message_dict
    assert "promised_update_on" in passed.value.message_dict


def test_a_promise_is_due_then_overdue_and_kept_once_an_update_is_posted(world):
    coordinator = world.users["coordinator"]
    contribution = _said(world)
    report_by = timezone.localdate() + datetime.timedelta(days=3)
    services.contribution_respond(
        contribution=contribution,
        by=coordinator,
        response="accepted",
        promised_update_on=report_by,
    )

    def state(today):
        row = contributions_for_project(world.project).get(pk=contribution.pk)
        return promise_state(row, today=today)

    assert state(report_by) == "due"
    assert state(report_by + datetime.timedelta(days=1)) == "overdue"

    services.update_post(
        contribution=contribution, by=coordinator, text="The quiet room is booked."
    )

    assert state(report_by + datetime.timedelta(days=10)) == "kept"


def test_every_step_stays_in_the_trail_members_read(world, client_for):
    coordinator = world.users["coordinator"]
    contribution = _said(world)
    services.contribution_respond(
        contribution=contribution,
        by=coordinator,
        response="in_progress",
        promised_update_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    services.update_post(contribution=contribution, by=coordinator, text="We asked the venue.")

    kinds = [event.kind for event in trail(contribution)]
    assert kinds == [
        ContributionEvent.Kind.RECORDED,
        ContributionEvent.Kind.RESPONDED,
        ContributionEvent.Kind.UPDATE,
    ]
    page = client_for(world, "member").get(
        reverse("projects:promise", kwargs={"pk": world.project.pk, "promise_pk": contribution.pk})
    )
    assert page.status_code == 200
    assert "We asked the venue." in page.content.decode()
