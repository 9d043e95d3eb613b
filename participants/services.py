from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coprod.accounts.models import Organisation, User
from coprod.fields import check_date_in_bounds, check_length
from coprod.versions import check_version, version_of
from participants.models import (
    CONTRIBUTE_AREAS,
    DEFAULT_ROLES,
    AccessLog,
    AssetTag,
    ConsentRecord,
    Participant,
    ProjectMembership,
    ProjectRole,
)
from participants.phones import phone_normalise
from participants.selectors import current_wording

if TYPE_CHECKING:  # a higher layer: named for the type checker only, never imported
    from projects.models import Project

# Higher layers keep their own rows in step with a project's members (projects:
# the invitations to upcoming meetings). Each adds a listener when its app is
# ready (AppConfig.ready); it is called with the project's id, inside the
# transaction that changed the membership. This app never imports them.
MEMBERSHIP_LISTENERS: list[Callable[[int], None]] = []


# Called as (membership) inside the transaction that starts, moves or ends a
# break, once the row is saved: the projects app plans the check-in messages
# for its "check in with me after" date (projects/checkins.py).
BREAK_LISTENERS: list[Callable[[ProjectMembership], None]] = []


def break_changed(membership: ProjectMembership) -> None:
    for listener in BREAK_LISTENERS:
        listener(membership)


def members_changed(*, project_id: int) -> None:
    """Tell the listeners that who takes part in this project has changed."""
    for listener in MEMBERSHIP_LISTENERS:
        listener(project_id)


# What each section of "About me" writes, and so what its page's stamp covers:
# a change to someone's contact details does not make their open credit page stale.
CONTACT_FIELDS = (
    "preferred_name",
    "full_name",
    "pronouns",
    "email",
    "phone",
    "postal_address",
    "preferred_channel",
    "best_times",
)
CREDIT_FIELDS = ("credit_as", "story_requests", "self_description")
ASSETS_FIELDS = ("assets", "assets_in_own_words", "contribute_areas")
MEMBERSHIP_FIELDS = ("status", "roles")


def _check_participant(
    participant: Participant, fields: tuple[str, ...], version: str | None, what: str
) -> None:
    """Lock the person's row and refuse the save when the page showed other saved values."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    check_version(version_of(locked, fields), version, what=what)


def membership_version(membership: ProjectMembership) -> str:
    """Stamp someone's status and roles in a project, as the page shows them."""
    return version_of(membership, MEMBERSHIP_FIELDS)


@transaction.atomic
def participant_create(
    *, organisation: Organisation, by: User | None, preferred_name: str, user: User | None = None
) -> Participant:
    """Create a participant profile, optionally linked to a login."""
    if (
        user is not None
        and Participant.objects.filter(organisation=organisation, user=user).exists()
    ):
        raise ValidationError({"user": "This login already has a profile in the organisation."})
    participant = Participant(
        organisation=organisation, user=user, preferred_name=preferred_name.strip()
    )
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def membership_add(
    *,
    participant: Participant,
    project: "Project",
    by: User | None,
    status: str = ProjectMembership.Status.INVITED,
) -> ProjectMembership:
    """Give a participant a place in a project of the same organisation."""
    if participant.organisation_id != project.organisation_id:
        raise ValidationError("A person can only join projects of their own organisation.")
    membership, created = ProjectMembership.objects.get_or_create(
        participant=participant, project=project, defaults={"status": status}
    )
    if created:
        role_catalogue_seed(organisation=project.organisation)
        membership_add_role(membership=membership, name="Member")
    if not created and membership.status != status:
        membership.status = status
        membership.save(update_fields=["status", "updated_at"])
    members_changed(project_id=project.pk)
    return membership


@transaction.atomic
def private_notes_update(
    *,
    participant: Participant,
    by: User | None,
    access_needs: str = "",
    support_contact: str = "",
    wellbeing_notes: str = "",
    version: str | None = None,
) -> Participant:
    """Save a person's private notes (stored encrypted)."""
    _check_participant(participant, Participant.PRIVATE_FIELDS, version, "these notes")
    participant.access_needs = (access_needs or "").strip()
    participant.support_contact = (support_contact or "").strip()
    participant.wellbeing_notes = (wellbeing_notes or "").strip()
    participant.save(update_fields=[*Participant.PRIVATE_FIELDS, "updated_at"])
    return participant


@transaction.atomic
def access_log_record(
    *, participant: Participant, viewer: User, kind: str, detail: str = "", on_request: str = ""
) -> AccessLog | None:
    """Write down that staff read or acted on the person's data; their own reads are not.

    Call it inside the transaction that reads or changes the data, so
    nothing is seen or done without the trace the person sees.
    """
    if viewer.pk == participant.user_id:
        return None
    return AccessLog.objects.create(
        participant=participant,
        viewer=viewer,
        viewer_name=str(viewer)[:150],
        kind=kind,
        detail=_detail(detail),
        on_request=on_request.strip(),
    )


@transaction.atomic
def access_log_record_many(
    *, participants: Iterable[Participant], viewer: User, kind: str, detail: str = ""
) -> int:
    """`access_log_record` for a page that shows many people: one row each, one INSERT.

    A person listed twice gets one row; the viewer's own profile gets none.
    Returns how many rows were written.
    """
    people = {person.pk: person for person in participants if person.user_id != viewer.pk}
    if not people:
        return 0
    name, detail = str(viewer)[:150], _detail(detail)
    rows = AccessLog.objects.bulk_create(
        AccessLog(participant_id=pk, viewer=viewer, viewer_name=name, kind=kind, detail=detail)
        for pk in people
    )
    return len(rows)


def _detail(detail: str) -> str:
    return (detail or "").strip()[: AccessLog._meta.get_field("detail").max_length]


@transaction.atomic
def communication_needs_read(
    *, participant: Participant, viewer: User, detail: str = "", always: bool = False
) -> list[str]:
    """Return how the person likes us to communicate, in plain words; log a staff read.

    Logged (in the same transaction) when there is something to read, or
    `always` for a page that shows every answer, such as the on-behalf form.
    The caller has checked `participants.view_communication_needs` (or the
    on-behalf permission) first.
    """
    needs = participant.communication_needs()
    if needs or always:
        access_log_record(
            participant=participant,
            viewer=viewer,
            kind=AccessLog.Kind.COMMUNICATION_NEEDS,
            detail=detail,
        )
    return needs


@transaction.atomic
def communication_needs_read_many(
    *, participants: Iterable[Participant], viewer: User, detail: str = ""
) -> int:
    """Log that a page named these people to staff together with one of their needs."""
    return access_log_record_many(
        participants=participants,
        viewer=viewer,
        kind=AccessLog.Kind.COMMUNICATION_NEEDS,
        detail=detail,
    )


@transaction.atomic
def private_notes_read(*, participant: Participant, viewer: User) -> dict[str, str]:
    """Return the private notes; a read by anyone but the person is logged first.

    The log row is written in the same transaction as the read, so there is
    no way to see the notes without leaving a trace the member can see.
    """
    access_log_record(participant=participant, viewer=viewer, kind=AccessLog.Kind.PRIVATE_NOTES)
    return {name: getattr(participant, name) or "" for name in Participant.PRIVATE_FIELDS}


@transaction.atomic
def profile_update_contact(
    *,
    participant: Participant,
    by: User | None,
    preferred_name: str,
    full_name: str = "",
    pronouns: str = "",
    email: str = "",
    phone: str = "",
    postal_address: str = "",
    preferred_channel: str = Participant.Channel.EMAIL,
    best_times: str = "",
    version: str | None = None,
) -> Participant:
    """Save how to address and reach someone; the chosen way must be reachable."""
    _check_participant(participant, CONTACT_FIELDS, version, "these details")
    errors: dict[str, str | list[str]] = {}
    preferred_name = (preferred_name or "").strip()
    if not preferred_name:
        errors["preferred_name"] = "Tell us what to call you."
    try:
        phone = phone_normalise(phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    email = (email or "").strip().lower()
    postal_address = (postal_address or "").strip()
    needs: dict[str, tuple[str, str, str]] = {
        Participant.Channel.EMAIL: ("email", email, "We need an email address to email you."),
        Participant.Channel.SMS: ("phone", phone, "We need a mobile number to text you."),
        Participant.Channel.PHONE_CALL: ("phone", phone, "We need a phone number to call you."),
        Participant.Channel.POST: (
            "postal_address",
            postal_address,
            "We need an address to post things to you.",
        ),
    }
    if preferred_channel in needs:
        field, value, message = needs[preferred_channel]
        if not value and field not in errors:
            errors[field] = message
    if errors:
        raise ValidationError(errors)
    participant.preferred_name = preferred_name
    participant.full_name = (full_name or "").strip()
    participant.pronouns = (pronouns or "").strip()
    participant.email, participant.phone = email, phone
    participant.postal_address = postal_address
    participant.preferred_channel = preferred_channel
    participant.best_times = (best_times or "").strip()
    participant.full_clean(exclude=["user", "organisation", "assets"])
    # Only this section: a full save would write back other sections as this request read them.
    participant.save(update_fields=[*CONTACT_FIELDS, "updated_at"])
    return participant


@transaction.atomic
def profile_update_communication(
    *, participant: Participant, by: User | None, version: str | None = None, **needs
) -> Participant:
    """Save the communication needs coordinators must act on."""
    _check_participant(participant, Participant.COMMUNICATION_FIELDS, version, "these needs")
    unknown = set(needs) - set(Participant.COMMUNICATION_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown communication needs: {sorted(unknown)}")
    for name, value in needs.items():
        setattr(participant, name, value.strip() if isinstance(value, str) else value)
    participant.full_clean(exclude=["user", "organisation", "assets"])
    participant.save(update_fields=[*needs, "updated_at"])
    return participant


@transaction.atomic
def profile_update_credit(
    *,
    participant: Participant,
    by: User | None,
    credit_as: str,
    self_description: str = "",
    story_requests: str | None = None,
    version: str | None = None,
) -> Participant:
    """Save how someone wants to be named, whether they may be asked for their story,
    and their optional self-description."""
    _check_participant(participant, CREDIT_FIELDS, version, "this section")
    if credit_as not in Participant.Credit.values:
        raise ValidationError({"credit_as": "Choose one of the options."})
    if story_requests is not None:
        if story_requests not in Participant.StoryRequests.values:
            raise ValidationError({"story_requests": "Choose one of the options."})
        participant.story_requests = story_requests
    participant.credit_as = credit_as
    participant.self_description = (self_description or "").strip()
    participant.save(
        update_fields=["credit_as", "story_requests", "self_description", "updated_at"]
    )
    return participant


@transaction.atomic
def assets_update(
    *,
    participant: Participant,
    by: User | None,
    tags: list[AssetTag],
    new_tags: dict[str, str],
    assets_in_own_words: str = "",
    contribute_areas: list[str] | None = None,
    version: str | None = None,
) -> Participant:
    """Save what someone brings; words they add join the organisation's list."""
    _check_participant(participant, ASSETS_FIELDS, version, "this section")
    foreign = [tag for tag in tags if tag.organisation_id != participant.organisation_id]
    if foreign:
        raise ValidationError("Choose from your own organisation's list.")
    known = {key for key, _ in CONTRIBUTE_AREAS}
    areas = list(dict.fromkeys(contribute_areas or []))
    if set(areas) - known:
        raise ValidationError({"contribute_areas": "Choose from the options shown."})
    chosen = list(tags)
    for kind, text in new_tags.items():
        if kind not in AssetTag.Kind.values:
            raise ValidationError(f"Unknown kind of asset: {kind}")
        typed = [
            check_length(part, 80, f"new_{kind}")
            for part in (text or "").split(",")
            if part.strip()
        ]
        # "Cooking, cooking" is one word: keep the first spelling typed.
        for name in {word.casefold(): word for word in reversed(typed)}.values():
            existing = AssetTag.objects.filter(
                organisation=participant.organisation, kind=kind, name__iexact=name
            ).first()
            chosen.append(
                existing
                or AssetTag.objects.create(
                    organisation=participant.organisation, kind=kind, name=name
                )
            )
    participant.assets.set(chosen)
    participant.assets_in_own_words = (assets_in_own_words or "").strip()
    participant.contribute_areas = areas
    participant.save(update_fields=["assets_in_own_words", "contribute_areas", "updated_at"])
    return participant


@transaction.atomic
def membership_take_break(
    *, membership: ProjectMembership, by: User | None, check_in_on=None
) -> ProjectMembership:
    """Step back from a project for a while: no penalty, nothing lost.

    Someone already on a break uses this to move their check-in date ("not yet").
    """

    membership = ProjectMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status not in (
        ProjectMembership.Status.ACTIVE,
        ProjectMembership.Status.INVITED,
        ProjectMembership.Status.ON_BREAK,
    ):
        raise ValidationError("You can take a break from a project you are taking part in.")
    already_resting = membership.status == ProjectMembership.Status.ON_BREAK
    today = timezone.localdate()
    check_date_in_bounds(check_in_on, "check_in_on")
    if check_in_on is not None and check_in_on <= today:
        raise ValidationError({"check_in_on": "Choose a date after today, or leave it empty."})
    membership.check_in_on = check_in_on
    if already_resting:
        membership.save(update_fields=["check_in_on", "updated_at"])
    else:
        membership.status = ProjectMembership.Status.ON_BREAK
        membership.status_changed_on = today
        membership.save(update_fields=["status", "check_in_on", "status_changed_on", "updated_at"])
        members_changed(project_id=membership.project_id)
    break_changed(membership)
    return membership


@transaction.atomic
def membership_come_back(*, membership: ProjectMembership, by: User | None) -> ProjectMembership:
    """Return from a break, or rejoin after leaving: one step, history kept."""

    membership = ProjectMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status not in (ProjectMembership.Status.ON_BREAK, ProjectMembership.Status.LEFT):
        raise ValidationError("You are already taking part in this project.")
    membership.status = ProjectMembership.Status.ACTIVE
    membership.check_in_on = None
    membership.status_changed_on = timezone.localdate()
    membership.save(update_fields=["status", "check_in_on", "status_changed_on", "updated_at"])
    members_changed(project_id=membership.project_id)
    break_changed(membership)
    return membership


# Called as (participant, topic, given) inside consent_record's transaction,
# once the answer is saved. A later app reacts here without this one importing
# it: the outbox plans again the messages it called off for want of consent.
CONSENT_LISTENERS: list[Callable[[Participant, str, bool], None]] = []


@transaction.atomic
def consent_record(
    *, participant: Participant, topic: str, given: bool, by: User | None, on_behalf: bool = False
) -> ConsentRecord:
    """Give or withdraw consent to the current wording of a topic: one step, kept for good."""

    wording = current_wording(topic)
    if wording is None:
        raise ValidationError("There is nothing to agree to on this topic yet.")
    if on_behalf and by is not None and by.pk == participant.user_id:
        on_behalf = False
    record = ConsentRecord.objects.create(
        participant=participant, wording=wording, given=given, recorded_by=by, on_behalf=on_behalf
    )
    for listener in CONSENT_LISTENERS:
        listener(participant, topic, given)
    return record


@transaction.atomic
def role_catalogue_seed(*, organisation: Organisation) -> None:
    """Give an organisation the starting roles (idempotent)."""

    for name, description, leads, agendas, updates, stories in DEFAULT_ROLES:
        ProjectRole.objects.get_or_create(
            organisation=organisation,
            name=name,
            defaults={
                "description": description,
                "leads_project": leads,
                "edits_agendas": agendas,
                "posts_updates": updates,
                "gathers_stories": stories,
            },
        )


@transaction.atomic
def role_create(
    *,
    organisation: Organisation,
    by: User | None,
    name: str,
    description: str = "",
    leads_project: bool = False,
    edits_agendas: bool = False,
    posts_updates: bool = False,
    gathers_stories: bool = False,
):
    """Add a role to an organisation's catalogue."""

    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the role a name."})
    if ProjectRole.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ValidationError({"name": "Your organisation already has a role with this name."})
    return ProjectRole.objects.create(
        organisation=organisation,
        name=name,
        description=(description or "").strip(),
        leads_project=leads_project,
        edits_agendas=edits_agendas,
        posts_updates=posts_updates,
        gathers_stories=gathers_stories,
    )


@transaction.atomic
def membership_update(
    *,
    membership: ProjectMembership,
    by: User | None,
    status: str,
    roles,
    version: str | None = None,
) -> ProjectMembership:
    """Set someone's status and roles in a project; roles come from their organisation.

    `version` is the membership_version the page showed (see coprod/versions.py).
    """

    locked = ProjectMembership.objects.select_for_update().get(pk=membership.pk)
    check_version(membership_version(locked), version, what="this person's part in the project")
    roles = list(roles)
    if any(role.organisation_id != membership.project.organisation_id for role in roles):
        raise ValidationError({"roles": "Choose roles from this organisation's list."})
    if status not in ProjectMembership.Status.values:
        raise ValidationError({"status": "Choose one of the options."})
    if status != membership.status:
        membership.status = status
        membership.status_changed_on = timezone.localdate()
        if status != ProjectMembership.Status.ON_BREAK:
            membership.check_in_on = None
        membership.save(update_fields=["status", "status_changed_on", "check_in_on", "updated_at"])
        members_changed(project_id=membership.project_id)
        break_changed(membership)
    membership.roles.set(roles)
    return membership


def membership_add_role(*, membership: ProjectMembership, name: str) -> None:
    """Give someone a role from their organisation's catalogue, by name."""

    role = ProjectRole.objects.get(
        organisation_id=membership.project.organisation_id, name__iexact=name
    )
    membership.roles.add(role)
