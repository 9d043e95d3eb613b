"""Every write about credit and ending well: milestones, sign-offs, closing, the public page."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coprod.accounts.models import StaffMembership, User
from coprod.accounts.selectors import COORDINATING_ROLES
from coprod.fields import check_date_in_bounds, check_length
from coprod.versions import check_version, version_of
from participants.models import Participant, ProjectMembership
from projects.ending import notifications as announce
from projects.models import (
    Contribution,
    Meeting,
    Milestone,
    MilestoneKind,
    Project,
    ProjectClosing,
    PublicPage,
    RecordSignOff,
    Review,
)
from projects.promises.services import contribution_respond, update_post
from projects.reviews.services import review_close
from projects.selectors import refuse_if_finished

# Points still waiting for the organisation's last word.
OPEN_ANSWERS = (
    Contribution.Response.WAITING,
    Contribution.Response.ACCEPTED,
    Contribution.Response.IN_PROGRESS,
)
CLOSING_TEXT_MAX = 3000
PUBLIC_FIELDS = ("summary", "what_changed", "show_you_said_we_did", "show_credits")


def _is_coordinator(user: User | None, organisation_id: int) -> bool:
    return (
        user is not None
        and StaffMembership.objects.filter(
            user=user, organisation_id=organisation_id, role__in=COORDINATING_ROLES
        ).exists()
    )


# --- Milestones ------------------------------------------------------------------


@transaction.atomic
def milestone_mark(
    *,
    project: Project,
    by: User | None,
    kind: str,
    title: str,
    happened_on: datetime.date,
    what_it_means: str = "",
    credited: list[Participant] | None = None,
    now=None,
) -> Milestone:
    """Mark something the group achieved; the group is told, and the people who made it
    happen are credited by the names they chose."""
    refuse_if_finished(project, "nothing in it can be changed")
    if kind not in MilestoneKind.values:
        raise ValidationError({"kind": "Choose what kind of milestone it is."})
    title = check_length(title, 200, "title")
    if not title:
        raise ValidationError({"title": "Say what was achieved."})
    check_date_in_bounds(happened_on, "happened_on")
    today = timezone.localdate(now or timezone.now(), timezone=project.organisation.zone)
    if happened_on > today:
        raise ValidationError({"happened_on": "Mark it once it has happened."})
    credited = list(credited or [])
    members = set(
        ProjectMembership.objects.filter(project=project).values_list("participant_id", flat=True)
    )
    if any(person.pk not in members for person in credited):
        raise ValidationError({"credited": "Choose people who took part in this project."})
    milestone = Milestone.objects.create(
        project=project,
        kind=kind,
        title=title,
        what_it_means=check_length(what_it_means, 1000, "what_it_means"),
        happened_on=happened_on,
        marked_by=by,
    )
    milestone.credited.set(credited)
    announce.milestone_marked(milestone, now=now)
    return milestone


# --- Records of contribution -----------------------------------------------------------


@transaction.atomic
def record_sign_off(
    *, participant: Participant, by: User, role: str, note: str = ""
) -> RecordSignOff:
    """A coordinator vouches for a person's record of contribution as it stands today."""
    if not _is_coordinator(by, participant.organisation_id):
        raise ValidationError("Only a coordinator of their organisation can sign this off.")
    role = check_length(role, 120, "role")
    if not role:
        raise ValidationError({"role": "Say what your role is, as a reference would."})
    full_name = (by.get_full_name() or str(by)).strip()
    return RecordSignOff.objects.create(
        participant=participant,
        signed_by=by,
        signed_by_name=full_name[:200],
        role=role,
        note=check_length(note, 1000, "note"),
    )


# --- Closing a project ------------------------------------------------------------------


def open_points(project: Project):
    return Contribution.objects.filter(project=project, response__in=OPEN_ANSWERS).order_by(
        "created_at", "pk"
    )


def upcoming_meetings(project: Project, *, now=None):
    return Meeting.objects.filter(
        project=project,
        status=Meeting.Status.SCHEDULED,
        ends_at__gt=now or timezone.now(),
    ).order_by("starts_at")


@transaction.atomic
def final_answer(
    *, contribution: Contribution, by: User, kept: bool, words: str, now=None
) -> Contribution:
    """The organisation's last word on a point before the project closes: done (what we did)
    or not possible (why not). Everyone who was part of it is told."""
    words = check_length(words, 2000, "words")
    if not words:
        raise ValidationError(
            {"words": "Say what we did." if kept else "Say honestly why it could not happen."}
        )
    response = Contribution.Response.DONE if kept else Contribution.Response.NOT_POSSIBLE
    # The date promised stays on record: a promise answered after it passed
    # counts as kept late, never as if it had not been made.
    contribution = contribution_respond(
        contribution=contribution,
        by=by,
        response=response,
        reason=words,
        promised_update_on=contribution.promised_update_on,
        now=now,
    )
    update_post(contribution=contribution, by=by, text=words, now=now)
    return contribution


@transaction.atomic
def project_close(
    *,
    project: Project,
    by: User,
    thanks: str,
    next_steps: str,
    data_kept: str,
    stay_in_touch: str = "",
    now=None,
) -> ProjectClosing:
    """Close a project with care: every point answered, no meeting left to hold, reviews
    closed, and every member told (with their record of contribution). It is read-only
    afterwards; its history and reports stay."""
    now = now or timezone.now()
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status == Project.Status.FINISHED:
        raise ValidationError("This project is already closed.")
    errors: dict[str, str] = {}
    texts = {}
    for name, value in (
        ("thanks", thanks),
        ("next_steps", next_steps),
        ("data_kept", data_kept),
        ("stay_in_touch", stay_in_touch),
    ):
        try:
            texts[name] = check_length(value, CLOSING_TEXT_MAX, name)
        except ValidationError as error:
            errors.update({name: " ".join(error.messages)})
    for name, missing in (
        ("thanks", "Say thank you, in your own words."),
        ("next_steps", "Say what happens next: other projects people can join, for example."),
        ("data_kept", "Say what happens to people's details, and when."),
    ):
        if name not in errors and not texts.get(name):
            errors[name] = missing
    waiting = open_points(project).count()
    if waiting:
        errors["__all__"] = (
            f"{waiting} {'point is' if waiting == 1 else 'points are'} still waiting for a "
            "last answer. Answer each one above (done, or why not) before closing."
        )
    meetings = upcoming_meetings(project, now=now).count()
    if meetings:
        errors["__all__"] = " ".join(
            filter(
                None,
                [
                    errors.get("__all__"),
                    f"{meetings} {'meeting is' if meetings == 1 else 'meetings are'} still to "
                    "come. Hold or cancel them first, so nobody is left waiting.",
                ],
            )
        )
    if errors:
        raise ValidationError(errors)
    closing = ProjectClosing.objects.create(project=project, closed_by=by, closed_at=now, **texts)
    project.status = Project.Status.FINISHED
    project.end_date = project.end_date or timezone.localdate(
        now, timezone=project.organisation.zone
    )
    if project.start_date and project.end_date < project.start_date:
        project.end_date = project.start_date
    project.save(update_fields=["status", "end_date", "updated_at"])
    # Reviews open or still to open stop (and plan no next one: the project is finished).
    for review in Review.objects.filter(project=project, closed_at__isnull=True):
        review_close(review=review, by=by, now=now)
    announce.project_closed(closing, now=now)
    return closing


# --- The public page -----------------------------------------------------------------------


def public_version(page: PublicPage | None) -> str:
    return version_of(page, PUBLIC_FIELDS) if page is not None else ""


@transaction.atomic
def public_page_save(
    *,
    project: Project,
    by: User | None,
    summary: str,
    what_changed: str = "",
    show_you_said_we_did: bool = True,
    show_credits: bool = True,
    publish: bool | None = None,
    version: str | None = None,
    now=None,
) -> PublicPage:
    """Write the project's public page; `publish` True puts it up, False takes it down."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    page = PublicPage.objects.filter(project=project).first()
    if version is not None and page is not None:
        check_version(public_version(page), version, what="the public page")
    summary = check_length(summary, 2000, "summary")
    if not summary:
        raise ValidationError({"summary": "Say what the project is for, for anyone to read."})
    if page is None:
        page = PublicPage(project=project, slug=secrets.token_urlsafe(12))
    page.summary = summary
    page.what_changed = check_length(what_changed, 3000, "what_changed")
    page.show_you_said_we_did = bool(show_you_said_we_did)
    page.show_credits = bool(show_credits)
    if publish is True and page.published_at is None:
        page.published_at, page.published_by = now or timezone.now(), by
    elif publish is False:
        page.published_at = None
    page.save()
    return page
