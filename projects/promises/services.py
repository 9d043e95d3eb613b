"""Every write about promises: what members said, the answer, and the updates."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coprod.accounts.models import StaffMembership, User
from coprod.accounts.selectors import COORDINATING_ROLES
from coprod.fields import check_date_in_bounds
from coprod.versions import check_version, version_of
from participants.models import Participant, ProjectMembership
from projects.models import Contribution, ContributionEvent, Meeting, Project
from projects.promises import notifications as announce
from projects.selectors import refuse_if_finished

# What the answer form shows and writes, and so what its stamp covers.
RESPONSE_FIELDS = ("response", "reason", "promised_update_on", "responsible")
NEEDS_A_DATE = (Contribution.Response.ACCEPTED, Contribution.Response.IN_PROGRESS)


def _event(contribution, kind, by, text="") -> ContributionEvent:
    return ContributionEvent.objects.create(
        contribution=contribution,
        kind=kind,
        response=contribution.response,
        promised_update_on=contribution.promised_update_on,
        text=text,
        by=by,
        by_name=str(by) if by else "",
    )


@transaction.atomic
def contribution_record(
    *, project: Project, by: User | None, said: str, meeting: Meeting | None = None
) -> Contribution:
    """Write down what members said, recommended or asked for, in their words."""
    said = (said or "").strip()
    if not said:
        raise ValidationError({"said": "Write down what members said."})
    if meeting is not None and meeting.project_id != project.pk:
        raise ValidationError({"meeting": "Choose a meeting of this project."})
    contribution = Contribution.objects.create(
        project=project, meeting=meeting, said=said, created_by=by
    )
    _event(contribution, ContributionEvent.Kind.RECORDED, by, said)
    return contribution


@transaction.atomic
def point_raise(*, project: Project, participant: Participant, said: str) -> Contribution:
    """A member puts a point on record in their own words: the leads then answer it.

    Anyone with a place in the project may (a break counts; someone who left
    no longer does), until the project is finished. The point is theirs: the
    group sees it under the name they chose, and the project's coordinators
    are told there is a new point to answer.
    """
    said = (said or "").strip()
    if not said:
        raise ValidationError({"said": "Write what you want the group to know."})
    refuse_if_finished(project, "it takes no new points")
    membership = (
        ProjectMembership.objects.filter(project=project, participant=participant)
        .exclude(status=ProjectMembership.Status.LEFT)
        .first()
    )
    if membership is None:
        raise ValidationError("Only people taking part in this project can put a point on record.")
    contribution = Contribution.objects.create(
        project=project, said=said, created_by=participant.user, raised_by=participant
    )
    ContributionEvent.objects.create(
        contribution=contribution,
        kind=ContributionEvent.Kind.RECORDED,
        response=contribution.response,
        text=said,
        by=participant.user,
        by_name=contribution.raised_by_name(),
    )
    announce.point_raised(contribution)
    return contribution


def response_version(contribution: Contribution) -> str:
    """Stamp the organisation's answer to a contribution, as its page shows it."""
    return version_of(contribution, RESPONSE_FIELDS)


@transaction.atomic
def contribution_respond(
    *,
    contribution: Contribution,
    by: User | None,
    response: str,
    reason: str = "",
    promised_update_on: datetime.date | None = None,
    responsible: User | None = None,
    now=None,
    version: str | None = None,
) -> Contribution:
    """Give the organisation's answer, with an honest reason and a date to report back.

    `version` is the response_version the page showed (see coprod/versions.py).
    """
    check_date_in_bounds(promised_update_on, "promised_update_on")
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    check_version(response_version(contribution), version, what="the answer")
    reason = (reason or "").strip()
    errors = {}
    if response not in Contribution.Response.values or response == Contribution.Response.WAITING:
        errors["response"] = "Choose an answer."
    if response == Contribution.Response.NOT_POSSIBLE and not reason:
        errors["reason"] = "Say honestly why it is not possible."
    if response == Contribution.Response.DONE and not reason:
        errors["reason"] = "Say what was done."
    today = timezone.localdate(now) if now else timezone.localdate()
    if response in NEEDS_A_DATE and promised_update_on is None:
        errors["promised_update_on"] = "Say when you will report back."
    # A new date must be ahead; the date already promised may stay as it is,
    # even once passed, so a late answer still counts as late.
    if (
        promised_update_on is not None
        and promised_update_on < today
        and promised_update_on != contribution.promised_update_on
    ):
        errors["promised_update_on"] = "This date has passed. Choose today or later."
    if (
        responsible is not None
        and not StaffMembership.objects.filter(
            user=responsible,
            organisation_id=contribution.project.organisation_id,
            role__in=COORDINATING_ROLES,
        ).exists()
    ):
        errors["responsible"] = "Choose a coordinator of this organisation."
    if errors:
        raise ValidationError(errors)
    contribution.response = response
    contribution.reason = reason
    contribution.promised_update_on = promised_update_on
    contribution.responsible = responsible or contribution.responsible or by
    contribution.save()
    _event(contribution, ContributionEvent.Kind.RESPONDED, by, reason)
    announce.promise_made(contribution, now=now)
    return contribution


@transaction.atomic
def update_post(
    *, contribution: Contribution, by: User | None, text: str, now=None
) -> ContributionEvent:
    """Report back on a contribution; everyone who was part of it is told (notifications.py)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the update."})
    contribution = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("project__organisation")
        .get(pk=contribution.pk)
    )
    event = _event(contribution, ContributionEvent.Kind.UPDATE, by, text)
    event.contribution = contribution
    announce.update_posted(event, now=now)
    return event
