import datetime
import uuid
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coprod.accounts.models import Organisation, User
from coprod.accounts.selectors import coordinators_of
from coprod.fields import check_date_in_bounds, check_length
from coprod.notifications.services import reminder_rules_seed
from coprod.versions import check_version, rows_version, version_of
from participants.models import Participant, ProjectMembership
from projects.models import (
    Endorsement,
    LadderAssessment,
    Phase,
    Project,
    ProjectCoordinatorChange,
    Rung,
    Value,
    ValueVersion,
)
from projects.reviews.services import phases_moved_on

# What each step of setting up a project writes, and so what its page's stamp covers:
# a change to the purpose does not make an open basics page stale.
BASICS_FIELDS = ("title", "summary", "status", "start_date", "end_date", "coordinators")
PURPOSE_FIELDS = ("purpose", "can_change", "fixed")
WAYS_FIELDS = ("problems", "payment_approach", "confidentiality", "support", "contact_for_members")
PHASE_FIELDS = ("name", "description", "position")
PHASES_WHAT = "the phases"


def _check_project(project: Project, fields: Iterable[str], version: str | None, what: str):
    """Lock the project and refuse the save when the page showed other saved values."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    check_version(version_of(locked, fields), version, what=what)


def phases_version(project: Project) -> str:
    """Stamp a project's phases and its current phase, as the phases page shows them."""
    phases = rows_version(Phase.objects.filter(project=project), PHASE_FIELDS)
    current = Project.objects.filter(pk=project.pk).values_list("current_phase", flat=True).first()
    return f"{phases}.{current or 0}"


PHASE_TEMPLATES = {
    "ptc": {
        "label": "Poverty Truth Commission phases",
        "phases": [
            ("Engagement", "Getting to know each other and building trust."),
            ("Exploration", "Listening, sharing experience and finding the big questions."),
            ("Experimentation", "Trying out changes together, small and practical."),
            ("Embedding", "Making the changes that worked last."),
        ],
    },
    "meam": {
        "label": "MEAM practical steps",
        "phases": [
            (
                "Set purpose and build relationships",
                "Agree why we are here and get to know each other.",
            ),
            ("Share power and responsibility", "Decide together who does what, and how."),
            ("Create ways to be involved", "Open up roles so everyone can take part their way."),
            ("Review and improve", "Look back honestly and change what needs changing."),
        ],
    },
}


def _clean(text: str) -> str:
    return (text or "").strip()


def _require(**texts: str) -> dict[str, str]:
    """Strip each text; whitespace alone counts as empty and is refused."""
    cleaned = {name: _clean(value) for name, value in texts.items()}
    missing = {name: "Please write something here." for name, value in cleaned.items() if not value}
    if missing:
        raise ValidationError(missing)
    return cleaned


def _check_dates(start_date, end_date):
    check_date_in_bounds(start_date, "start_date")
    check_date_in_bounds(end_date, "end_date")
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": "The end date is before the start date."})


# Called as (project=...) inside project_create's transaction, once the project
# and its coordinators are saved. A later app gives a new project its defaults
# here (payments: the payment policy) without this one importing it.
PROJECT_CREATED_LISTENERS: list[Callable[..., object]] = []


@transaction.atomic
def project_create(
    *,
    organisation: Organisation,
    by: User | None,
    title: str,
    summary: str,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    status: str = Project.Status.PLANNING,
    coordinators: Iterable[User] | None = None,
) -> Project:
    """Create a project in an organisation: the first small step.

    It starts with named coordinators (by default the person creating it,
    when they coordinate the organisation); a project with none is refused.
    """
    texts = _require(title=title, summary=summary)
    _check_dates(start_date, end_date)
    if coordinators is None:
        coordinators = [by] if by is not None else []
    coordinators = _check_coordinators(organisation, coordinators)
    project = Project(
        organisation=organisation,
        created_by=by,
        start_date=start_date,
        end_date=end_date,
        status=status,
        **texts,
    )
    project.full_clean()
    project.save()
    _name_coordinators(project=project, by=by, coordinators=coordinators)
    reminder_rules_seed(project=project)
    for listener in PROJECT_CREATED_LISTENERS:
        listener(project=project)
    return project


NO_COORDINATOR = (
    "Name at least one coordinator. Someone on the staff must look after the members' "
    "needs in this project."
)


def _check_coordinators(organisation: Organisation, coordinators: Iterable[User]) -> list[User]:
    """Refuse an empty list, or anyone who does not coordinate the organisation."""
    chosen = list(dict.fromkeys(coordinators))
    if not chosen:
        raise ValidationError({"coordinators": NO_COORDINATOR})
    allowed = set(
        coordinators_of(organisation.pk)
        .filter(pk__in=[user.pk for user in chosen])
        .values_list("pk", flat=True)
    )
    if any(user.pk not in allowed for user in chosen):
        raise ValidationError({"coordinators": "Choose coordinators of this organisation."})
    return chosen


def _name_coordinators(
    *, project: Project, by: User | None, coordinators: list[User]
) -> list[ProjectCoordinatorChange]:
    """Make `coordinators` the named ones, writing a history row for each change.

    Only the organisation's coordinators and admins decide this: named
    coordinators read every member's private notes.
    """
    if by is None or not by.has_perm("projects.change_coordinators", project):
        raise PermissionDenied("Only the organisation's coordinators choose who coordinates.")
    current = {user.pk: user for user in project.coordinators.all()}
    wanted = {user.pk: user for user in coordinators}
    added = [user for pk, user in wanted.items() if pk not in current]
    removed = [user for pk, user in current.items() if pk not in wanted]
    changes = [
        ProjectCoordinatorChange(
            project=project,
            kind=kind,
            coordinator=user,
            coordinator_name=str(user)[:150],
            by=by,
            by_name=str(by)[:150],
        )
        for kind, users in (
            (ProjectCoordinatorChange.Kind.ADDED, added),
            (ProjectCoordinatorChange.Kind.REMOVED, removed),
        )
        for user in sorted(users, key=str)
    ]
    if removed:
        project.coordinators.remove(*removed)
    if added:
        project.coordinators.add(*added)
    return ProjectCoordinatorChange.objects.bulk_create(changes)


@transaction.atomic
def project_coordinators_set(
    *, project: Project, by: User | None, coordinators: Iterable[User]
) -> list[ProjectCoordinatorChange]:
    """Choose a project's named coordinators; returns the history rows written.

    Security: named coordinators read the private notes of the project's
    members, so only the organisation's coordinators and admins may change
    them (never a co-lead), at least one always stays, and every change is
    recorded in the same transaction.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    chosen = _check_coordinators(project.organisation, coordinators)
    return _name_coordinators(project=project, by=by, coordinators=chosen)


@transaction.atomic
def project_update(
    *,
    project: Project,
    by: User | None,
    title: str,
    summary: str,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    status: str | None = None,
    coordinators: Iterable[User] | None = None,
    version: str | None = None,
) -> Project:
    """Change a project's title, summary, dates, status and (if given) its coordinators.

    Giving coordinators needs `projects.change_coordinators`, as in
    project_coordinators_set; leave them out to change only the rest.
    `version` is the stamp of BASICS_FIELDS the page showed (see coprod/versions.py).
    """
    _check_project(project, BASICS_FIELDS, version, "the basics of this project")
    if status == Project.Status.FINISHED and project.status != Project.Status.FINISHED:
        raise ValidationError(
            {
                "status": "To finish a project, use “Close the project, with care” on its "
                "page, so every point gets its last answer and everyone is told."
            }
        )
    texts = _require(title=title, summary=summary)
    _check_dates(start_date, end_date)
    if coordinators is not None:
        project_coordinators_set(project=project, by=by, coordinators=coordinators)
    project.title, project.summary = texts["title"], texts["summary"]
    project.start_date, project.end_date = start_date, end_date
    project.status = status or project.status
    project.full_clean()
    project.save(
        update_fields=["title", "summary", "start_date", "end_date", "status", "updated_at"]
    )
    return project


@transaction.atomic
def project_update_purpose(
    *,
    project: Project,
    by: User | None,
    purpose: str,
    can_change: str,
    fixed: str,
    version: str | None = None,
) -> Project:
    """Say why the project exists, what the group can change, and what is fixed."""
    _check_project(project, PURPOSE_FIELDS, version, "the purpose and scope")
    texts = _require(purpose=purpose, can_change=can_change, fixed=fixed)
    for name, value in texts.items():
        setattr(project, name, value)
    project.save(update_fields=[*texts, "updated_at"])
    return project


@transaction.atomic
def project_update_ways_of_working(
    *,
    project: Project,
    by: User | None,
    problems: str,
    payment_approach: str = "",
    confidentiality: str = "",
    support: str = "",
    contact_for_members: str = "",
    version: str | None = None,
) -> Project:
    """Record how the group works; how to raise a problem must always be said."""
    _check_project(project, WAYS_FIELDS, version, "the ways of working")
    project.problems = _require(problems=problems)["problems"]
    project.payment_approach = _clean(payment_approach)
    project.confidentiality = _clean(confidentiality)
    project.support = _clean(support)
    project.contact_for_members = check_length(contact_for_members, 200, "contact_for_members")
    project.save(
        update_fields=[
            "problems",
            "payment_approach",
            "confidentiality",
            "support",
            "contact_for_members",
            "updated_at",
        ]
    )
    return project


@transaction.atomic
def phases_start_from_template(*, project: Project, by: User | None, template: str) -> list[Phase]:
    """Give a project with no phases a starting list the group can then change."""
    if template not in PHASE_TEMPLATES:
        raise ValidationError("Choose one of the starting lists offered.")
    if project.phases.exists():
        raise ValidationError("This project already has phases: change them below instead.")
    phases = [
        Phase.objects.create(project=project, name=name, description=description, position=index)
        for index, (name, description) in enumerate(PHASE_TEMPLATES[template]["phases"], start=1)
    ]
    project.current_phase = phases[0]
    project.save(update_fields=["current_phase", "updated_at"])
    return phases


@transaction.atomic
def phases_save(
    *,
    project: Project,
    by: User | None,
    rows: list[dict],
    current_phase: Phase | None,
    version: str | None = None,
) -> list[Phase]:
    """Rename, add, remove and reorder a project's phases in one go.

    `rows` holds {"phase": Phase or None, "name", "description", "position",
    "remove"}; blank new rows are ignored. Names must differ (ignoring case).
    `version` is the phases_version the page showed: a page opened before
    someone else changed the phases is refused, so their change stays.
    Everything is checked before anything is written, so a mistake loses
    nothing; a phase the page did not send keeps its name and words.
    """
    locked = Project.objects.select_for_update().get(pk=project.pk)
    phases = Phase.objects.select_for_update().filter(project=locked)
    existing = {phase.pk: phase for phase in phases}
    check_version(phases_version(project), version, what=PHASES_WHAT)
    sent = [row["phase"].pk for row in rows if row.get("phase") is not None]
    if len(sent) != len(set(sent)):
        raise ValidationError(
            "The same phase was sent twice, so we saved nothing. "
            "Open the page again and make your changes once more."
        )
    if any(pk not in existing for pk in sent):
        raise ValidationError(
            "One of these phases is no longer there, so we saved nothing. "
            "Open the page again to see the phases as they are now."
        )
    removed, kept = set(), []
    for order, row in enumerate(rows):
        phase, name = row.get("phase"), _clean(row.get("name", ""))
        if row.get("remove"):
            if phase is not None and current_phase is not None and phase.pk == current_phase.pk:
                raise ValidationError(
                    f"“{phase.name}” is the current phase. Choose another current phase "
                    "before removing it."
                )
            if phase is not None:
                removed.add(phase.pk)
            continue
        if not name:
            if phase is not None:
                raise ValidationError("Every phase needs a name. To remove one, tick Remove.")
            continue
        phase = existing[phase.pk] if phase is not None else None
        position = row.get("position") or 10_000 + order
        # On a tie, the row whose number was just changed goes first: typing 1
        # means "put this first".
        moved = 0 if phase is None or position != phase.position else 1
        kept.append((position, moved, order, phase, name, _clean(row.get("description", ""))))
    # A phase the page did not send stays as it is, in its place.
    for pk, phase in existing.items():
        if pk not in sent:
            kept.append((phase.position, 1, len(rows), phase, phase.name, phase.description))
    names = [name.casefold() for *_, name, _ in kept]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValidationError(
            "Each phase needs its own name. Used more than once: " + ", ".join(duplicates) + "."
        )
    if current_phase is not None and (
        current_phase.project_id != project.pk or current_phase.pk not in existing
    ):
        raise ValidationError("Choose the current phase from this project's phases.")

    Phase.objects.filter(pk__in=removed).delete()
    # Two phases may swap names: give the renamed ones a name nobody types first,
    # so no moment breaks the unique rule. Every one gets its final name below.
    renamed = [
        phase
        for *_, phase, name, _ in kept
        if phase is not None and phase.name.casefold() != name.casefold()
    ]
    for phase in renamed:
        phase.name = f"renaming-{uuid.uuid4().hex}"
        phase.save(update_fields=["name", "updated_at"])
    saved = []
    ordered = sorted(kept, key=lambda k: k[:3])
    for position, (*_, phase, name, description) in enumerate(ordered, start=1):
        phase = phase if phase is not None else Phase(project=project)
        phase.name, phase.position, phase.description = name, position, description
        phase.save()
        saved.append(phase)
    was = locked.current_phase_id
    locked.current_phase = current_phase
    locked.save(update_fields=["current_phase", "updated_at"])
    # Reviews planned for the end of a phase the project has now moved past open.
    phases_moved_on(project=locked, was=was, now=current_phase, phases=saved)
    project.current_phase = current_phase
    return saved


def _record_review(project: Project, on: datetime.date):
    if project.values_reviewed_on is None or on > project.values_reviewed_on:
        project.values_reviewed_on = on
        project.save(update_fields=["values_reviewed_on", "updated_at"])


def _not_in_future(day: datetime.date, field: str = "agreed_on"):
    check_date_in_bounds(day, field)
    if day > timezone.localdate():
        raise ValidationError({field: "This date is in the future."})


@transaction.atomic
def value_propose(*, project: Project, by: User | None, title: str, meaning: str) -> Value:
    """Suggest a value for the group to talk about and agree."""
    texts = _require(title=title, meaning=meaning)
    value = Value.objects.create(project=project, proposed_by=by)
    version = ValueVersion.objects.create(value=value, number=1, written_by=by, **texts)
    value.current_version = version
    value.save(update_fields=["current_version", "updated_at"])
    return value


@transaction.atomic
def value_agree(*, value: Value, by: User | None, agreed_on: datetime.date) -> Value:
    """Record that the group agreed a suggested value, and when."""
    value = (
        Value.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=value.pk)
    )
    if value.status != Value.Status.PROPOSED:
        raise ValidationError("Only a suggested value can be agreed.")
    _not_in_future(agreed_on)
    value.status, value.agreed_on, value.agreed_recorded_by = Value.Status.AGREED, agreed_on, by
    value.save(update_fields=["status", "agreed_on", "agreed_recorded_by", "updated_at"])
    version = value.current_version
    assert version is not None  # a value is created with its first wording
    version.agreed_on = agreed_on
    version.save(update_fields=["agreed_on", "updated_at"])
    _record_review(value.project, agreed_on)
    return value


@transaction.atomic
def value_revise(
    *,
    value: Value,
    by: User | None,
    title: str,
    meaning: str,
    agreed_on: datetime.date | None = None,
    version: str | None = None,
) -> ValueVersion:
    """Reword a value, keeping every earlier wording.

    Rewording an agreed value needs the date the group agreed the new words.
    Endorsements stay with the wording people endorsed; the new one starts
    with none, so nobody is counted for words they have not seen.
    """
    value = Value.objects.select_for_update().get(pk=value.pk)
    check_version(version_of(value), version, what="this value")
    texts = _require(title=title, meaning=meaning)
    if value.status == Value.Status.RETIRED:
        raise ValidationError("This value is no longer used, so it cannot be reworded.")
    if value.status == Value.Status.AGREED:
        if agreed_on is None:
            raise ValidationError({"agreed_on": "Say when the group agreed the new words."})
        _not_in_future(agreed_on)
    else:
        agreed_on = None
    number = (value.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    wording = ValueVersion.objects.create(
        value=value, number=number, written_by=by, agreed_on=agreed_on, **texts
    )
    value.current_version = wording
    fields = ["current_version", "updated_at"]
    if agreed_on:
        value.agreed_on = agreed_on
        fields.append("agreed_on")
        _record_review(value.project, agreed_on)
    value.save(update_fields=fields)
    return wording


@transaction.atomic
def value_retire(*, value: Value, by: User | None) -> Value:
    """Stop using a value; its history stays."""
    value.status = Value.Status.RETIRED
    value.save(update_fields=["status", "updated_at"])
    return value


@transaction.atomic
def values_review_record(
    *, project: Project, by: User | None, reviewed_on: datetime.date
) -> Project:
    """Record that the group looked at its values together and kept them."""
    _not_in_future(reviewed_on, "reviewed_on")
    _record_review(project, reviewed_on)
    return project


def _member_of(value: Value, participant: Participant) -> None:
    in_project = ProjectMembership.objects.filter(
        participant=participant,
        project_id=value.project_id,
        status__in=[ProjectMembership.Status.ACTIVE, ProjectMembership.Status.INVITED],
    ).exists()
    if not in_project:
        raise ValidationError("Only members of this project can endorse its values.")


@transaction.atomic
def value_endorse(*, value: Value, participant: Participant) -> Endorsement:
    """Add a member's endorsement to the value's current wording (once)."""
    if value.status != Value.Status.AGREED:
        raise ValidationError("Only agreed values can be endorsed.")
    _member_of(value, participant)
    endorsement, _ = Endorsement.objects.get_or_create(
        version_id=value.current_version_id, participant=participant
    )
    return endorsement


@transaction.atomic
def value_endorsement_withdraw(*, value: Value, participant: Participant) -> None:
    """Take back a member's endorsement of the value's current wording."""
    Endorsement.objects.filter(
        version_id=value.current_version_id, participant=participant
    ).delete()


@transaction.atomic
def ladder_assess(
    *,
    project: Project,
    by: User | None,
    rung: str,
    reason: str,
    participant: Participant | None = None,
) -> LadderAssessment:
    """Add a view of where the project sits on the ladder: the organisation's, or a member's."""
    if rung not in Rung.values:
        raise ValidationError({"rung": "Choose one of the steps on the ladder."})
    texts = _require(reason=reason)
    return LadderAssessment.objects.create(
        project=project, rung=rung, author=by, participant=participant, **texts
    )
